/* Tests of gateway/store/db.c: schema files, reference data, references, names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gateway/store/db.h"
#include "gateway/store/countries.h"
#include "parsers/form.h"
#include "tests/fixture.h"

typedef struct {
  char *dir;
  char *path;
  sqlite3 *db;
} Fixture;

/* A fresh directory for the database of one test. */
static int
setup (void **state)
{
  Fixture *fx = g_new0 (Fixture, 1);

  fx->dir = fixture_dir_new ("test-db");
  fx->path = g_build_filename (fx->dir, "registers.db", NULL);
  *state = fx;
  return 0;
}

/* Removes the database, its WAL files and the directory. */
static int
teardown (void **state)
{
  Fixture *fx = *state;

  db_close (fx->db);
  fixture_dir_free (fx->dir);
  g_free (fx->path);
  g_free (fx);
  return 0;
}

/* The connection writes a write-ahead log. */
static void
assert_journal_wal (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, "PRAGMA journal_mode", NULL);

  assert_int_equal (sqlite3_step (stmt), SQLITE_ROW);
  assert_string_equal ((const char *) sqlite3_column_text (stmt, 0), "wal");
}

/* "table=count ..." for every table, and the schema version. */
static char *
snapshot (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", NULL);
  GString *s = g_string_new (NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);
      g_string_append_printf (s, "%s=%" G_GINT64_FORMAT " ", table, fixture_count (db, sql));
    }
  g_string_append_printf (s, "version=%" G_GINT64_FORMAT,
                          fixture_count (db, "PRAGMA user_version"));
  return g_string_free (s, FALSE);
}

static void
test_open_missing (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;

  assert_null (db_open (fx->path, FALSE, &error));
  assert_true (g_error_matches (error, DB_ERROR, DB_ERROR_SCHEMA));
  assert_non_null (strstr (error->message, "run `ctcgw init`"));
  assert_false (g_file_test (fx->path, G_FILE_TEST_EXISTS));
}

/* A file that exists but was never initialized is no database either. */
static void
test_open_uninitialized (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;

  db_close (db_open (fx->path, TRUE, &error));
  assert_null (error);
  assert_null (db_open (fx->path, FALSE, &error));
  assert_true (g_error_matches (error, DB_ERROR, DB_ERROR_SCHEMA));
  assert_non_null (strstr (error->message, fx->path));
}

static void
test_open_not_sqlite (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;

  assert_true (g_file_set_contents (fx->path, "this is not a database, just text\n", -1, NULL));
  assert_null (db_open (fx->path, FALSE, &error));
  assert_true (g_error_matches (error, DB_ERROR, DB_ERROR_OPEN));
}

static void
test_init_twice (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  fx->db = fixture_db (fx->path);
  first = snapshot (fx->db);
  assert_int_equal (fixture_count (fx->db, "PRAGMA user_version"), db_schema_version ());
  assert_true (db_schema_version () >= 2);
  assert_true (db_init (fx->db, &error));
  second = snapshot (fx->db);
  assert_string_equal (first, second);
  assert_int_equal (fixture_count (fx->db, "PRAGMA foreign_keys"), 1);
  g_clear_pointer (&fx->db, db_close);

  fx->db = db_open (fx->path, FALSE, &error);
  assert_non_null (fx->db);
  assert_null (error);
  assert_journal_wal (fx->db);
  assert_true (db_init (fx->db, &error));
  g_free (second);
  second = snapshot (fx->db);
  assert_string_equal (first, second);
}

static void
test_newer_schema (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", db_schema_version () + 1);

  fx->db = fixture_db (fx->path);
  assert_true (db_exec (fx->db, pragma, NULL));
  g_clear_pointer (&fx->db, db_close);
  assert_null (db_open (fx->path, FALSE, &error));
  assert_true (g_error_matches (error, DB_ERROR, DB_ERROR_SCHEMA));
  assert_non_null (strstr (error->message, "newer"));
}

