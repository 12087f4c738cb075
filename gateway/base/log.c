/* One logging module: "ctcgw: MODULE: key=value ..." lines on stderr, with
 * untrusted text escaped by log_escape() before it reaches a line.  Started
 * by systemd, the same lines go to the journal with their key=value pairs
 * as fields of their own (ctcgw(8), LOGGING). */

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "gateway/base/log.h"

#define LOG_VALUE_MAX 200

static LogLevel log_level = LOG_NORMAL;
static gboolean log_journal = FALSE;

/* The level set by -q / -v. */
void
log_set_level (LogLevel level)
{
  log_level = level;
}

/* TRUE when JOURNAL_STREAM names standard error: systemd connected it to
 * the journal (systemd.exec(5)). */
gboolean
log_stderr_is_journal (void)
{
  const char *stream = g_getenv ("JOURNAL_STREAM");
  struct stat st;
  if (stream == NULL || fstat (STDERR_FILENO, &st) != 0)
    return FALSE;
  g_autofree char *mine = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                           (guint64) st.st_dev, (guint64) st.st_ino);
  return strcmp (stream, mine) == 0;
}

void
log_init (void)
{
  log_journal = log_stderr_is_journal ();
}

/* The field name of a key of a line: upper case, '_' for anything else;
 * NULL for a key the journal would refuse. */
static char *
log_field_name (const char *key, gsize len)
{
  if (len == 0 || len > 64 || !g_ascii_isalpha (key[0]))
    return NULL;
  char *name = g_ascii_strup (key, (gssize) len);
  for (char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  return name;
}

/* The end of the value that starts at p: a word, or a quoted string whose
 * quotes and backslashes log_escape() escaped. */
static const char *
log_value_end (const char *p)
{
  if (*p != '"')
    return p + strcspn (p, " ");
  for (p++; *p != '\0' && *p != '"'; p++)
    if (*p == '\\' && p[1] != '\0')
      p++;
  return *p == '"' ? p + 1 : p;
}

/* Adds a field for each key=value of text, as it stands in the line. */
static void
log_add_pairs (GPtrArray *fields, const char *text)
{
  const char *p = text;
  while (*p != '\0')
    {
      p += strspn (p, " ");
      gsize word = strcspn (p, " =");
      if (p[word] != '=')
        {
          p += word;
          continue;
        }
      const char *value = p + word + 1;
      const char *end = log_value_end (value);
      g_autofree char *name = log_field_name (p, word);
      if (name != NULL && end > value)
        g_ptr_array_add (fields, g_strdup_printf ("%s=%.*s", name, (int) (end - value), value));
      p = end;
    }
}

GPtrArray *
log_journal_fields (int priority, const char *module, const char *text)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fields, g_strdup_printf ("MESSAGE=%s: %s", module, text));
  g_ptr_array_add (fields, g_strdup_printf ("PRIORITY=%d", priority));
  g_ptr_array_add (fields, g_strdup ("SYSLOG_IDENTIFIER=ctcgw"));
  g_ptr_array_add (fields, g_strdup_printf ("CTCGW_MODULE=%s", module));
  log_add_pairs (fields, text);
  return fields;
}

/* One entry in the journal; FALSE when the journal did not take it. */
static gboolean
log_send_journal (int priority, const char *module, const char *text)
{
  g_autoptr (GPtrArray) fields = log_journal_fields (priority, module, text);
  g_autofree struct iovec *iov = g_new (struct iovec, fields->len);
  for (guint i = 0; i < fields->len; i++)
    {
      iov[i].iov_base = g_ptr_array_index (fields, i);
      iov[i].iov_len = strlen (iov[i].iov_base);
    }
  return sd_journal_sendv (iov, (int) fields->len) >= 0;
}

/* Writes one line; the whole line goes out in one call so that lines of
 * concurrent processes do not interleave.  To the journal when systemd
 * started the program, and to stderr when the journal does not take it. */
static void
log_write (int priority, const char *module, const char *fmt, va_list ap)
{
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  if (log_journal && log_send_journal (priority, module, text))
    return;
  g_autofree char *line = g_strdup_printf ("ctcgw: %s: %s\n", module, text);
  fputs (line, stderr);
  fflush (stderr);
}

/* What happened: shown unless -q. */
void
log_info (const char *module, const char *fmt, ...)
{
  va_list ap;
  if (log_level < LOG_NORMAL)
    return;
  va_start (ap, fmt);
  log_write (LOG_INFO, module, fmt, ap);
  va_end (ap);
}

/* Something went wrong: always shown. */
void
log_warn (const char *module, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  log_write (LOG_WARNING, module, fmt, ap);
  va_end (ap);
}

/* Details for -v. */
void
log_debug (const char *module, const char *fmt, ...)
{
  va_list ap;
  if (log_level < LOG_VERBOSE)
    return;
  va_start (ap, fmt);
  log_write (LOG_DEBUG, module, fmt, ap);
  va_end (ap);
}

/* TRUE when s can stand in a key=value line as it is. */
static gboolean
log_plain (const char *s)
{
  if (*s == '\0' || strlen (s) > LOG_VALUE_MAX)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isgraph (*p) || *p == '"' || *p == '\\' || *p == '=')
      return FALSE;
  return TRUE;
}

/* Characters that hide or reorder text on a terminal: controls, format
 * characters (bidirectional overrides), line and paragraph separators. */
static gboolean
log_unichar_hidden (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The escaped form of one character c (decoded at p, len bytes long). */
static void
log_escape_char (GString *out, const char *p, gsize len, gunichar c)
{
  if (c == (gunichar) -1 || c == (gunichar) -2)
    g_string_append_printf (out, "\\x%02x", (guchar) *p);
  else if (c == '"' || c == '\\')
    g_string_append_printf (out, "\\%c", (char) c);
  else if (c == '\n')
    g_string_append (out, "\\n");
  else if (c == '\r')
    g_string_append (out, "\\r");
  else if (c == '\t')
    g_string_append (out, "\\t");
  else if (c < 0x80 && !g_ascii_isprint ((char) c))
    g_string_append_printf (out, "\\x%02x", c);
  else if (c >= 0x80 && log_unichar_hidden (c))
    g_string_append_printf (out, "\\u%04x", c);
  else
    g_string_append_len (out, p, len);
}

/* A value for a log line: as it is when it is plain, else in double quotes
 * with control characters, quotes, backslashes and invalid UTF-8 escaped,
 * cut after LOG_VALUE_MAX bytes of the original.  NULL logs as "-". */
char *
log_escape (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  if (log_plain (s))
    return g_strdup (s);
  GString *out = g_string_new ("\"");
  gsize total = strlen (s);
  const char *p = s;
  while (*p != '\0' && (gsize) (p - s) < LOG_VALUE_MAX)
    {
      gssize left = (gssize) (total - (gsize) (p - s));
      gunichar c = g_utf8_get_char_validated (p, MIN (left, 6));
      gsize len = (c == (gunichar) -1 || c == (gunichar) -2) ? 1
                  : (gsize) (g_utf8_next_char (p) - p);
      log_escape_char (out, p, len, c);
      p += len;
    }
  if (*p != '\0')
    g_string_append (out, "...");
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* The level, for commands that print more with -v and nothing with -q. */
LogLevel
log_get_level (void)
{
  return log_level;
}
