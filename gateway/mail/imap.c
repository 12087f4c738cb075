/* An IMAP mailbox as an intake source, with libetpan's low-level mailimap
 * API.  Only the connection outlives a call: every libetpan list is freed
 * before the function that asked for it returns. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "gateway/base/secret.h"
#include "gateway/mail/imap.h"
#include "gateway/base/log.h"

/* Seconds a connection, a TLS handshake or one network read may take. */
#define IMAP_TIMEOUT 60
/* Longest certificate chain checked. */
#define IMAP_CHAIN_MAX 16

G_DEFINE_QUARK (imap-error-quark, imap_error)

/* Messages fetched, filed and made durable together. */
#define IMAP_BATCH 100

static const SourceOps imap_source_ops;

struct _ImapSource {
  Source base;           /* its name: [mailbox NAME] */
  char *url;
  char *user;
  char *password_file;
  char *processed;       /* folder names, UTF-8 */
  char *rejected;
  gboolean starttls;
  char *host;            /* from the URL, at connect */
  guint16 port;
  gboolean tls;
  char *mailbox;         /* UTF-8 */
  mailimap *imap;        /* NULL when not connected */
  guint32 uidvalidity;
  gboolean idling;
  gboolean idle_news;    /* the server announced a change as IDLE began */
  gint64 second_refused; /* see imap_source_second_refused */
};

/* One FETCH response: what imap_source_fetch asks for. */
typedef struct {
  guint32 uid;
  gboolean has_size;
  guint32 size;
  struct mailimap_msg_att_body_section *body;
} Fetched;

/* A UID and its RFC822.SIZE. */
typedef struct {
  guint32 uid;
  guint32 size;
} Sized;

