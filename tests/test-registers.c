/* Tests of gateway/store/registers.c: filing records of every kind, updates with
 * their history, withdrawals, refusals, contact points. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <glib.h>

#include "gateway/store/db.h"
#include "gateway/store/registers.h"
#include "parsers/form.h"
#include "tests/fixture.h"

#define VISIT "CTC-VIS-2026-0001"

typedef struct {
  char *dir;
  char *path;
  sqlite3 *db;
  gint64 submission;
  int year;
} Fixture;

/* An initialized database with one submission and one visit to KZ. */
static int
setup (void **state)
{
  Fixture *fx = g_new0 (Fixture, 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) error = NULL;

  fx->dir = fixture_dir_new ("test-registers");
  fx->path = g_build_filename (fx->dir, "registers.db", NULL);
  fx->db = fixture_db (fx->path);
  assert_true (db_exec (fx->db, "INSERT INTO submissions (sha256) VALUES ('0000')", &error));
  fx->submission = sqlite3_last_insert_rowid (fx->db);
  assert_true (db_exec (fx->db, "INSERT INTO visits (reference, state_code)"
                                " VALUES ('" VISIT "', 'KZ')", &error));
  fx->year = g_date_time_get_year (now);
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

/* A checked record of kind built by hand: column/value pairs, NULL-ended. */
static FormRecord *
record (const char *kind, const char *reference, ...)
{
  FormRecord *rec = form_record_new (kind, NULL, 3, FALSE);
  va_list args;
  const char *column;

  assert_non_null (rec->kind);
  rec->reference = g_strdup (reference);
  va_start (args, reference);
  while ((column = va_arg (args, const char *)) != NULL)
    g_hash_table_replace (rec->columns, g_strdup (column), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return rec;
}

/* Files rec in a transaction of its own; out gets the result. */
static void
file (Fixture *fx, FormRecord *rec, FiledRecord *out)
{
  g_autoptr (GError) error = NULL;

  assert_true (db_begin (fx->db, &error));
  assert_true (registers_file (fx->db, "CTC", rec, fx->submission, out, &error));
  assert_null (error);
  assert_true (db_commit (fx->db, &error));
}

/* Files rec, which must become a new record; returns its reference. */
static char *
file_new (Fixture *fx, FormRecord *rec)
{
  FiledRecord out = { 0 };
  char *reference;

  file (fx, rec, &out);
  if (out.how != FILED_NEW)
    fail_msg ("not filed as new: %s", rec->problems->len
              ? ((FormProblem *) rec->problems->pdata[0])->message : filed_how_name (out.how));
  assert_int_equal (out.changed->len, 0);
  reference = g_steal_pointer (&out.reference);
  filed_record_clear (&out);
  form_record_free (rec);
  return reference;
}

/* The one integer a query returns; sql is a format for one string. */
static gint64
query_int (sqlite3 *db, const char *sql, const char *arg)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, NULL);

  assert_non_null (stmt);
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  assert_int_equal (sqlite3_step (stmt), SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The one text a query returns, or NULL. */
static char *
query_text (sqlite3 *db, const char *sql, const char *arg)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, sql, NULL);

  assert_non_null (stmt);
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* The reference PREFIX-KIND-this year-seq. */
static char *
ref (Fixture *fx, const char *kind, int seq)
{
  return g_strdup_printf ("CTC-%s-%d-%04d", kind, fx->year, seq);
}

/* The formatted text of rec's only problem. */
static char *
only_problem (const FormRecord *rec)
{
  assert_int_equal (rec->problems->len, 1);
  return form_problem_format (rec->problems->pdata[0]);
}

static FormRecord *
offer (const char *reference)
{
  return record ("assistance-offer", reference, "providers", "[\"UNODC\",\"OSCE\"]",
                 "title", "Legislative drafting workshop", "areas", "[\"terrorist-financing\"]",
                 "beneficiaries", "[\"KZ\",\"KG\"]", "start_date", "2026-03-02",
                 "end_date", "2026-03-06", "status", "planned", NULL);
}

static FormRecord *
contact (const char *email, const char *phone)
{
  return record ("contact-point", NULL, "entity", "KZ", "name", "Aigerim Example",
                 "email", email, "phone", phone, NULL);
}

static void
test_file_every_kind (void **state)
{
  Fixture *fx = *state;
  g_autofree char *cp = file_new (fx, contact ("focal@mfa.kz.example", "+7 717 000 00 00"));
  g_autofree char *off = file_new (fx, offer (NULL));
  g_autofree char *req = file_new (fx, record ("assistance-request", NULL, "state_code", "KZ",
                                               "areas", "[\"border-control\"]",
                                               "description", "Passport readers",
                                               "priority", "high", NULL));
  g_autofree char *res = file_new (fx, record ("assistance-result", NULL, "target", off,
                                               "reporter", "UNODC", "results", "Law amended", NULL));
  g_autofree char *src = file_new (fx, record ("information-source", NULL, "provider", "UNODC",
                                               "title", "Legislative guide", "kind",
                                               "legislative-guide", NULL));
  g_autofree char *std = file_new (fx, record ("standard", NULL, "title", "Recommendations",
                                               "issuer", "FATF", "areas",
                                               "[\"terrorist-financing\"]", "year", "2012", NULL));
  g_autofree char *inv = file_new (fx, record ("inventory", NULL, "entity", "KZ", "kind",
                                               "institution", "title", "Financial intelligence unit",
                                               "year", "2026", NULL));
  g_autofree char *info = file_new (fx, record ("visit-information", NULL, "visit", VISIT,
                                                "entity", "OSCE", "information", "Agenda", NULL));
  g_autofree char *consent = file_new (fx, record ("visit-consent", NULL, "visit", VISIT,
                                                   "consent", "yes", "recipients",
                                                   "[\"all-donors\"]", NULL));
  g_autofree char *want_cp = ref (fx, "CP", 1);
  g_autofree char *want_off = ref (fx, "OFF", 1);
  g_autofree char *want_req = ref (fx, "REQ", 1);
  g_autofree char *want_std = ref (fx, "STD", 1);
  g_autofree char *role = query_text (fx->db, "SELECT role FROM contacts WHERE reference = ?1", cp);
  g_autofree char *langs = query_text (fx->db, "SELECT languages FROM contacts WHERE reference = ?1", cp);

  assert_string_equal (cp, want_cp);
  assert_string_equal (off, want_off);
  assert_string_equal (req, want_req);
  assert_string_equal (std, want_std);
  assert_true (g_str_has_prefix (res, "CTC-RES-"));
  assert_true (g_str_has_prefix (src, "CTC-SRC-"));
  assert_true (g_str_has_prefix (inv, "CTC-INV-"));
  assert_string_equal (info, VISIT);
  assert_string_equal (consent, VISIT);
  assert_string_equal (role, "focal-point");
  assert_string_equal (langs, "[\"en\"]");
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history h JOIN offers o"
                               " ON o.id = h.record_id WHERE o.reference = ?1"
                               " AND h.action = 'create' AND h.submission_id = 1", off), 7);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM visit_consents"
                               " WHERE visit = ?1 AND reference IS NULL", VISIT), 1);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM visit_information_history"
                               " WHERE field = ?1", "Information"), 1);
}