/* Every entry of the iso-codes file is a state, none lost to an acronym. */
static void
test_countries_loaded (void **state)
{
  Fixture *fx = *state;
  g_autofree char *json = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  fx->db = fixture_db (fx->path);
  assert_true (g_file_get_contents (CTC_ISO3166_JSON, &json, NULL, NULL));
  stmt = db_prepare (fx->db, "SELECT json_array_length (?1, '$.\"3166-1\"')", NULL);
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_STATIC);
  assert_int_equal (sqlite3_step (stmt), SQLITE_ROW);
  assert_true (sqlite3_column_int (stmt, 0) > 240);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM entities WHERE kind = 'state'"),
                    sqlite3_column_int (stmt, 0));
}

/* text resolves to the entity code want. */
static void
assert_resolves (sqlite3 *db, const char *text, const char *want)
{
  g_autofree char *suggestion = NULL;
  g_autofree char *code = db_entity_resolve (db, text, &suggestion);

  if (code == NULL)
    fail_msg ("\"%s\" did not resolve (suggestion %s)", text, suggestion);
  assert_string_equal (code, want);
  assert_null (suggestion);
}

static void
test_resolve_states (void **state)
{
  Fixture *fx = *state;
  g_autofree char *suggestion = NULL;
  g_autofree char *code = NULL;

  fx->db = fixture_db (fx->path);
  assert_resolves (fx->db, "KZ", "KZ");
  assert_resolves (fx->db, "kz", "KZ");
  assert_resolves (fx->db, "KAZ", "KZ");
  assert_resolves (fx->db, "Kazakhstan", "KZ");
  assert_resolves (fx->db, "  KAZAKHSTAN ", "KZ");
  assert_resolves (fx->db, "Republic of Kazakhstan", "KZ");
  assert_resolves (fx->db, "Bolivia", "BO");
  assert_resolves (fx->db, "Bolivia, Plurinational State of", "BO");
  assert_resolves (fx->db, "Côte d'Ivoire", "CI");
  assert_resolves (fx->db, "CÔTE D'IVOIRE", "CI");
  assert_resolves (fx->db, "cote d'ivoire", "CI");
  assert_resolves (fx->db, "AU", "AU");

  code = db_entity_resolve (fx->db, "Kazakstan", &suggestion);
  assert_null (code);
  assert_string_equal (suggestion, "Kazakhstan");
  g_clear_pointer (&suggestion, g_free);
  assert_null (db_entity_resolve (fx->db, "Qwxzzyq Republic of Nowhere", &suggestion));
  assert_null (suggestion);
  assert_null (db_entity_resolve (fx->db, "", &suggestion));
  assert_null (db_entity_resolve (fx->db, "   ", NULL));
  assert_null (db_entity_resolve (fx->db, "\xff\xfe", NULL));
  assert_null (db_entity_resolve (fx->db, NULL, NULL));
}

/* text does not resolve, and the suggestion is want. */
static void
assert_suggests (sqlite3 *db, const char *text, const char *want)
{
  g_autofree char *suggestion = NULL;
  g_autofree char *code = db_entity_resolve (db, text, &suggestion);

  assert_null (code);
  if (suggestion == NULL)
    fail_msg ("no suggestion for \"%s\"", text);
  assert_string_equal (suggestion, want);
}

/* State names in the five other official languages, from the iso-codes
 * translations and the UN's own where they differ (ctcgw(8)). */
static void
test_resolve_translated_states (void **state)
{
  Fixture *fx = *state;

  fx->db = fixture_db (fx->path);
  assert_resolves (fx->db, "Казахстан", "KZ");
  assert_resolves (fx->db, "كازاخستان", "KZ");
  assert_resolves (fx->db, "哈萨克斯坦", "KZ");
  assert_resolves (fx->db, "Kazajistán", "KZ");
  assert_resolves (fx->db, "Kazajstán", "KZ");
  assert_resolves (fx->db, "kazajstan", "KZ");
  assert_resolves (fx->db, "République du Kazakhstan", "KZ");
  assert_resolves (fx->db, "КАЗАХСТАН", "KZ");
  assert_resolves (fx->db, "Кыргызстан", "KG");
  assert_resolves (fx->db, "Киргизия", "KG");
  assert_resolves (fx->db, "吉尔吉斯斯坦", "KG");
  assert_resolves (fx->db, "Ouzbékistan", "UZ");
  assert_resolves (fx->db, "Tayikistán", "TJ");
  assert_resolves (fx->db, "الصين", "CN");
  assert_resolves (fx->db, "Allemagne", "DE");
  /* Suggestions in the alphabet of the name written. */
  assert_suggests (fx->db, "Казахтан", "Казахстан");
  assert_suggests (fx->db, "كازخستان", "كازاخستان");
  assert_suggests (fx->db, "Kazajtán", "Kazajstán");
  assert_suggests (fx->db, "Узбекистон", "Узбекистан");
}

