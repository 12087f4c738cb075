/* Taking a received message apart with GMime: limits first, then the headers
 * the gateway needs and the texts records are read from (docs/submissions.md
 * section 1). */
#include <string.h>

#include "parsers/itip.h"
#include "parsers/message.h"
#include "parsers/address.h"
#include "parsers/filename.h"

G_DEFINE_QUARK (mail-error-quark, mail_error)

/* Longest Message-ID kept (RFC 5322 line length). */
#define MAIL_ID_MAX 998u

typedef struct {
  MailMessage *msg;
  GMimeObject *plain;      /* first text/plain body part */
  GMimeObject *html;       /* first text/html body part */
  GMimeObject *calendar;   /* the calendar part chosen (choose_calendar) */
  GPtrArray *extra_texts;  /* MailText* of .txt and .csv attachments */
  GPtrArray *forwarded;    /* MailText* of the bodies of attached messages */
  gsize budget;            /* decoded attachment bytes still allowed */
  gsize attachment_max;    /* decoded bytes allowed of one attachment */
  guint serial;            /* numbers generated attachment names */
} MailCollect;

/* GMime needs g_mime_init() once per process; the parser options made here
 * (lenient, with charset fallbacks) live as long as the process. */
static gpointer
mail_gmime_init_once (gpointer data)
{
  static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

  g_mime_init ();
  GMimeParserOptions *options = g_mime_parser_options_new ();
  g_mime_parser_options_set_fallback_charsets (options, fallback);
  g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain (options, TRUE);
  return options;
}

/* The process-wide parser options, initialising GMime on first use. */
static GMimeParserOptions *
mail_gmime (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, mail_gmime_init_once, NULL);
}

/* --- charsets ------------------------------------------------------------ */

/* windows-1252 bytes 0x80..0x9f (WHATWG: undefined ones map to C1). */
static const gunichar cp1252_high[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Decodes windows-1252 by table, NUL bytes dropped: it never fails, so it
 * is the last resort. */
static char *
decode_cp1252 (const char *data, gsize len)
{
  GString *out = g_string_sized_new (len + len / 4 + 1);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) data[i];
      if (c == 0)
        continue;
      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else
        g_string_append_unichar (out, c < 0xa0 ? cp1252_high[c - 0x80] : c);
    }
  return g_string_free (out, FALSE);
}

/* Drops NUL bytes in place; returns the new length. */
static gsize
strip_nul (char *s, gsize len)
{
  gsize j = 0;

  for (gsize i = 0; i < len; i++)
    if (s[i] != '\0')
      s[j++] = s[i];
  s[j] = '\0';
  return j;
}

/* A NUL-free copy of data when it is valid UTF-8, else NULL.  Text that
 * validates as it is holds no NUL and is copied in one pass. */
