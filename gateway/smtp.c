/* The SMTP sink: a few sessions at once, each a thread with one libcurl
 * easy handle that sends one message (one MAIL FROM, one RCPT TO) at a
 * time and keeps its connection for the next, until it closes it after
 * exactly messages_per_connection.  Threads, not libcurl's multi
 * interface: libcurl's SMTP (7.88 and later) waits for the reply to the end
 * of the data inside its "done" step, blocking, so on one multi handle the
 * sessions take turns on the slowest reply of the transaction.  The
 * threads only talk SMTP; the calling thread hands them messages, takes
 * their results in order of arrival and is the only one that touches the
 * outbox and the log.  The debug callback follows the commands and keeps
 * the last reply, so that each result says where the transaction stopped
 * and what the server said. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>

#include "gateway/log.h"
#include "gateway/smtp.h"
#include "gateway/threads.h"

G_DEFINE_QUARK (ctcgw-smtp-error-quark, smtp_error)

/* Seconds: to connect, and for any one reply of the server (RFC 5321
 * 4.5.3.2 allows 10 minutes after the data; 5 is what MTAs use). */
#define CONNECT_TIMEOUT 30L
#define REPLY_TIMEOUT 300L
/* The longest row id in decimal digits that a VERP address carries. */
#define VERP_DIGITS_MAX 18

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLU, curl_url_cleanup)

typedef struct Sender Sender;

/* One session: a thread, its easy handle and the message it is sending.
 * The thread owns the fields from easy to used while it sends; the
 * calling thread reads them once the session is back on the results
 * queue. */
typedef struct {
  Sender *sender;
  GThread *thread;
  GAsyncQueue *work;          /* the session itself: send msg; NULL: stop */
  SmtpMessage msg;            /* msg.id == 0: no message */
  CURL *easy;
  struct curl_slist *rcpt;
  GBytes *wire;               /* msg.raw with CRLF line ends */
  gsize offset;               /* bytes of wire given to libcurl */
  SmtpPhase phase;
  char reply[SMTP_REPLY_MAX + 1];   /* the reply to the last command */
  char errbuf[CURL_ERROR_SIZE];
  CURLcode result;
  guint used;                 /* messages sent over its connection */
  gboolean closing;           /* the connection ends with this message */
  gboolean quitting;          /* QUIT was sent: the replies are not the message's */
  gboolean retired;           /* failed before MAIL FROM: takes no more */
} Session;

