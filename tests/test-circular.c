/* Tests of gateway/flows/circular.c: creating and sending circulars to an
 * audience of a few contact points in a temporary database (one outbox row
 * each, the language of each recipient, the reference in the subject,
 * List-Id and Auto-Submitted), sending twice, the silent:sources audience,
 * and replies linked to their circular by intake. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <gmime/gmime.h>

#include "gateway/base/text.h"
#include "gateway/store/audience.h"
#include "gateway/flows/circular.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/flows/outbox.h"
#include "parsers/form.h"
#include "tests/fixture.h"

typedef struct {
  char *dir;
  Config *config;
  sqlite3 *db;
  GDateTime *now;
} Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "name = CTC Executive Directorate\n"
  "staff = desk@ctc.example\n"
  "timezone = Europe/Vienna\n"
  "[authentication]\n"
  "require = none\n"
  "[smtp]\n"
  "url = maildir:outbox\n";

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  f->dir = fixture_dir_new ("circular");
  f->config = fixture_config (f->dir, conf_text);
  f->db = fixture_db (f->config->database);
  /* Russian has no template: English.  The bouncing one gets nothing. */
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, status)"
      " VALUES ('CTC-CP-2026-0001', 'KZ', 'Aigerim N', 'focal@mfa.kz.example', '[\"ru\",\"en\"]',"
      " 'active'),"
      " ('CTC-CP-2026-0002', 'UNODC', 'Jan Doe', 'j.doe@unodc.example', '[\"en\"]', 'active'),"
      " ('CTC-CP-2026-0003', 'FR', 'Marie Dupont', 'm.dupont@diplomatie.fr.example', '[\"fr\"]',"
      " 'active'),"
      " ('CTC-CP-2026-0004', 'DE', 'Old Address', 'gone@de.example', '[\"en\"]', 'bouncing');");
  f->now = g_date_time_new_utc (2026, 11, 2, 10, 0, 0);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  db_close (f->db);
  config_free (f->config);
  g_date_time_unref (f->now);
  fixture_dir_free (f->dir);
  g_free (f);
  return 0;
}

/* A new circular; fails the test when it cannot be created. */
static char *
create (Fixture *f, const char *template, const char *audience, const char *subject)
{
  g_autoptr (GError) error = NULL;
  char *ref = circular_create (FIXTURE_CONTEXT (f),
                               &(CircularNew) { template, audience, subject }, f->now, &error);
  if (ref == NULL)
    fail_msg ("circular_create: %s", error->message);
  return ref;
}

/* A new circular of n; fails the test when it cannot be created. */
static char *
create_new (Fixture *f, const CircularNew *n)
{
  g_autoptr (GError) error = NULL;
  char *ref = circular_create (FIXTURE_CONTEXT (f), n, f->now, &error);
  if (ref == NULL)
    fail_msg ("circular_create: %s", error->message);
  return ref;
}

/* The text of the message's plain body. */
static char *
body_text (GMimeMessage *msg)
{
  GMimeObject *part = g_mime_message_get_body (msg);
  assert_true (GMIME_IS_TEXT_PART (part));
  return g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

static void
assert_circular_headers (GMimeMessage *msg, const char *ref)
{
  g_autofree char *suffix = g_strdup_printf (" [%s]", ref);
  assert_true (g_str_has_suffix (g_mime_message_get_subject (msg), suffix));
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (msg), "List-Id"),
                       "<circulars.ctc.example>");
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (msg), "Auto-Submitted"),
                       "auto-generated");
  assert_null (g_mime_object_get_header (GMIME_OBJECT (msg), "List-Unsubscribe"));
  assert_non_null (g_mime_message_get_message_id (msg));
}