static gboolean fail (ImapSource *src, GError **error, ImapError code, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

/* Sets an ImapError that names the mailbox, its server and what failed. */
static gboolean
fail (ImapSource *src, GError **error, ImapError code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (src->host != NULL)
    g_set_error (error, IMAP_ERROR, code, "[mailbox %s] %s:%u/%s: %s", src->base.name, src->host,
                 src->port, src->mailbox, what);
  else
    g_set_error (error, IMAP_ERROR, code, "[mailbox %s] %s", src->base.name, what);
  return FALSE;
}

/* Closes the connection without a word to the server: after a broken
 * stream, or when the session cannot be trusted to be in step. */
static void
drop (ImapSource *src)
{
  if (src->imap == NULL)
    return;
  if (src->imap->imap_stream != NULL)
    {
      mailstream_close (src->imap->imap_stream);
      src->imap->imap_stream = NULL;
    }
  mailimap_free (src->imap);
  src->imap = NULL;
  src->idling = src->idle_news = FALSE;
  src->uidvalidity = 0;
}

/* Whether the last response carried the response code (RFC 5530) code. */
static gboolean
response_code_is (ImapSource *src, const char *code)
{
  struct mailimap_response_info *info = src->imap->imap_response_info;
  return info != NULL && info->rsp_atom != NULL && g_ascii_strcasecmp (info->rsp_atom, code) == 0;
}

/* How a libetpan result is reported: a broken or out-of-step connection
 * (retry later), a refused login, or a refused command. */
static ImapError
error_code (ImapSource *src, int r)
{
  switch (r)
    {
    case MAILIMAP_ERROR_STREAM:
    case MAILIMAP_ERROR_CONNECTION_REFUSED:
    case MAILIMAP_ERROR_FATAL:
    case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
    case MAILIMAP_ERROR_SSL:
    case MAILIMAP_ERROR_PARSE:
      return IMAP_ERROR_CONNECT;
    case MAILIMAP_ERROR_LOGIN:
      return response_code_is (src, "UNAVAILABLE") ? IMAP_ERROR_CONNECT : IMAP_ERROR_AUTH;
    default:
      return IMAP_ERROR_PROTOCOL;
    }
}

/* What went wrong, in words: the server's own text where it gave one. */
static char *
error_text (ImapSource *src, int r)
{
  switch (r)
    {
    case MAILIMAP_ERROR_STREAM:
      return g_strdup ("the connection broke or timed out");
    case MAILIMAP_ERROR_CONNECTION_REFUSED:
      return g_strdup ("cannot connect");
    case MAILIMAP_ERROR_SSL:
      return g_strdup ("TLS handshake failed");
    case MAILIMAP_ERROR_PARSE:
      return g_strdup ("unreadable answer from the server");
    default:
      if (src->imap->imap_response != NULL)
        return log_escape (src->imap->imap_response);
      return g_strdup_printf ("libetpan error %d", r);
    }
}

/* Reports a failed command; a connection no longer usable is closed, so
 * that the next imap_source_connect() starts afresh. */
static gboolean
imap_fail (ImapSource *src, int r, const char *command, GError **error)
{
  ImapError code = error_code (src, r);
  g_autofree char *why = error_text (src, r);
  if (code == IMAP_ERROR_CONNECT)
    drop (src);
  return fail (src, error, code, "%s failed: %s", command, why);
}

/* TRUE when the command succeeded, else reports it. */
static gboolean
check (ImapSource *src, int r, const char *command, GError **error)
{
  return r == MAILIMAP_NO_ERROR || imap_fail (src, r, command, error);
}

/* Appends a run of non-ASCII text as "&...-": its UTF-16BE in base64 with
 * ',' for '/' and no padding. */
static void
append_utf7 (GString *out, const char *run, gssize len)
{
  glong n = 0;
  g_autofree gunichar2 *u16 = g_utf8_to_utf16 (run, len, NULL, &n, NULL);
  g_autofree guchar *be = g_new (guchar, 2 * n + 1);
  for (glong i = 0; i < n; i++)
    {
      be[2 * i] = u16[i] >> 8;
      be[2 * i + 1] = u16[i] & 0xff;
    }
  g_autofree char *b64 = g_base64_encode (be, 2 * n);
  g_strdelimit (b64, "/", ',');
  char *pad = strchr (b64, '=');
  if (pad != NULL)
    *pad = '\0';
  g_string_append_printf (out, "&%s-", b64);
}

/* A mailbox name as IMAP sends it, in modified UTF-7 (RFC 3501 5.1.3);
 * NULL when the name is empty, no UTF-8 or holds control characters. */
static char *
mailbox_encode (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  for (const char *p = name; *p != '\0';)
    {
      guchar c = (guchar) *p;
      if (c < 0x20 || c == 0x7f)
        return NULL;
      if (c >= 0x80)
        {
          const char *end = p;
          while ((guchar) *end >= 0x80)
            end++;
          append_utf7 (out, p, end - p);
          p = end;
          continue;
        }
      if (c == '&')
        g_string_append (out, "&-");
      else
        g_string_append_c (out, (char) c);
      p++;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Whether s is a host name or address: no controls, spaces or '/'. */
static gboolean
host_valid (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if ((guchar) *s <= 0x20 || *s == 0x7f || *s == '/')
      return FALSE;
  return TRUE;
}

/* Host, port, TLS and mailbox (percent-decoded, default INBOX) from
 * imap://host:port/MAILBOX or imaps://. */
static gboolean
parse_url (ImapSource *src, GError **error)
{
  g_autoptr (GUri) uri = src->url ? g_uri_parse (src->url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : "";
  gboolean tls = g_ascii_strcasecmp (scheme, "imaps") == 0;
  if (uri == NULL || (!tls && g_ascii_strcasecmp (scheme, "imap") != 0)
      || !host_valid (g_uri_get_host (uri)))
    return fail (src, error, IMAP_ERROR_CONFIG, "url: not an imap:// or imaps:// URL");
  const char *path = g_uri_get_path (uri);
  while (*path == '/')
    path++;
  g_autofree char *box = mailbox_encode (*path != '\0' ? path : "INBOX");
  if (box == NULL)
    return fail (src, error, IMAP_ERROR_CONFIG, "url: the mailbox name is not valid");
  int port = g_uri_get_port (uri);
  g_free (src->host);
  g_free (src->mailbox);
  src->host = g_strdup (g_uri_get_host (uri));
  src->tls = tls;
  src->port = port > 0 ? port : tls ? 993 : 143;
  src->mailbox = g_strdup (*path != '\0' ? path : "INBOX");
  return TRUE;
}

/* The password of the mailbox's password file (a new string: secret_free). */
static char *
read_password (ImapSource *src, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (src->password_file == NULL)
    {
      fail (src, error, IMAP_ERROR_CONFIG, "password_file: not set");
      return NULL;
    }
  char *password = secret_read_password (src->password_file, &local);
  if (password == NULL)
    fail (src, error, IMAP_ERROR_CONFIG, "password_file: %s", local->message);
  return password;
}

/* libetpan's TLS callback: the host name for SNI. */
static void
tls_setup (struct mailstream_ssl_context *ctx, void *data)
{
  ImapSource *src = data;
  if (!g_hostname_is_ip_address (src->host))
    mailstream_ssl_set_server_name (ctx, src->host);
}

/* Verifies the chain against the trusted CAs and the host name. */
static int
verify_chain (carray *chain, const char *host, unsigned *status)
{
  gnutls_x509_crt_t certs[IMAP_CHAIN_MAX];
  guint n = 0, count = MIN (carray_count (chain), IMAP_CHAIN_MAX);
  gnutls_x509_trust_list_t trust;
  int r = gnutls_x509_trust_list_init (&trust, 0);
  if (r < 0)
    return r;
  const char *file = g_getenv ("SSL_CERT_FILE");
  r = file != NULL ? gnutls_x509_trust_list_add_trust_file (trust, file, NULL, GNUTLS_X509_FMT_PEM, 0, 0)
                   : gnutls_x509_trust_list_add_system_trust (trust, 0, 0);
  for (; r >= 0 && n < count; n++)
    {
      MMAPString *der = carray_get (chain, n);
      gnutls_datum_t datum = { (unsigned char *) der->str, der->len };
      r = gnutls_x509_crt_init (&certs[n]);
      if (r < 0)
        break;
      r = gnutls_x509_crt_import (certs[n], &datum, GNUTLS_X509_FMT_DER);
    }
  gnutls_typed_vdata_st name = { GNUTLS_DT_DNS_HOSTNAME, (unsigned char *) host, 0 };
  if (r >= 0)
    r = gnutls_x509_trust_list_verify_crt2 (trust, certs, n, &name, 1, 0, status, NULL);
  for (guint i = 0; i < n; i++)
    gnutls_x509_crt_deinit (certs[i]);
  gnutls_x509_trust_list_deinit (trust, 1);
  return r;
}

/* libetpan's TLS never checks the server's certificate: check it against
 * the system's trusted CAs ($SSL_CERT_FILE instead, when set) and the host
 * name before a password is sent. */
static gboolean
verify_peer (ImapSource *src, GError **error)
{
  carray *chain = mailstream_get_certificate_chain (src->imap->imap_stream);
  unsigned status = GNUTLS_CERT_INVALID;
  int r = chain != NULL && carray_count (chain) > 0
          ? verify_chain (chain, src->host, &status) : GNUTLS_E_NO_CERTIFICATE_FOUND;
  if (chain != NULL)
    mailstream_certificate_chain_free (chain);
  if (r >= 0 && status == 0)
    return TRUE;
  gnutls_datum_t out = { NULL, 0 };
  if (r < 0 || gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) < 0)
    out.data = NULL;
  g_autofree char *why = g_strdup (out.data ? (char *) out.data : gnutls_strerror (r));
  g_strstrip (why);
  gnutls_free (out.data);
  drop (src);
  return fail (src, error, IMAP_ERROR_CONNECT, "the server's certificate is not trusted: %s", why);
}

/* Opens the TCP or TLS connection, reads the greeting, and does STARTTLS
 * when the mailbox asks for it. */
static gboolean
open_connection (ImapSource *src, GError **error)
{
  src->imap = mailimap_new (0, NULL);
  if (src->imap == NULL)
    g_error ("out of memory");
  mailimap_set_timeout (src->imap, IMAP_TIMEOUT);
  int r = src->tls ? mailimap_ssl_connect_with_callback (src->imap, src->host, src->port,
                                                         tls_setup, src)
                   : mailimap_socket_connect (src->imap, src->host, src->port);
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
    return imap_fail (src, r, "connect", error);
  if (src->tls)
    return verify_peer (src, error);
  if (!src->starttls)
    return TRUE;
  if (r == MAILIMAP_NO_ERROR_AUTHENTICATED)
    return fail (src, error, IMAP_ERROR_PROTOCOL, "STARTTLS impossible: the server logged us in");
  r = mailimap_socket_starttls_with_callback (src->imap, tls_setup, src);
  return check (src, r, "STARTTLS", error) && verify_peer (src, error);
}

/* CAPABILITY: the server's extensions, read again after STARTTLS and
 * login (MOVE and UIDPLUS may appear only once logged in). */
static gboolean
read_capabilities (ImapSource *src, GError **error)
{
  struct mailimap_capability_data *caps = NULL;
  int r = mailimap_capability (src->imap, &caps);
  if (caps != NULL)
    mailimap_capability_data_free (caps);
  return check (src, r, "CAPABILITY", error);
}

/* Sends one command line and reads the first line of the answer. */
static int
send_line (mailimap *imap, const char *line)
{
  mailstream *s = imap->imap_stream;
  if (mailstream_write (s, line, strlen (line)) < 0 || mailstream_flush (s) == -1)
    return MAILIMAP_ERROR_STREAM;
  return mailimap_read_line (imap) != NULL ? MAILIMAP_NO_ERROR : MAILIMAP_ERROR_STREAM;
}

/* The PLAIN (RFC 4616) client response line: base64 of NUL user NUL
 * password, with CRLF. */
static char *
plain_response (const char *user, const char *password)
{
  gsize ulen = strlen (user), plen = strlen (password), len = ulen + plen + 2;
  guchar *raw = g_malloc (len);
  raw[0] = '\0';
  memcpy (raw + 1, user, ulen);
  raw[ulen + 1] = '\0';
  memcpy (raw + ulen + 2, password, plen);
  char *b64 = g_base64_encode (raw, len);
  explicit_bzero (raw, len);
  g_free (raw);
  char *line = g_strconcat (b64, "\r\n", NULL);
  secret_free (b64);
  return line;
}

/* AUTHENTICATE PLAIN by hand, with SASL-IR where the server has it:
 * libetpan's mailimap_authenticate() needs a Cyrus SASL plugin for it. */
static int
authenticate_plain (mailimap *imap, const char *user, const char *password)
{
  char *answer = plain_response (user, password);
  gboolean ir = mailimap_has_extension (imap, "SASL-IR");
  char *command = g_strconcat ("AUTHENTICATE PLAIN", ir ? " " : "\r\n", ir ? answer : "", NULL);
  int r = mailimap_send_current_tag (imap);
  if (r == MAILIMAP_NO_ERROR)
    r = send_line (imap, command);
  if (r == MAILIMAP_NO_ERROR && !ir && imap->imap_stream_buffer->str[0] == '+')
    r = send_line (imap, answer);
  secret_free (answer);
  secret_free (command);
  struct mailimap_response *response = NULL;
  if (r == MAILIMAP_NO_ERROR)
    r = mailimap_parse_response (imap, &response);
  if (r != MAILIMAP_NO_ERROR)
    return r;
  int state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
  mailimap_response_free (response);
  if (state != MAILIMAP_RESP_COND_STATE_OK)
    return MAILIMAP_ERROR_LOGIN;
  imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
  return MAILIMAP_NO_ERROR;
}

/* Logs in: LOGIN, or AUTHENTICATE PLAIN where the server disables LOGIN. */
static gboolean
log_in (ImapSource *src, const char *password, GError **error)
{
  if (!read_capabilities (src, error))
    return FALSE;
  if (src->imap->imap_state == MAILIMAP_STATE_NON_AUTHENTICATED)
    {
      const char *user = src->user ? src->user : "";
      gboolean plain = mailimap_has_extension (src->imap, "LOGINDISABLED");
      if (plain && !mailimap_has_authentication (src->imap, "PLAIN"))
        return fail (src, error, IMAP_ERROR_AUTH,
                     "the server allows neither LOGIN nor AUTHENTICATE PLAIN");
      int r = plain ? authenticate_plain (src->imap, user, password)
                    : mailimap_login (src->imap, user, password);
      if (!check (src, r, plain ? "AUTHENTICATE PLAIN" : "LOGIN", error))
        return FALSE;
    }
  return read_capabilities (src, error);
}

/* SELECT of the URL's mailbox, and its UIDVALIDITY. */
static gboolean
select_mailbox (ImapSource *src, GError **error)
{
  g_autofree char *box = mailbox_encode (src->mailbox);
  if (!check (src, mailimap_select (src->imap, box), "SELECT", error))
    return FALSE;
  src->uidvalidity = src->imap->imap_selection_info->sel_uidvalidity;
  if (src->uidvalidity == 0)
    return fail (src, error, IMAP_ERROR_PROTOCOL, "SELECT gave no UIDVALIDITY");
  return TRUE;
}

/* Whether a LIST answer holds the mailbox box. */
static gboolean
list_has (clist *list, const char *box)
{
  for (clistiter *it = list ? clist_begin (list) : NULL; it != NULL; it = clist_next (it))
    {
      struct mailimap_mailbox_list *mb = clist_content (it);
      if (mb->mb_name != NULL && strcmp (mb->mb_name, box) == 0)
        return TRUE;
    }
  return FALSE;
}

/* CREATE of a folder LIST does not show; one made meanwhile by someone
 * else (ALREADYEXISTS) is no error. */
static gboolean
ensure_folder (ImapSource *src, const char *folder, GError **error)
{
  g_autofree char *box = mailbox_encode (folder);
  if (box == NULL)
    return fail (src, error, IMAP_ERROR_CONFIG, "the folder name \"%s\" is not valid",
                 folder ? folder : "");
  clist *list = NULL;
  int r = mailimap_list (src->imap, "", box, &list);
  gboolean found = r == MAILIMAP_NO_ERROR && list_has (list, box);
  if (list != NULL)
    mailimap_list_result_free (list);
  if (!check (src, r, "LIST", error))
    return FALSE;
  if (found)
    return TRUE;
  r = mailimap_create (src->imap, box);
  if (r != MAILIMAP_NO_ERROR && response_code_is (src, "ALREADYEXISTS"))
    return TRUE;
  g_autofree char *command = g_strdup_printf ("CREATE %s", box);
  return check (src, r, command, error);
}

ImapSource *
imap_source_new (const MailboxConfig *mbox)
{
  ImapSource *src = g_new0 (ImapSource, 1);
  src->base.ops = &imap_source_ops;
  src->base.name = g_strdup (mbox->name);
  src->url = g_strdup (mbox->url);
  src->user = g_strdup (mbox->user);
  src->password_file = g_strdup (mbox->password_file);
  src->processed = g_strdup (mbox->processed_folder);
  src->rejected = g_strdup (mbox->rejected_folder);
  src->starttls = mbox->starttls;
  return src;
}

void
imap_source_free (ImapSource *src)
{
  if (src == NULL)
    return;
  imap_source_disconnect (src);
  g_free (src->base.name);
  g_free (src->url);
  g_free (src->user);
  g_free (src->password_file);
  g_free (src->processed);
  g_free (src->rejected);
  g_free (src->host);
  g_free (src->mailbox);
  g_free (src);
}

gboolean
imap_source_connect (ImapSource *src, GError **error)
{
  if (imap_source_connected (src))
    return TRUE;
  drop (src);
  if (!parse_url (src, error))
    return FALSE;
  char *password = read_password (src, error);
  if (password == NULL)
    return FALSE;
  gboolean ok = open_connection (src, error) && log_in (src, password, error)
                && select_mailbox (src, error) && ensure_folder (src, src->processed, error)
                && ensure_folder (src, src->rejected, error);
  secret_free (password);
  if (!ok)
    drop (src);
  return ok;
}

gboolean
imap_source_connected (ImapSource *src)
{
  return src->imap != NULL && src->imap->imap_stream != NULL
         && src->imap->imap_state == MAILIMAP_STATE_SELECTED;
}

void
imap_source_disconnect (ImapSource *src)
{
  if (src->imap != NULL && src->imap->imap_stream != NULL && !src->idling)
    mailimap_logout (src->imap);
  drop (src);
}

guint32
imap_source_uidvalidity (ImapSource *src)
{
  return src->uidvalidity;
}

gint64
imap_source_second_refused (ImapSource *src)
{
  return src->second_refused;
}

void
imap_source_set_second_refused (ImapSource *src, gint64 when)
{
  src->second_refused = when;
}

/* Commands need a selected mailbox and no IDLE in progress. */
static gboolean
ready (ImapSource *src, GError **error)
{
  if (!imap_source_connected (src))
    return fail (src, error, IMAP_ERROR_CONNECT, "not connected");
  return imap_source_idle_done (src, error);
}

/* Orders UIDs for qsort. */
static int
compare_uid (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

/* A UID set of ranges (4:7,9) from UIDs in any order; 0 is left out. */
static struct mailimap_set *
uid_set (const guint32 *uids, guint n)
{
  g_autofree guint32 *sorted = g_new (guint32, n + 1);
  memcpy (sorted, uids, n * sizeof *uids);
  qsort (sorted, n, sizeof *sorted, compare_uid);
  struct mailimap_set *set = mailimap_set_new_empty ();
  for (guint i = 0; i < n; i++)
    {
      guint32 first = sorted[i];
      while (i + 1 < n && sorted[i + 1] <= sorted[i] + 1)
        i++;
      if (first != 0 || sorted[i] != 0)
        mailimap_set_add_interval (set, MAX (first, 1), sorted[i]);
    }
  return set;
}

/* Sorts an array of guint32 and drops duplicates. */
static void
sort_unique (GArray *uids)
{
  g_array_sort (uids, compare_uid);
  guint out = 0;
  for (guint i = 0; i < uids->len; i++)
    if (out == 0 || g_array_index (uids, guint32, i) != g_array_index (uids, guint32, out - 1))
      g_array_index (uids, guint32, out++) = g_array_index (uids, guint32, i);
  g_array_set_size (uids, out);
}

/* The number of messages the server has announced: an EXISTS sets it,
 * each EXPUNGE lowers it by one (libetpan keeps it up to date). */
static guint32
announced (ImapSource *src)
{
  struct mailimap_selection_info *sel = src->imap->imap_selection_info;
  return sel != NULL ? sel->sel_exists : 0;
}

/* Whether the last command's answer announced messages (EXISTS) beyond
 * before, the count taken before it; its EXPUNGEs are added back. */
static gboolean
announced_new (ImapSource *src, guint32 before)
{
  struct mailimap_response_info *info = src->imap->imap_response_info;
  guint expunged = info != NULL && info->rsp_expunged != NULL
                   ? (guint) clist_count (info->rsp_expunged) : 0;
  return (guint64) announced (src) + expunged > before;
}

GArray *
imap_source_search (ImapSource *src, guint32 after_uid, gboolean *news, GError **error)
{
  *news = FALSE;
  if (!ready (src, error))
    return NULL;
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (after_uid == G_MAXUINT32)
    return uids;
  guint32 before = announced (src);
  /* UID n:* always matches the highest UID, even one below n. */
  struct mailimap_search_key *key = mailimap_search_key_new_uid (
      mailimap_set_new_interval (after_uid + 1, 0));
  clist *result = NULL;
  int r = mailimap_uid_search (src->imap, NULL, key, &result);
  mailimap_search_key_free (key);
  for (clistiter *it = r == MAILIMAP_NO_ERROR && result ? clist_begin (result) : NULL; it;
       it = clist_next (it))
    {
      guint32 uid = *(uint32_t *) clist_content (it);
      if (uid > after_uid)
        g_array_append_val (uids, uid);
    }
  if (result != NULL)
    mailimap_search_result_free (result);
  if (!check (src, r, "UID SEARCH", error))
    {
      g_array_unref (uids);
      return NULL;
    }
  *news = announced_new (src, before);
  sort_unique (uids);
  return uids;
}

/* The UID, RFC822.SIZE and body section of one FETCH response. */
static Fetched
fetched (struct mailimap_msg_att *att)
{
  Fetched f = { 0 };
  for (clistiter *it = clist_begin (att->att_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);
      if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC || item->att_data.att_static == NULL)
        continue;
      struct mailimap_msg_att_static *s = item->att_data.att_static;
      if (s->att_type == MAILIMAP_MSG_ATT_UID)
        f.uid = s->att_data.att_uid;
      else if (s->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
        f.has_size = TRUE, f.size = s->att_data.att_rfc822_size;
      else if (s->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
        f.body = s->att_data.att_body_section;
    }
  return f;
}

/* One UID FETCH of UID and att (taken over) for uids. */
static int
uid_fetch (ImapSource *src, const guint32 *uids, guint n, struct mailimap_fetch_att *att,
           clist **result)
{
  struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (type, att);
  struct mailimap_set *set = uid_set (uids, n);
  *result = NULL;
  int r = mailimap_uid_fetch (src->imap, set, type, result);
  mailimap_set_free (set);
  mailimap_fetch_type_free (type);
  if (r != MAILIMAP_NO_ERROR)
    *result = NULL;  /* libetpan frees it on failure */
  return r;
}

/* Orders Sized by UID for bsearch and sorting. */
static int
compare_sized (const void *a, const void *b)
{
  return compare_uid (&((const Sized *) a)->uid, &((const Sized *) b)->uid);
}

/* The RFC822.SIZE of each of uids the server still has, in UID order. */
static GArray *
fetch_sizes (ImapSource *src, const guint32 *uids, guint n, GError **error)
{
  clist *result;
  int r = uid_fetch (src, uids, n, mailimap_fetch_att_new_rfc822_size (), &result);
  if (!check (src, r, "UID FETCH RFC822.SIZE", error))
    return NULL;
  g_autofree guint32 *asked = g_new (guint32, n + 1);
  memcpy (asked, uids, n * sizeof *uids);
  qsort (asked, n, sizeof *asked, compare_uid);
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (Sized));
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      Fetched f = fetched (clist_content (it));
      Sized s = { f.uid, f.size };
      /* Unsolicited FETCH (flag changes) and UIDs not asked for are left out. */
      if (f.has_size && bsearch (&f.uid, asked, n, sizeof *asked, compare_uid) != NULL)
        g_array_append_val (sizes, s);
    }
  mailimap_fetch_list_free (result);
  g_array_sort (sizes, compare_sized);
  return sizes;
}

/* The messages that fit: a prefix of sizes within max_bytes (at least
 * one); those over max_message count for max_message (their header). */
static GPtrArray *
plan_batch (GArray *sizes, gsize max_bytes, gsize max_message)
{
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) source_message_free);
  gsize total = 0;
  for (guint i = 0; i < sizes->len; i++)
    {
      Sized *s = &g_array_index (sizes, Sized, i);
      gsize cost = MIN ((gsize) s->size, max_message);
      if (i > 0 && total + cost > max_bytes)
        break;
      total += cost;
      SourceMessage *m = g_new0 (SourceMessage, 1);
      m->id = s->uid;
      m->size = s->size;
      m->truncated = s->size > max_message;
      g_ptr_array_add (msgs, m);
    }
  return msgs;
}

/* Frees a body section's text once the GBytes holding it goes. */
static void
body_free (gpointer part)
{
  mailimap_nstring_free (part);
}

/* The body section's text, taken over from libetpan's list uncopied. */
static GBytes *
take_body (struct mailimap_msg_att_body_section *body)
{
  char *part = body->sec_body_part;
  if (part == NULL)
    return g_bytes_new (NULL, 0);
  body->sec_body_part = NULL;
  return g_bytes_new_with_free_func (part, body->sec_length, body_free, part);
}

/* The message of msgs (in UID order) with this UID, or NULL. */
static SourceMessage *
find_message (GPtrArray *msgs, guint32 uid)
{
  guint lo = 0, hi = msgs->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      SourceMessage *m = g_ptr_array_index (msgs, mid);
      if (m->id == uid)
        return m;
      if (m->id < uid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* One UID FETCH of BODY.PEEK[] for the whole messages of msgs, or of
 * BODY.PEEK[HEADER] for the truncated ones; each at most max_message
 * bytes whatever the server announced. */
static gboolean
fetch_bodies (ImapSource *src, GPtrArray *msgs, gboolean truncated, gsize max_message,
              GError **error)
{
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < msgs->len; i++)
    if (((SourceMessage *) g_ptr_array_index (msgs, i))->truncated == truncated)
      g_array_append_val (uids, ((SourceMessage *) g_ptr_array_index (msgs, i))->id);
  if (uids->len == 0)
    return TRUE;
  struct mailimap_section *section = truncated ? mailimap_section_new_header ()
                                               : mailimap_section_new (NULL);
  struct mailimap_fetch_att *att = mailimap_fetch_att_new_body_peek_section_partial (
      section, 0, MIN (max_message, G_MAXUINT32));
  clist *result;
  int r = uid_fetch (src, (guint32 *) uids->data, uids->len, att, &result);
  if (!check (src, r, truncated ? "UID FETCH BODY.PEEK[HEADER]" : "UID FETCH BODY.PEEK[]", error))
    return FALSE;
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      Fetched f = fetched (clist_content (it));
      SourceMessage *m = find_message (msgs, f.uid);
      if (m != NULL && f.body != NULL && m->truncated == truncated && m->raw == NULL)
        m->raw = take_body (f.body);
    }
  mailimap_fetch_list_free (result);
  return TRUE;
}

/* How many of uids[0..n) (ascending) are at or below uid. */
static guint
covered (const guint32 *uids, guint n, guint32 uid)
{
  guint k = 0;
  while (k < n && uids[k] <= uid)
    k++;
  return k;
}

GPtrArray *
imap_source_fetch (ImapSource *src, const guint32 *uids, guint n, const SourceLimits *limits,
                   guint *done, GError **error)
{
  gsize max_bytes = limits->max_bytes, max_message = limits->max_message;
  *done = 0;
  if (!ready (src, error))
    return NULL;
  if (n == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) source_message_free);
  g_autoptr (GArray) sizes = fetch_sizes (src, uids, n, error);
  if (sizes == NULL)
    return NULL;
  max_message = MAX (max_message, 1);
  GPtrArray *msgs = plan_batch (sizes, max_bytes, max_message);
  if (!fetch_bodies (src, msgs, FALSE, max_message, error)
      || !fetch_bodies (src, msgs, TRUE, max_message, error))
    {
      g_ptr_array_unref (msgs);
      return NULL;
    }
  /* Done: the UIDs up to the last one planned (those missing were expunged
   * by someone else), or all when the server has none of them; not those
   * left for the next batch by max_bytes. */
  *done = msgs->len == 0 ? n
      : covered (uids, n, ((SourceMessage *) g_ptr_array_index (msgs, msgs->len - 1))->id);
  /* A message expunged by someone else between the two fetches. */
  for (guint i = msgs->len; i-- > 0;)
    if (((SourceMessage *) g_ptr_array_index (msgs, i))->raw == NULL)
      g_ptr_array_remove_index (msgs, i);
  return msgs;
}