static void
test_update_with_history (void **state)
{
  Fixture *fx = *state;
  g_autofree char *off = file_new (fx, offer (NULL));
  FormRecord *rec = record ("assistance-offer", off, "title", "Drafting workshop, second edition",
                            "status", "ongoing", "areas", "[\"terrorist-financing\"]", NULL);
  FiledRecord out = { 0 };
  g_autofree char *title = NULL;

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_UPDATED);
  assert_string_equal (out.reference, off);
  assert_int_equal (out.changed->len, 2);
  assert_string_equal (out.changed->pdata[0], "Title");
  assert_string_equal (out.changed->pdata[1], "Status");
  title = query_text (fx->db, "SELECT title FROM offers WHERE reference = ?1", off);
  assert_string_equal (title, "Drafting workshop, second edition");
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history WHERE action = 'update'"
                               " AND field = 'Status' AND old_value = 'planned'"
                               " AND new_value = ?1", "ongoing"), 1);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history WHERE action = ?1",
                               "update"), 2);
  /* Fields the update does not name are kept. */
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers WHERE reference = ?1"
                               " AND beneficiaries = '[\"KZ\",\"KG\"]'", off), 1);
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_update_unchanged (void **state)
{
  Fixture *fx = *state;
  g_autofree char *off = file_new (fx, offer (NULL));
  FormRecord *rec = offer (off);
  FiledRecord out = { 0 };

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_UNCHANGED);
  assert_string_equal (out.reference, off);
  assert_int_equal (out.changed->len, 0);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history WHERE action = ?1",
                               "update"), 0);
  filed_record_clear (&out);
  form_record_free (rec);
}