static char *
copy_if_utf8 (const char *data, gsize len)
{
  if (g_utf8_validate_len (data, len, NULL))
    return g_strndup (data, len);
  if (memchr (data, '\0', len) == NULL)
    return NULL;
  char *copy = g_malloc (len + 1);

  memcpy (copy, data, len);
  gsize n = strip_nul (copy, len);
  if (!g_utf8_validate_len (copy, n, NULL))
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* Labels that mean windows-1252 in practice (WHATWG encoding standard). */
static gboolean
charset_is_cp1252 (const char *iconv_name)
{
  static const char *const names[] = {
    "iso-8859-1", "iso8859-1", "latin1", "windows-1252", "cp1252",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (iconv_name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Labels of US-ASCII. */
static gboolean
charset_is_ascii (const char *iconv_name)
{
  return g_ascii_strcasecmp (iconv_name, "us-ascii") == 0
      || g_ascii_strcasecmp (iconv_name, "ascii") == 0
      || g_ascii_strcasecmp (iconv_name, "ANSI_X3.4-1968") == 0;
}

/* data converted from its declared charset, or NULL when that fails. */
static char *
decode_declared (const char *data, gsize len, const char *charset)
{
  const char *name = g_mime_charset_iconv_name (charset);

  if (name == NULL || *name == '\0')
    return NULL;
  if (g_ascii_strncasecmp (name, "utf-8", 5) == 0 || g_ascii_strcasecmp (name, "utf8") == 0)
    return copy_if_utf8 (data, len);
  if (charset_is_ascii (name))
    return NULL;   /* 8-bit text labelled ASCII: let the fallbacks guess */
  if (charset_is_cp1252 (name))
    return decode_cp1252 (data, len);

  gsize read = 0, written = 0;
  char *out = g_convert (data, (gssize) len, "UTF-8", name, &read, &written, NULL);
  if (out != NULL && read == len)
    {
      written = strip_nul (out, written);
      if (g_utf8_validate_len (out, written, NULL))
        return out;
    }
  g_free (out);
  return NULL;
}

/* Declared charset, then UTF-8, then windows-1252 (docs/submissions.md
 * section 1). */
char *
mail_decode_text (const char *data, gsize len, const char *charset)
{
  char *out = NULL;

  mail_gmime ();
  if (data == NULL)
    len = 0, data = "";
  if (charset != NULL && *charset != '\0')
    out = decode_declared (data, len, charset);
  if (out == NULL)
    out = copy_if_utf8 (data, len);
  if (out == NULL)
    out = decode_cp1252 (data, len);
  return out;   /* every way above drops NUL bytes */
}

/* --- header values ------------------------------------------------------- */

/* A header value made safe to store and to echo into a header: valid UTF-8,
 * control characters (CR and LF included) turned into spaces, trimmed. */
static char *
clean_header_text (const char *value)
{
  if (value == NULL)
    return NULL;
  char *s = g_utf8_make_valid (value, -1);
  for (char *p = s; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_strstrip (s);
}

/* clean_header_text, with NULL for an empty result. */
static char *
clean_or_null (const char *value)
{
  char *s = clean_header_text (value);

  if (s != NULL && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

/* An address as stored: cleaned, without spaces; NULL if empty.  Only
 * ASCII letters are lower-cased: Unicode rules would make a Kelvin sign a
 * 'k' and a look-alike the address it imitates (docs/submissions.md
 * section 6). */
static char *
normalize_addr (const char *addr)
{
  g_autofree char *clean = clean_or_null (addr);

  if (clean == NULL || strpbrk (clean, " <>,;\"") != NULL)
    return NULL;
  return g_ascii_strdown (clean, -1);
}

/* The first mailbox of an address list, looking into groups. */
static InternetAddressMailbox *
first_mailbox (InternetAddressList *list, guint depth)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n && depth < 4; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        return INTERNET_ADDRESS_MAILBOX (ia);
      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          InternetAddressList *members =
            internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
          InternetAddressMailbox *mb = first_mailbox (members, depth + 1);
          if (mb != NULL)
            return mb;
        }
    }
  return NULL;
}

/* The mailboxes of an address list, those of its groups included. */
static guint
count_mailboxes (InternetAddressList *list, guint depth)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;
  guint count = 0;

  for (int i = 0; i < n && depth < 4; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        count++;
      else if (INTERNET_ADDRESS_IS_GROUP (ia))
        count += count_mailboxes (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
                                  depth + 1);
    }
  return count;
}

/* How many From fields the message has, and how many mailboxes they name
 * together: one author has one of each (RFC 5322 section 3.6). */
static void
count_authors (MailMessage *msg)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (msg->mime));
  int n = headers != NULL ? g_mime_header_list_get_count (headers) : 0;

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
      if (g_ascii_strcasecmp (g_mime_header_get_name (h), "From") != 0)
        continue;
      msg->from_fields++;
      InternetAddressList *list = internet_address_list_parse (mail_gmime (),
                                                               g_mime_header_get_value (h));
      msg->from_mailboxes += count_mailboxes (list, 0);
      g_clear_object (&list);
    }
}

/* The lower-cased addr-spec of the first mailbox of list, or NULL. */
static char *
first_addr (InternetAddressList *list)
{
  InternetAddressMailbox *mb = first_mailbox (list, 0);

  return mb != NULL ? normalize_addr (internet_address_mailbox_get_addr (mb)) : NULL;
}

/* Return-Path as an addr-spec: "" for <>, NULL when the header is absent. */
static char *
parse_return_path (const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *v = clean_header_text (value);
  char *start = v, *lt = strchr (v, '<');
  if (lt != NULL)
    {
      start = lt + 1;
      char *gt = strchr (start, '>');
      if (gt != NULL)
        *gt = '\0';
    }
  char *colon = strrchr (start, ':');   /* source route <@a,@b:user@c> */
  if (colon != NULL && *start == '@')
    start = colon + 1;
  g_strstrip (start);
  char *addr = normalize_addr (start);
  return addr != NULL ? addr : g_strdup ("");
}

