/* The configuration file (ctcgw.conf(5)): read with GKeyFile, every value
 * checked, every problem said with its section, key and what to do. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gateway/base/config.h"
#include "parsers/address.h"
#include "parsers/form.h"
#include "parsers/recur.h"

G_DEFINE_QUARK (ctcgw-config-error-quark, config_error)

#define ADDRESS_MAX 254
#define LOCAL_PART_MAX 64
#define PREFIX_MAX 16

static const char *const gateway_keys[] = {
  "database", "address", "name", "reference_prefix", "staff", "timezone",
  "trusted_authserv_id", "language", NULL };
static const char *const mailbox_keys[] = {
  "url", "user", "password_file", "processed_folder", "rejected_folder",
  "idle", "poll_interval", "starttls", NULL };
static const char *const smtp_keys[] = {
  "url", "user", "password_file", "bounce_address", "messages_per_connection", "sessions",
  "rate", "hard_bounces", "starttls", NULL };
static const char *const limits_keys[] = {
  "message_size", "value_length", "fields_per_record", "records_per_message",
  "replies_per_sender_per_hour", "calendar_clock_skew_hours", "attachment_size",
  "attachments_size", NULL };
static const char *const schedule_keys[] = {
  "kind", "circular", "audience", "subject", "rrule", "start", "enabled", NULL };
static const char *const schedule_kinds[] = { "circular", "distribute-contacts", "digest", NULL };
static const char *const digest_keys[] = {
  "to", "time", "enabled", "stale_months", "silent_months", "visit_information_days",
  "items", NULL };
static const char *const publish_keys[] = { "dir", "url", NULL };
static const char *const authentication_keys[] = { "dkim_keys", "require", "confirm_days",
  NULL };
static const char *const require_names[] = {
  [AUTH_REQUIRE_CONFIRM] = "confirm", [AUTH_REQUIRE_AUTHENTICATED] = "authenticated",
  [AUTH_REQUIRE_NONE] = "none", NULL };
static const char *const languages[] = { "ar", "en", "es", "fr", "ru", "zh", NULL };

/* A kind of section: "mailbox" and "schedule" sections carry a name. */
typedef struct {
  const char *kind;
  gboolean named;
  const char *const *keys;
} SectionKind;

static const SectionKind section_kinds[] = {
  { "gateway", FALSE, gateway_keys },
  { "mailbox", TRUE, mailbox_keys },
  { "smtp", FALSE, smtp_keys },
  { "limits", FALSE, limits_keys },
  { "digest", FALSE, digest_keys },
  { "schedule", TRUE, schedule_keys },
  { "authentication", FALSE, authentication_keys },
  { "publish", FALSE, publish_keys },
};
static const char *const section_names[] = {
  "gateway", "mailbox", "smtp", "limits", "digest", "schedule", "authentication",
  "publish", NULL };

/* The state of one reading of the file. */
typedef struct {
  GKeyFile *kf;
  char *dir;            /* absolute directory of the file: base of relative paths */
  GPtrArray *problems;  /* char*, one a problem */
} Reader;

/* Records one problem: "[group] key: text" ("[group]: text" without key). */
static void G_GNUC_PRINTF (4, 5)
problem (Reader *r, const char *group, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (key != NULL)
    g_ptr_array_add (r->problems, g_strdup_printf ("[%s] %s: %s", group, key, text));
  else
    g_ptr_array_add (r->problems, g_strdup_printf ("[%s]: %s", group, text));
}

/* Cuts an inline comment: GKeyFile keeps "value   # comment" whole.  A '#'
 * starts a comment at the start of the value or after white space. */
static void
strip_comment (char *value)
{
  for (char *p = value; *p != '\0'; p++)
    if (*p == '#' && (p == value || p[-1] == ' ' || p[-1] == '\t'))
      {
        *p = '\0';
        break;
      }
  g_strstrip (value);
}

