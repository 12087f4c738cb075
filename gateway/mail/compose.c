/* The one composer of outgoing messages: the gateway's headers, a clean
 * display name, and the MIME parts of every body the gateway sends. */

#include <stdarg.h>
#include <string.h>

#include "gateway/mail/compose.h"

/* Where compose_message_new() leaves the envelope sender for the outbox. */
#define MAIL_FROM_KEY "ctcgw-mail-from"

/* Where compose_message() leaves the language for compose_set_body(). */
#define LANGUAGE_KEY "ctcgw-language"

/* Whether c would break a header line or hide in it: C0 and C1 controls,
 * DEL, and the Unicode line and paragraph separators. */
static gboolean
breaks_line (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029;
}

/* See compose.h. */
char *
compose_display_name (const char *name)
{
  if (name == NULL)
    return NULL;
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  GString *out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    g_string_append_unichar (out, breaks_line (g_utf8_get_char (p)) ? ' ' : g_utf8_get_char (p));
  g_strstrip (out->str);
  if (g_utf8_strlen (out->str, -1) > COMPOSE_NAME_MAX)
    *g_utf8_offset_to_pointer (out->str, COMPOSE_NAME_MAX) = '\0';
  g_strchomp (out->str);
  if (out->str[0] != '\0')
    return g_string_free (out, FALSE);
  g_string_free (out, TRUE);
  return NULL;
}

/* Now in the configured zone, for Date. */
static GDateTime *
now_in_zone (const Config *config)
{
  return config->zone != NULL ? g_date_time_new_now (config->zone)
                              : g_date_time_new_now_utc ();
}

/* <uuid@domain of address>, without the brackets.  A random UUID: GMime's
 * generator opens /dev/urandom for every message. */
static char *
message_id (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  return g_strdup_printf ("%s@%s", uuid, at != NULL ? at + 1 : "localhost");
}

/* Adds "name <address>" to the type addresses of msg, the name encoded
 * as UTF-8 (RFC 2047): left to itself GMime picks the narrowest charset
 * that fits, iso-8859-5 for a Russian name, iso-8859-6 for an Arabic one. */
static void
add_mailbox (GMimeMessage *msg, GMimeAddressType type, const char *name, const char *address)
{
  InternetAddress *ia = internet_address_mailbox_new (name, address);
  internet_address_set_charset (ia, "UTF-8");
  internet_address_list_add (g_mime_message_get_addresses (msg, type), ia);
  g_object_unref (ia);
}

/* See compose.h. */
GMimeMessage *
compose_message_new (const Config *config, const char *auto_submitted)
{
  GMimeMessage *msg = g_mime_message_new (TRUE);
  add_mailbox (msg, GMIME_ADDRESS_TYPE_FROM, config->name, config->address);
  g_autoptr (GDateTime) now = now_in_zone (config);
  g_mime_message_set_date (msg, now);
  g_autofree char *id = message_id (config->address);
  g_mime_message_set_message_id (msg, id);
  if (auto_submitted != NULL)
    g_mime_object_set_header (GMIME_OBJECT (msg), "Auto-Submitted", auto_submitted, NULL);
  const char *mail_from = config->bounce_address != NULL ? config->bounce_address
                                                         : config->address;
  g_object_set_data_full (G_OBJECT (msg), MAIL_FROM_KEY, g_strdup (mail_from), g_free);
  return msg;
}

/* In-Reply-To and References of a reply to in_reply_to (RFC 5322 section
 * 3.6.4): the References it had, then its Message-ID. */
static void
set_thread (GMimeMessage *msg, const char *in_reply_to, const char *references)
{
  if (in_reply_to == NULL)
    return;
  g_autofree char *id = g_strdup_printf ("<%s>", in_reply_to);
  g_autofree char *refs = references != NULL ? g_strdup_printf ("%s %s", references, id)
                                             : g_strdup (id);
  g_mime_object_set_header (GMIME_OBJECT (msg), "In-Reply-To", id, NULL);
  g_mime_object_set_header (GMIME_OBJECT (msg), "References", refs, NULL);
}

/* The headers that keep out-of-office and other automatic replies from
 * coming back by the thousand from a mailing to many (ctcgw(8),
 * circular send): Precedence: bulk, which vacation programs heed, and
 * X-Auto-Response-Suppress, which Exchange and Outlook heed. */