/* Every Authentication-Results header, joined by newlines, or NULL. */
static char *
join_auth_results (GMimeObject *top)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (top);
  int n = headers != NULL ? g_mime_header_list_get_count (headers) : 0;
  GString *joined = NULL;

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
      if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Authentication-Results") != 0)
        continue;
      g_autofree char *value = clean_header_text (g_mime_header_get_value (h));
      if (joined == NULL)
        joined = g_string_new (value);
      else
        g_string_append_printf (joined, "\n%s", value);
    }
  return joined != NULL ? g_string_free (joined, FALSE) : NULL;
}

/* The first message id of In-Reply-To, without <>. */
static char *
first_reference (const char *value)
{
  if (value == NULL)
    return NULL;
  GMimeReferences *refs = g_mime_references_parse (mail_gmime (), value);
  char *id = NULL;
  if (refs != NULL && g_mime_references_length (refs) > 0)
    id = clean_or_null (g_mime_references_get_message_id (refs, 0));
  if (refs != NULL)
    g_mime_references_free (refs);
  return id;
}

/* Message-ID without <>, or NULL when absent or unusable. */
static char *
read_message_id (GMimeMessage *mime)
{
  char *id = clean_or_null (g_mime_message_get_message_id (mime));

  if (id != NULL && (strlen (id) > MAIL_ID_MAX || strchr (id, ' ') != NULL))
    g_clear_pointer (&id, g_free);
  return id;
}

/* Fills the header fields of msg from its GMime message. */
static void
read_headers (MailMessage *msg)
{
  GMimeMessage *mime = msg->mime;
  GMimeObject *top = GMIME_OBJECT (mime);
  InternetAddressMailbox *from = first_mailbox (g_mime_message_get_from (mime), 0);

  msg->message_id = read_message_id (mime);
  msg->subject = clean_header_text (g_mime_message_get_subject (mime));
  if (msg->subject == NULL)
    msg->subject = g_strdup ("");
  if (from != NULL)
    {
      msg->from_addr = normalize_addr (internet_address_mailbox_get_addr (from));
      msg->from_name = clean_or_null (internet_address_get_name (INTERNET_ADDRESS (from)));
    }
  count_authors (msg);
  msg->sender_addr = first_addr (g_mime_message_get_sender (mime));
  if (msg->sender_addr != NULL && (g_strcmp0 (msg->sender_addr, msg->from_addr) == 0
                                   || address_equal (msg->sender_addr, msg->from_addr)))
    g_clear_pointer (&msg->sender_addr, g_free);
  msg->reply_to_addr = first_addr (g_mime_message_get_reply_to (mime));
  msg->return_path = parse_return_path (g_mime_object_get_header (top, "Return-Path"));
  msg->in_reply_to = first_reference (g_mime_object_get_header (top, "In-Reply-To"));
  msg->references = clean_or_null (g_mime_object_get_header (top, "References"));
  msg->auth_results = join_auth_results (top);
}

/* --- structure ----------------------------------------------------------- */

/* FALSE when the tree under part (at depth) is deeper than
 * CTC_MIME_DEPTH_MAX or brings the part count over CTC_MIME_PARTS_MAX. */
static gboolean
tree_within_limits (GMimeObject *part, guint depth, guint *count)
{
  if (part == NULL)
    return TRUE;
  if (depth > CTC_MIME_DEPTH_MAX || ++*count > CTC_MIME_PARTS_MAX)
    return FALSE;
  if (GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (part);
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        if (!tree_within_limits (g_mime_multipart_get_part (mp, i), depth + 1, count))
          return FALSE;
    }
  else if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
      if (inner != NULL)
        return tree_within_limits (g_mime_message_get_mime_part (inner), depth + 1, count);
    }
  return TRUE;
}

/* Length of the top-level header block (up to its empty line). */
static gsize
header_block_length (const guint8 *data, gsize len)
{
  for (gsize i = 0; i + 1 < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n'))
        return i + 1;
    }
  return len;
}

/* The raw bytes as GMime should see them: without a leading UTF-8 byte order
 * mark or blank lines, and with bare CR line ends (old Mac files) turned
 * into LF. */
