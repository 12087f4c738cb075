/* Delivery reports: RFC 3464 message/delivery-status parts, and a best
 * effort at the plain-text bounces of qmail, Exim, Exchange and others. */
#include <string.h>

#include "parsers/dsn.h"
#include "parsers/limits.h"
#include "parsers/message.h"

/* Recipients kept from one report. */
#define DSN_RECIPIENTS_MAX 256u
/* Bytes of a bounce's text that are scanned. */
#define DSN_SCAN_MAX (64u * 1024u)
/* Bytes of the text scanned for the markers of bounce software. */
#define DSN_MARKER_SCAN 2048u
/* Characters of a diagnostic kept. */
#define DSN_DIAGNOSTIC_MAX 500

/* The parts of a report, found without entering attached messages. */
typedef struct {
  GPtrArray *status;      /* message/delivery-status parts */
  GMimeObject *returned;  /* the returned message (message/rfc822) */
  GMimeObject *headers;   /* or its headers (text/rfc822-headers) */
  GMimeObject *text;      /* the first text/plain part */
  GMimeObject *html;      /* the first text/html part */
  GMimeObject *top;       /* the message's top part */
  guint visited;
} DsnParts;

/* Per-recipient fields being read from a delivery-status block. */
typedef struct {
  DsnReport *report;
  DsnRecipient *cur;
  gboolean has_final, has_original;
} DsnBlock;

/* Subjects that begin a bounce (lower case; a leading '[' or '*' is ignored). */
static const char *const bounce_subjects[] = {
  "undelivered mail", "undeliverable", "undelivered", "delivery status notification",
  "mail delivery failed", "mail delivery failure", "delivery failure", "delivery failed",
  "delivery notification", "delivery has failed", "permanent delivery failure",
  "failure notice", "failure delivery", "returned mail", "mail system error",
  "email delivery error", "email delivery failure", "delayed mail", "message delayed",
  "warning: could not send message", "warning: message", "mail failure",
  "non remis", "non recapitabile", "unzustellbar", "nicht zustellbar",
  "non distribuable", "no se puede entregar", "onbestelbaar", "niedostarczalna",
  "недоставленное сообщение", "ваше сообщение не доставлено", "не доставлено",
  "メッセージを配信できません", "配信不能", "系统退信", "退信",
};

/* Sentences that only bounce software writes, near the top of its text. */
static const char *const bounce_markers[] = {
  "this is the qmail-send program",
  "this message was created automatically by mail delivery software",
  "this is the mail system at host",
  "the original message was received at",
  "i'm sorry to have to inform you that your message could not",
  "delivery to the following recipient failed permanently",
  "delivery to the following recipients failed",
};

/* Lines that start the copy of the returned message in a bounce's text. */
static const char *const copy_markers[] = {
  "--- below this line is a copy", "------ this is a copy of the message",
  "----- original message", "-----original message", "original message follows",
  "--- original message", "received:", "return-path:", "message-id:",
};

/* Words on a line that names a failed address. */
static const char *const failure_words[] = {
  "could not be delivered", "couldn't be delivered", "not delivered", "undeliverable",
  "unknown", "no such", "does not exist", "doesn't exist", "not listed", "unavailable",
  "mailbox", "quota", "rejected", "failed", "invalid", "not found", "unroutable",
  "unrouteable", "not a valid", "permanent", "error", "recipient", "rcpt to",
};

/* Frees a DsnRecipient (the recipients array owns them). */
static void
dsn_recipient_free (gpointer data)
{
  DsnRecipient *r = data;

  g_free (r->recipient);
  g_free (r->action);
  g_free (r->status);
  g_free (r->diagnostic);
  g_free (r);
}

/* Frees r and its recipients; NULL is allowed. */
void
dsn_report_free (DsnReport *r)
{
  if (r == NULL)
    return;
  g_free (r->reporting_mta);
  g_free (r->envelope_id);
  g_free (r->original_message_id);
  g_free (r->original_to);
  g_clear_pointer (&r->recipients, g_ptr_array_unref);
  g_free (r);
}

/* TRUE when part's type is type/subtype. */
static gboolean
part_is (GMimeObject *part, const char *type, const char *subtype)
{
  return g_mime_content_type_is_type (g_mime_object_get_content_type (part), type, subtype);
}

