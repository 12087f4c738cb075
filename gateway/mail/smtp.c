/* The SMTP sink: a few sessions at once, each a thread with one libcurl
 * easy handle that sends one message (one MAIL FROM, one RCPT TO) at a
 * time and keeps its connection for the next, until it closes it after
 * exactly messages_per_connection.  Threads, not libcurl's multi
 * interface: libcurl's SMTP (7.88 and later) waits for the reply to the end
 * of the data inside its "done" step, blocking, so on one multi handle the
 * sessions take turns on the slowest reply of the transaction.  The
 * threads only talk SMTP: they take messages from one queue, which the
 * calling thread keeps filled so that a session that ends a transaction
 * finds its next message waiting (two messages a session are given out:
 * the one it sends and the next), and hand back results, which the calling
 * thread takes in order of arrival; it is the only one that touches the
 * outbox and the log.  The debug callback follows the commands and keeps
 * the last reply, so that each result says where the transaction stopped
 * and what the server said. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>

#include "gateway/base/log.h"
#include "gateway/base/secret.h"
#include "gateway/mail/smtp.h"
#include "gateway/base/threads.h"

G_DEFINE_QUARK (ctcgw-smtp-error-quark, smtp_error)

/* Seconds: to connect, and for any one reply of the server (RFC 5321
 * 4.5.3.2 allows 10 minutes after the data; 5 is what MTAs use). */
#define CONNECT_TIMEOUT 30L
#define REPLY_TIMEOUT 300L
/* The longest row id in decimal digits that a VERP address carries. */
#define VERP_DIGITS_MAX 18

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLU, curl_url_cleanup)

typedef struct Sender Sender;

/* One session: a thread, its easy handle and the message it is sending,
 * all its own once it runs. */
typedef struct {
  Sender *sender;
  GThread *thread;
  CURL *easy;
  struct curl_slist *rcpt;
  GBytes *wire;               /* msg->raw with CRLF line ends */
  gsize offset;               /* bytes of wire given to libcurl */
  SmtpPhase phase;
  char reply[SMTP_REPLY_MAX + 1];   /* the reply to the last command */
  char errbuf[CURL_ERROR_SIZE];
  CURLcode result;
  guint used;                 /* messages sent over its connection */
  gboolean closing;           /* the connection ends with this message */
  gboolean quitting;          /* QUIT was sent: the replies are not the message's */
} Session;

/* What a session hands back for one message. */
typedef struct {
  Session *session;
  SmtpMessage *msg;
  SmtpOutcome outcome;
  char *detail;               /* the server's last reply or libcurl's reason */
  gboolean retired;           /* failed before MAIL FROM: the session stops */
} Result;

/* Messages given out a live session: the one it sends and the next. */
#define AHEAD_PER_SESSION 2

/* One pass of the sender. */
struct Sender {
  const Config *config;
  Session sessions[SMTP_SESSIONS_MAX];
  GAsyncQueue *work;          /* SmtpMessage* to send; the Sender itself: stop */
  GAsyncQueue *results;       /* Result* */
  guint started;              /* sessions whose thread runs */
  guint live;                 /* of those, the ones not retired */
  guint given;                /* messages in work or being sent */
  guint untried;              /* messages given that no session could send */
  gboolean exhausted;         /* next has nothing more */
  gboolean failed;            /* next or done failed: take nothing more */
  gboolean unreported;        /* done failed: report nothing more */
  SmtpNextFunc next;
  SmtpDoneFunc done;
  gpointer data;
  char *url;
  gboolean starttls;
  char *password;
  char *unreachable;          /* why the last session was retired */
};

/* ---- pure helpers ---------------------------------------------------------- */

