/* Tests of parsers/message.c and parsers/html.c: headers, the choice of
 * texts, charsets, HTML as text, and every limit crossed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parsers/message.h"

#define OWN "gateway@ctc.example"

/* Parses bytes with the default limits; NULL with error on failure. */
static MailMessage *
parse_bytes (const char *data, gsize len, GError **error)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, len);
  return mail_message_parse (raw, OWN, NULL, error);
}

/* Parses a message that must be accepted. */
static MailMessage *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  MailMessage *msg = parse_bytes (text, strlen (text), &error);

  assert_null (error);
  assert_non_null (msg);
  return msg;
}

/* The body text (first text without a name), or NULL. */
static const char *
body_of (MailMessage *msg)
{
  if (msg->texts->len == 0)
    return NULL;
  MailText *t = g_ptr_array_index (msg->texts, 0);
  return t->name == NULL ? t->text : NULL;
}

/* Asserts that parsing text fails with code. */
static void
assert_parse_fails (const char *data, gsize len, const CtcLimits *limits, int code)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, len);
  g_autoptr (GError) error = NULL;
  MailMessage *msg = mail_message_parse (raw, OWN, limits, &error);

  assert_null (msg);
  assert_non_null (error);
  assert_true (error->domain == MAIL_ERROR);
  assert_int_equal (error->code, code);
}

/* --- headers ------------------------------------------------------------- */

static void
test_headers (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "Return-Path: <Bounces@Ministry.Example>\n"
    "Authentication-Results: mx.ctc.example; dkim=pass\n"
    "  header.d=ministry.example\n"
    "Authentication-Results: other.example; spf=pass\n"
    "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <Joerg.Mueller@Ministry.Example>\n"
    "Sender: Secretariat <Secretariat@Ministry.Example>\n"
    "Reply-To: Desk <Desk@Ministry.Example>\n"
    "To: gateway@ctc.example\n"
    "Subject: =?ISO-8859-1?Q?Pr=E9sentation?= =?UTF-8?B?0L/RgNC40LLQtdGC?=\n"
    "Message-ID: <abc.123@ministry.example>\n"
    "In-Reply-To: <first@ctc.example> <second@ctc.example>\n"
    "References: <r1@ctc.example>\n <first@ctc.example>\n"
    "\n"
    "Hello\n");

  assert_string_equal (msg->message_id, "abc.123@ministry.example");
  assert_string_equal (msg->subject, "Présentationпривет");
  assert_string_equal (msg->from_addr, "joerg.mueller@ministry.example");
  assert_string_equal (msg->from_name, "Jörg Müller");
  assert_string_equal (msg->sender_addr, "secretariat@ministry.example");
  assert_string_equal (msg->reply_to_addr, "desk@ministry.example");
  assert_string_equal (msg->return_path, "bounces@ministry.example");
  assert_string_equal (msg->in_reply_to, "first@ctc.example");
  assert_non_null (strstr (msg->references, "<r1@ctc.example>"));
  assert_null (strchr (msg->references, '\n'));
  assert_string_equal (msg->auth_results,
                       "mx.ctc.example; dkim=pass  header.d=ministry.example\n"
                       "other.example; spf=pass");
}

static void
test_headers_absent (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok ("From: a@b.example\nX-Any: 1\n\nbody\n");

  assert_null (msg->message_id);
  assert_string_equal (msg->subject, "");
  assert_null (msg->from_name);
  assert_null (msg->sender_addr);
  assert_null (msg->reply_to_addr);
  assert_null (msg->return_path);
  assert_null (msg->in_reply_to);
  assert_null (msg->references);
  assert_null (msg->auth_results);
  assert_int_equal (msg->size, strlen ("From: a@b.example\nX-Any: 1\n\nbody\n"));
}

