/* Plain text laid out in columns, for a terminal (ctcgw list) or a
 * text/plain table (the contact list): how wide UTF-8 text shows in a
 * fixed-width font, where wide CJK characters take two columns and
 * combining marks none. */
#pragma once

#include <glib.h>

/* Columns that the character c takes. */
guint text_char_width (gunichar c);

/* Columns that s (valid UTF-8) takes. */
guint text_width (const char *s);