/* A default that form_check filled in for a field the update does not
 * write is not applied to the stored record. */
static void
test_update_keeps_unwritten_defaults (void **state)
{
  Fixture *fx = *state;
  g_autofree char *cp = file_new (fx, record ("contact-point", NULL, "entity", "KZ",
                                              "name", "A", "email", "a@kz.example",
                                              "role", "alternate", NULL));
  FormRecord *rec = record ("contact-point", cp, "phone", "+7 1", "role", "focal-point", NULL);
  FormValue *v = g_new0 (FormValue, 1);
  FiledRecord out = { 0 };
  g_autofree char *role = NULL;

  v->key = g_strdup ("Phone");
  v->value = g_strdup ("+7 1");
  v->line = 5;
  g_ptr_array_add (rec->values, v);
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_UPDATED);
  assert_int_equal (out.changed->len, 1);
  assert_string_equal (out.changed->pdata[0], "Phone");
  role = query_text (fx->db, "SELECT role FROM contacts WHERE reference = ?1", cp);
  assert_string_equal (role, "alternate");
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_withdraw (void **state)
{
  Fixture *fx = *state;
  g_autofree char *off = file_new (fx, offer (NULL));
  FormRecord *rec = record ("assistance-offer", off, NULL);
  FiledRecord out = { 0 };
  g_autofree char *problem = NULL;

  rec->withdraw = TRUE;
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_WITHDRAWN);
  assert_string_equal (out.reference, off);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers WHERE state = 'withdrawn'"
                               " AND reference = ?1", off), 1);
  filed_record_clear (&out);
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_WITHDRAWN);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history WHERE action = ?1",
                               "withdraw"), 1);
  filed_record_clear (&out);
  form_record_free (rec);

  rec = record ("assistance-offer", off, "title", "Revived", NULL);
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  assert_null (out.reference);
  problem = only_problem (rec);
  assert_true (g_str_has_prefix (problem, "line 3: field \"Reference\": "));
  assert_non_null (strstr (problem, "withdrawn"));
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_unknown_reference (void **state)
{
  Fixture *fx = *state;
  g_autofree char *missing = ref (fx, "OFF", 9999);
  g_autofree char *want = g_strdup_printf ("line 3: field \"Reference\": %s is not in the offers register",
                                           missing);
  FormRecord *rec = record ("assistance-offer", missing, "title", "x", NULL);
  FiledRecord out = { 0 };
  g_autofree char *problem = NULL;

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  assert_null (out.reference);
  problem = only_problem (rec);
  assert_string_equal (problem, want);
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_reference_of_other_register (void **state)
{
  Fixture *fx = *state;
  g_autofree char *req = file_new (fx, record ("assistance-request", NULL, "state_code", "KZ",
                                               "areas", "[\"other\"]", "description", "x", NULL));
  FormRecord *rec = record ("assistance-offer", req, "title", "x", NULL);
  FiledRecord out = { 0 };
  g_autofree char *problem = NULL;

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  problem = only_problem (rec);
  assert_true (g_str_has_prefix (problem, "line 3: field \"Reference\": "));
  assert_non_null (strstr (problem, req));
  assert_non_null (strstr (problem, "Form: assistance-request"));
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM requests_history WHERE action = ?1",
                               "update"), 0);
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_result_target (void **state)
{
  Fixture *fx = *state;
  g_autofree char *src = file_new (fx, record ("information-source", NULL, "provider", "UNODC",
                                               "title", "Guide", "kind", "other", NULL));
  g_autofree char *missing = ref (fx, "REQ", 42);
  FormRecord *rec = record ("assistance-result", NULL, "target", missing, "results", "x", NULL);
  FiledRecord out = { 0 };
  g_autofree char *problem = NULL;
  g_autofree char *want = g_strdup_printf ("line 3: field \"Reference\": %s is not in the requests register",
                                           missing);

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  problem = only_problem (rec);
  assert_string_equal (problem, want);
  filed_record_clear (&out);
  form_record_free (rec);

  rec = record ("assistance-result", NULL, "target", src, "results", "x", NULL);
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  g_free (problem);
  problem = only_problem (rec);
  assert_true (g_str_has_prefix (problem, "line 3: field \"Reference\": "));
  assert_non_null (strstr (problem, "a request or an offer"));
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM results WHERE results = ?1", "x"), 0);
  filed_record_clear (&out);
  form_record_free (rec);
}