static void
test_headers_null_return_path_and_same_sender (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "Return-Path: <>\nFrom: A <a@b.example>\nSender: a@B.example\n"
    "Subject: line\n\tfolded\n\nx\n");

  assert_string_equal (msg->return_path, "");
  assert_null (msg->sender_addr);
  assert_null (strchr (msg->subject, '\n'));
  assert_null (strchr (msg->subject, '\t'));
}

/* --- which texts --------------------------------------------------------- */

static void
test_body_plain_first (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "From: a@b.example\nContent-Type: multipart/alternative; boundary=XX\n\n"
    "--XX\nContent-Type: text/html\n\n<p>From HTML</p>\n"
    "--XX\nContent-Type: text/plain\n\nForm: standard\n"
    "--XX\nContent-Type: text/plain\n\nsecond plain part\n"
    "--XX--\n");

  assert_int_equal (msg->texts->len, 1);
  assert_string_equal (body_of (msg), "Form: standard");
}

static void
test_body_html_fallback (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "From: a@b.example\nContent-Type: text/html; charset=utf-8\n\n"
    "<html><head><title>t</title></head><body><p>Form: standard</p>"
    "<p>Title: Caf&eacute; &amp; co</p></body></html>\n");

  assert_int_equal (msg->texts->len, 1);
  assert_string_equal (body_of (msg), "Form: standard\nTitle: Café & co\n");
}

static const char mixed_message[] =
  "From: a@b.example\nContent-Type: multipart/mixed; boundary=MIX\n\n"
  "--MIX\nContent-Type: text/plain; charset=utf-8\n\nForm: inventory\n"
  "--MIX\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Disposition: inline; filename=logo.png\n\nPNG\n"
  "--MIX\nContent-Type: text/plain; charset=iso-8859-1\n"
  "Content-Disposition: attachment; filename=\"offers.TXT\"\n"
  "Content-Transfer-Encoding: quoted-printable\n\nTitle: s=E9minaire\n"
  "--MIX\nContent-Type: application/octet-stream; name=inventory.csv\n"
  "Content-Transfer-Encoding: base64\n\n77u/Rm9ybSxUaXRsZQ0K\n"
  "--MIX\nContent-Type: application/pdf\n"
  "Content-Disposition: attachment; filename=\"../../etc/report.pdf\"\n"
  "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
  "--MIX\nContent-Type: application/ms-tnef; name=winmail.dat\n"
  "Content-Transfer-Encoding: base64\n\neJ8+IgAA\n"
  "--MIX\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\nraw\n"
  "--MIX--\n";

static void
test_attachments (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (mixed_message);

  assert_int_equal (msg->texts->len, 3);
  assert_string_equal (body_of (msg), "Form: inventory");
  MailText *txt = g_ptr_array_index (msg->texts, 1);
  assert_string_equal (txt->name, "offers.TXT");
  assert_string_equal (txt->text, "Title: séminaire");
  assert_false (txt->csv);
  MailText *csv = g_ptr_array_index (msg->texts, 2);
  assert_string_equal (csv->name, "inventory.csv");
  assert_true (csv->csv);
  assert_string_equal (csv->text, "\xEF\xBB\xBF" "Form,Title\r\n");
  assert_int_equal (csv->length, strlen (csv->text));

  assert_int_equal (msg->attachments->len, 5);
  MailAttachment *kept_txt = g_ptr_array_index (msg->attachments, 0);
  assert_string_equal (kept_txt->name, "offers.TXT");
  assert_int_equal (kept_txt->size, strlen ("Title: s\xE9minaire"));
  assert_memory_equal (g_bytes_get_data (kept_txt->data, NULL), "Title: s\xE9minaire",
                       kept_txt->size);
  MailAttachment *kept_csv = g_ptr_array_index (msg->attachments, 1);
  assert_string_equal (kept_csv->name, "inventory.csv");
  assert_string_equal (kept_csv->content_type, "application/octet-stream");
  MailAttachment *pdf = g_ptr_array_index (msg->attachments, 2);
  assert_string_equal (pdf->name, "report.pdf");
  assert_string_equal (pdf->content_type, "application/pdf");
  gsize n = 0;
  const char *data = g_bytes_get_data (pdf->data, &n);
  assert_int_equal (n, 9);
  assert_memory_equal (data, "%PDF-1.4\n", 9);
  MailAttachment *tnef = g_ptr_array_index (msg->attachments, 3);
  assert_string_equal (tnef->name, "winmail.dat");
  assert_int_equal (g_bytes_get_size (tnef->data), 6);
  MailAttachment *unnamed = g_ptr_array_index (msg->attachments, 4);
  assert_true (g_str_has_prefix (unnamed->name, "attachment-"));
}