/* Without the translations the names are English only, and nothing fails;
 * a damaged catalogue is read as far as it is sound. */
static void
test_country_names_absent (void **state)
{
  Fixture *fx = *state;

  fx->db = fixture_db (fx->path);
  g_autoptr (CountryNames) none = country_names_new (fx->db, "/nonexistent");
  assert_int_equal (country_names_languages (none), 0);
  assert_null (country_names_code (none, "Казахстан"));
  assert_null (country_names_code (none, "Kazajstán"));
  assert_null (country_names_suggest (none, "Казахтан"));

  g_autofree char *dir = g_build_filename (fx->dir, "ru", "LC_MESSAGES", NULL);
  g_autofree char *mo = g_build_filename (dir, "iso_3166-1.mo", NULL);
  const guchar bad[] = { 0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x0f,
                         28, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
                         0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff };
  assert_int_equal (g_mkdir_with_parents (dir, 0700), 0);
  assert_true (g_file_set_contents (mo, (const char *) bad, sizeof bad, NULL));
  g_autoptr (CountryNames) damaged = country_names_new (fx->db, fx->dir);
  assert_int_equal (country_names_languages (damaged), 1);
  assert_null (country_names_code (damaged, "Казахстан"));

  g_autoptr (CountryNames) all = country_names_new (fx->db, CTC_LOCALEDIR);
  assert_int_equal (country_names_languages (all), 5);
  assert_string_equal (country_names_code (all, "哈萨克斯坦"), "KZ");
}

/* The name of a State that a text in each language shows: the
 * translation of its short name, the UN's own where it differs; none in
 * English or without the catalogues. */
static void
test_country_names_shown (void **state)
{
  Fixture *fx = *state;

  fx->db = fixture_db (fx->path);
  g_autoptr (CountryNames) all = country_names_new (fx->db, CTC_LOCALEDIR);
  assert_string_equal (country_names_shown (all, "KZ", "ru"), "Казахстан");
  assert_string_equal (country_names_shown (all, "KZ", "ar"), "كازاخستان");
  assert_string_equal (country_names_shown (all, "KZ", "zh-CN"), "哈萨克斯坦");
  assert_string_equal (country_names_shown (all, "KZ", "es"), "Kazajstán");
  assert_string_equal (country_names_shown (all, "KG", "ru"), "Кыргызстан");
  assert_string_equal (country_names_shown (all, "DE", "fr"), "Allemagne");
  assert_null (country_names_shown (all, "KZ", "en"));
  assert_null (country_names_shown (all, "KZ", NULL));
  assert_null (country_names_shown (all, "XX", "ru"));
  g_autoptr (CountryNames) none = country_names_new (fx->db, "/nonexistent");
  assert_null (country_names_shown (none, "KZ", "ru"));
}

static void
test_resolve_organizations (void **state)
{
  Fixture *fx = *state;
  const char *codes[] = { "UNODC", "OSCE", "CIS-ATC", "INTERPOL", "ICAO", "IMO", "FATF",
                          "OHCHR", "EU", "OAS", "ASEAN", "UNOCT", "CTED", "IAEA", "WCO",
                          "IOM", "UNHCR", "UNDP", "WB", "IMF", "COE", "OIC", "LAS", "SCO",
                          "SADC", "ECOWAS", "IGAD", "APG", "EAG", "MONEYVAL", "EGMONT" };
  g_autofree char *suggestion = NULL;
  g_autofree char *code = NULL;

  fx->db = fixture_db (fx->path);
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    assert_resolves (fx->db, codes[i], codes[i]);
  assert_resolves (fx->db, "unodc", "UNODC");
  assert_resolves (fx->db, "cis-atc", "CIS-ATC");
  assert_resolves (fx->db, "United Nations Office on Drugs and Crime", "UNODC");
  assert_resolves (fx->db, "World Bank", "WB");
  assert_resolves (fx->db, "Council of Europe", "COE");
  assert_resolves (fx->db, "Egmont Group", "EGMONT");
  assert_resolves (fx->db, "African Union", "AUC");
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM entities"
                                           " WHERE kind = 'organization' AND name = ''"), 0);

  code = db_entity_resolve (fx->db, "UNDOC", &suggestion);
  assert_null (code);
  assert_string_equal (suggestion, "UNODC");
}