/* A refused record uses up no reference: the next one is sequential. */
static void
test_refused_leaves_nothing (void **state)
{
  Fixture *fx = *state;
  FormRecord *rec = record ("visit-information", NULL, "visit", "CTC-VIS-2026-0999",
                            "information", "x", NULL);
  FormRecord *bad = offer (NULL);
  FiledRecord out = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *want = ref (fx, "OFF", 1);
  g_autofree char *problem = NULL;

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  problem = only_problem (rec);
  assert_string_equal (problem, "line 3: field \"Visit\": CTC-VIS-2026-0999 is not in the visits"
                       " register");
  filed_record_clear (&out);
  form_record_free (rec);

  g_hash_table_replace (bad->columns, g_strdup ("status"), g_strdup ("bogus"));
  file (fx, bad, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  assert_int_equal (bad->problems->len, 1);
  filed_record_clear (&out);
  form_record_free (bad);

  first = file_new (fx, offer (NULL));
  assert_string_equal (first, want);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history"
                               " WHERE new_value = ?1", "bogus"), 0);
}

/* A new record without a required value names the field that lacks it. */
static void
test_required_names_field (void **state)
{
  Fixture *fx = *state;
  FormRecord *rec = record ("assistance-offer", NULL, "title", "x", "areas", "[\"other\"]", NULL);
  FiledRecord out = { 0 };
  g_autofree char *problem = NULL;

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  problem = only_problem (rec);
  assert_string_equal (problem, "line 3: field \"Provider\": a new record needs a value");
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers WHERE title = ?1", "x"), 0);
  filed_record_clear (&out);
  form_record_free (rec);
}

/* A record that arrives with problems is not filed at all. */
static void
test_record_with_problems (void **state)
{
  Fixture *fx = *state;
  FormRecord *rec = offer (NULL);
  FiledRecord out = { 0 };

  form_record_problem (rec, 4, "Title", PROBLEM_OTHER, "something is wrong", NULL);
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers WHERE title != ?1", ""), 0);
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_contact_sent_again (void **state)
{
  Fixture *fx = *state;
  g_autofree char *cp = file_new (fx, contact ("focal@mfa.kz.example", "+7 1"));
  FormRecord *rec = contact ("Focal@MFA.kz.example", "+7 2");
  FiledRecord out = { 0 };

  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_UPDATED);
  assert_string_equal (out.reference, cp);
  assert_int_equal (out.changed->len, 2);
  assert_string_equal (out.changed->pdata[0], "Email");
  assert_string_equal (out.changed->pdata[1], "Phone");
  filed_record_clear (&out);
  form_record_free (rec);

  rec = contact ("Focal@MFA.kz.example", "+7 2");
  file (fx, rec, &out);
  assert_int_equal (out.how, FILED_UNCHANGED);
  assert_string_equal (out.reference, cp);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM contacts WHERE entity = ?1", "KZ"), 1);
  filed_record_clear (&out);
  form_record_free (rec);
}