/* An attached message is kept whole as an attachment, and its body read
 * as a forwarded text (docs/submissions.md section 1). */
static void
test_attached_message_read_as_forwarded (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "From: a@b.example\nContent-Type: multipart/mixed; boundary=M\n\n"
    "--M\nContent-Type: text/plain\n\nsee attached\n"
    "--M\nContent-Type: message/rfc822\n\n"
    "From: x@y.example\nSubject: inner\n\nForm: contact-point\n"
    "--M\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=fwd.eml\n\n"
    "From: x@y.example\nSubject: inner2\n\nForm: standard\n"
    "--M--\n");

  assert_int_equal (msg->texts->len, 3);
  assert_string_equal (body_of (msg), "see attached");
  MailText *inline_message = g_ptr_array_index (msg->texts, 1);
  assert_true (inline_message->forwarded);
  assert_string_equal (inline_message->name, "forwarded.eml");
  assert_string_equal (inline_message->text, "Form: contact-point");
  MailText *attached = g_ptr_array_index (msg->texts, 2);
  assert_true (attached->forwarded);
  assert_string_equal (attached->name, "fwd.eml");
  assert_string_equal (attached->text, "Form: standard");
  assert_false (((MailText *) g_ptr_array_index (msg->texts, 0))->forwarded);
  assert_int_equal (msg->attachments->len, 1);
  MailAttachment *a = g_ptr_array_index (msg->attachments, 0);
  assert_string_equal (a->name, "fwd.eml");
  assert_string_equal (a->content_type, "message/rfc822");
  g_autofree char *eml = g_strndup (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data));
  assert_non_null (strstr (eml, "Form: standard"));
}

static void
test_calendar (void **state)
{
  g_autoptr (MailMessage) param = parse_ok (
    "From: a@b.example\nContent-Type: multipart/alternative; boundary=C\n\n"
    "--C\nContent-Type: text/plain\n\nAccepted\n"
    "--C\nContent-Type: text/calendar; method=reply; charset=utf-8\n\n"
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    "--C--\n");
  g_autoptr (MailMessage) line = parse_ok (
    "From: a@b.example\nContent-Type: multipart/mixed; boundary=C\n\n"
    "--C\nContent-Type: text/plain\n\nsee invite\n"
    "--C\nContent-Type: application/ics; name=invite.ics\n"
    "Content-Disposition: attachment; filename=invite.ics\n\n"
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nmethod:Counter \r\nEND:VCALENDAR\r\n"
    "--C--\n");

  assert_string_equal (param->calendar_method, "REPLY");
  assert_non_null (strstr (param->calendar, "BEGIN:VCALENDAR"));
  assert_string_equal (line->calendar_method, "COUNTER");
  assert_int_equal (line->attachments->len, 0);
}

/* --- charsets ------------------------------------------------------------ */

/* The body of a one-part text/plain message with the given charset
 * parameter (NULL: none) and raw body bytes. */
static char *
body_in_charset (const char *charset, const char *body)
{
  g_autofree char *text = g_strdup_printf (
    "From: a@b.example\nSubject: =?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=\n"
    "Content-Type: text/plain%s%s\nContent-Transfer-Encoding: 8bit\n\n%s",
    charset != NULL ? "; charset=" : "", charset != NULL ? charset : "", body);
  g_autoptr (MailMessage) msg = parse_ok (text);
  assert_string_equal (msg->subject, "Привет");
  return g_strdup (body_of (msg));
}