static void
test_create_and_send (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *ref = create (f, "inventory-call", "all", NULL);
  guint queued = 0;
  assert_string_equal (ref, "CTC-CIR-2026-0001");
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_int_equal (queued, 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'circular'"
                                          " AND circular_id = 1 AND state = 'queued'"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE recipient = 'gone@de.example'"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT recipients FROM circulars WHERE id = 1"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars WHERE sent IS NOT NULL"), 1);

  g_autoptr (GMimeMessage) kz = fixture_queued (f->db, "circular", "focal@mfa.kz.example");
  g_autoptr (GMimeMessage) fr = fixture_queued (f->db, "circular", "m.dupont@diplomatie.fr.example");
  g_autoptr (GMimeMessage) un = fixture_queued (f->db, "circular", "j.doe@unodc.example");
  assert_circular_headers (kz, ref);
  assert_circular_headers (fr, ref);
  assert_circular_headers (un, ref);
  g_autofree char *kz_body = body_text (kz);
  g_autofree char *fr_body = body_text (fr);
  assert_non_null (strstr (kz_body, "Уважаемый(ая) Aigerim N!"));
  assert_non_null (strstr (kz_body, "Структура: KZ\n"));
  assert_non_null (strstr (kz_body, "Год: 2026\n"));
  assert_non_null (strstr (fr_body, "Chaque année"));
  assert_non_null (strstr (fr_body, "Entité: FR\n"));
  assert_true (g_str_has_prefix (g_mime_message_get_subject (fr), "Inventaire annuel"));
  assert_true (g_str_has_prefix (g_mime_message_get_subject (kz), "Ежегодный перечень"));
}

/* The blank forms of the circulars a contact point fills in are in its
 * language: the form's name, the kinds and the areas as it may write them
 * back, no English code left; the form reads back as the right one. */
static void
test_blank_forms_in_language (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, status) VALUES"
      " ('CTC-CP-2026-0005', 'EG', 'A H', 'ar@mfa.eg.example', '[\"ar\"]', 'active'),"
      " ('CTC-CP-2026-0006', 'CO', 'C R', 'es@mfa.co.example', '[\"es\"]', 'active'),"
      " ('CTC-CP-2026-0007', 'CN', 'W X', 'zh@mfa.cn.example', '[\"zh\"]', 'active');");
  static const struct { const char *template, *form; } circulars[] = {
    { "inventory-call", "inventory" }, { "sources-reminder", "information-source" },
  };
  static const char *const readers[] = { "ar@mfa.eg.example", "es@mfa.co.example",
                                         "m.dupont@diplomatie.fr.example",
                                         "focal@mfa.kz.example", "zh@mfa.cn.example" };
  for (gsize c = 0; c < G_N_ELEMENTS (circulars); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *ref = create (f, circulars[c].template, "all", NULL);
      guint queued = 0;
      assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
      for (gsize r = 0; r < G_N_ELEMENTS (readers); r++)
        {
          g_autoptr (GMimeMessage) msg = fixture_queued (f->db, "circular", readers[r]);
          g_autofree char *body = body_text (msg);
          for (guint a = 0; form_areas[a] != NULL; a++)
            if (strcmp (form_areas[a], "other") != 0 && strstr (body, form_areas[a]) != NULL)
              fail_msg ("%s to %s names the area %s", ref, readers[r], form_areas[a]);
          assert_null (strstr (body, "Form: "));
          assert_null (strstr (body, ": inventory\n"));
          assert_null (strstr (body, ": information-source\n"));
          g_autoptr (FormParse) parse = form_parse_new ();
          form_parse_text (parse, body, NULL, NULL);
          assert_true (parse->records->len > 0);
          const FormRecord *rec = parse->records->pdata[0];
          assert_non_null (rec->kind);
          assert_string_equal (rec->kind->name, circulars[c].form);
        }
    }
}

static void
test_second_send_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *ref = create (f, "inventory-call", "all", NULL);
  guint queued = 0;
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_false (circular_send (FIXTURE_CONTEXT (f), "ctc-cir-2026-0001", FALSE, f->now, &queued,
                               &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_SENT));
  assert_int_equal (queued, 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 3);
  g_clear_error (&error);
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, TRUE, f->now, &queued, &error));
  assert_int_equal (queued, 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE circular_id = 1"), 6);
  assert_false (circular_send (FIXTURE_CONTEXT (f), "CTC-CIR-2026-0099", FALSE, f->now, &queued,
                               &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_NOT_FOUND));
}