/* UID COPY, UID STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE (UIDPLUS)
 * or EXPUNGE: MOVE for servers without it. */
static gboolean
copy_and_expunge (ImapSource *src, struct mailimap_set *set, const char *box, GError **error)
{
  mailimap *imap = src->imap;
  if (!check (src, mailimap_uid_copy (imap, set, box), "UID COPY", error))
    return FALSE;
  struct mailimap_flag_list *flags = mailimap_flag_list_new_empty ();
  mailimap_flag_list_add (flags, mailimap_flag_new_deleted ());
  struct mailimap_store_att_flags *store = mailimap_store_att_flags_new_add_flags_silent (flags);
  int r = mailimap_uid_store (imap, set, store);
  mailimap_store_att_flags_free (store);
  if (!check (src, r, "UID STORE", error))
    return FALSE;
  if (mailimap_has_uidplus (imap))
    return check (src, mailimap_uid_expunge (imap, set), "UID EXPUNGE", error);
  return check (src, mailimap_expunge (imap), "EXPUNGE", error);
}

gboolean
imap_source_move (ImapSource *src, const guint32 *uids, guint n, const char *folder,
                  GError **error)
{
  if (n == 0)
    return TRUE;
  g_autofree char *box = mailbox_encode (folder);
  if (box == NULL)
    return fail (src, error, IMAP_ERROR_CONFIG, "the folder name \"%s\" is not valid",
                 folder ? folder : "");
  if (!ready (src, error))
    return FALSE;
  struct mailimap_set *set = uid_set (uids, n);
  gboolean ok = mailimap_has_extension (src->imap, "MOVE")
                ? check (src, mailimap_uid_move (src->imap, set, box), "UID MOVE", error)
                : copy_and_expunge (src, set, box, error);
  mailimap_set_free (set);
  return ok;
}

