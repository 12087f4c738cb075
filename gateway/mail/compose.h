/* The one composer of the messages the gateway sends: answers, circulars,
 * visit notices, distributions, digests and invitations (ctcgw(8): every
 * message is a row of the outbox first).
 *
 * A message starts as compose_message(): From the gateway, Date in the
 * configured zone, a Message-ID of the gateway's domain, Auto-Submitted
 * (RFC 3834), To with a display name cleaned by compose_display_name(),
 * display names and Subject encoded as UTF-8 words (RFC 2047),
 * Subject, List-Id (RFC 2919) and threading (RFC 5322 section 3.6.4).
 * Its body is a tree of parts made here: compose_text_part() for texts, compose_attachment() for files, and
 * compose_multipart() for multipart/alternative or multipart/mixed;
 * compose_set_body() hangs it under the message.
 *
 * Everything returned is owned by the caller unless said otherwise. */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

#include "gateway/base/config.h"

/* GMime 3.2 defines no g_autoptr cleanups; the gateway's code uses this one. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* The longest display name put in a header, in characters. */
#define COMPOSE_NAME_MAX 128

/* The headers of one message besides the gateway's own (From, Date,
 * Message-ID).  Only to and subject are required. */
typedef struct {
  const char *auto_submitted; /* "auto-replied", "auto-generated"; NULL: none */
  const char *to;             /* the recipient's address */
  const char *to_name;        /* as the registers or the sender wrote it; NULL: none */
  const char *subject;        /* UTF-8, encoded by GMime as RFC 2047 wants */
  const char *list_id;        /* "<circulars.example.org>"; NULL: none */
  const char *in_reply_to;    /* Message-ID answered, without <>; NULL: not a reply */
  const char *references;     /* the References of the message answered; NULL: none */
  const char *language;       /* Content-Language (RFC 3282): "ru"; NULL: config->language */
  gboolean bulk;              /* one of a mailing to many: Precedence: bulk and
                               * X-Auto-Response-Suppress: OOF, AutoReply */
} ComposeHeaders;

/* name fit for a header or a parameter: valid UTF-8 (invalid bytes
 * replaced), every control character and line break a space, trimmed, at
 * most COMPOSE_NAME_MAX characters.  NULL when name is NULL or nothing is
 * left.  The one cleaning of a display name: use it wherever a name from
 * the registers or a sender goes out. */
char *compose_display_name (const char *name);

/* A message From the gateway ("name <address>") with Date (now in
 * config->zone), Message-ID (a random UUID @ the domain of the address)
 * and Auto-Submitted (none when auto_submitted is NULL).  It carries its
 * envelope sender for outbox_queue(): [smtp] bounce_address, else the
 * gateway's address (compose_envelope_sender). */
GMimeMessage *compose_message_new (const Config *config, const char *auto_submitted);

/* compose_message_new() with every header of headers, in this order:
 * Auto-Submitted, To, Subject, List-Id, Precedence and
 * X-Auto-Response-Suppress (bulk), In-Reply-To, References,
 * Content-Language (the configured language when headers has none).  The
 * caller adds the body (compose_set_body). */
GMimeMessage *compose_message (const Config *config, const ComposeHeaders *headers);

/* The envelope sender a message of compose_message_new() carries, or NULL
 * for a message made otherwise.  Owned by msg. */
const char *compose_envelope_sender (GMimeMessage *msg);

/* Makes body (taken over) the body of msg, with the Content-Language of
 * compose_message(). */
void compose_set_body (GMimeMessage *msg, GMimeObject *body);

/* A text/SUBTYPE part of UTF-8 text labelled charset=UTF-8, whatever
 * the text (every part the gateway sends is UTF-8, and iCalendar wants it:
 * RFC 5545 section 3.1.4), in the content encoding that suits it in 7 bits:
 * 7bit for ASCII, else quoted-printable or base64, whichever is shorter. */
GMimeObject *compose_text_part (const char *subtype, const char *text);

/* An attachment of type mime_type ("text/csv") named filename holding
 * content (its bytes, CRLF line ends too, kept by base64).  The
 * NULL-terminated name, value pairs after content are Content-Type
 * parameters, written before the name parameter. */
GMimeObject *compose_attachment (const char *mime_type, const char *filename,
                                 const char *content, ...) G_GNUC_NULL_TERMINATED;

/* A multipart/SUBTYPE ("alternative", "mixed") of the NULL-terminated
 * parts after subtype, in that order; it takes the parts over. */
GMimeObject *compose_multipart (const char *subtype, ...) G_GNUC_NULL_TERMINATED;