/* Mail systems sign bounces as MAILER-DAEMON or postmaster, spelt many ways. */
gboolean
dsn_is_system_address (const char *addr)
{
  if (addr == NULL)
    return FALSE;
  const char *at = strchr (addr, '@');
  gsize n = at != NULL ? (gsize) (at - addr) : strlen (addr);
  char local[32];
  gsize k = 0;
  for (gsize i = 0; i < n && k + 1 < sizeof local; i++)
    if (addr[i] != '-' && addr[i] != '_' && addr[i] != '.')
      local[k++] = g_ascii_tolower (addr[i]);
  local[k] = '\0';
  return strcmp (local, "mailerdaemon") == 0 || strcmp (local, "postmaster") == 0;
}

/* Sorts a leaf part into the report's parts. */
static void
note_leaf (DsnParts *p, GMimeObject *part)
{
  if (part_is (part, "message", "delivery-status")
      || part_is (part, "message", "global-delivery-status"))
    g_ptr_array_add (p->status, part);
  else if ((part_is (part, "text", "rfc822-headers") || part_is (part, "message", "rfc822-headers")
            || part_is (part, "message", "global-headers")) && p->headers == NULL)
    p->headers = part;
  else if (part_is (part, "text", "plain") && p->text == NULL)
    p->text = part;
  else if (part_is (part, "text", "html") && p->html == NULL)
    p->html = part;
}

/* Walks the tree (bounded like mail_message_parse) without entering
 * attached messages: a returned message is never read as the report. */