static GByteArray *
prepare_bytes (const char *data, gsize len)
{
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    data += 3, len -= 3;
  while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n'))
    data++, len--;
  GByteArray *buf = g_byte_array_sized_new ((guint) len);
  g_byte_array_append (buf, (const guint8 *) data, (guint) len);
  if (buf->len > 0 && memchr (buf->data, '\n', buf->len) == NULL)
    for (guint i = 0; i < buf->len; i++)
      if (buf->data[i] == '\r')
        buf->data[i] = '\n';
  return buf;
}

/* Runs GMime's parser over buf (taken); NULL when it finds no message. */
static GMimeMessage *
construct_message (GByteArray *buf)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (buf);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);

  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *mime = g_mime_parser_construct_message (parser, mail_gmime ());
  g_object_unref (parser);
  g_object_unref (stream);
  return mime;
}

/* --- parts --------------------------------------------------------------- */

/* The decoded (transfer encoding undone) content of a leaf part. */
static GByteArray *
part_bytes (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *mem = g_mime_stream_mem_new ();

  if (content != NULL)
    g_mime_data_wrapper_write_to_stream (content, mem);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  g_object_unref (mem);
  return bytes;
}

/* The content of a text part as UTF-8, decoded from its charset. */
static char *
part_text (GMimeObject *part)
{
  GByteArray *bytes = part_bytes (GMIME_PART (part));
  const char *charset = g_mime_object_get_content_type_parameter (part, "charset");
  char *text = mail_decode_text ((const char *) bytes->data, bytes->len, charset);

  g_byte_array_unref (bytes);
  return text;
}

/* TRUE when part's type is type/subtype (either may be "*"). */
static gboolean
part_is (GMimeObject *part, const char *type, const char *subtype)
{
  return g_mime_content_type_is_type (g_mime_object_get_content_type (part), type, subtype);
}

/* A file name safe to show and store (parsers/filename.h); NULL when
 * nothing is left. */
static char *
clean_file_name (const char *name)
{
  g_autofree char *clean = clean_or_null (name);

  return ctc_file_name_clean (clean);
}

/* The part's file name, cleaned, or NULL. */
static char *
part_file_name (GMimeObject *part)
{
  const char *name = g_mime_object_get_content_disposition_parameter (part, "filename");

  if (name == NULL || *name == '\0')
    name = g_mime_object_get_content_type_parameter (part, "name");
  return clean_file_name (name);
}

/* An attachment rather than a body: disposition "attachment", or a file
 * name on a part that is not an inline resource (Content-ID) of an HTML body. */
static gboolean
part_is_attachment (GMimeObject *part, const char *name)
{
  const char *disposition = g_mime_object_get_disposition (part);

  if (disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0)
    return TRUE;
  return name != NULL && g_mime_object_get_content_id (part) == NULL;
}

/* TRUE for parts that carry a calendar by their type: text/calendar,
 * application/ics (leaf_is_calendar adds any part named *.ics). */
static gboolean
part_is_calendar (GMimeObject *part)
{
  return part_is (part, "text", "calendar") || part_is (part, "application", "ics");
}

/* TRUE for signatures of signed mail, which are neither text nor attachments. */
static gboolean
part_is_signature (GMimeObject *part)
{
  return part_is (part, "application", "pkcs7-signature")
      || part_is (part, "application", "x-pkcs7-signature")
      || part_is (part, "application", "pgp-signature");
}

/* Case-insensitive test of a file name's extension (".txt"). */
static gboolean
name_has_ext (const char *name, const char *ext)
{
  gsize n = strlen (name), e = strlen (ext);

  return n > e && g_ascii_strcasecmp (name + n - e, ext) == 0;
}

/* Frees a MailText (the texts array owns them). */
static void
mail_text_free (gpointer data)
{
  MailText *t = data;

  g_free (t->name);
  g_free (t->text);
  g_clear_pointer (&t->soft_lines, g_array_unref);
  g_free (t);
}

/* Frees a MailAttachment (the attachments array owns them). */
static void
mail_attachment_free (gpointer data)
{
  MailAttachment *a = data;

  g_free (a->name);
  g_free (a->content_type);
  g_bytes_unref (a->data);
  g_free (a);
}

/* A new MailText taking text.  A byte order mark is dropped except from
 * CSV, whose parser reads it. */
static MailText *
mail_text_new (const char *name, char *text, gboolean csv)
{
  MailText *t = g_new0 (MailText, 1);

  if (!csv && g_str_has_prefix (text, "\xEF\xBB\xBF"))
    memmove (text, text + 3, strlen (text + 3) + 1);

  t->name = g_strdup (name);
  t->text = text;
  t->length = strlen (text);
  t->csv = csv;
  return t;
}

