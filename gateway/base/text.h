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

/* text (valid UTF-8) with a RIGHT-TO-LEFT MARK (U+200F) before each line
 * that has text but the signature separator "-- ": a reader lays out every
 * line of right-to-left text from the right, even one that starts with a
 * Latin name or a reference.  Owned by the caller. */
char *text_mark_rtl (const char *text);

/* Appends s (valid UTF-8; NULL as "") to out as a JSON string. */
void text_append_json_string (GString *out, const char *s);

/* The width at which the text of a message is wrapped. */
#define TEXT_WRAP_COLUMNS 76

/* text (valid UTF-8) with every line wider than width columns broken at
 * spaces, and between the characters of Chinese text (not before closing
 * nor after opening punctuation), into lines of at most width columns.  A
 * word of other text (an address, a URL, a reference) is never broken;
 * one wider than width stands alone on its line.  The lines that continue a line
 * start as far in as its text: past its indentation and its list marker
 * ("- ", "* ", "• ", "1. ").  Lines that fit are kept as they are.  Owned
 * by the caller. */
char *text_wrap (const char *text, guint width);