/* The areas of docs/submissions.md section 3, as the parser knows them. */
static void
test_areas (void **state)
{
  Fixture *fx = *state;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  guint n = 0;

  fx->db = fixture_db (fx->path);
  stmt = db_prepare (fx->db, "SELECT 1 FROM areas WHERE code = ?1 AND title != ''", NULL);
  for (; form_areas[n] != NULL; n++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, form_areas[n], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        fail_msg ("area %s is missing", form_areas[n]);
    }
  assert_int_equal (n, 13);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM areas"), 13);
  assert_int_equal (fixture_count (fx->db, "SELECT count(*) FROM areas WHERE code = 'safe-haven'"
                                           " AND paragraph = '2 c–d'"), 1);
}

/* The reference db_next_reference gives, checked against want. */
static void
assert_next (sqlite3 *db, const char *prefix, const char *kind, int year, const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reference = db_next_reference (db, prefix, kind, year, &error);

  assert_null (error);
  assert_non_null (reference);
  assert_string_equal (reference, want);
}

static void
test_references (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;

  fx->db = fixture_db (fx->path);
  assert_true (db_begin (fx->db, &error));
  assert_next (fx->db, "CTC", "OFF", 2026, "CTC-OFF-2026-0001");
  assert_next (fx->db, "CTC", "OFF", 2026, "CTC-OFF-2026-0002");
  assert_next (fx->db, "CTC", "REQ", 2026, "CTC-REQ-2026-0001");
  assert_next (fx->db, "CTC", "OFF", 2027, "CTC-OFF-2027-0001");
  assert_next (fx->db, "CTC", "OFF", 2026, "CTC-OFF-2026-0003");
  assert_next (fx->db, "CTC", "SUB", 2026, "CTC-SUB-2026-000001");
  assert_next (fx->db, "UNX", "OFF", 2026, "UNX-OFF-2026-0001");
  assert_true (db_commit (fx->db, &error));

  /* A rolled-back allocation is not used up. */
  assert_true (db_begin (fx->db, &error));
  assert_next (fx->db, "CTC", "OFF", 2026, "CTC-OFF-2026-0004");
  db_rollback (fx->db);
  assert_next (fx->db, "CTC", "OFF", 2026, "CTC-OFF-2026-0004");
  assert_int_equal (fixture_count (fx->db, "SELECT seq FROM counters WHERE prefix = 'CTC'"
                                           " AND kind = 'OFF' AND year = 2027"), 1);
}

/* Stores raw as submission reference through db (the trigger of
 * schema/018-search.sql indexes it) and returns the body it was indexed
 * with. */
static char *
indexed_body (sqlite3 *db, GBytes *raw, const char *reference)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO submissions (reference, sha256, mailbox, received, class, outcome, raw, size)"
      " VALUES (?1, ?1, 'test', '2026-11-02T10:00:00Z', 'submission', 'received', ?2, ?3)",
      &error);
  assert_non_null (st);
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 2, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                     SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, g_bytes_get_size (raw));
  assert_true (db_step_done (db, st, "storing", &error));
  g_autofree char *sql = g_strdup_printf ("SELECT body FROM search_docs"
                                          " WHERE reference = '%s'", reference);
  return fixture_text (db, sql);
}

/* The search index takes the texts of the message known to be stored
 * (db_known_message: read already, not read again), and reads raw when
 * another message is stored. */