/* One pass of the sender. */
struct Sender {
  const Config *config;
  Session sessions[SMTP_SESSIONS_MAX];
  GAsyncQueue *results;       /* Session* whose message is done */
  guint active;               /* sessions with a message */
  gboolean exhausted;         /* next has nothing more */
  gboolean failed;            /* next or done failed: take nothing more */
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

/* The first line of the password file, without its line end. */
static char *
read_password (const char *path, GError **error)
{
  char buf[SMTP_PASSWORD_MAX + 2];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  int err = errno;
  if (fd >= 0)
    close (fd);
  if (got < 0)
    {
      g_set_error (error, SMTP_ERROR, SMTP_ERROR_CONFIG, "[smtp] password_file: cannot"
                   " read %s: %s", path, g_strerror (err));
      return NULL;
    }
  buf[got] = '\0';
  gsize len = strcspn (buf, "\r\n");
  char *password = len > 0 && len <= SMTP_PASSWORD_MAX ? g_strndup (buf, len) : NULL;
  explicit_bzero (buf, sizeof buf);
  if (password == NULL)
    g_set_error (error, SMTP_ERROR, SMTP_ERROR_CONFIG, "[smtp] password_file: %s: the"
                 " first line is empty or longer than %d bytes", path, SMTP_PASSWORD_MAX);
  return password;
}

/* Overwrites a secret before freeing it. */
static void
secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
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

/* Sends the session's message, in the session's thread. */
static void
session_send (Session *ss)
{
  guint per_connection = MAX (ss->sender->config->messages_per_connection, 1u);
  ss->wire = smtp_crlf (ss->msg.raw);
  ss->offset = 0;
  ss->phase = SMTP_PHASE_SESSION;
  ss->reply[0] = ss->errbuf[0] = '\0';
  ss->quitting = FALSE;
  ss->rcpt = curl_slist_append (NULL, ss->msg.recipient);
  ss->closing = ss->used + 1 >= per_connection;
  curl_easy_setopt (ss->easy, CURLOPT_MAIL_FROM, ss->msg.mail_from);
  curl_easy_setopt (ss->easy, CURLOPT_MAIL_RCPT, ss->rcpt);
  curl_easy_setopt (ss->easy, CURLOPT_INFILESIZE_LARGE,
                    (curl_off_t) g_bytes_get_size (ss->wire));
  curl_easy_setopt (ss->easy, CURLOPT_FORBID_REUSE, ss->closing ? 1L : 0L);
  ss->result = ss->rcpt != NULL ? curl_easy_perform (ss->easy) : CURLE_OUT_OF_MEMORY;
  count_connection (ss);
}

/* A session's thread: sends what it is given until it is told to stop,
 * then closes its connection (QUIT). */
static gpointer
session_thread (gpointer data)
{
  Session *ss = data;
  while (g_async_queue_pop (ss->work) == ss)
    {
      session_send (ss);
      g_async_queue_push (ss->sender->results, ss);
    }
  g_clear_pointer (&ss->easy, curl_easy_cleanup);
  return NULL;
}

/* ---- the calling thread -------------------------------------------------------- */

/* Frees what a session holds for its message. */
static void
session_clear_message (Session *ss)
{
  g_clear_pointer (&ss->rcpt, curl_slist_free_all);
  g_clear_pointer (&ss->wire, g_bytes_unref);
  memset (&ss->msg, 0, sizeof ss->msg);
}

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

/* Reports the result of message id; after a failure of next or done,
 * results are dropped. */
static gboolean
report (Sender *s, gint64 id, SmtpOutcome outcome, const char *detail, GError **error)
{
  g_autofree char *clean = clean_detail (detail);
  if (s->failed)
    return TRUE;
  s->failed = !s->done (s->data, id, outcome, clean, error);
  return !s->failed;
}

/* Gives the session its next message: the next one from the outbox whose
 * addresses can go on the wire (the others fail at once). */
static gboolean
session_start (Sender *s, Session *ss, GError **error)
{
  while (!s->exhausted && !s->failed && !ss->retired)
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
      ss->msg = msg;
      if (wire_address_valid (msg.recipient) && wire_address_valid (msg.mail_from))
        {
          s->active++;
          g_async_queue_push (ss->work, ss);
          return TRUE;
        }
      session_clear_message (ss);
      if (!report (s, msg.id, SMTP_FAILED, "not an address that can be sent to", error))
        return FALSE;
    }
  return TRUE;
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

/* A session is back: it takes its next message (unless it failed before
 * MAIL FROM: then it is retired), then the result goes to the outbox. */
static gboolean
session_finished (Sender *s, Session *ss, GError **error)
{
  gboolean ok = ss->result == CURLE_OK;
  SmtpOutcome outcome = smtp_outcome (ok, ss->phase, reply_code (ss));
  gint64 id = ss->msg.id;
  g_autofree char *detail = g_strdup (transfer_detail (ss));
  if (!ok && ss->phase == SMTP_PHASE_SESSION)
    {
      g_autofree char *why = clean_detail (transfer_detail (ss));
      g_autofree char *shown = log_escape (why);
      log_warn ("smtp", "session=%d error=%s: it stops for this pass",
                (int) (ss - s->sessions), shown);
      ss->retired = TRUE;
      g_free (s->unreachable);
      s->unreachable = g_steal_pointer (&why);
    }
  session_clear_message (ss);
  if (!session_start (s, ss, error))
    return FALSE;
  return report (s, id, outcome, detail, error);
}

/* Takes the results until no session has a message.  After a failure it
 * still waits for every session: their messages belong to the caller. */
static gboolean
sender_loop (Sender *s, GError **error)
{
  gboolean ok = TRUE;
  while (s->active > 0)
    {
      Session *ss = g_async_queue_pop (s->results);
      s->active--;
      if (!session_finished (s, ss, ok ? error : NULL))
        ok = FALSE;
    }
  return ok && !s->failed;
}

/* Stops the sessions' threads (their connections end with QUIT) and frees
 * the sender. */
static void
sender_clear (Sender *s)
{
  for (guint i = 0; i < SMTP_SESSIONS_MAX; i++)
    {
      Session *ss = &s->sessions[i];
      if (ss->thread != NULL)
        {
          g_async_queue_push (ss->work, s);
          g_thread_join (ss->thread);
        }
      g_clear_pointer (&ss->easy, curl_easy_cleanup);
      g_clear_pointer (&ss->work, g_async_queue_unref);
      session_clear_message (ss);
    }
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

/* The sessions and their threads, each started with a message. */
static gboolean
sender_start (Sender *s, GError **error)
{
  if (!global_init (error) || !sender_prepare (s, error))
    return FALSE;
  s->results = g_async_queue_new ();
  for (guint i = 0; i < s->config->smtp_sessions; i++)
    {
      Session *ss = &s->sessions[i];
      if (!session_init (s, ss, error))
        return FALSE;
      ss->work = g_async_queue_new ();
      ss->thread = threads_start ("ctcgw-smtp", session_thread, ss, error);
      if (ss->thread == NULL)
        return FALSE;
    }
  for (guint i = 0; i < s->config->smtp_sessions && !s->exhausted; i++)
    if (!session_start (s, &s->sessions[i], error))
      return FALSE;
  return TRUE;
}

/* See smtp.h. */
gboolean
smtp_send (const Config *config, SmtpNextFunc next, SmtpDoneFunc done, gpointer data,
           GError **error)
{
  Sender s = { .config = config, .next = next, .done = done, .data = data };
  gboolean ok = sender_start (&s, error);
  ok = sender_loop (&s, ok ? error : NULL) && ok;
  if (ok && !s.exhausted)
    {
      g_set_error (error, SMTP_ERROR, SMTP_ERROR_UNREACHABLE, "%s",
                   s.unreachable != NULL ? s.unreachable : "no session could send");
      ok = FALSE;
    }
  sender_clear (&s);
  return ok;
}