/* Lists an attachment; its bytes are kept when they fit the limit of one
 * attachment and the remaining budget of the message. */
static void
add_attachment (MailCollect *c, GMimeObject *part, const char *name, GByteArray *bytes)
{
  MailAttachment *a = g_new0 (MailAttachment, 1);
  a->size = bytes->len;
  if (bytes->len <= c->budget && bytes->len <= c->attachment_max)
    {
      c->budget -= bytes->len;
      a->data = g_byte_array_free_to_bytes (bytes);
    }
  else
    g_byte_array_unref (bytes);
  char *type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
  a->content_type = g_ascii_strdown (type, -1);
  g_free (type);
  a->name = name != NULL ? g_strdup (name)
      : g_strdup_printf ("attachment-%u%s", ++c->serial,
                         GMIME_IS_MESSAGE_PART (part) ? ".eml" : ".bin");
  g_ptr_array_add (c->msg->attachments, a);
}

static void collect_body (MailCollect *c, GMimeObject *part);
static char *body_text (MailCollect *c, GArray **soft_lines);

/* The body of an attached message, read for records as a forwarded text
 * (docs/submissions.md section 1); its own attachments are not. */
static void
collect_forwarded (MailCollect *c, GMimeObject *part, const char *name)
{
  GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
  if (inner == NULL)
    return;
  MailCollect in = { .msg = c->msg, .calendar = c->calendar };
  collect_body (&in, g_mime_message_get_mime_part (inner));
  GArray *soft = NULL;
  char *body = body_text (&in, &soft);
  if (body == NULL)
    return;
  MailText *t = mail_text_new (name != NULL ? name : "forwarded.eml", body, FALSE);
  t->forwarded = TRUE;
  t->soft_lines = soft;
  g_ptr_array_add (c->forwarded, t);
}

/* An attached message (a forwarded .eml) kept whole as an attachment, its
 * body read as a forwarded text. */
static void
collect_message_part (MailCollect *c, GMimeObject *part)
{
  g_autofree char *name = part_file_name (part);

  if (c->forwarded != NULL)
    collect_forwarded (c, part, name);
  if (!part_is_attachment (part, name))
    return;
  GMimeStream *mem = g_mime_stream_mem_new ();
  g_mime_object_write_content_to_stream (part, NULL, mem);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  g_object_unref (mem);
  add_attachment (c, part, name, bytes);
}

/* An attachment: .txt and .csv are texts too; every one is kept. */
static void
collect_attachment (MailCollect *c, GMimeObject *part, const char *name)
{
  if (name != NULL && (name_has_ext (name, ".txt") || name_has_ext (name, ".csv")))
    {
      char *text = part_text (part);
      g_ptr_array_add (c->extra_texts, mail_text_new (name, text, name_has_ext (name, ".csv")));
    }
  add_attachment (c, part, name, part_bytes (GMIME_PART (part)));
}

/* Sorts one leaf part: calendar, body candidate, or attachment. */
static void
collect_leaf (MailCollect *c, GMimeObject *part)
{
  g_autofree char *name = part_file_name (part);

  if (part_is_signature (part))
    return;
  if (part == c->calendar)
    return;
  if (part_is_attachment (part, name))
    {
      collect_attachment (c, part, name);
      return;
    }
  if (part_is (part, "text", "plain") && c->plain == NULL)
    c->plain = part;
  else if (part_is (part, "text", "html") && c->html == NULL)
    c->html = part;
}

/* Walks the MIME tree, stopping at attached messages. */
static void
collect_part (MailCollect *c, GMimeObject *part)
{
  if (part == NULL)
    return;
  if (GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (part);
      GPtrArray *forwarded = c->forwarded;
      if (part_is (part, "multipart", "report"))
        c->forwarded = NULL;   /* the message a report returns is no forward */
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        collect_part (c, g_mime_multipart_get_part (mp, i));
      c->forwarded = forwarded;
    }
  else if (GMIME_IS_MESSAGE_PART (part))
    collect_message_part (c, part);
  else if (GMIME_IS_PART (part))
    collect_leaf (c, part);
}

/* The METHOD of a calendar: the Content-Type parameter, else its
 * METHOD: line; upper case, letters and '-' only. */