static void
test_known_message_indexed (void **state)
{
  Fixture *fx = *state;
  static const char text[] = "From: a@b.example\r\nSubject: S\r\nMessage-ID: <k1@b>\r\n\r\n"
                             "words of the body\r\n";
  static const char other[] = "From: a@b.example\r\nSubject: S\r\nMessage-ID: <k2@b>\r\n\r\n"
                              "other words\r\n";
  g_autoptr (GBytes) raw = g_bytes_new_static (text, strlen (text));
  g_autoptr (GBytes) raw2 = g_bytes_new_static (other, strlen (other));
  CtcLimits limits = ctc_limits_default ();
  g_autoptr (MailMessage) msg = mail_message_parse (raw, NULL, &limits, NULL);
  assert_non_null (msg);
  MailText *t = msg->texts->pdata[0];
  g_free (t->text);
  t->text = g_strdup ("as read before");
  t->length = strlen (t->text);

  fx->db = fixture_db (fx->path);
  db_known_message (fx->db, raw, msg);
  g_autofree char *known = indexed_body (fx->db, raw, "CTC-SUB-2026-000001");
  g_autofree char *read = indexed_body (fx->db, raw2, "CTC-SUB-2026-000002");
  db_known_message (fx->db, NULL, NULL);
  assert_string_equal (known, "as read before\n");
  assert_non_null (strstr (read, "other words"));
}

static void
test_groups (void **state)
{
  Fixture *fx = *state;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  fx->db = fixture_db (fx->path);
  assert_true (db_exec (fx->db, "INSERT INTO groups (name) VALUES ('Central Asia'),"
                                " ('Amérique latine')", NULL));
  a = db_group_resolve (fx->db, "central ASIA");
  assert_string_equal (a, "Central Asia");
  b = db_group_resolve (fx->db, "AMÉRIQUE LATINE");
  assert_string_equal (b, "Amérique latine");
  assert_null (db_group_resolve (fx->db, "Central Europe"));
  assert_null (db_group_resolve (fx->db, ""));
}

static void
test_missing_iso_codes (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = g_build_filename (fx->dir, "iso.json", NULL);

  fx->db = fixture_db (fx->path);
  assert_false (db_load_countries (fx->db, "/nonexistent/iso_3166-1.json", &error));
  assert_non_null (strstr (error->message, "install the Debian package iso-codes"));
  g_clear_error (&error);

  assert_true (g_file_set_contents (bad, "{\"3166-1\": [", -1, NULL));
  assert_false (db_load_countries (fx->db, bad, &error));
  assert_non_null (error);
  assert_true (sqlite3_get_autocommit (fx->db));
  g_unlink (bad);
}

/* A second connection that cannot get the write lock says busy. */
static void
test_busy (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GError) error = NULL;
  sqlite3 *other;

  fx->db = fixture_db (fx->path);
  other = db_open (fx->path, FALSE, &error);
  assert_non_null (other);
  sqlite3_busy_timeout (other, 0);
  assert_true (db_begin (fx->db, &error));
  assert_false (db_begin (other, &error));
  assert_true (g_error_matches (error, DB_ERROR, DB_ERROR_BUSY));
  db_rollback (fx->db);
  db_close (other);
}

/* The plan of sql, all its lines as one text. */
static char *
query_plan (sqlite3 *db, const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, explain, NULL);
  GString *plan = g_string_new (NULL);

  assert_non_null (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  return g_string_free (plan, FALSE);
}

/* A contact keeps its address() and skeleton() in step with its email, and
 * the lookups of a sender and of a look-alike go through their indexes
 * (schema/011-addresses.sql), not over every contact. */
