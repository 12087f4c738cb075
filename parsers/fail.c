/* See fail.h. */
#include <stdarg.h>

#include "parsers/fail.h"

gboolean
fail_with (GError **error, GQuark domain, gint code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, domain, code, message);
  return FALSE;
}
