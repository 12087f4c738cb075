/* key=value log lines to stderr, or to the journal with the pairs as its
 * fields when systemd started the program; untrusted text is escaped. */
#pragma once

#include <glib.h>

typedef enum { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 } LogLevel;

void log_set_level (LogLevel level);
/* Chooses where lines go: the journal when standard error is systemd's
 * journal stream (JOURNAL_STREAM), else stderr.  Called once, at start. */
void log_init (void);
gboolean log_stderr_is_journal (void);
/* The journal fields of a line (owned "NAME=value" strings): MESSAGE,
 * PRIORITY, SYSLOG_IDENTIFIER, CTCGW_MODULE, then one a key=value pair of
 * text, its key upper-cased (submission=X: SUBMISSION=X). */
GPtrArray *log_journal_fields (int priority, const char *module, const char *text);
LogLevel log_get_level (void);
/* log_info ("intake", "msgid=%s outcome=%s", ...); escape untrusted values with log_escape. */
void log_info (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void log_warn (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void log_debug (const char *module, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Quotes s for a log value: no control characters, at most 200 bytes. */
char *log_escape (const char *s);