/* Control characters (a "\n" escape, say) would break headers and logs. */
static gboolean
has_control (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

/* The value of group/key without its comment, or NULL when it is absent,
 * empty or unusable (then with a problem recorded). */
static char *
read_value (Reader *r, const char *group, const char *key)
{
  g_autoptr (GError) error = NULL;
  if (!g_key_file_has_key (r->kf, group, key, NULL))
    return NULL;
  g_autofree char *value = g_key_file_get_string (r->kf, group, key, &error);
  if (value == NULL)
    {
      problem (r, group, key, "cannot be read (%s): write it as plain UTF-8 text", error->message);
      return NULL;
    }
  strip_comment (value);
  if (has_control (value))
    {
      problem (r, group, key, "contains a control character: remove it");
      return NULL;
    }
  if (*value == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

/* A value that must be there: NULL with "missing: <hint>" when it is
 * absent or empty. */
static char *
read_required (Reader *r, const char *group, const char *key, const char *hint)
{
  guint before = r->problems->len;
  char *value = read_value (r, group, key);
  if (value == NULL && r->problems->len == before)
    problem (r, group, key, "missing: %s", hint);
  return value;
}

/* value made absolute against the directory of the file. */
static char *
resolve_path (Reader *r, const char *value)
{
  return g_canonicalize_filename (value, r->dir);
}

/* An unsigned number from min to max, or fallback (with a problem) when the
 * value is no such number. */
static guint
read_uint (Reader *r, const char *group, const char *key, guint min, guint max,
           guint fallback)
{
  g_autofree char *value = read_value (r, group, key);
  guint64 n;
  if (value == NULL)
    return fallback;
  if (!g_ascii_string_to_unsigned (value, 10, min, max, &n, NULL))
    {
      problem (r, group, key, "\"%s\" is not a whole number from %u to %u: write one",
               value, min, max);
      return fallback;
    }
  return (guint) n;
}

/* true/false, yes/no, on/off, 1/0 in any case. */
static gboolean
read_bool (Reader *r, const char *group, const char *key, gboolean fallback)
{
  static const char *const yes[] = { "true", "yes", "on", "1", NULL };
  static const char *const no[] = { "false", "no", "off", "0", NULL };
  g_autofree char *value = read_value (r, group, key);
  if (value == NULL)
    return fallback;
  g_autofree char *lower = g_ascii_strdown (value, -1);
  if (g_strv_contains (yes, lower))
    return TRUE;
  if (g_strv_contains (no, lower))
    return FALSE;
  problem (r, group, key, "\"%s\" is not true or false: write one of them", value);
  return fallback;
}

/* The multiplier of a size suffix ("", "K", "MB", "GiB", any case), or 0. */
static guint64
size_unit (const char *suffix)
{
  static const struct { const char *name; guint64 factor; } units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1u << 10 }, { "kb", 1u << 10 }, { "kib", 1u << 10 },
    { "m", 1u << 20 }, { "mb", 1u << 20 }, { "mib", 1u << 20 },
    { "g", 1u << 30 }, { "gb", 1u << 30 }, { "gib", 1u << 30 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (suffix, units[i].name) == 0)
      return units[i].factor;
  return 0;
}

/* "25M", "512K", "1048576": a size in bytes, FALSE when it is none. */
static gboolean
parse_size (const char *s, guint64 *bytes)
{
  char *end = NULL;
  if (!g_ascii_isdigit (*s))
    return FALSE;
  errno = 0;
  guint64 n = g_ascii_strtoull (s, &end, 10);
  if (errno != 0)
    return FALSE;
  while (*end == ' ')
    end++;
  guint64 factor = size_unit (end);
  if (factor == 0 || n > G_MAXUINT64 / factor)
    return FALSE;
  *bytes = n * factor;
  return TRUE;
}

/* A size in bytes from 1K to 1G. */
static gsize
read_size (Reader *r, const char *group, const char *key, gsize fallback)
{
  g_autofree char *value = read_value (r, group, key);
  guint64 bytes = 0;
  if (value == NULL)
    return fallback;
  if (!parse_size (value, &bytes) || bytes < 1024 || bytes > (1u << 30))
    {
      problem (r, group, key, "\"%s\" is not a size from 1K to 1G: write bytes, or a"
               " number with K, M or G (like 25M)", value);
      return fallback;
    }
  return (gsize) bytes;
}

/* RFC 5322 atext, plus UTF-8 bytes (RFC 6531). */
static gboolean
atext (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL
         || (guchar) c >= 0x80;
}

/* A dot-atom: atext runs separated by single dots. */
static gboolean
dot_atom_valid (const char *s, gsize len)
{
  if (len == 0 || s[0] == '.' || s[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(atext (s[i]) || (s[i] == '.' && s[i + 1] != '.')))
      return FALSE;
  return TRUE;
}

/* A domain: labels of letters, digits and hyphens (or UTF-8), not starting
 * or ending with a hyphen, separated by dots. */
static gboolean
domain_valid (const char *s)
{
  if (*s == '\0')
    return FALSE;
  g_auto (GStrv) labels = g_strsplit (s, ".", -1);
  for (char **l = labels; *l != NULL; l++)
    {
      gsize len = strlen (*l);
      if (len == 0 || len > 63 || (*l)[0] == '-' || (*l)[len - 1] == '-')
        return FALSE;
      for (const char *p = *l; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && (guchar) *p < 0x80)
          return FALSE;
    }
  return TRUE;
}

/* See config.h: the one address check of the gateway. */
gboolean
config_address_valid (const char *addr)
{
  if (addr == NULL || strlen (addr) > ADDRESS_MAX || !g_utf8_validate (addr, -1, NULL))
    return FALSE;
  const char *at = strrchr (addr, '@');
  if (at == NULL || at - addr > LOCAL_PART_MAX)
    return FALSE;
  return dot_atom_valid (addr, (gsize) (at - addr)) && domain_valid (at + 1);
}

/* An address, NULL (with a problem when it is malformed) otherwise. */
static char *
read_address (Reader *r, const char *group, const char *key, const char *hint)
{
  g_autofree char *value = hint != NULL ? read_required (r, group, key, hint)
                                        : read_value (r, group, key);
  if (value == NULL)
    return NULL;
  if (!config_address_valid (value))
    {
      problem (r, group, key, "\"%s\" is not an email address: write it as"
               " name@domain, without a display name or <>", value);
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* Addresses separated by commas, lower case. */
static char **
read_addresses (Reader *r, const char *group, const char *key)
{
  g_autofree char *value = read_value (r, group, key);
  GPtrArray *staff = g_ptr_array_new ();
  g_auto (GStrv) items = g_strsplit_set (value != NULL ? value : "", ",;", -1);
  for (char **it = items; *it != NULL; it++)
    {
      g_strstrip (*it);
      if (**it == '\0')
        continue;
      if (config_address_valid (*it))
        g_ptr_array_add (staff, g_ascii_strdown (*it, -1));
      else
        problem (r, group, key, "\"%s\" is not an email address: list"
                 " addresses separated by commas", *it);
    }
  g_ptr_array_add (staff, NULL);
  return (char **) g_ptr_array_free (staff, FALSE);
}

/* An IANA time zone that GLib knows, resolved once into *zone for every
 * part that dates something; default (and after a problem) UTC. */
static char *
read_timezone (Reader *r, GTimeZone **zone)
{
  g_autofree char *value = read_value (r, "gateway", "timezone");
  *zone = value != NULL ? g_time_zone_new_identifier (value) : NULL;
  if (value != NULL && *zone == NULL)
    problem (r, "gateway", "timezone", "\"%s\" is not a time zone: write an IANA"
             " name like Europe/Paris, America/New_York or UTC", value);
  if (*zone != NULL)
    return g_steal_pointer (&value);
  *zone = g_time_zone_new_utc ();
  return g_strdup ("UTC");
}

/* The reference prefix; default CTC. */
static char *
read_prefix (Reader *r)
{
  g_autofree char *value = read_value (r, "gateway", "reference_prefix");
  if (value == NULL)
    return g_strdup ("CTC");
  gboolean ok = strlen (value) <= PREFIX_MAX && g_ascii_isupper (value[0]);
  for (const char *p = value; ok && *p != '\0'; p++)
    ok = g_ascii_isupper (*p) || g_ascii_isdigit (*p);
  if (!ok)
    {
      problem (r, "gateway", "reference_prefix", "\"%s\" is not a prefix: write up to"
               " %d capital letters and digits, starting with a letter (like CTC)",
               value, PREFIX_MAX);
      return g_strdup ("CTC");
    }
  return g_steal_pointer (&value);
}

/* The default language of answers, lower case; default en. */
static char *
read_language (Reader *r)
{
  g_autofree char *value = read_value (r, "gateway", "language");
  if (value == NULL)
    return g_strdup ("en");
  g_autofree char *lower = g_ascii_strdown (value, -1);
  if (!g_strv_contains (languages, lower))
    {
      problem (r, "gateway", "language", "\"%s\" is not a language of the gateway:"
               " write one of ar, en, es, fr, ru, zh", value);
      return g_strdup ("en");
    }
  return g_steal_pointer (&lower);
}

/* A single word (an authserv-id): no spaces. */
static char *
read_word (Reader *r, const char *group, const char *key)
{
  g_autofree char *value = read_value (r, group, key);
  if (value != NULL && strpbrk (value, " \t;") != NULL)
    {
      problem (r, group, key, "\"%s\" has spaces or ';': write the single word"
               " your mail server puts first in Authentication-Results", value);
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* [gateway]: database and address are required. */
static void
read_gateway (Reader *r, Config *c)
{
  g_autofree char *db = read_required (r, "gateway", "database",
                                       "set the path of the SQLite database file");
  if (db != NULL)
    c->database = strcmp (db, ":memory:") == 0 ? g_strdup (db) : resolve_path (r, db);
  c->address = read_address (r, "gateway", "address",
                             "set the address everything is sent from");
  c->name = read_value (r, "gateway", "name");
  c->reference_prefix = read_prefix (r);
  c->staff = read_addresses (r, "gateway", "staff");
  c->timezone = read_timezone (r, &c->zone);
  c->trusted_authserv_id = read_word (r, "gateway", "trusted_authserv_id");
  c->language = read_language (r);
}

/* TRUE when url is scheme://HOST... with scheme one of schemes. */
static gboolean
network_url_valid (const char *url, const char *const *schemes)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  g_autofree char *scheme = g_strconcat (g_uri_get_scheme (uri), "://", NULL);
  return g_strv_contains (schemes, scheme);
}

/* url: maildir:PATH (made absolute) or a network URL with one of schemes;
 * NULL (with a problem) when it is missing or malformed. */
static char *
read_url (Reader *r, const char *group, const char *const *schemes, const char *hint)
{
  g_autofree char *url = read_required (r, group, "url", hint);
  if (url == NULL)
    return NULL;
  if (g_str_has_prefix (url, "maildir:") && url[8] != '\0')
    {
      g_autofree char *path = resolve_path (r, url + 8);
      return g_strconcat ("maildir:", path, NULL);
    }
  if (!g_str_has_prefix (url, "maildir:") && network_url_valid (url, schemes))
    return g_steal_pointer (&url);
  problem (r, group, "url", "\"%s\" is not a URL the gateway can use: %s", url, hint);
  return NULL;
}

/* A password file, absolute; a problem when it cannot be read. */
static char *
read_password_file (Reader *r, const char *group)
{
  g_autofree char *value = read_value (r, group, "password_file");
  if (value == NULL)
    return NULL;
  char *path = resolve_path (r, value);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved = errno;
  if (fd >= 0)
    close (fd);
  if (fd < 0)
    problem (r, group, "password_file", "cannot read %s (%s): create it, readable by"
             " the gateway, holding the password", path, g_strerror (saved));
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    problem (r, group, "password_file", "%s is not a file: name the file that holds"
             " the password", path);
  return path;
}

/* user and password_file go together on a network URL. */
static void
check_login (Reader *r, const char *group, const char *url, const char *user,
             const char *password_file)
{
  if (url == NULL || g_str_has_prefix (url, "maildir:"))
    return;
  if (user != NULL && password_file == NULL
      && !g_key_file_has_key (r->kf, group, "password_file", NULL))
    problem (r, group, "password_file", "missing: name the file that holds the"
             " password of user %s", user);
  if (user == NULL && password_file != NULL)
    problem (r, group, "user", "missing: set the login name that goes with password_file");
}

/* A folder name; in a Maildir a Maildir++ name without '/' or leading dot. */
static char *
read_folder (Reader *r, const char *group, const char *key, const char *url,
             const char *fallback)
{
  g_autofree char *value = read_value (r, group, key);
  if (value == NULL)
    return g_strdup (fallback);
  if (url != NULL && g_str_has_prefix (url, "maildir:")
      && (strchr (value, '/') != NULL || value[0] == '.'))
    {
      problem (r, group, key, "\"%s\" is no Maildir folder name: write it without"
               " '/' and without a leading dot (like %s)", value, fallback);
      return g_strdup (fallback);
    }
  return g_steal_pointer (&value);
}

/* Frees one [mailbox NAME]. */
static void
mailbox_config_free (MailboxConfig *m)
{
  g_free (m->name);
  g_free (m->url);
  g_free (m->user);
  g_free (m->password_file);
  g_free (m->processed_folder);
  g_free (m->rejected_folder);
  g_free (m);
}

/* One [mailbox NAME] with its defaults. */
static MailboxConfig *
read_mailbox (Reader *r, const char *group, const char *name)
{
  static const char *const schemes[] = { "imap://", "imaps://", NULL };
  MailboxConfig *m = g_new0 (MailboxConfig, 1);
  m->name = g_strdup (name);
  m->url = read_url (r, group, schemes, "write imap://HOST[:PORT]/FOLDER,"
                     " imaps://HOST[:PORT]/FOLDER or maildir:PATH");
  m->user = read_value (r, group, "user");
  m->password_file = read_password_file (r, group);
  check_login (r, group, m->url, m->user, m->password_file);
  m->processed_folder = read_folder (r, group, "processed_folder", m->url, "Processed");
  m->rejected_folder = read_folder (r, group, "rejected_folder", m->url, "Rejected");
  m->idle = read_bool (r, group, "idle", TRUE);
  m->poll_interval = read_uint (r, group, "poll_interval", 1, 86400, 60);
  m->starttls = read_bool (r, group, "starttls", FALSE);
  return m;
}

/* "N" (a minute), "N/s", "N/min", "N/h": messages an hour, 0 for none. */
static guint
read_rate (Reader *r)
{
  static const struct { const char *unit; guint factor; } units[] = {
    { "", 60 }, { "s", 3600 }, { "sec", 3600 }, { "second", 3600 },
    { "m", 60 }, { "min", 60 }, { "minute", 60 }, { "h", 1 }, { "hour", 1 },
  };
  g_autofree char *value = read_value (r, "smtp", "rate");
  if (value == NULL)
    return 0;
  char *slash = strchr (value, '/');
  const char *unit = slash != NULL ? g_strstrip (slash + 1) : "";
  if (slash != NULL)
    *slash = '\0';
  guint64 n;
  gboolean number = g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, 1000000, &n, NULL);
  for (gsize i = 0; number && i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].unit) == 0)
      return (guint) n * units[i].factor;
  problem (r, "smtp", "rate", "not a rate: write messages a minute (like 60),"
           " or N/s, N/min or N/hour");
  return 0;
}

/* TRUE when an smtp:// url asks for STARTTLS ("?starttls"); a problem for
 * any other query, or for STARTTLS on smtps:// (TLS from the start). */
static gboolean
smtp_url_starttls (Reader *r, const char *url)
{
  gboolean network = url != NULL && !g_str_has_prefix (url, "maildir:");
  g_autoptr (GUri) uri = network ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  if (query == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (query, "starttls") != 0)
    problem (r, "smtp", "url", "\"?%s\" is not understood: the only query is"
             " ?starttls", query);
  else if (strcmp (g_uri_get_scheme (uri), "smtps") == 0)
    problem (r, "smtp", "url", "smtps:// is TLS from the start: remove ?starttls,"
             " or write smtp:// to use STARTTLS");
  else
    return TRUE;
  return FALSE;
}

/* [smtp]: the sink of everything sent. */
static void
read_smtp (Reader *r, Config *c)
{
  static const char *const schemes[] = { "smtp://", "smtps://", NULL };
  c->smtp_url = read_url (r, "smtp", schemes, "write smtp://HOST[:PORT],"
                          " smtps://HOST[:PORT] or maildir:PATH (where answers and"
                          " circulars go)");
  c->smtp_user = read_value (r, "smtp", "user");
  c->smtp_password_file = read_password_file (r, "smtp");
  check_login (r, "smtp", c->smtp_url, c->smtp_user, c->smtp_password_file);
  c->bounce_address = read_address (r, "smtp", "bounce_address", NULL);
  c->messages_per_connection = read_uint (r, "smtp", "messages_per_connection",
                                          1, 100000, 100);
  c->smtp_sessions = read_uint (r, "smtp", "sessions", 1, SMTP_SESSIONS_MAX,
                                SMTP_SESSIONS_DEFAULT);
  c->smtp_rate = read_rate (r);
  c->hard_bounces = read_uint (r, "smtp", "hard_bounces", 1, 1000, 3);
  gboolean url_starttls = smtp_url_starttls (r, c->smtp_url);
  c->smtp_starttls = read_bool (r, "smtp", "starttls", FALSE) || url_starttls;
}

/* [authentication] require: confirm, authenticated or none (ctcgw.conf(5));
 * default confirm. */
static AuthRequire
read_require (Reader *r)
{
  g_autofree char *value = read_value (r, "authentication", "require");
  if (value == NULL)
    return AUTH_REQUIRE_CONFIRM;
  for (guint i = 0; require_names[i] != NULL; i++)
    if (g_ascii_strcasecmp (value, require_names[i]) == 0)
      return (AuthRequire) i;
  problem (r, "authentication", "require", "\"%s\" is not a policy: write authenticated,"
           " confirm or none", value);
  return AUTH_REQUIRE_CONFIRM;
}

const char *
config_require_name (AuthRequire require)
{
  return require_names[require];
}

/* [authentication]: the policy, its confirmation days and dkim_keys, the
 * file of DKIM keys read instead of DNS (ctcgw.conf(5)), absolute; a
 * problem when it cannot be read. */
static void
read_authentication (Reader *r, Config *c)
{
  c->auth_require = read_require (r);
  c->confirm_days = read_uint (r, "authentication", "confirm_days", 1, 365, 7);
  g_autofree char *value = read_value (r, "authentication", "dkim_keys");
  if (value == NULL)
    return;
  c->dkim_keys = resolve_path (r, value);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_test (c->dkim_keys, G_FILE_TEST_IS_REGULAR))
    problem (r, "authentication", "dkim_keys", "%s is not a file: name the file of DKIM"
             " keys, one a line: SELECTOR._domainkey.DOMAIN v=DKIM1; k=rsa; p=...",
             c->dkim_keys);
  else if (!g_file_get_contents (c->dkim_keys, &text, NULL, &error))
    problem (r, "authentication", "dkim_keys", "cannot read %s (%s): make it readable by"
             " the gateway", c->dkim_keys, error->message);
}

/* [limits]: defaults from parsers/limits.h. */
static void
read_limits (Reader *r, Config *c)
{
  CtcLimits d = ctc_limits_default ();
  c->limits.message_max = read_size (r, "limits", "message_size", d.message_max);
  c->limits.attachment_max = read_size (r, "limits", "attachment_size", d.attachment_max);
  c->limits.attachments_max = read_size (r, "limits", "attachments_size", c->limits.message_max);
  c->limits.value_max = read_uint (r, "limits", "value_length", 1, 1000000, d.value_max);
  c->limits.fields_max = read_uint (r, "limits", "fields_per_record", 1, 10000, d.fields_max);
  c->limits.records_max = read_uint (r, "limits", "records_per_message", 1, 1000000,
                                     d.records_max);
  c->replies_per_sender_per_hour = read_uint (r, "limits", "replies_per_sender_per_hour",
                                              0, 1000000, CTC_REPLIES_PER_HOUR_DEFAULT);
  c->calendar_clock_skew_hours = read_uint (r, "limits", "calendar_clock_skew_hours", 0, 8760,
                                            CTC_CALENDAR_SKEW_HOURS_DEFAULT);
}

/* The kind of section named kind, or NULL. */
static const SectionKind *
section_kind_find (const char *kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (section_kinds); i++)
    if (strcmp (section_kinds[i].kind, kind) == 0)
      return &section_kinds[i];
  return NULL;
}

/* Every key of group is one of keys; else a problem with the closest. */
static void
check_keys (Reader *r, const char *group, const char *const *keys)
{
  g_auto (GStrv) present = g_key_file_get_keys (r->kf, group, NULL, NULL);
  for (char **k = present; k != NULL && *k != NULL; k++)
    {
      if (g_strv_contains (keys, *k))
        continue;
      const char *near = form_suggest (*k, keys);
      if (near != NULL)
        problem (r, group, *k, "unknown key; did you mean \"%s\"?", near);
      else
        problem (r, group, *k, "unknown key: remove it (ctcgw.conf(5) lists the keys)");
    }
}

/* The section's kind and name ("mailbox intake" -> mailbox, intake), or a
 * problem when it is unknown or its name is missing or extra. */
static const SectionKind *
check_section (Reader *r, const char *group, char **name)
{
  g_auto (GStrv) parts = g_strsplit (group, " ", 2);
  const SectionKind *sk = section_kind_find (parts[0] != NULL ? parts[0] : "");
  *name = parts[0] != NULL && parts[1] != NULL ? g_strstrip (g_strdup (parts[1])) : NULL;
  if (sk == NULL)
    {
      const char *near = parts[0] != NULL ? form_suggest (parts[0], section_names) : NULL;
      if (near != NULL)
        problem (r, group, NULL, "unknown section; did you mean [%s%s]?", near,
                 strchr (group, ' ') != NULL ? strchr (group, ' ') : "");
      else
        problem (r, group, NULL, "unknown section: remove it (ctcgw.conf(5) lists"
                 " the sections)");
    }
  else if (sk->named && (*name == NULL || **name == '\0'))
    problem (r, group, NULL, "the section needs a name: write [%s NAME]", sk->kind);
  else if (!sk->named && *name != NULL)
    problem (r, group, NULL, "the section takes no name: write [%s]", sk->kind);
  else
    return sk;
  g_clear_pointer (name, g_free);
  return NULL;
}

/* Checks every section and its keys, in file order. */
static void
check_sections (Reader *r)
{
  g_auto (GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (char **g = groups; *g != NULL; g++)
    {
      g_autofree char *name = NULL;
      const SectionKind *sk = check_section (r, *g, &name);
      if (sk != NULL && sk->keys != NULL)
        check_keys (r, *g, sk->keys);
    }
}

/* The NAME of a well-formed [mailbox NAME] group, or NULL. */
static char *
mailbox_name (const char *group)
{
  if (!g_str_has_prefix (group, "mailbox "))
    return NULL;
  char *name = g_strstrip (g_strdup (group + 8));
  if (*name == '\0')
    g_clear_pointer (&name, g_free);
  return name;
}

/* Every [mailbox NAME], in file order. */
static void
read_mailboxes (Reader *r, Config *c)
{
  g_auto (GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (char **g = groups; *g != NULL; g++)
    {
      g_autofree char *name = mailbox_name (*g);
      if (name != NULL)
        g_ptr_array_add (c->mailboxes, read_mailbox (r, *g, name));
    }
}

/* Frees one [schedule NAME]. */
static void
schedule_config_free (ScheduleConfig *s)
{
  g_free (s->name);
  g_free (s->kind);
  g_free (s->circular);
  g_free (s->audience);
  g_free (s->subject);
  g_free (s->rrule);
  g_free (s->start);
  g_free (s);
}

/* A value that schedule.c checks (check returns NULL with error when it
 * refuses it): the checked value, or NULL with a problem. */
static char *
read_schedule_value (Reader *r, const char *group, const char *key, const char *hint,
                     char *(*check) (const char *, GError **))
{
  g_autofree char *value = read_required (r, group, key, hint);
  g_autoptr (GError) error = NULL;
  char *checked = value != NULL ? check (value, &error) : NULL;
  if (value != NULL && checked == NULL)
    problem (r, group, key, "%s", error->message);
  return checked;
}

/* The RRULE as given when recur_rule_check() accepts it. */
static char *
rrule_checked (const char *rrule, GError **error)
{
  return recur_rule_check (rrule, error) ? g_strdup (rrule) : NULL;
}

/* kind: one of schedule_kinds; default circular. */
static char *
read_schedule_kind (Reader *r, const char *group)
{
  g_autofree char *value = read_value (r, group, "kind");
  if (value == NULL || g_strv_contains (schedule_kinds, value))
    return value != NULL ? g_steal_pointer (&value) : g_strdup ("circular");
  problem (r, group, "kind", "\"%s\" is not a kind of schedule: write circular,"
           " distribute-contacts or digest", value);
  return g_strdup ("circular");
}

/* One [schedule NAME] (ctcgw.conf(5)). */
static ScheduleConfig *
read_schedule (Reader *r, const char *group, const char *name)
{
  ScheduleConfig *s = g_new0 (ScheduleConfig, 1);
  s->name = g_strdup (name);
  s->kind = read_schedule_kind (r, group);
  if (strcmp (s->kind, "circular") == 0)
    s->circular = read_required (r, group, "circular", "name the template of the circular"
                                 " (templates/NAME.en.txt)");
  s->audience = read_value (r, group, "audience");
  if (s->audience == NULL)
    s->audience = g_strdup ("all");
  s->subject = read_value (r, group, "subject");
  s->rrule = read_schedule_value (r, group, "rrule", "write an iCalendar RRULE like"
                                  " FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15", rrule_checked);
  s->start = read_schedule_value (r, group, "start", "write the first time, like"
                                  " 2026-01-15T09:00", recur_start_parse);
  s->enabled = read_bool (r, group, "enabled", TRUE);
  return s;
}

/* Every well-formed [schedule NAME], in file order. */
static void
read_schedules (Reader *r, Config *c)
{
  g_auto (GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (char **g = groups; *g != NULL; g++)
    {
      if (!g_str_has_prefix (*g, "schedule "))
        continue;
      g_autofree char *name = g_strstrip (g_strdup (*g + 9));
      if (*name != '\0')
        g_ptr_array_add (c->schedules, read_schedule (r, *g, name));
    }
}

/* [publish]: the directory the public site is written to and the address
 * it is read at (ctcgw.conf(5)); both or neither. */
static void
read_publish (Reader *r, Config *c)
{
  static const char *const schemes[] = { "http://", "https://", NULL };
  if (!g_key_file_has_group (r->kf, "publish"))
    return;
  g_autofree char *dir = read_required (r, "publish", "dir", "the directory of the site");
  g_autofree char *url = read_required (r, "publish", "url", "the address readers open");
  if (dir != NULL)
    c->publish_dir = resolve_path (r, dir);
  if (url != NULL && !network_url_valid (url, schemes))
    problem (r, "publish", "url", "\"%s\" is not an http or https address", url);
  else if (url != NULL)
    c->publish_url = g_strndup (url, strlen (url) - (g_str_has_suffix (url, "/") ? 1 : 0));
}

/* [digest] time: "HH:MM", local time in [gateway] timezone; default 07:00. */
static char *
read_digest_time (Reader *r)
{
  g_autofree char *value = read_value (r, "digest", "time");
  guint hour = 7, minute = 0;
  char end = 0;
  if (value != NULL && (sscanf (value, "%2u:%2u%c", &hour, &minute, &end) != 2
                        || hour > 23 || minute > 59))
    {
      problem (r, "digest", "time", "\"%s\" is not a time of day: write one like 07:00",
               value);
      hour = 7, minute = 0;
    }
  return g_strdup_printf ("2026-01-01T%02u:%02u:00", hour, minute);
}

/* [digest]: who gets it, what it reports, and its daily schedule (a
 * schedule named "digest" of kind digest, when the section is there). */
static void
read_digest (Reader *r, Config *c)
{
  c->digest_to = read_addresses (r, "digest", "to");
  if (c->digest_to[0] == NULL)
    {
      g_strfreev (c->digest_to);
      c->digest_to = g_strdupv (c->staff);
    }
  c->digest_stale_months = read_uint (r, "digest", "stale_months", 1, 120, 6);
  c->digest_silent_months = read_uint (r, "digest", "silent_months", 1, 120, 6);
  c->digest_visit_days = read_uint (r, "digest", "visit_information_days", 1, 365, 14);
  c->digest_items = read_uint (r, "digest", "items", 1, 100000, 50);
  g_autofree char *start = read_digest_time (r);
  if (!g_key_file_has_group (r->kf, "digest"))
    return;
  if (g_key_file_has_group (r->kf, "schedule digest"))
    problem (r, "schedule digest", "kind", "the name digest is the schedule of [digest]:"
             " rename the section");
  ScheduleConfig *s = g_new0 (ScheduleConfig, 1);
  s->name = g_strdup ("digest");
  s->kind = g_strdup ("digest");
  s->rrule = g_strdup ("FREQ=DAILY");
  s->start = g_steal_pointer (&start);
  s->enabled = read_bool (r, "digest", "enabled", TRUE);
  g_ptr_array_add (c->schedules, s);
}

/* Reads the whole configuration from kf, adding every problem to problems. */
static Config *
config_from_keyfile (GKeyFile *kf, const char *path, GPtrArray *problems)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (absolute);
  Reader r = { kf, dir, problems };
  Config *c = g_new0 (Config, 1);
  c->path = g_strdup (path);
  c->mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) mailbox_config_free);
  c->schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) schedule_config_free);
  check_sections (&r);
  read_gateway (&r, c);
  read_mailboxes (&r, c);
  read_smtp (&r, c);
  read_limits (&r, c);
  read_authentication (&r, c);
  read_schedules (&r, c);
  read_digest (&r, c);
  read_publish (&r, c);
  return c;
}