static char *
calendar_method (GMimeObject *part, const char *text)
{
  const char *param = g_mime_object_get_content_type_parameter (part, "method");
  g_autofree char *value = NULL;

  if (param != NULL && *param != '\0')
    value = g_strdup (param);
  for (const char *line = text; value == NULL && line != NULL && *line != '\0';)
    {
      if (g_ascii_strncasecmp (line, "METHOD:", 7) == 0)
        value = g_strndup (line + 7, strcspn (line + 7, "\r\n"));
      line = strchr (line, '\n');
      line = line != NULL ? line + 1 : NULL;
    }
  if (value == NULL)
    return NULL;
  g_strstrip (value);
  if (*value == '\0' || strlen (value) > 32 || strspn (value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") != strlen (value))
    return NULL;
  return g_ascii_strup (value, -1);
}

/* The calendar a message is read for, with its text. */
typedef struct {
  GMimeObject *part;
  char *text;
  int rank;
} CalendarChoice;

/* TRUE for a leaf that carries a calendar: text/calendar, application/ics,
 * or any part named *.ics. */
static gboolean
leaf_is_calendar (GMimeObject *part)
{
  g_autofree char *name = part_file_name (part);

  return !part_is_signature (part)
      && (part_is_calendar (part) || (name != NULL && name_has_ext (name, ".ics")));
}

/* How surely a calendar part is an attendee's answer: 2 for a text/calendar
 * whose Content-Type names a reply method (what iMIP clients send), 1 for a
 * part whose method or METHOD line is one (an attached reply.ics), 0 for
 * any other calendar (a forwarded invitation, a published agenda). */
static int
calendar_rank (GMimeObject *part, const char *text)
{
  const char *param = g_mime_object_get_content_type_parameter (part, "method");
  g_autofree char *method = calendar_method (part, text);
  g_autofree char *inside = itip_text_method (text);

  if (part_is (part, "text", "calendar") && param != NULL && itip_method_is_reply (method))
    return 2;
  return itip_method_is_reply (method) || itip_method_is_reply (inside) ? 1 : 0;
}

/* Walks the tree as collect_part does and keeps the first calendar part of
 * the best rank: an unrelated .ics before the reply must not hide it. */
static void
choose_calendar (GMimeObject *part, CalendarChoice *best)
{
  if (part != NULL && GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (part);
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        choose_calendar (g_mime_multipart_get_part (mp, i), best);
      return;
    }
  if (part == NULL || !GMIME_IS_PART (part) || best->rank == 2 || !leaf_is_calendar (part))
    return;
  char *text = part_text (part);
  int rank = calendar_rank (part, text);
  if (best->part != NULL && rank <= best->rank)
    {
      g_free (text);
      return;
    }
  g_free (best->text);
  best->part = part;
  best->text = text;
  best->rank = rank;
}

/* The body text: the plain part, else the HTML part turned into text (with
 * its soft lines; *soft_lines stays NULL for plain text). */
static char *
body_text (MailCollect *c, GArray **soft_lines)
{
  if (c->plain != NULL)
    return part_text (c->plain);
  if (c->html == NULL)
    return NULL;
  g_autofree char *html = part_text (c->html);
  return mail_html_to_text_soft (html, strlen (html), soft_lines);
}

/* Finds the body parts of an attached message: its text parts that are
 * not attachments, nothing else. */
static void
collect_body (MailCollect *c, GMimeObject *part)
{
  if (part != NULL && GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (part);
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        collect_body (c, g_mime_multipart_get_part (mp, i));
      return;
    }
  if (part == NULL || !GMIME_IS_PART (part))
    return;
  g_autofree char *name = part_file_name (part);
  if (part_is_attachment (part, name) || part_is_signature (part))
    return;
  if (part_is (part, "text", "plain") && c->plain == NULL)
    c->plain = part;
  else if (part_is (part, "text", "html") && c->html == NULL)
    c->html = part;
}

/* Fills texts, attachments and calendar of msg from its MIME tree. */
static void
read_parts (MailMessage *msg, const CtcLimits *limits)
{
  MailCollect c = { .msg = msg, .budget = limits->attachments_max,
                    .attachment_max = limits->attachment_max };
  GMimeObject *top = g_mime_message_get_mime_part (msg->mime);
  CalendarChoice cal = { 0 };

  choose_calendar (top, &cal);
  c.calendar = cal.part;
  c.extra_texts = g_ptr_array_new ();
  c.forwarded = g_ptr_array_new ();
  collect_part (&c, top);
  GArray *soft = NULL;
  char *body = body_text (&c, &soft);
  if (body != NULL)
    {
      MailText *t = mail_text_new (NULL, body, FALSE);
      t->soft_lines = soft;
      g_ptr_array_add (msg->texts, t);
    }
  for (guint i = 0; i < c.extra_texts->len; i++)
    g_ptr_array_add (msg->texts, g_ptr_array_index (c.extra_texts, i));
  for (guint i = 0; i < c.forwarded->len; i++)
    g_ptr_array_add (msg->texts, g_ptr_array_index (c.forwarded, i));
  g_ptr_array_free (c.extra_texts, TRUE);
  g_ptr_array_free (c.forwarded, TRUE);
  if (cal.part != NULL)
    {
      msg->calendar = cal.text;
      msg->calendar_method = calendar_method (cal.part, cal.text);
    }
}

/* --- the message --------------------------------------------------------- */

/* Frees msg and everything it owns; NULL is allowed. */
void
mail_message_free (MailMessage *msg)
{
  if (msg == NULL)
    return;
  g_clear_object (&msg->mime);
  g_free (msg->message_id);
  g_free (msg->subject);
  g_free (msg->from_addr);
  g_free (msg->from_name);
  g_free (msg->sender_addr);
  g_free (msg->reply_to_addr);
  g_free (msg->return_path);
  g_free (msg->in_reply_to);
  g_free (msg->references);
  g_free (msg->auth_results);
  g_clear_pointer (&msg->texts, g_ptr_array_unref);
  g_clear_pointer (&msg->attachments, g_ptr_array_unref);
  g_free (msg->calendar);
  g_free (msg->calendar_method);
  g_free (msg->class_reason);
  g_free (msg);
}

/* The GMime message of raw, or NULL with error set (limits, garbage). */
static GMimeMessage *
parse_mime (const char *data, gsize len, const CtcLimits *limits, GError **error)
{
  if (len > limits->message_max)
    {
      g_set_error (error, MAIL_ERROR, MAIL_ERROR_TOO_LARGE,
                   "message of %" G_GSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
                   len, limits->message_max);
      return NULL;
    }
  GByteArray *buf = prepare_bytes (data, len);
  if (header_block_length (buf->data, buf->len) > CTC_HEADER_MAX)
    {
      g_byte_array_unref (buf);
      g_set_error (error, MAIL_ERROR, MAIL_ERROR_HEADERS,
                   "message headers are over the limit of %u bytes", CTC_HEADER_MAX);
      return NULL;
    }
  GMimeMessage *mime = construct_message (buf);
  if (mime == NULL)
    g_set_error_literal (error, MAIL_ERROR, MAIL_ERROR_UNREADABLE, "not an email message");
  return mime;
}

/* Limits first (size, headers), then GMime, then the MIME tree limits;
 * only then headers, parts and the class are read. */
MailMessage *
mail_message_parse (GBytes *raw, const char *own_address,
                    const CtcLimits *limits, GError **error)
{
  CtcLimits defaults = ctc_limits_default ();
  gsize len = 0;
  const char *data = raw != NULL ? g_bytes_get_data (raw, &len) : NULL;

  mail_gmime ();
  if (limits == NULL)
    limits = &defaults;
  GMimeMessage *mime = parse_mime (data != NULL ? data : "", len, limits, error);
  if (mime == NULL)
    return NULL;
  guint parts = 0;
  if (!tree_within_limits (g_mime_message_get_mime_part (mime), 0, &parts))
    {
      g_object_unref (mime);
      g_set_error (error, MAIL_ERROR, MAIL_ERROR_STRUCTURE,
                   "MIME structure over the limits (%u levels, %u parts)",
                   CTC_MIME_DEPTH_MAX, CTC_MIME_PARTS_MAX);
      return NULL;
    }
  MailMessage *msg = g_new0 (MailMessage, 1);
  msg->mime = mime;
  msg->size = len;
  msg->texts = g_ptr_array_new_with_free_func (mail_text_free);
  msg->attachments = g_ptr_array_new_with_free_func (mail_attachment_free);
  read_headers (msg);
  read_parts (msg, limits);
  mail_message_classify (msg, own_address);
  return msg;
}