static void
set_bulk (GMimeMessage *msg)
{
  g_mime_object_set_header (GMIME_OBJECT (msg), "Precedence", "bulk", NULL);
  g_mime_object_set_header (GMIME_OBJECT (msg), "X-Auto-Response-Suppress", "OOF, AutoReply",
                            NULL);
}

/* See compose.h. */
GMimeMessage *
compose_message (const Config *config, const ComposeHeaders *headers)
{
  GMimeMessage *msg = compose_message_new (config, headers->auto_submitted);
  g_autofree char *name = compose_display_name (headers->to_name);
  add_mailbox (msg, GMIME_ADDRESS_TYPE_TO, name, headers->to);
  g_mime_message_set_subject (msg, headers->subject, "UTF-8");
  if (headers->list_id != NULL)
    g_mime_object_set_header (GMIME_OBJECT (msg), "List-Id", headers->list_id, NULL);
  if (headers->bulk)
    set_bulk (msg);
  set_thread (msg, headers->in_reply_to, headers->references);
  const char *language = headers->language != NULL ? headers->language : config->language;
  if (language != NULL)
    g_object_set_data_full (G_OBJECT (msg), LANGUAGE_KEY, g_strdup (language), g_free);
  return msg;
}

/* See compose.h. */
const char *
compose_envelope_sender (GMimeMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), MAIL_FROM_KEY);
}

/* See compose.h.  Content-Language goes on the body: GMime keeps the
 * Content- headers of a message with its top part. */
void
compose_set_body (GMimeMessage *msg, GMimeObject *body)
{
  const char *language = g_object_get_data (G_OBJECT (msg), LANGUAGE_KEY);
  if (language != NULL)
    g_mime_object_set_header (body, "Content-Language", language, NULL);
  g_mime_message_set_mime_part (msg, body);
  g_object_unref (body);
}

/* Gives part the content encoding that suits its content in 7 bits, said
 * in its header even for ASCII (GMime's answer there is "default"). */
static void
set_best_encoding (GMimePart *part)
{
  GMimeContentEncoding best =
      g_mime_part_get_best_content_encoding (part, GMIME_ENCODING_CONSTRAINT_7BIT);
  g_mime_part_set_content_encoding (part, best == GMIME_CONTENT_ENCODING_DEFAULT
                                          ? GMIME_CONTENT_ENCODING_7BIT : best);
}

/* Content of part: the bytes of text as they are. */
static void
set_content (GMimePart *part, const char *text)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
  GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream (
      stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, content);
  g_object_unref (content);
  g_object_unref (stream);
}

/* See compose.h.  Not g_mime_text_part_set_text(): it turns a text that
 * fits in iso-8859-1 into those bytes, and one that fits in iso-8859-5
 * or -6 into those, where every part of a message should be UTF-8. */
GMimeObject *
compose_text_part (const char *subtype, const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  g_mime_text_part_set_charset (part, "UTF-8");
  set_content (GMIME_PART (part), text);
  set_best_encoding (GMIME_PART (part));
  return GMIME_OBJECT (part);
}

/* See compose.h. */
GMimeObject *
compose_attachment (const char *mime_type, const char *filename, const char *content, ...)
{
  GMimeContentType *type = g_mime_content_type_parse (NULL, mime_type);
  GMimePart *part = g_mime_part_new_with_type (g_mime_content_type_get_media_type (type),
                                               g_mime_content_type_get_media_subtype (type));
  g_object_unref (type);
  set_content (part, content);
  va_list ap;
  va_start (ap, content);
  for (const char *name = va_arg (ap, const char *); name != NULL;
       name = va_arg (ap, const char *))
    g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), name,
                                              va_arg (ap, const char *));
  va_end (ap);
  g_mime_part_set_filename (part, filename);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  return GMIME_OBJECT (part);
}

/* See compose.h. */
GMimeObject *
compose_multipart (const char *subtype, ...)
{
  GMimeMultipart *multipart = g_mime_multipart_new_with_subtype (subtype);
  va_list ap;
  va_start (ap, subtype);
  for (GMimeObject *part = va_arg (ap, GMimeObject *); part != NULL;
       part = va_arg (ap, GMimeObject *))
    {
      g_mime_multipart_add (multipart, part);
      g_object_unref (part);
    }
  va_end (ap);
  return GMIME_OBJECT (multipart);
}