static void
test_charset_declared (void **state)
{
  g_autofree char *koi8 = body_in_charset ("KOI8-R", "\xF0\xD2\xC9\xD7\xC5\xD4\n");
  g_autofree char *latin1 = body_in_charset ("\"ISO-8859-1\"", "caf\xE9 \x80\n");
  g_autofree char *cp1251 = body_in_charset ("windows-1251", "\xCF\xF0\xE8\xE2\xE5\xF2\n");

  assert_string_equal (koi8, "Привет\n");
  assert_string_equal (latin1, "café €\n");   /* ISO-8859-1 read as windows-1252 */
  assert_string_equal (cp1251, "Привет\n");
}

static void
test_charset_missing (void **state)
{
  g_autofree char *utf8 = body_in_charset (NULL, "Gr\xC3\xBC\xC3\x9F" "e\n");
  g_autofree char *cp1252 = body_in_charset (NULL, "Gr\xFC\xDF" "e \x93q\x94\n");

  assert_string_equal (utf8, "Grüße\n");
  assert_string_equal (cp1252, "Grüße “q”\n");
}

static void
test_charset_wrong (void **state)
{
  g_autofree char *bad_utf8 = body_in_charset ("utf-8", "caf\xE9\n");
  g_autofree char *unknown = body_in_charset ("x-no-such-charset", "caf\xC3\xA9\n");
  g_autofree char *ascii = body_in_charset ("us-ascii", "caf\xE9\n");

  assert_string_equal (bad_utf8, "café\n");
  assert_string_equal (unknown, "café\n");
  assert_string_equal (ascii, "café\n");
}

static void
test_decode_text (void **state)
{
  g_autofree char *nul = mail_decode_text ("a\0b\0c", 5, NULL);
  g_autofree char *utf16 = mail_decode_text ("h\0i\0", 4, "UTF-16LE");
  g_autofree char *none = mail_decode_text (NULL, 0, "utf-8");
  g_autofree char *undefined = mail_decode_text ("\x81\x8D", 2, "windows-1252");
  static const char all[] = "\x00\x01\x7F\x80\x9F\xA0\xFF";
  g_autofree char *every = mail_decode_text (all, sizeof all - 1, "iso-8859-5");

  assert_string_equal (nul, "abc");
  assert_string_equal (utf16, "hi");
  assert_string_equal (none, "");
  assert_true (g_utf8_validate (undefined, -1, NULL));
  assert_true (g_utf8_validate (every, -1, NULL));
}

static void
test_nul_bytes_in_message (void **state)
{
  static const char raw[] = "From: a@b.example\nSubject: x\0y\n\nForm:\0 standard\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MailMessage) msg = parse_bytes (raw, sizeof raw - 1, &error);

  assert_non_null (msg);
  assert_string_equal (body_of (msg), "Form: standard\n");
  assert_true (g_utf8_validate (msg->subject, -1, NULL));
}

/* --- HTML ---------------------------------------------------------------- */

