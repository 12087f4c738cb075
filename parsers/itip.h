/* The iTIP METHOD (RFC 5546) of a calendar, without parsing it: what
 * classification needs to tell a calendar reply from other mail, and what
 * imip.c uses to read the METHOD it finds.  Pure code. */
#pragma once

#include <glib.h>

/* The METHOD line of calendar text (a folded one too, RFC 5545 3.1), upper
 * case, or NULL: a cheap look that needs no parse, for classification. */
char *itip_text_method (const char *text);

/* TRUE for the methods an attendee sends to the organizer (REPLY, COUNTER,
 * REFRESH): mail of which is never answered. */
gboolean itip_method_is_reply (const char *method);

/* The first len bytes of value as a METHOD: trimmed, upper case, letters
 * and '-' only and not too long, else NULL.  Owned by the caller. */
char *itip_method_clean (const char *value, gsize len);