static void
test_contact_replaces (void **state)
{
  Fixture *fx = *state;
  g_autofree char *old = file_new (fx, contact ("old@mfa.kz.example", "+7 1"));
  g_autofree char *other = file_new (fx, record ("contact-point", NULL, "entity", "UNODC",
                                                 "name", "B", "email", "old@mfa.kz.example", NULL));
  FormRecord *rec = contact ("new@mfa.kz.example", "+7 3");
  g_autofree char *fresh = NULL;
  g_autofree char *status = NULL;
  g_autoptr (GPtrArray) entities = NULL;

  g_hash_table_replace (rec->columns, g_strdup ("replaces"), g_strdup ("OLD@mfa.kz.example"));
  fresh = file_new (fx, rec);
  assert_string_not_equal (fresh, old);
  status = query_text (fx->db, "SELECT status FROM contacts WHERE reference = ?1", old);
  assert_string_equal (status, "inactive");
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM contacts_history h JOIN contacts c"
                               " ON c.id = h.record_id WHERE c.reference = ?1 AND h.field = 'Status'"
                               " AND h.old_value = 'active' AND h.new_value = 'inactive'", old), 1);
  /* The same address at another entity is not replaced. */
  g_free (status);
  status = query_text (fx->db, "SELECT status FROM contacts WHERE reference = ?1", other);
  assert_string_equal (status, "active");

  entities = registers_sender_entities (fx->db, "Old@MFA.kz.example");
  assert_int_equal (entities->len, 1);
  assert_string_equal (entities->pdata[0], "UNODC");
  g_ptr_array_unref (entities);
  entities = registers_sender_entities (fx->db, "new@mfa.kz.example");
  assert_int_equal (entities->len, 1);
  assert_string_equal (entities->pdata[0], "KZ");
  g_ptr_array_unref (entities);
  entities = registers_sender_entities (fx->db, "nobody@example.org");
  assert_int_equal (entities->len, 0);
}

static void
test_visit_state (void **state)
{
  Fixture *fx = *state;
  g_autofree char *code = registers_visit_state (fx->db, VISIT);

  assert_string_equal (code, "KZ");
  assert_null (registers_visit_state (fx->db, "CTC-VIS-2026-0404"));
  assert_null (registers_visit_state (fx->db, NULL));
}

static void
test_lookup (void **state)
{
  Fixture *fx = *state;
  FormLookup lookup = registers_lookup (fx->db);
  g_autofree char *kz = lookup.entity (lookup.data, "Kazakhstan", NULL);
  g_autofree char *suggestion = NULL;
  g_autofree char *none = lookup.entity (lookup.data, "Kazakstan", &suggestion);
  g_autofree char *group = NULL;

  assert_string_equal (kz, "KZ");
  assert_null (none);
  assert_string_equal (suggestion, "Kazakhstan");
  assert_true (db_exec (fx->db, "INSERT INTO groups (name) VALUES ('Central Asia')", NULL));
  group = lookup.group (lookup.data, "CENTRAL ASIA");
  assert_string_equal (group, "Central Asia");
  assert_true (lookup.is_state (lookup.data, "KZ"));
  assert_false (lookup.is_state (lookup.data, "UNODC"));
}

static void
test_record_owners (void **state)
{
  Fixture *fx = *state;
  g_autofree char *off = file_new (fx, offer (NULL));
  g_autofree char *src = file_new (fx, record ("information-source", NULL, "provider", "IMO",
                                               "title", "Code", "kind", "other", NULL));
  FormRecord *rec = record ("assistance-offer", off, "title", "x", NULL);
  g_autoptr (GPtrArray) owners = registers_record_owners (fx->db, rec);

  assert_non_null (owners);
  assert_int_equal (owners->len, 2);
  assert_string_equal (owners->pdata[0], "UNODC");
  assert_string_equal (owners->pdata[1], "OSCE");
  form_record_free (rec);
  g_ptr_array_unref (owners);

  rec = record ("information-source", src, NULL);
  owners = registers_record_owners (fx->db, rec);
  assert_int_equal (owners->len, 1);
  assert_string_equal (owners->pdata[0], "IMO");
  form_record_free (rec);
  g_ptr_array_unref (owners);

  rec = offer (NULL);
  owners = registers_record_owners (fx->db, rec);
  assert_null (owners);
  form_record_free (rec);
}

/* Parses and checks text with the registers' lookup; every record must be
 * free of problems. */
static FormParse *
parse_checked (Fixture *fx, const char *text)
{
  FormParse *parse = form_parse_new ();
  CtcLimits limits = ctc_limits_default ();
  FormLookup lookup = registers_lookup (fx->db);

  form_parse_text (parse, text, NULL, &limits);
  form_check (parse, &lookup, &limits);
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = parse->records->pdata[i];
      if (rec->problems->len > 0)
        {
          g_autofree char *p = form_problem_format (rec->problems->pdata[0]);
          fail_msg ("record %u: %s", i, p);
        }
    }
  return parse;
}