static const char outlook_html[] =
  "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">"
  "<head><meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">"
  "<meta name=Generator content=\"Microsoft Word 15 (filtered medium)\"><style><!--\n"
  "p.MsoNormal, li.MsoNormal {margin:0cm; font-family:\"Calibri\",sans-serif;}\n"
  "--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext=\"edit\" spidmax=\"1026\" />\n"
  "</xml><![endif]--></head>"
  "<body lang=EN-US link=\"#0563C1\" style='word-wrap:break-word'><div class=WordSection1>\n"
  "<p class=MsoNormal>Dear colleagues,<o:p></o:p></p>\n"
  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
  "<p class=MsoNormal>Form: contact-point<o:p></o:p></p>\n"
  "<p class=MsoNormal>Entity: KZ<o:p></o:p></p>\n"
  "<p class=MsoNormal><span style='font-size:11.0pt;\nfont-family:\"Calibri\"'>Name:\n Aigerim  Nurlanovna</span><o:p></o:p></p>\n"
  "<p class=MsoNormal>Email: <a href=\"mailto:a.n@mfa.example\">a.n@mfa.example</a><o:p></o:p></p>\n"
  "<p class=MsoNormal>Title: Head of&nbsp;Division &amp; Counsellor<o:p></o:p></p>\n"
  "<p class=MsoListParagraph><![if !supportLists]><span>-<span>&nbsp; </span></span><![endif]>Phone: +7&#160;7172 &#x37;2<o:p></o:p></p>\n"
  "<p class=MsoNormal>&nbsp;&nbsp;continued<o:p></o:p></p>\n"
  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
  "<p class=MsoNormal>Best regards,<br>Aigerim<o:p></o:p></p>\n"
  "</div></body></html>\n";

static void
test_html_outlook (void **state)
{
  g_autofree char *text = mail_html_to_text (outlook_html, strlen (outlook_html));

  assert_string_equal (text,
                       "Dear colleagues,\n"
                       "\n"
                       "Form: contact-point\n"
                       "Entity: KZ\n"
                       "Name: Aigerim Nurlanovna\n"
                       "Email: a.n@mfa.example\n"
                       "Title: Head of Division & Counsellor\n"
                       "-  Phone: +7 7172 72\n"
                       "  continued\n"
                       "\n"
                       "Best regards,\n"
                       "Aigerim\n");
}

/* A <br> inside a paragraph begins a soft line, numbered as the tidy text
 * counts lines; a <br> before a block, a <p>, and a <br><br> do not. */
static void
test_html_soft_lines (void **state)
{
  static const char html[] =
    "<html><body>\n<p class=MsoNormal>Dear colleagues,</p><p>&nbsp;</p>\n"
    "<p class=MsoNormal>Form: standard<br>\nTitle: Regional workshop on border<br>\n"
    "security<o:p></o:p></p>\n<p>Issuer: UNODC<br></p><p>Areas: other</p>"
    "<div>one<br><br>two</div><div>three<br><div>four</div></div></body></html>";
  g_autoptr (GArray) soft = NULL;
  g_autofree char *text = mail_html_to_text_soft (html, strlen (html), &soft);

  assert_string_equal (text,
                       "Dear colleagues,\n"
                       "\n"
                       "Form: standard\n"
                       "Title: Regional workshop on border\n"
                       "security\n"
                       "Issuer: UNODC\n"
                       "Areas: other\n"
                       "one\n"
                       "\n"
                       "two\n"
                       "three\n"
                       "four\n");
  assert_int_equal (soft->len, 2);
  assert_int_equal (g_array_index (soft, guint, 0), 4);
  assert_int_equal (g_array_index (soft, guint, 1), 5);
}

/* The HTML body's soft lines reach the message's text. */
static void
test_body_html_soft_lines (void **state)
{
  g_autoptr (MailMessage) msg = parse_ok (
    "From: a@b.example\nContent-Type: text/html; charset=utf-8\n\n"
    "<p>Form: standard</p><p>Title: A<br>B</p>\n");
  const MailText *body = g_ptr_array_index (msg->texts, 0);
  assert_non_null (body->soft_lines);
  assert_int_equal (body->soft_lines->len, 1);
  assert_int_equal (g_array_index (body->soft_lines, guint, 0), 3);
}

