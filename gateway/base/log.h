/* key=value log lines to stderr; untrusted text is escaped. */
#pragma once

#include <glib.h>

typedef enum { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 } LogLevel;

void log_set_level (LogLevel level);
LogLevel log_get_level (void);
/* log_info ("intake", "msgid=%s outcome=%s", ...); escape untrusted values with log_escape. */
void log_info (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void log_warn (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void log_debug (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Quotes s for a log value: no control characters, at most 200 bytes. */
char *log_escape (const char *s);