/* Files every record of text: returns how each was filed, and appends
 * their references to refs. */
static GArray *
file_text (Fixture *fx, const char *text, GPtrArray *refs)
{
  g_autoptr (FormParse) parse = parse_checked (fx, text);
  GArray *hows = g_array_new (FALSE, FALSE, sizeof (FiledHow));

  for (guint i = 0; i < parse->records->len; i++)
    {
      FiledRecord out = { 0 };
      file (fx, parse->records->pdata[i], &out);
      g_array_append_val (hows, out.how);
      g_ptr_array_add (refs, g_steal_pointer (&out.reference));
      filed_record_clear (&out);
    }
  return hows;
}

static const char every_form[] =
  "Dear colleagues,\n\n"
  "Form: contact-point\nEntity: Kazakhstan\nName: Aigerim Example\n"
  "Email: focal@mfa.kz.example\nPhone: +7 717 000 00 00\nAreas: border-control\n\n"
  "Form: assistance-offer\nProvider: UNODC, OSCE\nTitle: Legislative drafting workshop\n"
  "Areas: terrorist-financing, criminal-justice\nBeneficiaries: KZ, KG\n"
  "Start: 2026-03-02\nEnd: 2026-03-06\nObjectives: Draft amendments\n"
  "Description: Five days\nContacts: j.doe@unodc.example\n\n"
  "Form: assistance-request\nState: KAZ\nAreas: border-control\n"
  "Description: Passport readers\nPriority: high\n\n"
  "Form: information-source\nProvider: UNODC\nTitle: Legislative guide\n"
  "Kind: legislative-guide\nAreas: terrorist-financing\nUrl: https://www.unodc.example/guide\n"
  "Description: A guide\nContacts: guide@unodc.example\nLanguages: en, fr, ru\n\n"
  "Form: standard\nTitle: FATF Recommendations\nIssuer: FATF\nAreas: terrorist-financing\n"
  "Url: https://www.fatf.example/recs\nCitation: FATF (2012)\nYear: 2012\n"
  "Summary: Forty recommendations\n\n"
  "Form: inventory\nEntity: KZ\nKind: institution\nTitle: Financial intelligence unit\n"
  "Areas: terrorist-financing\nDescription: The FIU\nContacts: fiu@kz.example\n\n"
  "Form: visit-information\nVisit: " VISIT "\nEntity: OSCE\nInformation: Agenda\n\n"
  "Form: visit-consent\nVisit: " VISIT "\nConsent: yes\nRecipients: all-donors\n";

/* What the parser makes of every form files as it is (columns agree). */
static void
test_parsed_records (void **state)
{
  Fixture *fx = *state;
  g_autoptr (GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) hows = file_text (fx, every_form, refs);
  g_autofree char *year = g_strdup_printf ("%d", fx->year);
  g_autofree char *langs = NULL;
  g_autofree char *inventory_year = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GArray) more = NULL;

  assert_int_equal (hows->len, 8);
  for (guint i = 0; i < hows->len; i++)
    assert_int_equal (g_array_index (hows, FiledHow, i), FILED_NEW);
  langs = query_text (fx->db, "SELECT languages FROM contacts WHERE reference = ?1", refs->pdata[0]);
  assert_string_equal (langs, "[\"en\"]");
  inventory_year = query_text (fx->db, "SELECT year FROM inventory WHERE reference = ?1",
                               refs->pdata[5]);
  assert_string_equal (inventory_year, year);

  text = g_strdup_printf ("Form: assistance-result\nReference: %s\nReporter: UNODC\n"
                          "Results: Law amended\nDifference: Much\nProblems: None\n\n"
                          "Form: assistance-offer\nReference: %s\nStatus: ongoing\n\n"
                          "Form: contact-point\nReference: %s\nAction: withdraw\n",
                          (char *) refs->pdata[1], (char *) refs->pdata[1],
                          (char *) refs->pdata[0]);
  g_ptr_array_set_size (refs, 0);
  more = file_text (fx, text, refs);
  assert_int_equal (g_array_index (more, FiledHow, 0), FILED_NEW);
  assert_int_equal (g_array_index (more, FiledHow, 1), FILED_UPDATED);
  assert_int_equal (g_array_index (more, FiledHow, 2), FILED_WITHDRAWN);
  assert_int_equal (query_int (fx->db, "SELECT count(*) FROM offers_history"
                               " WHERE action = ?1", "update"), 1);
}