static void
test_address_keys (void **state)
{
  Fixture *fx = *state;
  static const char *const lookups[] = {
    /* gateway/store/registers.c: registers_contact_look_alike */
    "SELECT 1 FROM contacts WHERE address_key = ?1 AND state = 'active' LIMIT 1",
    "SELECT email FROM contacts WHERE skeleton = ?1 AND state = 'active'"
    " ORDER BY email LIMIT 1",
    /* registers_sender_entities, contact_resent */
    "SELECT DISTINCT entity FROM contacts WHERE address_key = address (?1)"
    " AND state = 'active' AND status != 'inactive' ORDER BY entity",
    "SELECT id FROM contacts WHERE entity = ?1 AND address_key = address (?2)"
    " AND state = 'active' AND status != 'inactive' ORDER BY id LIMIT 1",
    /* gateway/flows/answer.c */
    "SELECT json_extract(languages, '$[0]') FROM contacts"
    " WHERE address_key = address (?1) AND status = 'active' AND state = 'active'"
    " ORDER BY id DESC LIMIT 1",
  };

  fx->db = fixture_db (fx->path);
  fixture_exec (fx->db,
    "INSERT INTO contacts (reference, entity, name, email) VALUES"
    " ('CTC-CP-2026-0001', 'KZ', 'A N', 'A.Nurlanova@MFA.kz.example')");
  assert_int_equal (fixture_count (fx->db,
    "SELECT count(*) FROM contacts WHERE address_key = 'a.nurlanova@mfa.kz.example'"
    " AND skeleton = skeleton ('a.nurlanova@mfa.\u212az.example')"), 1);
  fixture_exec (fx->db, "UPDATE contacts SET email = 'b@kz.example'");
  assert_int_equal (fixture_count (fx->db,
    "SELECT count(*) FROM contacts WHERE address_key = 'b@kz.example'"
    " AND skeleton = skeleton ('B@KZ.EXAMPLE')"), 1);
  for (gsize i = 0; i < G_N_ELEMENTS (lookups); i++)
    {
      g_autofree char *plan = query_plan (fx->db, lookups[i]);
      /* "SEARCH contacts USING [COVERING] INDEX contacts_address (...)" */
      if (strstr (plan, "SEARCH contacts USING ") == NULL || strstr (plan, "SCAN contacts") != NULL
          || (strstr (plan, "INDEX contacts_address (address_key=") == NULL
              && strstr (plan, "INDEX contacts_skeleton (skeleton=") == NULL))
        fail_msg ("%s\nis planned without an index of addresses:\n%s", lookups[i], plan);
    }
}

/* The confirmations a reply may name, and the requests that went to one
 * address lately, are found by index (schema/012-pending.sql): every
 * submission with a References header asks (gateway/flows/confirm.c). */
static void
test_confirmation_lookups (void **state)
{
  Fixture *fx = *state;
  static const char *const lookups[] = {
    /* confirm_find */
    "SELECT c.id, c.submission_id, s.reference, c.expires, c.state,"
    " c.expires <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    " FROM confirmations c JOIN submissions s ON s.id = c.submission_id"
    " WHERE (c.token = ?1 OR c.message_id IN (SELECT value FROM json_each (?2)))"
    " AND address (c.address) = address (?3) ORDER BY c.id DESC LIMIT 1",
    /* requests_limited */
    "SELECT count(*) FROM confirmations WHERE address = ?1 AND outbox_id IS NOT NULL"
    " AND created > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
  };

  fx->db = fixture_db (fx->path);
  for (gsize i = 0; i < G_N_ELEMENTS (lookups); i++)
    {
      g_autofree char *plan = query_plan (fx->db, lookups[i]);
      if (strstr (plan, "SCAN c\n") != NULL || strstr (plan, "SCAN confirmations") != NULL
          || strstr (plan, "INDEX") == NULL)
        fail_msg ("%s\nis planned over every confirmation:\n%s", lookups[i], plan);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_open_missing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_uninitialized, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_not_sqlite, setup, teardown),
    cmocka_unit_test_setup_teardown (test_init_twice, setup, teardown),
    cmocka_unit_test_setup_teardown (test_newer_schema, setup, teardown),
    cmocka_unit_test_setup_teardown (test_countries_loaded, setup, teardown),
    cmocka_unit_test_setup_teardown (test_resolve_states, setup, teardown),
    cmocka_unit_test_setup_teardown (test_resolve_organizations, setup, teardown),
    cmocka_unit_test_setup_teardown (test_areas, setup, teardown),
    cmocka_unit_test_setup_teardown (test_references, setup, teardown),
    cmocka_unit_test_setup_teardown (test_groups, setup, teardown),
    cmocka_unit_test_setup_teardown (test_missing_iso_codes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_resolve_translated_states, setup, teardown),
    cmocka_unit_test_setup_teardown (test_country_names_absent, setup, teardown),
    cmocka_unit_test_setup_teardown (test_country_names_shown, setup, teardown),
    cmocka_unit_test_setup_teardown (test_busy, setup, teardown),
    cmocka_unit_test_setup_teardown (test_address_keys, setup, teardown),
    cmocka_unit_test_setup_teardown (test_confirmation_lookups, setup, teardown),
    cmocka_unit_test_setup_teardown (test_known_message_indexed, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