/* See smtp.h. */
char *
smtp_verp_address (const char *bounce, gint64 id)
{
  const char *at = bounce != NULL ? strrchr (bounce, '@') : NULL;
  if (at == NULL || id <= 0 || !config_address_valid (bounce))
    return NULL;
  g_autofree char *verp = g_strdup_printf ("%.*s+%" G_GINT64_FORMAT "%s",
                                           (int) (at - bounce), bounce, id, at);
  /* config_address_valid() holds the local part to 64 bytes. */
  if (!config_address_valid (verp))
    return NULL;
  return g_steal_pointer (&verp);
}

/* A row id written as 1 to VERP_DIGITS_MAX digits without a leading zero;
 * 0 when the text is none. */
static gint64
parse_row_id (const char *s, gsize len)
{
  guint64 n = 0;
  if (len == 0 || len > VERP_DIGITS_MAX || s[0] == '0')
    return 0;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return 0;
      n = n * 10 + (guint64) (s[i] - '0');
    }
  return (gint64) n;
}

/* See smtp.h. */
gint64
smtp_verp_row_id (const char *bounce, const char *addr)
{
  const char *bat = bounce != NULL ? strrchr (bounce, '@') : NULL;
  const char *aat = addr != NULL ? strrchr (addr, '@') : NULL;
  if (bat == NULL || aat == NULL || g_ascii_strcasecmp (bat, aat) != 0)
    return 0;
  gsize local = (gsize) (bat - bounce);
  gsize alocal = (gsize) (aat - addr);
  if (alocal < local + 2 || g_ascii_strncasecmp (addr, bounce, local) != 0
      || addr[local] != '+')
    return 0;
  return parse_row_id (addr + local + 1, alocal - local - 1);
}

/* An LF at p[i] that no CR comes before. */
static inline gboolean
bare_lf (const guint8 *p, gsize i)
{
  return p[i] == '\n' && (i == 0 || p[i - 1] != '\r');
}

/* A CR at p[i] that no LF comes after. */
static inline gboolean
bare_cr (const guint8 *p, gsize len, gsize i)
{
  return p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n');
}

/* See smtp.h. */
GBytes *
smtp_crlf (GBytes *raw)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (raw, &len);
  gsize bare = 0;
  for (gsize i = 0; i < len; i++)
    bare += bare_lf (p, i) || bare_cr (p, len, i);
  if (bare == 0)
    return g_bytes_ref (raw);
  guint8 *out = g_malloc (len + bare);
  gsize o = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (bare_lf (p, i))
        out[o++] = '\r';
      out[o++] = p[i];
      if (bare_cr (p, len, i))
        out[o++] = '\n';
    }
  return g_bytes_new_take (out, o);
}

/* See smtp.h. */
SmtpOutcome
smtp_outcome (gboolean ok, SmtpPhase phase, long code)
{
  if (ok)
    return SMTP_SENT;
  if (phase == SMTP_PHASE_SESSION || code < 500 || code > 599)
    return SMTP_DEFERRED;
  return SMTP_FAILED;
}

/* Reads the starttls query of an SMTP URL and removes it; FALSE for any
 * other query. */