/* Why path cannot be read: the system's reason when opening fails. */
static char *
read_failure (const char *path, const GError *local)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return g_strdup (g_strerror (errno));
  close (fd);
  return g_strdup (local->message);
}

/* The file as a GKeyFile; CONFIG_ERROR_READ when it cannot be read or is
 * no INI file. */
static GKeyFile *
config_read_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    return g_steal_pointer (&kf);
  if (local->domain == G_FILE_ERROR)
    {
      g_autofree char *why = read_failure (path, local);
      g_set_error (error, CONFIG_ERROR, CONFIG_ERROR_READ, "cannot read the configuration"
                   " file %s (%s): name another one with -c FILE", path, why);
    }
  else
    g_set_error (error, CONFIG_ERROR, CONFIG_ERROR_READ, "%s is not a configuration"
                 " file (%s): see ctcgw.conf(5) and ctcgw.conf.example", path,
                 local->message);
  return NULL;
}

/* See config.h: the configuration, or the first problem as the error. */
Config *
config_load (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = config_read_file (path, error);
  if (kf == NULL)
    return NULL;
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (Config) config = config_from_keyfile (kf, path, problems);
  if (problems->len > 0)
    {
      g_set_error (error, CONFIG_ERROR, CONFIG_ERROR_INVALID, "%s: %s", path,
                   (const char *) problems->pdata[0]);
      return NULL;
    }
  return g_steal_pointer (&config);
}

