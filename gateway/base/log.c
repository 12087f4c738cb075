/* One logging module: "ctcgw: MODULE: key=value ..." lines on stderr, with
 * untrusted text escaped by log_escape() before it reaches a line. */

#include <stdio.h>
#include <string.h>

#include "gateway/base/log.h"

#define LOG_VALUE_MAX 200

static LogLevel log_level = LOG_NORMAL;

/* The level set by -q / -v. */
void
log_set_level (LogLevel level)
{
  log_level = level;
}

/* Writes one line; the whole line goes out in one call so that lines of
 * concurrent processes do not interleave. */
static void
log_write (const char *module, const char *fmt, va_list ap)
{
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
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
  log_write (module, fmt, ap);
  va_end (ap);
}

/* Something went wrong: always shown. */
void
log_warn (const char *module, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  log_write (module, fmt, ap);
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
  log_write (module, fmt, ap);
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