gboolean
imap_source_has_idle (ImapSource *src)
{
  return imap_source_connected (src) && mailimap_has_idle (src->imap);
}

gboolean
imap_source_idle_start (ImapSource *src, int *fd, GError **error)
{
  if (!imap_source_connected (src))
    return fail (src, error, IMAP_ERROR_CONNECT, "not connected");
  if (!src->idling)
    {
      guint32 before = announced (src);
      if (!check (src, mailimap_idle (src->imap), "IDLE", error))
        return FALSE;
      src->idling = TRUE;
      src->idle_news = announced (src) != before;
    }
  *fd = mailimap_idle_get_fd (src->imap);
  return TRUE;
}

gboolean
imap_source_idle_buffered (ImapSource *src)
{
  return src->idling && src->imap != NULL && src->imap->imap_stream != NULL
         && (src->idle_news || src->imap->imap_stream->read_buffer_len > 0);
}

gboolean
imap_source_idle_done (ImapSource *src, GError **error)
{
  if (!src->idling)
    return TRUE;
  src->idling = src->idle_news = FALSE;
  return check (src, mailimap_idle_done (src->imap), "IDLE DONE", error);
}

/* --- as a Source (source.h) --------------------------------------------- */

static gboolean
op_open (Source *src, guint32 *validity, GError **error)
{
  if (!imap_source_connect ((ImapSource *) src, error))
    return FALSE;
  *validity = ((ImapSource *) src)->uidvalidity;
  return TRUE;
}

static GArray *
op_list (Source *src, guint32 after, gboolean *news, GError **error)
{
  return imap_source_search ((ImapSource *) src, after, news, error);
}

static GPtrArray *
op_fetch (Source *src, const guint32 *ids, guint n, const SourceLimits *limits, guint *done,
          GError **error)
{
  return imap_source_fetch ((ImapSource *) src, ids, n, limits, done, error);
}

static gboolean
op_move (Source *src, const guint32 *ids, guint n, const char *folder, GError **error)
{
  return imap_source_move ((ImapSource *) src, ids, n, folder, error);
}

static void
op_free (Source *src)
{
  imap_source_free ((ImapSource *) src);
}

static const SourceOps imap_source_ops = {
  .kind = "imap", .batch = IMAP_BATCH,
  .open = op_open, .list = op_list, .fetch = op_fetch, .move = op_move,
  .done = NULL, .free = op_free,
};

ImapSource *
imap_source_of (Source *src)
{
  return src != NULL && src->ops == &imap_source_ops ? (ImapSource *) src : NULL;
}