static gboolean
take_starttls_query (CURLU *u, gboolean *starttls)
{
  char *query = NULL;
  if (curl_url_get (u, CURLUPART_QUERY, &query, 0) != CURLUE_OK || query == NULL)
    return TRUE;
  gboolean known = g_ascii_strcasecmp (query, "starttls") == 0;
  curl_free (query);
  *starttls = *starttls || known;
  return known && curl_url_set (u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK;
}

/* See smtp.h. */
char *
smtp_curl_url (const char *url, const char *helo_domain, gboolean config_starttls,
               gboolean *starttls)
{
  g_autoptr (CURLU) u = curl_url ();
  char *scheme = NULL, *path = NULL, *out = NULL;
  *starttls = config_starttls;
  if (u == NULL || url == NULL || curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK
      || curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
    return NULL;
  gboolean smtps = g_ascii_strcasecmp (scheme, "smtps") == 0;
  gboolean known = smtps || g_ascii_strcasecmp (scheme, "smtp") == 0;
  curl_free (scheme);
  if (!known || !take_starttls_query (u, starttls))
    return NULL;
  if (smtps)
    *starttls = FALSE;
  if (curl_url_get (u, CURLUPART_PATH, &path, 0) == CURLUE_OK
      && (path[0] == '\0' || strcmp (path, "/") == 0) && helo_domain != NULL)
    {
      g_autofree char *helo = g_strconcat ("/", helo_domain, NULL);
      curl_url_set (u, CURLUPART_PATH, helo, 0);
    }
  curl_free (path);
  if (curl_url_get (u, CURLUPART_URL, &out, 0) != CURLUE_OK)
    return NULL;
  char *copy = g_strdup (out);
  curl_free (out);
  return copy;
}

/* ---- a session's callbacks ------------------------------------------------- */

/* libcurl reads the message from here. */
static size_t
on_read (char *buffer, size_t size, size_t nitems, void *userp)
{
  Session *s = userp;
  gsize len;
  const char *data = g_bytes_get_data (s->wire, &len);
  gsize n = MIN (size * nitems, len - s->offset);
  memcpy (buffer, data + s->offset, n);
  s->offset += n;
  return n;
}

/* Keeps the last line of a reply, without its line end, bounded. */
static void
keep_reply (Session *s, const char *data, size_t size)
{
  while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
    size--;
  const char *line = g_strrstr_len (data, (gssize) size, "\n");
  if (line != NULL)
    {
      size -= (size_t) (line + 1 - data);
      data = line + 1;
    }
  size = MIN (size, (size_t) SMTP_REPLY_MAX);
  memcpy (s->reply, data, size);
  s->reply[size] = '\0';
}

/* Follows the commands sent (never keeping them: AUTH carries the
 * password) and the replies received. */
static int
on_debug (CURL *easy, curl_infotype type, char *data, size_t size, void *userp)
{
  Session *s = userp;
  if (type == CURLINFO_HEADER_IN && !s->quitting)
    keep_reply (s, data, size);
  else if (type == CURLINFO_HEADER_OUT && !s->quitting)
    {
      s->quitting = size >= 4 && g_ascii_strncasecmp (data, "QUIT", 4) == 0;
      if (!s->quitting)
        s->reply[0] = '\0';
      if (size >= 10 && g_ascii_strncasecmp (data, "MAIL FROM:", 10) == 0)
        s->phase = SMTP_PHASE_MAIL;
      else if (size >= 8 && g_ascii_strncasecmp (data, "RCPT TO:", 8) == 0)
        s->phase = SMTP_PHASE_RCPT;
      else if (size >= 4 && g_ascii_strncasecmp (data, "DATA", 4) == 0)
        s->phase = SMTP_PHASE_DATA;
    }
  return 0;
}

/* The code of the last reply, 0 when there was none. */
static long
reply_code (const Session *s)
{
  if (!g_ascii_isdigit (s->reply[0]) || !g_ascii_isdigit (s->reply[1])
      || !g_ascii_isdigit (s->reply[2]))
    return 0;
  return (s->reply[0] - '0') * 100 + (s->reply[1] - '0') * 10 + (s->reply[2] - '0');
}

/* ---- setting up ------------------------------------------------------------ */

/* The password of the [smtp] password file (a new string: secret_free). */
static char *
read_password (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  char *password = secret_read_password (path, &local);
  if (password == NULL)
    g_set_error (error, SMTP_ERROR, SMTP_ERROR_CONFIG, "[smtp] password_file: %s",
                 local->message);
  return password;
}

/* The URL, TLS and login of the configuration, checked before anything is
 * taken from the outbox. */
static gboolean
sender_prepare (Sender *s, GError **error)
{
  const char *address = s->config->address;
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  s->url = smtp_curl_url (s->config->smtp_url, at != NULL ? at + 1 : NULL,
                          s->config->smtp_starttls, &s->starttls);
  if (s->url == NULL)
    {
      g_set_error (error, SMTP_ERROR, SMTP_ERROR_CONFIG, "[smtp] url: not an smtp://"
                   " or smtps:// URL libcurl can use");
      return FALSE;
    }
  if (s->config->smtp_user != NULL && s->config->smtp_password_file != NULL)
    s->password = read_password (s->config->smtp_password_file, error);
  return s->config->smtp_user == NULL || s->password != NULL;
}

/* The options of a session that hold for every message. */
static gboolean
session_init (Sender *s, Session *ss, GError **error)
{
  CURL *e = ss->easy = curl_easy_init ();
  if (e == NULL)
    {
      g_set_error (error, SMTP_ERROR, SMTP_ERROR_LIBRARY, "libcurl: cannot make a handle");
      return FALSE;
    }
  ss->sender = s;
  curl_easy_setopt (e, CURLOPT_URL, s->url);
  curl_easy_setopt (e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt (e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (e, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (e, CURLOPT_READDATA, ss);
  curl_easy_setopt (e, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (e, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt (e, CURLOPT_DEBUGDATA, ss);
  curl_easy_setopt (e, CURLOPT_ERRORBUFFER, ss->errbuf);
  curl_easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
  curl_easy_setopt (e, CURLOPT_SERVER_RESPONSE_TIMEOUT, REPLY_TIMEOUT);
  if (s->starttls)
    curl_easy_setopt (e, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  if (s->password != NULL)
    {
      curl_easy_setopt (e, CURLOPT_USERNAME, s->config->smtp_user);
      curl_easy_setopt (e, CURLOPT_PASSWORD, s->password);
    }
  return TRUE;
}

/* ---- a session's thread ------------------------------------------------------ */

/* Counts the messages of the session's connection: a new connection (or
 * none left open) starts the count again. */
static void
count_connection (Session *ss)
{
  long connects = 0;
  curl_easy_getinfo (ss->easy, CURLINFO_NUM_CONNECTS, &connects);
  if (ss->result != CURLE_OK || ss->closing)
    ss->used = 0;
  else if (connects > 0)
    ss->used = 1;
  else
    ss->used++;
}

/* What to record about a transfer: the server's reply when it accepted
 * or refused; libcurl's reason when the transfer failed otherwise. */
static const char *
transfer_detail (const Session *ss)
{
  long code = reply_code (ss);
  if (ss->reply[0] != '\0' && (ss->result == CURLE_OK || code >= 400))
    return ss->reply;
  return ss->errbuf[0] != '\0' ? ss->errbuf : curl_easy_strerror (ss->result);
}

/* Sends msg, in the session's thread; its result, for the calling thread. */
static Result *
session_send (Session *ss, SmtpMessage *msg)
{
  guint per_connection = MAX (ss->sender->config->messages_per_connection, 1u);
  ss->wire = smtp_crlf (msg->raw);
  ss->offset = 0;
  ss->phase = SMTP_PHASE_SESSION;
  ss->reply[0] = ss->errbuf[0] = '\0';
  ss->quitting = FALSE;
  ss->rcpt = curl_slist_append (NULL, msg->recipient);
  ss->closing = ss->used + 1 >= per_connection;
  curl_easy_setopt (ss->easy, CURLOPT_MAIL_FROM, msg->mail_from);
  curl_easy_setopt (ss->easy, CURLOPT_MAIL_RCPT, ss->rcpt);
  curl_easy_setopt (ss->easy, CURLOPT_INFILESIZE_LARGE,
                    (curl_off_t) g_bytes_get_size (ss->wire));
  curl_easy_setopt (ss->easy, CURLOPT_FORBID_REUSE, ss->closing ? 1L : 0L);
  ss->result = ss->rcpt != NULL ? curl_easy_perform (ss->easy) : CURLE_OUT_OF_MEMORY;
  count_connection (ss);
  gboolean ok = ss->result == CURLE_OK;
  Result *r = g_new0 (Result, 1);
  *r = (Result) { ss, msg, smtp_outcome (ok, ss->phase, reply_code (ss)),
                  g_strdup (transfer_detail (ss)), !ok && ss->phase == SMTP_PHASE_SESSION };
  g_clear_pointer (&ss->rcpt, curl_slist_free_all);
  g_clear_pointer (&ss->wire, g_bytes_unref);
  return r;
}

/* A session's thread: sends messages from the queue until it is told to
 * stop or cannot reach the server, then closes its connection (QUIT). */
static gpointer
session_thread (gpointer data)
{
  Session *ss = data;
  Sender *s = ss->sender;
  gpointer item;
  while ((item = g_async_queue_pop (s->work)) != s)
    {
      Result *r = session_send (ss, item);
      gboolean retired = r->retired;
      g_async_queue_push (s->results, r);
      if (retired)
        break;
    }
  g_clear_pointer (&ss->easy, curl_easy_cleanup);
  return NULL;
}

/* ---- the calling thread -------------------------------------------------------- */

/* Frees a result and its message. */
static void
result_free (Result *r)
{
  g_free (r->msg);
  g_free (r->detail);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

/* An address that goes into an SMTP command: a plain addr-spec only. */
static gboolean
wire_address_valid (const char *addr)
{
  return addr != NULL && strpbrk (addr, "\r\n<>") == NULL && config_address_valid (addr);
}

/* A server's reply or libcurl's reason as text to keep: valid UTF-8,
 * control characters made spaces, at most SMTP_REPLY_MAX bytes. */
static char *
clean_detail (const char *text)
{
  char *clean = g_utf8_make_valid (text, MIN (strlen (text), (gsize) SMTP_REPLY_MAX));
  for (char *p = clean; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_strstrip (clean);
}

/* Reports the result of message id; after a failure of done, results
 * are dropped. */
static gboolean
report (Sender *s, gint64 id, SmtpOutcome outcome, const char *detail, GError **error)
{
  g_autofree char *clean = clean_detail (detail);
  if (s->unreported)
    return TRUE;
  s->unreported = !s->done (s->data, id, outcome, clean, error);
  s->failed = s->failed || s->unreported;
  return !s->unreported;
}

/* Takes the next message from next into the queue, unless its addresses
 * cannot go on the wire (then it fails at once); FALSE when next or done
 * failed. */
static gboolean
give_next (Sender *s, GError **error)
{
  SmtpMessage msg = { 0 };
  g_autoptr (GError) local = NULL;
  if (!s->next (s->data, &msg, &local))
    {
      s->exhausted = TRUE;
      s->failed = local != NULL;
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return !s->failed;
    }
  if (wire_address_valid (msg.recipient) && wire_address_valid (msg.mail_from))
    {
      s->given++;
      g_async_queue_push (s->work, g_memdup2 (&msg, sizeof msg));
      return TRUE;
    }
  return report (s, msg.id, SMTP_FAILED, "not an address that can be sent to", error);
}

/* Gives out AHEAD_PER_SESSION messages a live session. */
static gboolean
fill_queue (Sender *s, GError **error)
{
  while (!s->exhausted && !s->failed && s->given < AHEAD_PER_SESSION * s->live)
    if (!give_next (s, error))
      return FALSE;
  return TRUE;
}

/* Takes back what no session will send: after a failure, unreported;
 * when every session is retired, reported as not tried. */
static gboolean
take_back (Sender *s, GError **error)
{
  gboolean ok = TRUE;
  SmtpMessage *msg;
  while ((msg = g_async_queue_try_pop (s->work)) != NULL)
    {
      s->given--;
      s->untried += !s->failed;
      if (ok && !s->failed)
        ok = report (s, msg->id, SMTP_UNTRIED,
                     s->unreachable != NULL ? s->unreachable : "no session could send", error);
      g_free (msg);
    }
  return ok;
}

/* A session that could not reach the server stops; the last one's reason
 * is kept. */
static void
retire (Sender *s, const Result *r)
{
  g_autofree char *why = clean_detail (r->detail);
  g_autofree char *shown = log_escape (why);
  log_warn ("smtp", "session=%d error=%s: it stops for this pass",
            (int) (r->session - s->sessions), shown);
  s->live--;
  g_free (s->unreachable);
  s->unreachable = g_steal_pointer (&why);
}

/* Takes one result, then fills the queue again (the sessions meanwhile
 * send what waits there). */
static gboolean
take_result (Sender *s, Result *r, GError **error)
{
  s->given--;
  if (r->retired)
    retire (s, r);
  if (!report (s, r->msg->id, r->outcome, r->detail, error))
    return FALSE;
  return fill_queue (s, error);
}

/* Takes the results until no message is given out.  After a failure it
 * takes back what waits in the queue and still waits for every session:
 * their messages belong to the caller. */
static gboolean
sender_loop (Sender *s, GError **error)
{
  gboolean ok = TRUE;
  while (s->given > 0)
    {
      if ((s->failed || s->live == 0) && !take_back (s, ok ? error : NULL))
        ok = FALSE;
      if (s->given == 0)
        break;
      g_autoptr (Result) r = g_async_queue_pop (s->results);
      if (!take_result (s, r, ok ? error : NULL))
        ok = FALSE;
    }
  return ok && !s->failed;
}

/* Stops the sessions' threads (their connections end with QUIT) and frees
 * the sender. */
static void
sender_clear (Sender *s)
{
  for (guint i = 0; i < s->started; i++)
    g_async_queue_push (s->work, s);
  for (guint i = 0; i < SMTP_SESSIONS_MAX; i++)
    {
      Session *ss = &s->sessions[i];
      if (ss->thread != NULL)
        g_thread_join (ss->thread);
      g_clear_pointer (&ss->easy, curl_easy_cleanup);
    }
  g_clear_pointer (&s->work, g_async_queue_unref);
  g_clear_pointer (&s->results, g_async_queue_unref);
  g_free (s->url);
  g_free (s->unreachable);
  secret_free (s->password);
}

/* libcurl's global state, once for the process (before any thread). */
static gboolean
global_init (GError **error)
{
  static gsize done = 0;
  static CURLcode rc = CURLE_OK;
  if (g_once_init_enter (&done))
    {
      rc = curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
  if (rc == CURLE_OK)
    return TRUE;
  g_set_error (error, SMTP_ERROR, SMTP_ERROR_LIBRARY, "libcurl: %s", curl_easy_strerror (rc));
  return FALSE;
}

/* The sessions and their threads, then the first messages. */
static gboolean
sender_start (Sender *s, GError **error)
{
  if (!global_init (error) || !sender_prepare (s, error))
    return FALSE;
  s->work = g_async_queue_new ();
  s->results = g_async_queue_new ();
  for (guint i = 0; i < s->config->smtp_sessions; i++)
    {
      Session *ss = &s->sessions[i];
      if (!session_init (s, ss, error))
        return FALSE;
      ss->thread = threads_start ("ctcgw-smtp", session_thread, ss, error);
      if (ss->thread == NULL)
        return FALSE;
      s->started++;
      s->live++;
    }
  return fill_queue (s, error);
}

/* See smtp.h. */
gboolean
smtp_send (const Config *config, SmtpNextFunc next, SmtpDoneFunc done, gpointer data,
           GError **error)
{
  Sender s = { .config = config, .next = next, .done = done, .data = data };
  gboolean ok = sender_start (&s, error);
  ok = sender_loop (&s, ok ? error : NULL) && ok;
  if (ok && (!s.exhausted || s.untried > 0))
    {
      g_set_error (error, SMTP_ERROR, SMTP_ERROR_UNREACHABLE, "%s",
                   s.unreachable != NULL ? s.unreachable : "no session could send");
      ok = FALSE;
    }
  sender_clear (&s);
  return ok;
}