/* registers_file with the rules of a staff import. */
static void
import (Fixture *fx, FormRecord *rec, FiledRecord *out)
{
  g_autoptr (GError) error = NULL;

  assert_true (db_begin (fx->db, &error));
  assert_true (registers_import (fx->db, "CTC", rec, fx->submission, out, &error));
  assert_null (error);
  assert_true (db_commit (fx->db, &error));
}

/* An imported Reference that the register lacks is filed under it, and
 * the counter goes past it; mail still refuses it. */
static void
test_import_keeps_reference (void **state)
{
  Fixture *fx = *state;
  FiledRecord out = { 0 };
  g_autofree char *given = g_strdup_printf ("CTC-STD-%d-0007", fx->year);

  FormRecord *mailed = record ("standard", given, "title", "Guide", "issuer", "UNODC", "areas",
                               "[\"other\"]", NULL);
  file (fx, mailed, &out);
  assert_int_equal (out.how, FILED_REFUSED);
  filed_record_clear (&out);
  form_record_free (mailed);
  FormRecord *rec = record ("standard", given, "title", "Guide", "issuer", "UNODC", "areas",
                            "[\"other\"]", NULL);
  import (fx, rec, &out);
  assert_int_equal (out.how, FILED_NEW);
  assert_string_equal (out.reference, given);
  filed_record_clear (&out);
  form_record_free (rec);
  g_autofree char *next = file_new (fx, record ("standard", NULL, "title", "Other", "issuer",
                                                "UNODC", "areas", "[\"other\"]", NULL));
  g_autofree char *expected = g_strdup_printf ("CTC-STD-%d-0008", fx->year);
  assert_string_equal (next, expected);
}

/* An imported row without Reference that has every value of an active
 * record is that record; by mail it is a new one. */
static void
test_import_same_row (void **state)
{
  Fixture *fx = *state;
  FiledRecord out = { 0 };
  g_autofree char *first = file_new (fx, record ("assistance-request", NULL, "state_code", "KZ",
                                                 "areas", "[\"other\"]", "description", "Help",
                                                 "priority", "low", NULL));
  FormRecord *rec = record ("assistance-request", NULL, "state_code", "KZ", "areas",
                            "[\"other\"]", "description", "Help", "priority", "low", NULL);
  import (fx, rec, &out);
  assert_int_equal (out.how, FILED_UNCHANGED);
  assert_string_equal (out.reference, first);
  filed_record_clear (&out);
  form_record_free (rec);
  g_autofree char *second = file_new (fx, record ("assistance-request", NULL, "state_code", "KZ",
                                                  "areas", "[\"other\"]", "description", "Help",
                                                  "priority", "low", NULL));
  assert_string_not_equal (second, first);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_file_every_kind, setup, teardown),
    cmocka_unit_test_setup_teardown (test_update_with_history, setup, teardown),
    cmocka_unit_test_setup_teardown (test_update_unchanged, setup, teardown),
    cmocka_unit_test_setup_teardown (test_update_keeps_unwritten_defaults, setup, teardown),
    cmocka_unit_test_setup_teardown (test_withdraw, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unknown_reference, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reference_of_other_register, setup, teardown),
    cmocka_unit_test_setup_teardown (test_result_target, setup, teardown),
    cmocka_unit_test_setup_teardown (test_refused_leaves_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_required_names_field, setup, teardown),
    cmocka_unit_test_setup_teardown (test_record_with_problems, setup, teardown),
    cmocka_unit_test_setup_teardown (test_contact_sent_again, setup, teardown),
    cmocka_unit_test_setup_teardown (test_contact_replaces, setup, teardown),
    cmocka_unit_test_setup_teardown (test_visit_state, setup, teardown),
    cmocka_unit_test_setup_teardown (test_lookup, setup, teardown),
    cmocka_unit_test_setup_teardown (test_record_owners, setup, teardown),
    cmocka_unit_test_setup_teardown (test_parsed_records, setup, teardown),
    cmocka_unit_test_setup_teardown (test_import_keeps_reference, setup, teardown),
    cmocka_unit_test_setup_teardown (test_import_same_row, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