/* See config.h: every problem, for `ctcgw check-config`. */
GPtrArray *
config_check (const char *path)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) kf = config_read_file (path, &error);
  if (kf == NULL)
    {
      g_ptr_array_add (problems, g_strdup (error->message));
      return problems;
    }
  config_free (config_from_keyfile (kf, path, problems));
  return problems;
}

/* Frees a Config and its mailboxes. */
void
config_free (Config *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->database);
  g_free (config->address);
  g_free (config->name);
  g_free (config->reference_prefix);
  g_strfreev (config->staff);
  g_strfreev (config->digest_to);
  g_free (config->publish_dir);
  g_free (config->publish_url);
  g_free (config->timezone);
  g_clear_pointer (&config->zone, g_time_zone_unref);
  g_free (config->trusted_authserv_id);
  g_free (config->dkim_keys);
  g_free (config->language);
  g_clear_pointer (&config->mailboxes, g_ptr_array_unref);
  g_clear_pointer (&config->schedules, g_ptr_array_unref);
  g_free (config->smtp_url);
  g_free (config->smtp_user);
  g_free (config->smtp_password_file);
  g_free (config->bounce_address);
  g_free (config);
}

/* Staff addresses are compared as addresses (parsers/address.h): ASCII
 * case, IDNA domains as A-labels, never a look-alike. */
gboolean
config_is_staff (const Config *config, const char *addr)
{
  if (addr == NULL || config->staff == NULL)
    return FALSE;
  for (char **s = config->staff; *s != NULL; s++)
    if (address_equal (*s, addr))
      return TRUE;
  return FALSE;
}

/* The path part of a maildir: URL. */
const char *
config_maildir_path (const char *url)
{
  if (url == NULL || !g_str_has_prefix (url, "maildir:") || url[8] == '\0')
    return NULL;
  return url + 8;
}