static void
find_parts (DsnParts *p, GMimeObject *part, guint depth)
{
  if (part == NULL || depth > CTC_MIME_DEPTH_MAX || ++p->visited > CTC_MIME_PARTS_MAX)
    return;
  if (GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (part);
      for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
        find_parts (p, g_mime_multipart_get_part (mp, i), depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (part))
    {
      if (p->returned == NULL)
        p->returned = part;
    }
  else if (GMIME_IS_PART (part))
    note_leaf (p, part);
}

/* The parts of msg; free with parts_clear. */
static void
parts_init (DsnParts *p, GMimeMessage *msg)
{
  memset (p, 0, sizeof *p);
  p->status = g_ptr_array_new ();
  p->top = g_mime_message_get_mime_part (msg);
  find_parts (p, p->top, 0);
}

/* Frees what parts_init allocated. */
static void
parts_clear (DsnParts *p)
{
  g_ptr_array_free (p->status, TRUE);
}

/* The decoded UTF-8 text of a leaf part, at most DSN_SCAN_MAX bytes kept. */
static char *
part_text (GMimeObject *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
  GMimeStream *mem = g_mime_stream_mem_new ();

  if (content != NULL)
    g_mime_data_wrapper_write_to_stream (content, mem);
  GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  const char *charset = g_mime_object_get_content_type_parameter (part, "charset");
  char *text = mail_decode_text ((const char *) bytes->data, bytes->len, charset);
  g_object_unref (mem);
  if (strlen (text) > DSN_SCAN_MAX)
    {
      char *end = g_utf8_find_prev_char (text, text + DSN_SCAN_MAX + 1);
      *end = '\0';
    }
  return text;
}

/* The human-readable text of the report: plain, else HTML made text,
 * else the text before the parts of a multipart whose boundaries are lost. */
static char *
report_text (DsnParts *p)
{
  if (p->text != NULL)
    return part_text (p->text);
  if (p->html != NULL)
    {
      g_autofree char *html = part_text (p->html);
      return mail_html_to_text (html, strlen (html));
    }
  const char *prologue = p->top != NULL && GMIME_IS_MULTIPART (p->top)
      ? g_mime_multipart_get_prologue (GMIME_MULTIPART (p->top)) : NULL;
  if (prologue == NULL)
    return g_strdup ("");
  return g_utf8_make_valid (prologue, (gssize) MIN (strlen (prologue), DSN_SCAN_MAX));
}

/* The report-type of a top-level multipart/report, or NULL. */
static const char *
report_type (GMimeMessage *msg)
{
  GMimeObject *top = g_mime_message_get_mime_part (msg);

  if (top == NULL || !part_is (top, "multipart", "report"))
    return NULL;
  const char *type = g_mime_object_get_content_type_parameter (top, "report-type");
  return type != NULL ? type : "";
}

/* TRUE when the subject begins like a bounce's. */
static gboolean
subject_is_bounce (GMimeMessage *msg)
{
  const char *subject = g_mime_message_get_subject (msg);

  if (subject == NULL || !g_utf8_validate (subject, -1, NULL))
    return FALSE;
  g_autofree char *lower = g_utf8_strdown (subject, -1);
  const char *s = lower;
  while (*s == ' ' || *s == '\t' || *s == '[' || *s == '*')
    s++;
  for (gsize i = 0; i < G_N_ELEMENTS (bounce_subjects); i++)
    if (g_str_has_prefix (s, bounce_subjects[i]))
      return TRUE;
  return FALSE;
}

/* TRUE when the top of the report's text is written by bounce software. */
static gboolean
text_is_bounce (DsnParts *p)
{
  if (p->text == NULL)
    return FALSE;
  g_autofree char *text = part_text (p->text);
  g_autofree char *head = g_utf8_make_valid (text, MIN (strlen (text), DSN_MARKER_SCAN));
  g_autofree char *lower = g_ascii_strdown (head, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (bounce_markers); i++)
    if (strstr (lower, bounce_markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The first From address of msg (not normalised), or NULL. */
static const char *
from_address (GMimeMessage *msg)
{
  InternetAddressList *list = g_mime_message_get_from (msg);

  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        return internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
    }
  return NULL;
}

/* TRUE for "From: <>", the null sender written into the header. */
static gboolean
from_is_null (GMimeMessage *msg)
{
  const char *from = g_mime_object_get_header (GMIME_OBJECT (msg), "From");

  if (from == NULL)
    return FALSE;
  g_autofree char *v = g_strstrip (g_strdup (from));
  return g_str_has_suffix (v, "<>");
}

/* Signs in the headers: X-Failed-Recipients, the sender, the subject. */
static const char *
header_sign (GMimeMessage *msg)
{
  const char *from = from_address (msg);

  if (g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients") != NULL)
    return "X-Failed-Recipients";
  if (dsn_is_system_address (from))
    return g_ascii_tolower (*from) == 'p' ? "From: postmaster" : "From: MAILER-DAEMON";
  if (from_is_null (msg))
    return "From: <>";
  if (subject_is_bounce (msg))
    return "Subject of a bounce";
  return NULL;
}

/* Standard reports first, other report types excluded, then the signs of
 * plain-text bounces. */
const char *
dsn_report_sign (GMimeMessage *msg)
{
  if (msg == NULL)
    return NULL;
  const char *type = report_type (msg);
  if (type != NULL && (g_ascii_strcasecmp (type, "delivery-status") == 0
                       || g_ascii_strcasecmp (type, "global-delivery-status") == 0))
    return "multipart/report; report-type=delivery-status";
  if (type != NULL && *type != '\0')
    return NULL;   /* a read receipt, an abuse report: no bounce */
  DsnParts p;
  parts_init (&p, msg);
  const char *sign = p.status->len > 0 ? "message/delivery-status part" : header_sign (msg);
  if (sign == NULL && text_is_bounce (&p))
    sign = "text of a bounce";
  parts_clear (&p);
  return sign;
}

/* See dsn_report_sign. */
gboolean
dsn_is_report (GMimeMessage *msg)
{
  return dsn_report_sign (msg) != NULL;
}

/* --- RFC 3464 fields ------------------------------------------------------ */

/* The text after "type;" in a typed field ("rfc822; a@b", "smtp; 550 ..."). */
static const char *
after_type (const char *value)
{
  const char *semi = strchr (value, ';');

  if (semi == NULL)
    return value;
  semi++;
  while (*semi == ' ' || *semi == '\t')
    semi++;
  return semi;
}

/* A clean, bounded copy of a field value; NULL when empty. */
static char *
field_text (const char *value, glong max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  g_strstrip (valid);
  if (*valid == '\0')
    return NULL;
  return g_utf8_substring (valid, 0, MIN (max_chars, g_utf8_strlen (valid, -1)));
}

/* An address from a recipient field: type dropped, <> stripped, ASCII
 * lower case (Unicode rules would make look-alikes of contact points). */
static char *
recipient_address (const char *value)
{
  g_autofree char *v = field_text (after_type (value), 320);

  if (v == NULL)
    return NULL;
  char *start = v;
  if (*start == '<')
    start++;
  start[strcspn (start, "> \t")] = '\0';
  return *start != '\0' ? g_ascii_strdown (start, -1) : NULL;
}

/* The patterns the reports are read with, each compiled once for the
 * process (a report may have many lines, and a pattern compiled a line cost
 * more than the reading). */
typedef enum {
  DSN_RE_STATUS,        /* an enhanced status code (RFC 3463) of class 2, 4 or 5 */
  DSN_RE_FAILURE,       /* the same of class 4 or 5 */
  DSN_RE_SMTP,          /* an SMTP reply code of class 4 or 5 */
  DSN_RE_ADDRESS,       /* something like an address */
  DSN_RE_MESSAGE_ID,    /* the Message-ID line of a returned message */
  DSN_RE_N
} DsnPattern;

static gpointer
patterns_once (gpointer data)
{
  static const struct { const char *pattern; GRegexCompileFlags flags; } defs[DSN_RE_N] = {
    [DSN_RE_STATUS] = { "(?<![0-9.])([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?![0-9])", G_REGEX_RAW },
    [DSN_RE_FAILURE] = { "(?<![0-9.])([45]\\.[0-9]{1,3}\\.[0-9]{1,3})(?![0-9])", G_REGEX_RAW },
    [DSN_RE_SMTP] = { "(?<![0-9.:])([45][0-9][0-9])(?![0-9.:])", G_REGEX_RAW },
    [DSN_RE_ADDRESS] = { "[A-Za-z0-9._%+=!#$&'*/?^{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+",
                         G_REGEX_RAW },
    [DSN_RE_MESSAGE_ID] = { "^[ \\t]*message-id:[ \\t]*<([^>\\s]+)>",
                            G_REGEX_RAW | G_REGEX_MULTILINE | G_REGEX_CASELESS },
  };
  GRegex **all = g_new0 (GRegex *, DSN_RE_N);

  for (guint i = 0; i < DSN_RE_N; i++)
    all[i] = g_regex_new (defs[i].pattern, defs[i].flags | G_REGEX_OPTIMIZE, 0, NULL);
  return all;
}

/* The compiled pattern of kind; kept for the life of the process. */
static GRegex *
pattern (DsnPattern kind)
{
  static GOnce once = G_ONCE_INIT;
  GRegex **all = g_once (&once, patterns_once, NULL);
  g_assert (all[kind] != NULL);
  return all[kind];
}

/* The first enhanced status code (RFC 3463) in text of the classes kind
 * stands for, or NULL. */
static char *
status_code (const char *text, DsnPattern kind)
{
  g_autoptr (GMatchInfo) match = NULL;

  if (text == NULL || !g_regex_match (pattern (kind), text, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* Ends the recipient block being read, keeping it if it names someone. */
static void
block_end (DsnBlock *b)
{
  if (b->cur != NULL && b->cur->recipient != NULL
      && b->report->recipients->len < DSN_RECIPIENTS_MAX)
    g_ptr_array_add (b->report->recipients, b->cur);
  else if (b->cur != NULL)
    dsn_recipient_free (b->cur);
  b->cur = NULL;
  b->has_final = b->has_original = FALSE;
}

/* The recipient being read; a field it already has starts a new one
 * (reports that forget the blank line between recipients). */
static DsnRecipient *
block_recipient (DsnBlock *b, gboolean repeated)
{
  if (b->cur != NULL && repeated)
    block_end (b);
  if (b->cur == NULL)
    b->cur = g_new0 (DsnRecipient, 1);
  return b->cur;
}

/* One field of a per-recipient block. */
static void
recipient_field (DsnBlock *b, const char *name, const char *value)
{
  DsnRecipient *r;

  if (g_ascii_strcasecmp (name, "Final-Recipient") == 0)
    {
      r = block_recipient (b, b->has_final);
      b->has_final = TRUE;
      g_free (r->recipient);
      r->recipient = recipient_address (value);
    }
  else if (g_ascii_strcasecmp (name, "Original-Recipient") == 0)
    {
      r = block_recipient (b, b->has_original);
      b->has_original = TRUE;
      if (r->recipient == NULL)
        r->recipient = recipient_address (value);
    }
  else if (g_ascii_strcasecmp (name, "Action") == 0)
    {
      r = block_recipient (b, b->cur != NULL && b->cur->action != NULL);
      g_autofree char *action = field_text (value, 32);
      r->action = action != NULL ? g_ascii_strdown (action, strcspn (action, " (")) : NULL;
    }
  else if (g_ascii_strcasecmp (name, "Status") == 0)
    {
      r = block_recipient (b, b->cur != NULL && b->cur->status != NULL);
      r->status = status_code (value, DSN_RE_STATUS);
    }
  else if (g_ascii_strcasecmp (name, "Diagnostic-Code") == 0)
    {
      r = block_recipient (b, b->cur != NULL && b->cur->diagnostic != NULL);
      r->diagnostic = field_text (after_type (value), DSN_DIAGNOSTIC_MAX);
    }
}

/* One "Name: value" field (unfolded) of a delivery-status part. */
static void
status_field (DsnBlock *b, const char *line)
{
  const char *colon = strchr (line, ':');

  if (colon == NULL)
    return;
  g_autofree char *name = g_strstrip (g_strndup (line, colon - line));
  const char *value = colon + 1;
  DsnReport *r = b->report;
  if (g_ascii_strcasecmp (name, "Reporting-MTA") == 0 && r->reporting_mta == NULL)
    r->reporting_mta = field_text (after_type (value), 255);
  else if (g_ascii_strcasecmp (name, "Original-Envelope-Id") == 0 && r->envelope_id == NULL)
    r->envelope_id = field_text (value, 255);
  else
    recipient_field (b, name, value);
}

/* Reads a message/delivery-status text: blocks of fields separated by
 * blank lines, continuation lines folded back. */
static void
parse_status_text (DsnReport *r, const char *text)
{
  DsnBlock b = { .report = r };
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) field = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);
      if (*line != '\0' && (*line == ' ' || *line == '\t') && field->len > 0)
        {
          g_string_append_c (field, ' ');
          g_string_append (field, g_strchug (line));
          continue;
        }
      if (field->len > 0)
        status_field (&b, field->str);
      g_string_truncate (field, 0);
      if (*g_strchug (line) == '\0')
        block_end (&b);
      else
        g_string_assign (field, line);
    }
  if (field->len > 0)
    status_field (&b, field->str);
  block_end (&b);
}

/* --- the returned message ------------------------------------------------- */

/* Message-ID and first To of the returned message. */
static void
read_returned (DsnReport *r, GMimeMessage *orig)
{
  if (orig == NULL)
    return;
  const char *id = g_mime_message_get_message_id (orig);
  if (id != NULL && r->original_message_id == NULL)
    r->original_message_id = field_text (id, 998);
  InternetAddressList *to = g_mime_message_get_to (orig);
  for (int i = 0; to != NULL && i < internet_address_list_length (to) && r->original_to == NULL; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (to, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        r->original_to = recipient_address (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
    }
}

/* Parses a text/rfc822-headers part as a message of headers only. */
static GMimeMessage *
headers_message (GMimeObject *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
  GMimeStream *mem = g_mime_stream_mem_new ();

  if (content != NULL)
    g_mime_data_wrapper_write_to_stream (content, mem);
  g_mime_stream_write_string (mem, "\n\n");
  g_mime_stream_seek (mem, 0, GMIME_STREAM_SEEK_SET);
  GMimeParser *parser = g_mime_parser_new_with_stream (mem);
  GMimeMessage *orig = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (mem);
  return orig;
}

/* The returned message's id and To, from whichever form it came in. */
static void
read_original (DsnReport *r, DsnParts *p)
{
  if (p->returned != NULL)
    read_returned (r, g_mime_message_part_get_message (GMIME_MESSAGE_PART (p->returned)));
  if (p->headers != NULL && r->original_message_id == NULL)
    {
      GMimeMessage *orig = headers_message (p->headers);
      read_returned (r, orig);
      g_clear_object (&orig);
    }
}

/* --- plain-text bounces --------------------------------------------------- */

/* TRUE when addr is the bounce's own sender or addressee. */
static gboolean
is_excluded (GMimeMessage *msg, const char *addr)
{
  InternetAddressList *lists[] = { g_mime_message_get_from (msg), g_mime_message_get_to (msg) };

  if (dsn_is_system_address (addr))
    return TRUE;
  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (int i = 0; lists[l] != NULL && i < internet_address_list_length (lists[l]); i++)
      {
        InternetAddress *ia = internet_address_list_get_address (lists[l], i);
        if (INTERNET_ADDRESS_IS_MAILBOX (ia)
            && g_ascii_strcasecmp (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), addr) == 0)
          return TRUE;
      }
  return FALSE;
}

/* TRUE when addr is already a recipient of r. */
static gboolean
has_recipient (DsnReport *r, const char *addr)
{
  for (guint i = 0; i < r->recipients->len; i++)
    if (g_strcmp0 (((DsnRecipient *) g_ptr_array_index (r->recipients, i))->recipient, addr) == 0)
      return TRUE;
  return FALSE;
}

/* A status for a text bounce from the lines around its address: an
 * enhanced code, else an SMTP reply code ("550" becomes "5.0.0"). */
static void
text_status (DsnRecipient *rcpt, char **lines, guint at)
{
  GRegex *smtp = pattern (DSN_RE_SMTP);

  for (guint i = at; lines[i] != NULL && i < at + 4 && rcpt->status == NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;
      rcpt->status = status_code (lines[i], DSN_RE_FAILURE);
      if (rcpt->status == NULL && g_regex_match (smtp, lines[i], 0, &match))
        {
          g_autofree char *code = g_match_info_fetch (match, 1);
          rcpt->status = g_strdup_printf ("%c.0.0", code[0]);
        }
      if (rcpt->status != NULL)
        rcpt->diagnostic = field_text (lines[i], DSN_DIAGNOSTIC_MAX);
    }
}

/* Adds a failed address found in a bounce's text. */
static void
add_text_recipient (DsnReport *r, GMimeMessage *msg, const char *found, char **lines, guint at)
{
  g_autofree char *addr = g_ascii_strdown (found, -1);

  if (r->recipients->len >= DSN_RECIPIENTS_MAX || has_recipient (r, addr) || is_excluded (msg, addr))
    return;
  DsnRecipient *rcpt = g_new0 (DsnRecipient, 1);
  rcpt->recipient = g_steal_pointer (&addr);
  text_status (rcpt, lines, at);
  g_ptr_array_add (r->recipients, rcpt);
}

/* TRUE for a line that may name a failed address: an address alone (Exim,
 * Gmail), "<addr>:" or "addr: 550 ..." (qmail, OpenSMTPD), or words of
 * failure around it. */
static gboolean
line_names_failure (const char *line, const char *lower, GMatchInfo *match)
{
  gint start = 0, end = 0;

  g_match_info_fetch_pos (match, 0, &start, &end);
  const char *rest = line + end;
  if (*rest == '>')
    rest++;
  if (*rest == ':')
    return TRUE;
  while (*rest == ' ' || *rest == '\t' || *rest == '.')
    rest++;
  if (*rest == '\0')
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (failure_words); i++)
    if (strstr (lower, failure_words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* TRUE when a line starts the copy of the returned message. */
static gboolean
line_starts_copy (const char *lower)
{
  const char *s = lower;

  while (*s == ' ' || *s == '\t')
    s++;
  for (gsize i = 0; i < G_N_ELEMENTS (copy_markers); i++)
    if (g_str_has_prefix (s, copy_markers[i]))
      return TRUE;
  return FALSE;
}

/* Recipients of a bounce without delivery-status, from its text up to the
 * copy of the returned message. */
static void
parse_bounce_text (DsnReport *r, GMimeMessage *msg, const char *text)
{
  GRegex *re = pattern (DSN_RE_ADDRESS);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  guint armed_until = 0;   /* lines after "the following recipients:" */

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (lines[i], -1);
      g_autoptr (GMatchInfo) match = NULL;
      if (line_starts_copy (lower))
        break;
      if (strstr (lower, "following") != NULL
          && (strstr (lower, "recipient") != NULL || strstr (lower, "address") != NULL))
        armed_until = i + 6;
      if (!g_regex_match (re, lines[i], 0, &match)
          || (i > armed_until && !line_names_failure (lines[i], lower, match)))
        continue;
      for (; g_match_info_matches (match); g_match_info_next (match, NULL))
        {
          g_autofree char *addr = g_match_info_fetch (match, 0);
          add_text_recipient (r, msg, addr, lines, i);
        }
    }
}

/* Recipients named by X-Failed-Recipients (Exim). */
static void
parse_failed_header (DsnReport *r, GMimeMessage *msg, char **lines)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients");

  if (value == NULL)
    return;
  g_auto (GStrv) addrs = g_strsplit_set (value, ",; \t", -1);
  for (guint i = 0; addrs[i] != NULL && r->recipients->len < DSN_RECIPIENTS_MAX; i++)
    {
      g_autofree char *addr = recipient_address (addrs[i]);
      if (addr == NULL || strchr (addr, '@') == NULL || has_recipient (r, addr))
        continue;
      DsnRecipient *rcpt = g_new0 (DsnRecipient, 1);
      rcpt->recipient = g_steal_pointer (&addr);
      for (guint j = 0; lines[j] != NULL && rcpt->status == NULL; j++)
        if (strstr (lines[j], rcpt->recipient) != NULL)
          text_status (rcpt, lines, j);
      g_ptr_array_add (r->recipients, rcpt);
    }
}

/* The Message-ID line of the returned message quoted in the text. */
static char *
quoted_message_id (const char *text)
{
  GRegex *re = pattern (DSN_RE_MESSAGE_ID);
  g_autoptr (GMatchInfo) match = NULL;

  if (!g_regex_match (re, text, 0, &match))
    return NULL;
  g_autofree char *id = g_match_info_fetch (match, 1);
  return field_text (id, 998);
}

/* --- the report ------------------------------------------------------------ */

/* Action and hardness: a 5.x.x status is permanent and a 4.x.x one is not,
 * whatever the Action says; without a status, Action "failed" is. */
static void
settle_recipient (DsnRecipient *rcpt, const char *text)
{
  if (rcpt->action == NULL)
    {
      gboolean later = rcpt->status != NULL ? rcpt->status[0] == '4'
          : strstr (text, "delay") != NULL || strstr (text, "will be retried") != NULL;
      rcpt->action = g_strdup (later ? "delayed" : "failed");
    }
  if (rcpt->status != NULL && rcpt->status[0] != '5')
    rcpt->hard = FALSE;
  else
    rcpt->hard = rcpt->status != NULL || g_strcmp0 (rcpt->action, "failed") == 0;
}

/* The reporting host of a bounce without Reporting-MTA: its sender's domain. */
static char *
sender_host (GMimeMessage *msg)
{
  const char *from = from_address (msg);
  const char *at = from != NULL ? strchr (from, '@') : NULL;

  return at != NULL && dsn_is_system_address (from) ? field_text (at + 1, 255) : NULL;
}

/* Delivery-status parts first; without recipients from them, the
 * X-Failed-Recipients header, fields pasted as text, then the text itself. */
DsnReport *
dsn_parse (GMimeMessage *msg)
{
  if (!dsn_is_report (msg))
    return NULL;
  DsnReport *r = g_new0 (DsnReport, 1);
  DsnParts p;
  r->recipients = g_ptr_array_new_with_free_func (dsn_recipient_free);
  parts_init (&p, msg);
  for (guint i = 0; i < p.status->len; i++)
    {
      g_autofree char *status = part_text (g_ptr_array_index (p.status, i));
      parse_status_text (r, status);
    }
  read_original (r, &p);
  g_autofree char *text = report_text (&p);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  if (r->recipients->len == 0)
    parse_failed_header (r, msg, lines);
  if (r->recipients->len == 0 && p.status->len == 0)
    parse_status_text (r, text);   /* delivery-status fields pasted as text */
  if (r->recipients->len == 0)
    parse_bounce_text (r, msg, text);
  for (guint i = 0; i < r->recipients->len; i++)
    settle_recipient (g_ptr_array_index (r->recipients, i), lower);
  if (r->reporting_mta == NULL)
    r->reporting_mta = sender_host (msg);
  if (r->original_message_id == NULL)
    r->original_message_id = quoted_message_id (text);
  parts_clear (&p);
  return r;
}
