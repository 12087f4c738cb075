/* The one-line failure of every module: sets error and returns FALSE, so
 * that a check reads `return fail_with (error, DOMAIN, CODE, "...", ...)`. */
#pragma once

#include <glib.h>

gboolean fail_with (GError **error, GQuark domain, gint code, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);
