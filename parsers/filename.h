/* File names that come from outside (an attachment's) made safe to show, to
 * store and to write a file under (ctcgw(8), show --attachment).
 * Pure code.
 *
 * Ownership: ctc_file_name_clean() returns a new string (g_free) or NULL. */
#pragma once

#include <glib.h>

/* name (any bytes; NULL allowed) as a plain file name: the last part of a
 * path only (no '/' or '\\'), no control, format or bidi characters, none
 * of < > : " | ? * (which Windows refuses), no leading dots or spaces, no
 * trailing dots or spaces, at most CTC_FILE_NAME_MAX characters and
 * CTC_FILE_NAME_BYTES_MAX bytes with its extension kept.  NULL when nothing
 * is left. */
char *ctc_file_name_clean (const char *name);