static void
test_html_elements (void **state)
{
  static const char html[] =
    "<script>var s = '<p>no</p>';</script><style>p{}</style>"
    "<!-- a comment <p>no</p> -->"
    "<h1>Title</h1><table><tr><td>Key:</td><td>value</td></tr>"
    "<tr><th>Other:</th><td>x &lt;y&gt; &quot;z&quot; &apos;w&apos; &#65;&#x42; &bogus; a&b</td></tr></table>"
    "<ul><li>one</li><li>two</li></ul><pre>  keep\n    this</pre>"
    "<blockquote>quote</blockquote>5 < 6 &copy;";
  g_autofree char *text = mail_html_to_text (html, strlen (html));

  assert_string_equal (text,
                       "Title\n"
                       "Key: value\n"
                       "Other: x <y> \"z\" 'w' AB &bogus; a&b\n"
                       "one\n"
                       "two\n"
                       "  keep\n"
                       "    this\n"
                       "quote\n"
                       "5 < 6 ©\n");
}

static void
test_html_broken (void **state)
{
  static const char *const inputs[] = {
    "<script>never closed <p>x</p>", "text <!-- never closed", "<a href='x>y",
    "<p", "&#xFFFFFFFFFF;&#0;&#55296;&", "<head><p>no body", "<<<>>>",
    "<pre><pre></pre></pre></pre>", "\xFF\xFE<p>\xC3</p>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *text = mail_html_to_text (inputs[i], strlen (inputs[i]));
      assert_non_null (text);
      assert_true (g_utf8_validate (text, -1, NULL));
    }
  g_autofree char *empty = mail_html_to_text (NULL, 0);
  assert_string_equal (empty, "");
  g_autofree char *head = mail_html_to_text ("<head><title>x</title><body>Form: a", 35);
  assert_string_equal (head, "Form: a\n");
}

/* Many unclosed elements in a row stay linear (no quadratic rescans). */
static void
test_html_linear (void **state)
{
  GString *html = g_string_new ("<body>");
  for (int i = 0; i < 200000; i++)
    g_string_append (html, "<head><script>");
  g_autofree char *text = mail_html_to_text (html->str, html->len);
  assert_string_equal (text, "");
  g_string_free (html, TRUE);
}

/* --- limits -------------------------------------------------------------- */

/* An attachment over [limits] attachment_size is listed with its size,
 * its bytes not kept; the next ones are kept until attachments_size is
 * spent. */
static void
test_limit_attachments (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  g_autoptr (GBytes) raw = g_bytes_new_static (mixed_message, strlen (mixed_message));

  limits.attachment_max = 15;     /* the text has 16 bytes, the CSV 15 */
  limits.attachments_max = 26;    /* the CSV and the PDF (9): 2 left, the rest over */
  g_autoptr (MailMessage) msg = mail_message_parse (raw, NULL, &limits, NULL);
  assert_non_null (msg);
  assert_int_equal (msg->attachments->len, 5);
  const MailAttachment *const *a = (const MailAttachment *const *) msg->attachments->pdata;
  assert_null (a[0]->data);
  assert_int_equal (a[0]->size, 16);
  assert_int_equal (g_bytes_get_size (a[1]->data), 15);
  assert_int_equal (g_bytes_get_size (a[2]->data), 9);
  assert_null (a[3]->data);
  assert_int_equal (a[3]->size, 6);
  assert_null (a[4]->data);
  assert_int_equal (msg->texts->len, 3);   /* the texts are read all the same */
}

static void
test_limit_size (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  GString *raw = g_string_new ("From: a@b.example\n\n");

  limits.message_max = 1000;
  while (raw->len < 1000)
    g_string_append_c (raw, 'x');
  g_autoptr (GBytes) fits = g_bytes_new (raw->str, raw->len);
  g_autoptr (MailMessage) msg = mail_message_parse (fits, NULL, &limits, NULL);
  assert_non_null (msg);
  g_string_append_c (raw, 'x');
  assert_parse_fails (raw->str, raw->len, &limits, MAIL_ERROR_TOO_LARGE);
  g_string_free (raw, TRUE);
}

/* A message whose MIME tree nests depth multiparts in one another. */
static GString *
nested_message (guint depth)
{
  GString *raw = g_string_new ("From: a@b.example\n");

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (raw, "Content-Type: multipart/mixed; boundary=b%u\n\n--b%u\n", i, i);
  g_string_append (raw, "Content-Type: text/plain\n\nForm: standard\n");
  for (guint i = depth; i-- > 0;)
    g_string_append_printf (raw, "--b%u--\n", i);
  return raw;
}