static void
test_create_refuses (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *long_subject = g_strnfill (CIRCULAR_SUBJECT_MAX + 1, 'x');
  assert_null (circular_create (FIXTURE_CONTEXT (f),
                                &(CircularNew) { "no-such-template", "all", NULL }, f->now, &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (circular_create (FIXTURE_CONTEXT (f), &(CircularNew) { "../ack", "all", NULL },
                                f->now, &error));
  g_clear_error (&error);
  assert_null (circular_create (FIXTURE_CONTEXT (f),
                                &(CircularNew) { "inventory-call", "stats", NULL }, f->now, &error));
  assert_true (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID));
  assert_non_null (strstr (error->message, "did you mean \"states\""));
  g_clear_error (&error);
  assert_null (circular_create (FIXTURE_CONTEXT (f),
                                &(CircularNew) { "inventory-call", "all", "two\nlines" }, f->now,
                                &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (circular_create (FIXTURE_CONTEXT (f),
                                &(CircularNew) { "inventory-call", "all", long_subject }, f->now,
                                &error));
  g_clear_error (&error);
  assert_null (circular_create (FIXTURE_CONTEXT (f),
                                &(CircularNew) { "inventory-call", "silent:sources:0", NULL },
                                f->now, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM counters WHERE kind = 'CIR'"), 0);
}

static void
test_subject_given (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *ref = create (f, "inventory-call", "entities:FR", "Appel spécial — 2026");
  guint queued = 0;
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_int_equal (queued, 1);
  g_autoptr (GMimeMessage) fr = fixture_queued (f->db, "circular", "m.dupont@diplomatie.fr.example");
  g_autofree char *expected = g_strdup_printf ("Appel spécial — 2026 [%s]", ref);
  assert_string_equal (g_mime_message_get_subject (fr), expected);
}

/* A subject that names an earlier circular holds only this one's
 * reference, which replies are linked by. */
static void
test_subject_one_reference (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = create (f, "inventory-call", "entities:FR", NULL);
  g_autofree char *ref = create (f, "inventory-call", "entities:FR",
                                 "Rappel [CTC-CIR-2026-0001] inventaire");
  guint queued = 0;
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  g_autoptr (GMimeMessage) fr = fixture_queued (f->db, "circular", "m.dupont@diplomatie.fr.example");
  g_autofree char *expected = g_strdup_printf ("Rappel inventaire [%s]", ref);
  assert_string_equal (g_mime_message_get_subject (fr), expected);
}

static void
test_subject_without_references (void **state)
{
  static const struct { const char *subject, *bare; } cases[] = {
    { "Re: Offer [CTC-SUB-2026-000001]", "Re: Offer" },
    { "[ctc-cir-2026-0001] Inventory [CTC-SUB-2026-000002] [CTC-SUB-2026-000003]", "Inventory" },
    { "A [CTC-MTG-2026-0001] b", "A b" },
    { "Offer [OTHER-SUB-2026-000001] [list] [CTC-XYZ-2026-0001]",
      "Offer [OTHER-SUB-2026-000001] [list] [CTC-XYZ-2026-0001]" },
    { "[CTC-SUB-2026-000001", "[CTC-SUB-2026-000001" },
    { "", "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bare = form_subject_without_references ("CTC", cases[i].subject);
      assert_string_equal (bare, cases[i].bare);
    }
  g_autofree char *none = form_subject_without_references ("CTC", NULL);
  assert_string_equal (none, "");
  g_autofree char *any = form_subject_reference ("CTC", "x [CTC-VIS-2026-0002] [CTC-SUB-2026-1]",
                                                 NULL);
  assert_string_equal (any, "CTC-VIS-2026-0002");
}

/* Texts in Russian and French, with CRLF line ends and a byte-order mark:
 * the English reader (English is also the configured language) gets the
 * first given. */
static void
test_own_texts (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const CircularText texts[] = {
    { "ru", "notice.ru.txt", "\xEF\xBB\xBFSubject: \xD0\x92\xD1\x81\xD1\x82\xD1\x80\xD0\xB5\xD1\x87\xD0\xB0"
                             " {{entity}}\r\nRU {{name}}\r\n" },
    { "fr", "notice.fr.txt", "Subject: R\xC3\xA9union {{entity}}\nFR {{#name}}{{name}}{{/name}}\n" },
  };
  CircularNew n = { NULL, "all", NULL, texts, G_N_ELEMENTS (texts) };
  g_autofree char *ref = circular_create (FIXTURE_CONTEXT (f), &n, f->now, &error);
  assert_non_null (ref);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circular_texts"), 2);
  guint queued = 0;
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_int_equal (queued, 3);
  g_autoptr (GMimeMessage) kz = fixture_queued (f->db, "circular", "focal@mfa.kz.example");
  g_autoptr (GMimeMessage) fr = fixture_queued (f->db, "circular", "m.dupont@diplomatie.fr.example");
  g_autoptr (GMimeMessage) un = fixture_queued (f->db, "circular", "j.doe@unodc.example");
  g_autofree char *kz_body = body_text (kz);
  g_autofree char *fr_body = body_text (fr);
  g_autofree char *un_body = body_text (un);
  assert_string_equal (kz_body, "RU Aigerim N\n");
  assert_string_equal (fr_body, "FR Marie Dupont\n");
  assert_string_equal (un_body, "RU Jan Doe\n");
  g_autofree char *fr_subject = g_strdup_printf ("R\xC3\xA9union FR [%s]", ref);
  assert_string_equal (g_mime_message_get_subject (fr), fr_subject);
  assert_string_equal (g_mime_object_get_header (g_mime_message_get_mime_part (un),
                                                 "Content-Language"), "ru");
  assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (un), "Precedence"), "bulk");
}

/* Texts refused before anything is stored, each naming its file. */
static void
test_own_texts_refused (void **state)
{
  Fixture *f = *state;
  static const struct { const char *language, *content, *message; } cases[] = {
    { "en", "Subject: S\nDear {{nmae}}\n", "t.txt: line 2: {{nmae}} is no placeholder; did you mean {{name}}?" },
    { "en", "Subject: S {{x}}\nDear\n", "t.txt: line 1: {{x}} is no placeholder" },
    { "en", "Subject: S\n\n{{^name}}\nDear\n", "t.txt: line 3: {{^name}} is never closed" },
    { "en", "Subject: S\nDear\n{{/name}}\n", "t.txt: line 3: {{/name}} closes no section" },
    { "en", "Subject: S\nok\nbad \xFF\n", "t.txt: line 3: not UTF-8 text" },
    { "en", "Subject: S\nok\tok\n\x1B[2J\n", "t.txt: line 3: a control character (U+001B)" },
    { "en", "Subject: \nDear\n", "t.txt: line 1: the subject must have" },
    { "en", "Subject: S\n \n", "t.txt: no text" },
    { "en", "Dear\n", "t.txt: no subject" },
    { "de", "Subject: S\nDear\n", "t.txt: the language must be one of ar, en, es, fr, ru, zh" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      CircularText t = { cases[i].language, "t.txt", cases[i].content };
      CircularNew n = { NULL, "all", NULL, &t, 1 };
      assert_null (circular_create (FIXTURE_CONTEXT (f), &n, f->now, &error));
      assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_INVALID));
      if (!g_str_has_prefix (error->message, cases[i].message))
        fail_msg ("case %u: %s", i, error->message);
    }
  g_autofree char *big = g_strnfill (CIRCULAR_TEXT_MAX + 1, 'x');
  CircularText t = { "en", "big.txt", big };
  g_autoptr (GError) error = NULL;
  assert_null (circular_create (FIXTURE_CONTEXT (f), &(CircularNew) { NULL, "all", "S", &t, 1 },
                                f->now, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM counters WHERE kind = 'CIR'"), 0);
}

/* A preview stores nothing, and the reference it shows is the one the
 * circular then gets. */
static void
test_preview (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  CircularText t = { "en", "t.txt", "Dear {{name}} of {{entity_name}}\n" };
  CircularNew n = { NULL, "all", "Notice {{entity}}", &t, 1 };
  g_autoptr (GMimeMessage) msg = circular_preview (FIXTURE_CONTEXT (f), &n,
                                                   "M.Dupont@Diplomatie.fr.example", f->now, &error);
  assert_non_null (msg);
  assert_string_equal (g_mime_message_get_subject (msg), "Notice FR [CTC-CIR-2026-0001]");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circular_texts"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
  g_autoptr (GMimeMessage) first = circular_preview (FIXTURE_CONTEXT (f), &n, NULL, f->now, &error);
  assert_non_null (first);
  assert_null (circular_preview (FIXTURE_CONTEXT (f), &n, "nobody@example.org", f->now, &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_NOT_FOUND));
  g_autofree char *ref = create_new (f, &n);
  assert_string_equal (ref, "CTC-CIR-2026-0001");
}

static void
test_empty_audience (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *ref = create (f, "inventory-call", "entities:DE", NULL);
  guint queued = 0;
  assert_false (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_true (g_error_matches (error, CIRCULAR_ERROR, CIRCULAR_ERROR_EMPTY));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM circulars WHERE sent IS NULL"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
}

/* KZ sent a source a month ago, FR ten months ago: FR and UNODC are silent. */
static void
test_silent_sources (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db,
      "INSERT INTO sources (reference, provider, title, kind, created, updated) VALUES"
      " ('CTC-SRC-2026-0001', 'KZ', 'Guide', 'publication', '2026-10-01T00:00:00Z',"
      "  '2026-10-01T00:00:00Z'),"
      " ('CTC-SRC-2026-0002', 'FR', 'Roster', 'expert-roster', '2026-01-05T00:00:00Z',"
      "  '2026-01-05T00:00:00Z');");
  g_autoptr (GPtrArray) six = circular_recipients (f->db, "silent:sources:6", "en", f->now, &error);
  assert_non_null (six);
  assert_int_equal (six->len, 2);
  assert_string_equal (((Recipient *) six->pdata[0])->entity, "FR");
  assert_string_equal (((Recipient *) six->pdata[1])->entity, "UNODC");
  g_autoptr (GPtrArray) twelve = circular_recipients (f->db, "silent:sources:12", "en", f->now, &error);
  assert_int_equal (twelve->len, 1);
  assert_null (circular_recipients (f->db, "silent:sources:x", "en", f->now, &error));
  assert_true (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID));

  g_autofree char *ref = create (f, "sources-reminder", "silent:sources:6", NULL);
  guint queued = 0;
  g_clear_error (&error);
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_int_equal (queued, 2);
  g_autoptr (GMimeMessage) un = fixture_queued (f->db, "circular", "j.doe@unodc.example");
  g_autofree char *body = body_text (un);
  /* The paragraph with the entity's long name is wrapped again, whole. */
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    assert_true (text_width (lines[i]) <= TEXT_WRAP_COLUMNS);
  g_autofree char *flat = g_strjoinv (" ", lines);
  assert_non_null (strstr (flat, "Drugs and Crime in the last 6 months."));
  assert_non_null (strstr (body, "Provider: UNODC\n"));
}

/* A name from the registers cannot add a header; a bad address is skipped. */
static void
test_hostile_contact (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, status) VALUES"
      " ('CTC-CP-2026-0010', 'IT', 'Eve' || char(13, 10) || 'Bcc: evil@attacker.example',"
      "  'eve@it.example', '[\"en\"]', 'active'),"
      " ('CTC-CP-2026-0011', 'ES', 'Bad', 'not an address', '[\"es\"]', 'active');");
  g_autofree char *ref = create (f, "inventory-call", "entities:IT,ES", NULL);
  guint queued = 0;
  assert_true (circular_send (FIXTURE_CONTEXT (f), ref, FALSE, f->now, &queued, &error));
  assert_int_equal (queued, 1);
  g_autoptr (GMimeMessage) eve = fixture_queued (f->db, "circular", "eve@it.example");
  assert_null (g_mime_object_get_header (GMIME_OBJECT (eve), "Bcc"));
  InternetAddressList *to = g_mime_message_get_to (eve);
  assert_int_equal (internet_address_list_length (to), 1);
}

static void
test_reference_in_subject (void **state)
{
  static const struct { const char *subject; const char *ref; } cases[] = {
    { "Re: Yearly inventory 2026 [CTC-CIR-2026-0001]", "CTC-CIR-2026-0001" },
    { "AW: [ctc-cir-2026-0042] Antwort", "CTC-CIR-2026-0042" },
    { "[list] Re: x [CTC-SUB-2026-000001] [CTC-CIR-2027-12345]", "CTC-CIR-2027-12345" },
    { "Re: [CTC-CIR-2026-0001", NULL },
    { "Re: CTC-CIR-2026-0001", NULL },
    { "[XYZ-CIR-2026-0001]", NULL },
    { "[CTC-CIR-26-0001]", NULL },
    { "[CTC-CIR-2026-]", NULL },
    { "[CTC-CIR-2026-1234567890]", NULL },
    { "[CTC-CIR-2026-0001x]", NULL },
    { "[", NULL },
    { "", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ref = circular_reference_in_subject ("CTC", cases[i].subject);
      if (cases[i].ref == NULL)
        assert_null (ref);
      else
        assert_string_equal (ref, cases[i].ref);
    }
  assert_null (circular_reference_in_subject ("CTC", NULL));
}

/* A reply from a contact point, through intake. */
static GBytes *
reply (const char *id, const char *subject)
{
  char *s = g_strdup_printf ("From: Marie Dupont <m.dupont@diplomatie.fr.example>\r\n"
                             "To: gateway@ctc.example\r\nSubject: %s\r\n"
                             "Message-ID: <%s>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
                             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                             "Form: inventory\r\nEntity: FR\r\nKind: mechanism\r\n"
                             "Title: Interministerial counter-terrorism unit\r\n", subject, id);
  return g_bytes_new_take (s, strlen (s));
}

static void
test_reply_linked (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *ref = create (f, "inventory-call", "all", NULL);
  g_autofree char *other = create (f, "sources-reminder", "all", NULL);
  g_autofree char *subject = g_strdup_printf ("Re: Inventaire annuel [%s]", other);
  g_autoptr (GBytes) linked = reply ("r1@fr.example", subject);
  g_autoptr (GBytes) unknown = reply ("r2@fr.example", "Re: x [CTC-CIR-2026-0099]");
  g_autoptr (GBytes) plain = reply ("r3@fr.example", "Inventory");
  IntakeResult result = { 0 };

  assert_true (intake_process (FIXTURE_CONTEXT (f), linked, "test", &result, &error));
  assert_int_equal (result.outcome, INTAKE_FILED);
  gint64 sub = result.submission_id;
  intake_result_clear (&result);
  g_autofree char *sql = g_strdup_printf ("SELECT s.circular_id = c.id FROM submissions s,"
                                          " circulars c WHERE s.id = %" G_GINT64_FORMAT
                                          " AND c.reference = '%s'", sub, other);
  assert_int_equal (fixture_count (f->db, sql), 1);
  assert_true (intake_process (FIXTURE_CONTEXT (f), unknown, "test", &result, &error));
  intake_result_clear (&result);
  assert_true (intake_process (FIXTURE_CONTEXT (f), plain, "test", &result, &error));
  intake_result_clear (&result);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions WHERE circular_id IS NULL"), 2);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_create_and_send, setup, teardown),
    cmocka_unit_test_setup_teardown (test_second_send_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_blank_forms_in_language, setup, teardown),
    cmocka_unit_test_setup_teardown (test_create_refuses, setup, teardown),
    cmocka_unit_test_setup_teardown (test_subject_given, setup, teardown),
    cmocka_unit_test_setup_teardown (test_empty_audience, setup, teardown),
    cmocka_unit_test_setup_teardown (test_silent_sources, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hostile_contact, setup, teardown),
    cmocka_unit_test (test_reference_in_subject),
    cmocka_unit_test_setup_teardown (test_subject_one_reference, setup, teardown),
    cmocka_unit_test (test_subject_without_references),
    cmocka_unit_test_setup_teardown (test_own_texts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_own_texts_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_preview, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reply_linked, setup, teardown),
  };
  g_mime_init ();
  int failed = cmocka_run_group_tests_name ("circular", tests, NULL, NULL);
  g_mime_shutdown ();
  return failed;
}