static void
test_limit_depth (void **state)
{
  GString *ok = nested_message (CTC_MIME_DEPTH_MAX);
  GString *deep = nested_message (CTC_MIME_DEPTH_MAX + 1);
  g_autoptr (MailMessage) msg = parse_ok (ok->str);

  assert_string_equal (body_of (msg), "Form: standard");
  assert_parse_fails (deep->str, deep->len, NULL, MAIL_ERROR_STRUCTURE);
  g_string_free (ok, TRUE);
  g_string_free (deep, TRUE);
}

/* Nested attached messages count as levels too. */
static void
test_limit_depth_messages (void **state)
{
  GString *raw = g_string_new ("From: a@b.example\n");

  for (guint i = 0; i <= CTC_MIME_DEPTH_MAX; i++)
    g_string_append (raw, "Content-Type: message/rfc822\n\nFrom: c@d.example\n");
  g_string_append (raw, "\ninnermost\n");
  assert_parse_fails (raw->str, raw->len, NULL, MAIL_ERROR_STRUCTURE);
  g_string_free (raw, TRUE);
}

/* A multipart/mixed message of n text parts (n + 1 parts in all). */
static GString *
wide_message (guint n)
{
  GString *raw = g_string_new ("From: a@b.example\nContent-Type: multipart/mixed; boundary=W\n\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (raw, "--W\nContent-Type: text/plain\n\npart %u\n", i);
  g_string_append (raw, "--W--\n");
  return raw;
}

static void
test_limit_parts (void **state)
{
  GString *ok = wide_message (CTC_MIME_PARTS_MAX - 1);
  GString *wide = wide_message (CTC_MIME_PARTS_MAX);
  g_autoptr (MailMessage) msg = parse_ok (ok->str);

  assert_string_equal (body_of (msg), "part 0");
  assert_parse_fails (wide->str, wide->len, NULL, MAIL_ERROR_STRUCTURE);
  g_string_free (ok, TRUE);
  g_string_free (wide, TRUE);
}

static void
test_limit_headers (void **state)
{
  GString *raw = g_string_new ("From: a@b.example\n");

  while (raw->len <= CTC_HEADER_MAX)
    g_string_append (raw, "X-Filler: 0123456789012345678901234567890123456789012345678901234567890\n");
  g_string_append (raw, "\nbody\n");
  assert_parse_fails (raw->str, raw->len, NULL, MAIL_ERROR_HEADERS);
  g_string_free (raw, TRUE);
}

static void
test_unreadable (void **state)
{
  static const char binary[] = "\x00\x01\x02\xFF\xFE garbage \x89PNG\r\n";
  g_autoptr (GError) error = NULL;

  assert_parse_fails (binary, sizeof binary - 1, NULL, MAIL_ERROR_UNREADABLE);
  assert_parse_fails ("", 0, NULL, MAIL_ERROR_UNREADABLE);
  assert_parse_fails ("just some words\n", 16, NULL, MAIL_ERROR_UNREADABLE);
  assert_null (mail_message_parse (NULL, NULL, NULL, &error));
  assert_int_equal (error->code, MAIL_ERROR_UNREADABLE);
}

static void
test_bom_blank_lines_and_cr (void **state)
{
  g_autoptr (MailMessage) bom = parse_ok ("\xEF\xBB\xBF" "From: a@b.example\nSubject: s\n\nbody\n");
  g_autoptr (MailMessage) blank = parse_ok ("   \n\nFrom: a@b.example\nSubject: s\n\nbody\n");
  g_autoptr (MailMessage) cr = parse_ok ("From: a@b.example\rSubject: s\r\rForm: standard\r");
  g_autoptr (MailMessage) body_bom = parse_ok ("From: a@b.example\n\n\xEF\xBB\xBF" "Form: standard\n");

  assert_string_equal (bom->from_addr, "a@b.example");
  assert_string_equal (blank->from_addr, "a@b.example");
  assert_string_equal (cr->subject, "s");
  assert_string_equal (body_of (cr), "Form: standard\n");
  assert_string_equal (body_of (body_bom), "Form: standard\n");
}

/* Addresses are lower-cased by ASCII rules only: a Kelvin sign stays one
 * (docs/submissions.md section 6). */
static void
test_addresses_ascii_lower_case (void **state)
{
  (void) state;
  g_autoptr (MailMessage) msg = parse_ok (
    "From: A.Nurlanova@MFA.\xe2\x84\xaaz.example\nSender: a.nurlanova@mfa.kz.example\n\nx\n");

  assert_string_equal (msg->from_addr, "a.nurlanova@mfa.\xe2\x84\xaaz.example");
  assert_string_equal (msg->sender_addr, "a.nurlanova@mfa.kz.example");
  assert_int_equal (msg->from_fields, 1);
  assert_int_equal (msg->from_mailboxes, 1);
}

/* The authors are counted: From fields, and the mailboxes they name. */
static void
test_authors_counted (void **state)
{
  (void) state;
  g_autoptr (MailMessage) two = parse_ok ("From: a@b.example\nFrom: c@d.example\n\nx\n");
  g_autoptr (MailMessage) list = parse_ok ("From: a@b.example, C <c@d.example>\n\nx\n");
  g_autoptr (MailMessage) group = parse_ok ("From: Team: a@b.example, c@d.example;\n\nx\n");
  g_autoptr (MailMessage) none = parse_ok ("Subject: x\n\nx\n");
  g_autoptr (MailMessage) idna = parse_ok (
    "From: info@b\xc3\xbc" "cher.example\nSender: Info@XN--BCHER-KVA.example\n\nx\n");

  assert_int_equal (two->from_fields, 2);
  assert_int_equal (two->from_mailboxes, 2);
  assert_int_equal (list->from_fields, 1);
  assert_int_equal (list->from_mailboxes, 2);
  assert_string_equal (list->from_addr, "a@b.example");
  assert_int_equal (group->from_mailboxes, 2);
  assert_int_equal (none->from_fields, 0);
  assert_int_equal (none->from_mailboxes, 0);
  assert_null (idna->sender_addr);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_headers),
    cmocka_unit_test (test_headers_absent),
    cmocka_unit_test (test_headers_null_return_path_and_same_sender),
    cmocka_unit_test (test_body_plain_first),
    cmocka_unit_test (test_body_html_fallback),
    cmocka_unit_test (test_attachments),
    cmocka_unit_test (test_attached_message_read_as_forwarded),
    cmocka_unit_test (test_calendar),
    cmocka_unit_test (test_charset_declared),
    cmocka_unit_test (test_charset_missing),
    cmocka_unit_test (test_charset_wrong),
    cmocka_unit_test (test_decode_text),
    cmocka_unit_test (test_nul_bytes_in_message),
    cmocka_unit_test (test_html_outlook),
    cmocka_unit_test (test_html_soft_lines),
    cmocka_unit_test (test_body_html_soft_lines),
    cmocka_unit_test (test_html_elements),
    cmocka_unit_test (test_html_broken),
    cmocka_unit_test (test_html_linear),
    cmocka_unit_test (test_limit_size),
    cmocka_unit_test (test_limit_attachments),
    cmocka_unit_test (test_limit_depth),
    cmocka_unit_test (test_limit_depth_messages),
    cmocka_unit_test (test_limit_parts),
    cmocka_unit_test (test_limit_headers),
    cmocka_unit_test (test_unreadable),
    cmocka_unit_test (test_bom_blank_lines_and_cr),
    cmocka_unit_test (test_addresses_ascii_lower_case),
    cmocka_unit_test (test_authors_counted),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
