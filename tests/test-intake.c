/* The message lifecycle: authorization, filing, answers, duplicates,
 * quarantine, limits. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gmime/gmime.h>

#include "gateway/base/config.h"
#include "parsers/form.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/mail/compose.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "staff = desk@ctc.example\n"
  "trusted_authserv_id = mx.ctc.example\n"
  "[smtp]\n"
  "url = maildir:outbox\n"
  "[limits]\n"
  "message_size = 8K\n"
  "replies_per_sender_per_hour = 3\n";

/* A gateway of conf_text and extra, with the contact points of the tests. */
static int
setup_with (void **state, const char *extra)
{
  g_autofree char *text = g_strconcat (conf_text, extra, NULL);
  Fixture *f = fixture_gateway_new ("intake", text);
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
      " VALUES ('CTC-CP-2026-0001', 'KZ', 'Aigerim N', 'focal@mfa.kz.example', '[\"en\"]',"
      " 'focal-point', 'active', 'active'),"
      " ('CTC-CP-2026-0002', 'UNODC', 'Jan Doe', 'j.doe@unodc.example', '[\"en\"]',"
      " 'focal-point', 'active', 'active'),"
      " ('CTC-CP-2026-0003', 'FR', 'Marie Dupont', 'm.dupont@diplomatie.fr.example', '[\"fr\"]',"
      " 'focal-point', 'active', 'active'),"
      " ('CTC-CP-2026-0004', 'UNODC', 'Info', 'info@xn--bcher-kva.example', '[\"en\"]',"
      " 'focal-point', 'active', 'active'),"
      " ('CTC-CP-2026-0005', 'UNODC', 'Post', 'post@l\xc3\xa4ngd.example', '[\"en\"]',"
      " 'focal-point', 'active', 'active');");
  *state = f;
  return 0;
}

static int
setup (void **state)
{
  return setup_with (state, "");
}

/* [authentication] require = confirm, the default (ctcgw.conf(5)). */
static int
setup_confirm (void **state)
{
  return setup_with (state, "[authentication]\n");
}

/* [authentication] require = authenticated (ctcgw.conf(5)). */
static int
setup_authenticated (void **state)
{
  return setup_with (state, "[authentication]\nrequire = authenticated\n");
}

/* [authentication] require = none (ctcgw.conf(5)). */
static int
setup_none (void **state)
{
  return setup_with (state, "[authentication]\nrequire = none\n");
}

/* A message from `from` with extra headers and body. */
static GBytes *
message (const char *from, const char *id, const char *headers, const char *body)
{
  char *s = g_strdup_printf ("From: %s\r\nTo: gateway@ctc.example\r\nSubject: Submission\r\n"
                             "Message-ID: <%s>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
                             "%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             "\r\n%s", from, id, headers ? headers : "", body);
  return g_bytes_new_take (s, strlen (s));
}

static const char *offer_body =
  "Dear colleagues,\r\n\r\n"
  "Form: assistance-offer\r\n"
  "Provider: UNODC\r\n"
  "Title: Legislative drafting workshop\r\n"
  "Areas: terrorist-financing\r\n"
  "Beneficiaries: KZ\r\n";

static IntakeOutcome
process (Fixture *f, GBytes *raw)
{
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  if (!intake_process (FIXTURE_CONTEXT (f), raw, "test", &r, &error))
    fail_msg ("intake_process: %s", error->message);
  IntakeOutcome outcome = r.outcome;
  intake_result_clear (&r);
  g_bytes_unref (raw);
  return outcome;
}

static void
test_filed_and_answered (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "o1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers WHERE providers = '[\"UNODC\"]'"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (raw, "In-Reply-To: <o1@unodc>"));
  assert_non_null (strstr (raw, "Auto-Submitted: auto-replied"));
  assert_non_null (strstr (raw, "accepted CTC-OFF-"));
  assert_non_null (strstr (raw, "To: j.doe@unodc.example"));
  g_autofree char *sub = fixture_text (f->db, "SELECT reference FROM submissions");
  assert_non_null (strstr (raw, sub));
}

/* A request in each official language, its State, areas and priority
 * written in that language (ctcgw(8), VALUES IN THE OFFICIAL LANGUAGES),
 * is filed with the English values and the State's code. */
static void
test_request_in_six_languages (void **state)
{
  Fixture *f = *state;
  const char *bodies[] = {
    "Form: assistance-request\r\nState: Kazakhstan\r\nAreas: border-control\r\n"
    "Description: d\r\nPriority: high\r\n",
    "Formulaire : demande d'assistance\r\nÉtat : République du Kazakhstan\r\n"
    "Domaines : contrôle des frontières\r\nDescription : d\r\nPriorité : haute\r\n",
    "Formulario: solicitud de asistencia\r\nEstado: Kazajstán\r\n"
    "Ámbitos: control de fronteras\r\nDescripción: d\r\nPrioridad: alta\r\n",
    "Форма: запрос о помощи\r\nГосударство: Казахстан\r\n"
    "Области: пограничный контроль\r\nОписание: d\r\nПриоритет: высокий\r\n",
    "النموذج: طلب مساعدة\r\nالدولة: كازاخستان\r\nالمجالات: مراقبة الحدود\r\n"
    "الوصف: d\r\nالأولوية: عالية\r\n",
    "表格：援助请求\r\n国家：哈萨克斯坦\r\n领域：边境管制\r\n说明：d\r\n优先级：高\r\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *id = g_strdup_printf ("lang%u@kz", i);
      assert_int_equal (process (f, message ("focal@mfa.kz.example", id, NULL, bodies[i])),
                        INTAKE_FILED);
    }
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests WHERE state_code = 'KZ'"
                                          " AND priority = 'high'"
                                          " AND areas = '[\"border-control\"]'"),
                    G_N_ELEMENTS (bodies));
}

/* A CSV attachment as the gateway writes CSV for spreadsheets (ctcgw(8), CSV
 * AND SPREADSHEETS): the apostrophe before a formula is taken off, one
 * before anything else kept; the register holds the values themselves. */
static void
test_csv_attachment_apostrophes (void **state)
{
  Fixture *f = *state;
  const char *body =
    "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur offers.\r\n"
    "--B\r\nContent-Type: text/csv; charset=utf-8\r\n"
    "Content-Disposition: attachment; filename=\"offers.csv\"\r\n\r\n"
    "Provider,Title,Description,Areas,Beneficiaries\r\n"
    "UNODC,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\",''+1,"
    "terrorist-financing,KZ\r\n"
    "UNODC,'Quoted' workshop,'-,terrorist-financing,KZ\r\n"
    "--B--\r\n";
  g_autofree char *text = g_strdup_printf (
    "From: j.doe@unodc.example\r\nTo: gateway@ctc.example\r\nSubject: Offers\r\n"
    "Message-ID: <csv1@unodc>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n%s", body);
  assert_int_equal (process (f, g_bytes_new (text, strlen (text))), INTAKE_FILED);
  g_autofree char *first = fixture_text (f->db, "SELECT title || '|' || description FROM offers"
                                                " ORDER BY id LIMIT 1");
  assert_string_equal (first, "=HYPERLINK(\"http://evil.example/\",\"Click\")|'+1");
  g_autofree char *second = fixture_text (f->db, "SELECT title || '|' || description FROM offers"
                                                 " ORDER BY id LIMIT 1 OFFSET 1");
  assert_string_equal (second, "'Quoted' workshop|-");
}

/* The stored SHA-256 is the standard one of the raw bytes (the duplicate
 * check and `show` rely on it). */
static void
test_sha256_of_raw (void **state)
{
  Fixture *f = *state;
  GBytes *raw = message ("j.doe@unodc.example", "h1@unodc", NULL, offer_body);
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  assert_int_equal (process (f, raw), INTAKE_FILED);
  g_autofree char *stored = fixture_text (f->db, "SELECT sha256 FROM submissions WHERE message_id LIKE '%h1@unodc%'");
  assert_string_equal (stored, expected);
}

static void
test_duplicate_not_filed_twice (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "o1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  assert_int_equal (process (f, message ("j.doe@unodc.example", "o1@unodc", NULL, offer_body)),
                    INTAKE_DUPLICATE);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
}

static void
test_unknown_sender_quarantined_then_approved (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("someone@elsewhere.example", "q1@x", NULL, offer_body)),
                    INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine WHERE state = 'waiting'"), 1);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (raw);
  assert_null (strstr (raw, "accepted"));

  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  assert_int_equal (r.outcome, INTAKE_FILED);
  intake_result_clear (&r);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine WHERE state = 'approved'"), 1);
  /* A decision is final. */
  assert_false (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
}

/* A quarantined message names every record its sender may not file, in
 * the notice too; approving files what the review kept and no other (an
 * update of a contact point that did not exist stays refused once it
 * does), and its answer replaces the notice not yet sent. */
static void
test_quarantine_every_problem_approve_what_was_kept (void **state)
{
  Fixture *f = *state;
  const char *body = "Form: assistance-request\nState: KZ\nAreas: border-control\n"
                     "Description: Training of border guards\n\n"
                     "Form: assistance-request\nState: KG\nAreas: border-control\n"
                     "Description: Training for KG\n\n"
                     "Form: contact-point\nReference: CTC-CP-2026-0002\nPhone: +43 1 000\n\n"
                     "Form: contact-point\nReference: CTC-CP-2026-0009\nPhone: +7 7172 000\n";
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "q3@kz", NULL, body)),
                    INTAKE_QUARANTINED);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine");
  assert_non_null (strstr (reason, "line 6: focal@mfa.kz.example is not a contact point of KG"));
  assert_non_null (strstr (reason, "line 11: focal@mfa.kz.example is not a contact point of UNODC"));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine_records"
                                          " WHERE action = 'file'"), 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine_records"
                                          " WHERE action = 'refuse' AND line = 15"), 1);
  g_autofree char *notice = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (notice, "is not a contact point of KG"));
  assert_non_null (strstr (notice, "is not a contact point of UNODC"));
  assert_non_null (strstr (notice, "CTC-CP-2026-0009 is not in the contacts"));

  fixture_exec (f->db, "INSERT INTO contacts (reference, entity, name, email, role, status,"
                       " state) VALUES ('CTC-CP-2026-0009', 'KZ', 'New', 'new@mfa.kz.example',"
                       " 'alternate', 'active', 'active')");
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  intake_result_clear (&r);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests"), 2);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM contacts"
                                          " WHERE reference = 'CTC-CP-2026-0002' AND phone = '+43 1 000'"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM contacts"
                                          " WHERE reference = 'CTC-CP-2026-0009' AND phone IS NULL"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  g_autofree char *final = fixture_text (f->db, "SELECT kind || ' ' || raw FROM outbox");
  assert_true (g_str_has_prefix (final, "ack "));
  assert_non_null (strstr (final, "approved"));
  assert_non_null (strstr (final, "could not be filed"));
}

/* A final answer the rate limit keeps back replaces nothing: the notice
 * stays, so that the sender is not left without any answer. */
static void
test_notice_kept_without_final_answer (void **state)
{
  Fixture *f = *state;
  const char *ids[] = { "q4@x", "q5@x", "q6@x" };
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_int_equal (process (f, message ("someone@elsewhere.example", ids[i], NULL,
                                           offer_body)), INTAKE_QUARANTINED);
  gint64 id = fixture_count (f->db, "SELECT min(submission_id) FROM quarantine");
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  intake_result_clear (&r);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'ack'"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"
                                          " WHERE kind = 'quarantine'"), 3);
}

static void
test_rejected_from_quarantine (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  assert_int_equal (process (f, message ("someone@elsewhere.example", "q2@x", NULL, offer_body)),
                    INTAKE_QUARANTINED);
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  IntakeResult rejected = { 0 };
  assert_true (intake_reject (FIXTURE_CONTEXT (f), id, "not a known sender", &rejected, &error));
  intake_result_clear (&rejected);
  /* One answer, the final one: it replaces the notice not yet sent. */
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  g_autofree char *final = fixture_text (f->db, "SELECT kind || ' ' || raw FROM outbox");
  assert_true (g_str_has_prefix (final, "reject "));
  assert_non_null (strstr (final, "\"not a known sender\""));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine WHERE state = 'rejected'"), 1);
  g_clear_error (&error);
  assert_false (intake_reject (FIXTURE_CONTEXT (f), id, NULL, &rejected, &error));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
}

static void
test_speaking_for_another_entity (void **state)
{
  Fixture *f = *state;
  const char *body = "Form: assistance-request\nState: KG\nAreas: border-control\n"
                     "Description: Training of border guards\n";
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "r1@kz", NULL, body)),
                    INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests"), 0);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine");
  assert_non_null (strstr (reason, "KG"));
}

static void
test_errors_name_the_line (void **state)
{
  Fixture *f = *state;
  const char *body = "Hello\n\nForm: contact-point\nEntity: KZ\nName: A B\nEmial: a@b.kz.example\n";
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "e1@kz", NULL, body)),
                    INTAKE_REJECTED);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (raw, "line 6"));
  assert_non_null (strstr (raw, "Emial"));
  assert_non_null (strstr (raw, "Email"));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submission_records WHERE how = 'refused'"), 1);
}

/* A contact point whose language is Russian gets the lines of its answer
 * in Russian: the line, the field's Russian name, the problem. */
static void
test_errors_in_the_answers_language (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
      " VALUES ('CTC-CP-2026-0009', 'KZ', 'Иван Петров', 'i.petrov@mfa.kz.example', '[\"ru\"]',"
      " 'focal-point', 'active', 'active')");
  const char *body = "Здравствуйте!\n\nФорма: contact-point\nСубъект: KZ\nИмя: Иван Петров\n"
                     "Электронная почта: i.petrov@mfa.kz.example\nОбласти: раннее-оповещение\n";
  assert_int_equal (process (f, message ("i.petrov@mfa.kz.example", "ru1@kz", NULL, body)),
                    INTAKE_REJECTED);
  GMimeMessage *answer = fixture_queued (f->db, "ack", "i.petrov@mfa.kz.example");
  g_autofree char *text = fixture_part_text (g_mime_message_get_body (answer));
  g_object_unref (answer);
  assert_non_null (strstr (text, "строка 7: поле «Области»: неизвестная область «раннее-оповещение»"));
  g_autofree char *kept = fixture_text (f->db, "SELECT problems FROM submission_records");
  assert_string_equal (kept, "line 7: field \"Areas\": unknown area \"раннее-оповещение\";"
                             " did you mean \"раннее предупреждение\"?");
}

static void
test_no_records_gets_help (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "h1@kz", NULL, "What do I send?\n")),
                    INTAKE_NO_RECORDS);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (raw, "assistance-offer"));
}

static void
test_automatic_never_answered (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "a1@unodc",
                                         "Auto-Submitted: auto-replied\r\n", offer_body)),
                    INTAKE_AUTOMATIC);
  assert_int_equal (process (f, message ("j.doe@unodc.example", "a2@unodc",
                                         "Precedence: bulk\r\n", offer_body)),
                    INTAKE_AUTOMATIC);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions WHERE reference IS NULL"), 2);
}

/* A submission that also attaches a calendar reply is filed and answered,
 * not taken for the reply. */
static void
test_submission_with_calendar_reply (void **state)
{
  Fixture *f = *state;
  char *s = g_strdup_printf (
      "From: j.doe@unodc.example\r\nTo: gateway@ctc.example\r\nSubject: Offer\r\n"
      "Message-ID: <c1@unodc>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
      "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
      "--B\r\nContent-Type: text/calendar; method=REPLY; name=reply.ics\r\n"
      "Content-Disposition: attachment; filename=reply.ics\r\n\r\n"
      "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:m-1@ctc.example\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:j.doe@unodc.example\r\nEND:VEVENT\r\n"
      "END:VCALENDAR\r\n--B--\r\n", offer_body);

  assert_int_equal (process (f, g_bytes_new_take (s, strlen (s))), INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"
                                  " WHERE class = 'submission' AND reference IS NOT NULL"), 1);
}

static void
test_reply_rate_limit (void **state)
{
  Fixture *f = *state;
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("rl%d@kz", i);
      assert_int_equal (process (f, message ("focal@mfa.kz.example", id, NULL, "Hello?\n")),
                        INTAKE_NO_RECORDS);
    }
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions"), 5);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 3);
}

/* [authentication] require = none and no rate limit to speak of: every
 * offer is filed and answered, as in bench/intake. */
static int
setup_unlimited (void **state)
{
  return setup_with (state, "[authentication]\nrequire = none\n"
                            "[limits]\nreplies_per_sender_per_hour = 1000000\n");
}

/* Adds the SQLite VM steps of each statement run to *data (an
 * SQLITE_TRACE_PROFILE callback).  FTS5 merges its segments every so
 * often, a cost spread over many messages: its own statements, on its
 * shadow tables ('main'.'search_...'), are left out. */
static int
add_steps (unsigned type, void *data, void *stmt, void *unused)
{
  (void) type, (void) unused;
  const char *sql = sqlite3_sql (stmt);
  int steps = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
  if (sql != NULL && strstr (sql, "'main'.") == NULL)
    *(gint64 *) data += steps;
  return 0;
}

/* Files offers first to last from j.doe@unodc.example, each answered;
 * the VM steps they took together. */
static gint64
offers_steps (Fixture *f, int first, int last)
{
  gint64 steps = 0;
  sqlite3_trace_v2 (f->db, SQLITE_TRACE_PROFILE, add_steps, &steps);
  for (int i = first; i <= last; i++)
    {
      g_autofree char *id = g_strdup_printf ("h%d@unodc", i);
      g_autofree char *body = g_strdup_printf ("Form: assistance-offer\r\nProvider: UNODC\r\n"
                                               "Title: Workshop number %d\r\n"
                                               "Areas: terrorist-financing\r\n"
                                               "Beneficiaries: KZ\r\n", i);
      assert_int_equal (process (f, message ("j.doe@unodc.example", id, NULL, body)),
                        INTAKE_FILED);
    }
  sqlite3_trace_v2 (f->db, 0, NULL, NULL);
  return steps;
}

/* A message costs the same on a database with a history as on a new one
 * (counted in SQLite's VM steps, which do not depend on the machine): no
 * statement on the path of filing and answering reads rows in proportion
 * to what is already there, such as every answer sent to the sender in
 * the last hour. */
static void
test_cost_independent_of_history (void **state)
{
  Fixture *f = *state;
  offers_steps (f, 1, 10);
  gint64 early = offers_steps (f, 11, 30);
  offers_steps (f, 31, 530);
  gint64 late = offers_steps (f, 531, 550);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 550);
  if (late > early + early / 10)
    fail_msg ("20 messages took %" G_GINT64_FORMAT " VM steps after 530, %" G_GINT64_FORMAT
              " after 10", late, early);
}

static void
test_authentication_failure_quarantines (void **state)
{
  Fixture *f = *state;
  const char *ar = "Authentication-Results: mx.ctc.example; dkim=pass; spf=pass;"
                   " dmarc=fail (p=reject) header.from=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "d1@unodc", ar, offer_body)),
                    INTAKE_QUARANTINED);
  /* The same verdict from a server that is not trusted changes nothing. */
  const char *other = "Authentication-Results: mx.other.example; dmarc=fail\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "d2@unodc", other, offer_body)),
                    INTAKE_FILED);
}

/* DKIM and SPF failing together at the trusted server quarantine a
 * submission; either failing alone does not (docs/submissions.md
 * section 6). */
static void
test_dkim_and_spf_failure_quarantines (void **state)
{
  Fixture *f = *state;
  const char *both = "Authentication-Results: mx.ctc.example;"
                     " dkim=fail header.d=unodc.example; spf=fail smtp.mailfrom=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "b1@unodc", both, offer_body)),
                    INTAKE_QUARANTINED);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine");
  assert_non_null (strstr (reason, "reports a failure"));
  const char *dkim = "Authentication-Results: mx.ctc.example;"
                     " dkim=fail header.d=unodc.example; spf=pass smtp.mailfrom=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "b2@unodc", dkim, offer_body)),
                    INTAKE_FILED);
  const char *spf = "Authentication-Results: mx.ctc.example;"
                    " dkim=none; spf=fail smtp.mailfrom=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "b3@unodc", spf, offer_body)),
                    INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 1);
}

static void
test_too_large_answered_not_kept_whole (void **state)
{
  Fixture *f = *state;
  GString *body = g_string_new (offer_body);
  while (body->len < 20000)
    g_string_append (body, "Description: padding padding padding padding padding\r\n");
  g_autofree char *b = g_string_free (body, FALSE);
  assert_int_equal (process (f, message ("j.doe@unodc.example", "big@unodc", NULL, b)),
                    INTAKE_REJECTED);
  assert_true (fixture_count (f->db, "SELECT length(raw) FROM submissions") < 8192);
  assert_true (fixture_count (f->db, "SELECT size FROM submissions") > 20000);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (raw, "limit"));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
}

static void
test_update_names_changed_fields (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "u1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  g_autofree char *ref = fixture_text (f->db, "SELECT reference FROM offers");
  g_autofree char *body = g_strdup_printf ("Form: assistance-offer\nReference: %s\n"
                                           "Title: Drafting workshop, second edition\n", ref);
  assert_int_equal (process (f, message ("j.doe@unodc.example", "u2@unodc", NULL, body)),
                    INTAKE_FILED);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox ORDER BY id DESC LIMIT 1");
  assert_non_null (strstr (raw, "(updated: Title)"));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
}

static void
test_staff_may_file_for_anyone (void **state)
{
  Fixture *f = *state;
  const char *body = "Form: assistance-request\nState: KG\nAreas: border-control\n"
                     "Description: Training of border guards\n";
  assert_int_equal (process (f, message ("Desk <DESK@ctc.example>", "s1@ctc", NULL, body)),
                    INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests WHERE state_code = 'KG'"), 1);
}

static void
test_unanswerable_sender_still_taken_in (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("\"odd person\"@elsewhere.example", "odd@x", NULL,
                                         offer_body)),
                    INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 1);
}

static void
test_reply_subject_has_one_re (void **state)
{
  Fixture *f = *state;
  const char *raw = "From: j.doe@unodc.example\r\nSubject: RE: Re: Offer\r\n"
                    "Message-ID: <re1@unodc>\r\n\r\nForm: standard\r\nTitle: T\r\n"
                    "Issuer: UNODC\r\nAreas: other\r\n";
  assert_int_equal (process (f, g_bytes_new (raw, strlen (raw))), INTAKE_FILED);
  g_autofree char *out = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (out, "Subject: Re: Offer [CTC-SUB-"));
}

/* The Subject line of the answer in outbox row id. */
static char *
answer_subject (sqlite3 *db, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT raw FROM outbox WHERE id = %" G_GINT64_FORMAT,
                                          id);
  g_autofree char *raw = fixture_text (db, sql);
  assert_non_null (raw);
  const char *line = strstr (raw, "\nSubject: ");
  assert_non_null (line);
  return g_strndup (line + 1, strcspn (line + 1, "\r\n"));
}

/* A standard sent by UNODC under subject, with Message-ID id. */
static GBytes *
standard_under (const char *subject, const char *id)
{
  char *s = g_strdup_printf ("From: j.doe@unodc.example\r\nSubject: %s\r\n"
                             "Message-ID: <%s>\r\n\r\nForm: standard\r\nTitle: T\r\n"
                             "Issuer: UNODC\r\nAreas: other\r\n", subject, id);
  return g_bytes_new_take (s, strlen (s));
}

/* text with every "YYYY" the year of the first submission's reference. */
static char *
in_year (sqlite3 *db, const char *text)
{
  g_autofree char *year = fixture_text (db, "SELECT substr(reference, 9, 4) FROM submissions"
                                            " WHERE id = 1");
  g_auto (GStrv) parts = g_strsplit (text, "YYYY", -1);
  return g_strjoinv (year, parts);
}

/* Two rounds of replies keep the one reference the first answer gave, and
 * the answer asks for that one; a reply to a circular keeps the
 * circular's. */
static void
test_reply_subject_has_one_reference (void **state)
{
  Fixture *f = *state;
  static const struct { const char *subject, *answer; } rounds[] = {
    { "Offer", "Subject: Re: Offer [CTC-SUB-YYYY-000001]" },
    { "Re: Offer [CTC-SUB-YYYY-000001]", "Subject: Re: Offer [CTC-SUB-YYYY-000001]" },
    { "RE: Re: Offer [ctc-sub-YYYY-000001]", "Subject: Re: Offer [CTC-SUB-YYYY-000001]" },
    { "Re: Offer [CTC-SUB-YYYY-000001] [CTC-SUB-YYYY-000002]",
      "Subject: Re: Offer [CTC-SUB-YYYY-000001]" },
    { "AW: [CTC-CIR-2026-0001] Inventory", "Subject: Re: Inventory [CTC-CIR-2026-0001]" },
    { "Re: [list] Offer [OTHER-SUB-2026-000001]",
      "Subject: Re: [list] Offer [OTHER-SUB-2026-000001] [CTC-SUB-YYYY-000006]" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rounds); i++)
    {
      g_autofree char *id = g_strdup_printf ("round%u@unodc", i);
      fixture_exec (f->db, "DELETE FROM reply_log");
      g_autofree char *sent = i == 0 ? g_strdup (rounds[i].subject)
                                     : in_year (f->db, rounds[i].subject);
      assert_int_equal (process (f, standard_under (sent, id)), INTAKE_FILED);
      g_autofree char *subject = answer_subject (f->db, i + 1);
      g_autofree char *want = in_year (f->db, rounds[i].answer);
      assert_string_equal (subject, want);
    }
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox WHERE id = 2");
  g_autofree char *registered = in_year (f->db, "registered as CTC-SUB-YYYY-000002");
  g_autofree char *keep = in_year (f->db, "keep [CTC-SUB-YYYY-000001]");
  assert_non_null (strstr (raw, registered));
  assert_non_null (strstr (raw, keep));
}

static void
test_unknown_visit_is_an_error_not_quarantine (void **state)
{
  Fixture *f = *state;
  const char *body = "Form: visit-consent\nVisit: CTC-VIS-2026-0042\nConsent: yes\n";
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "vc1@kz", NULL, body)),
                    INTAKE_REJECTED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
  g_autofree char *out = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (out, "CTC-VIS-2026-0042"));
}

static void
test_update_of_another_entitys_record_quarantined (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "own1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  g_autofree char *ref = fixture_text (f->db, "SELECT reference FROM offers");
  /* KZ's contact point names itself as the provider of UNODC's offer. */
  g_autofree char *body = g_strdup_printf ("Form: assistance-offer\nReference: %s\n"
                                           "Provider: KZ\nTitle: Taken over\n", ref);
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "take1@kz", NULL, body)),
                    INTAKE_QUARANTINED);
  g_autofree char *withdraw = g_strdup_printf ("Form: assistance-offer\nReference: %s\n"
                                               "Action: withdraw\n", ref);
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "take2@kz", NULL, withdraw)),
                    INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers WHERE providers = '[\"UNODC\"]'"
                                          " AND state = 'active' AND title NOT LIKE 'Taken%'"), 1);
}

static void
test_too_deep_answered_not_automatic (void **state)
{
  Fixture *f = *state;
  GString *m = g_string_new ("From: j.doe@unodc.example\r\nSubject: Deep\r\n"
                             "Message-ID: <deep@unodc>\r\nMIME-Version: 1.0\r\n");
  for (int i = 0; i < 40; i++)
    g_string_append_printf (m, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i);
  g_string_append (m, "Content-Type: text/plain\r\n\r\nForm: standard\r\n");
  gsize len = m->len;
  assert_int_equal (process (f, g_bytes_new_take (g_string_free (m, FALSE), len)), INTAKE_REJECTED);
  g_autofree char *out = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (out);
  assert_non_null (strstr (out, "could not be read"));
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM submissions WHERE from_addr = 'j.doe@unodc.example'"), 1);
}

/* Why nothing in a message was read is said in the answer's language: a
 * message too large for a French contact point, one nested too deep for a
 * Russian one (ctcgw(8), LIMITS). */
static void
test_unread_in_the_answers_language (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
      " VALUES ('CTC-CP-2026-0009', 'KZ', 'Иван Петров', 'i.petrov@mfa.kz.example', '[\"ru\"]',"
      " 'focal-point', 'active', 'active')");
  GString *body = g_string_new (offer_body);
  while (body->len < 20000)
    g_string_append (body, "Description: padding padding padding padding padding\r\n");
  g_autofree char *b = g_string_free (body, FALSE);
  assert_int_equal (process (f, message ("m.dupont@diplomatie.fr.example", "big@fr", NULL, b)),
                    INTAKE_REJECTED);
  GMimeMessage *fr = fixture_queued (f->db, "ack", "m.dupont@diplomatie.fr.example");
  g_autofree char *fr_text = fixture_part_text (g_mime_message_get_body (fr));
  g_object_unref (fr);
  assert_non_null (strstr (fr_text, "au-delà de la limite de 8192"));
  assert_null (strstr (fr_text, "nothing in it"));
  GString *m = g_string_new ("From: i.petrov@mfa.kz.example\r\nSubject: Deep\r\n"
                             "Message-ID: <deep@kz>\r\nMIME-Version: 1.0\r\n");
  for (int i = 0; i < 40; i++)
    g_string_append_printf (m, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i);
  g_string_append (m, "Content-Type: text/plain\r\n\r\nForm: standard\r\n");
  gsize len = m->len;
  assert_int_equal (process (f, g_bytes_new_take (g_string_free (m, FALSE), len)), INTAKE_REJECTED);
  GMimeMessage *ru = fixture_queued (f->db, "ack", "i.petrov@mfa.kz.example");
  g_autofree char *ru_text = fixture_part_text (g_mime_message_get_body (ru));
  g_object_unref (ru);
  assert_non_null (strstr (ru_text, "сообщение не удалось прочитать (структура MIME"));
  assert_null (strstr (ru_text, "could not be read"));
}

/* Whether word (ASCII letters and '-') is an English word of a value an
 * answer in lang must name in lang: a form name, a choice of a field of
 * any form, or "withdraw" (where lang writes it otherwise). */
static gboolean
english_value (const char *word, const char *lang)
{
  const char *const withdraw[] = { "withdraw", NULL };
  GPtrArray *lists = g_ptr_array_new ();
  g_ptr_array_add (lists, (gpointer) withdraw);
  gboolean found = FALSE;
  for (guint i = 0; form_kinds[i] != NULL; i++)
    {
      const char *name = form_kinds[i]->name;
      found = found || (g_ascii_strcasecmp (word, name) == 0
                        && strcmp (form_term_name (name, lang), name) != 0);
      for (guint j = 0; j < form_kinds[i]->n_fields; j++)
        if (form_kinds[i]->fields[j].type == FIELD_CHOICE)
          g_ptr_array_add (lists, (gpointer) form_kinds[i]->fields[j].choices);
    }
  for (guint i = 0; i < lists->len; i++)
    for (const char *const *v = lists->pdata[i]; *v; v++)
      found = found || (g_ascii_strcasecmp (word, *v) == 0
                        && strcmp (form_term_name (*v, lang), *v) != 0);
  g_ptr_array_free (lists, TRUE);
  return found;
}

/* Fails when text (an answer in lang) has an English word of a value. */
static void
assert_no_english_value (const char *text, const char *lang)
{
  for (const char *p = text; *p;)
    {
      gsize n = 0;
      while (g_ascii_isalpha (p[n]) || (n > 0 && p[n] == '-'))
        n++;
      g_autofree char *word = g_strndup (p, n);
      if (n > 0 && english_value (word, lang))
        fail_msg ("%s answer has the English \"%s\":\n%s", lang, word, text);
      p += n > 0 ? n : 1;
    }
}

/* The answer of kind last queued to addr, as text, its lines joined with
 * one space (a wrapped line's continuation loses its indentation, an
 * Arabic line its RLM). */
static char *
answer_text (Fixture *f, const char *kind, const char *addr)
{
  GMimeMessage *answer = fixture_queued (f->db, kind, addr);
  g_autofree char *marked = fixture_part_text (g_mime_message_get_body (answer));
  g_object_unref (answer);
  g_auto (GStrv) parts = g_strsplit (marked, "\u200f", -1);
  g_autofree char *text = g_strjoinv ("", parts);
  GString *joined = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (*p == '\n')
      {
        g_string_append_c (joined, ' ');
        while (p[1] == ' ')
          p++;
      }
    else
      g_string_append_c (joined, *p);
  return g_string_free (joined, FALSE);
}

/* A submission in each of ar, es, fr, ru and zh, with a priority and a
 * kind that are not among the choices, an unknown form, no form, and a
 * reference of another form; then a message with no record: the answer
 * and the help name every value, form and the action in the sender's
 * language, never in English (docs/submissions.md section 7). */
static void
test_answers_name_values_in_their_language (void **state)
{
  Fixture *f = *state;
  static const struct { const char *lang, *records, *shown; } cases[] = {
    { "ar", "النموذج: طلب مساعدة\nالدولة: KZ\nالمجالات: مراقبة الحدود\nالوصف: d\n"
            "الأولوية: عاجلة\n\nالنموذج: جرد\nالكيان: KZ\nالنوع: قانون\nالعنوان: t\n\n"
            "النموذج: سسس\nالدولة: KZ\n\nالنموذج:\nالدولة: KZ\n\n"
            "النموذج: معيار\nالمرجع: CTC-OFF-2026-0001\n",
      "ليس من القيم التالية: عالية، متوسطة، منخفضة" },
    { "es", "Formulario: solicitud de asistencia\nEstado: KZ\nÁmbitos: control de fronteras\n"
            "Descripción: d\nPrioridad: xyzzy\n\nFormulario: inventario\nEntidad: KZ\n"
            "Tipo: xyzzy\nTítulo: t\n\nFormulario: xyzzy\nEstado: KZ\n\n"
            "Formulario:\nEstado: KZ\n\nFormulario: norma\nReferencia: CTC-OFF-2026-0001\n",
      "no es ninguno de los valores siguientes: actividad, mecanismo, institución" },
    { "fr", "Formulaire : demande d'assistance\nÉtat : KZ\nDomaines : contrôle des frontières\n"
            "Description : d\nPriorité : xyzzy\n\nFormulaire : inventaire\nEntité : KZ\n"
            "Catégorie : xyzzy\nTitre : t\n\nFormulaire : xyzzy\nÉtat : KZ\n\n"
            "Formulaire :\nÉtat : KZ\n\nFormulaire : norme\nRéférence : CTC-OFF-2026-0001\n",
      "ne figure pas parmi les valeurs suivantes\u00a0: haute, moyenne, basse" },
    { "ru", "Форма: запрос о помощи\nГосударство: KZ\nОбласти: пограничный контроль\n"
            "Описание: d\nПриоритет: срочный\n\nФорма: перечень\nСубъект: KZ\nТип: закон\n"
            "Название: t\n\nФорма: ххх\nГосударство: KZ\n\nФорма:\nГосударство: KZ\n\n"
            "Форма: стандарт\nНомер: CTC-OFF-2026-0001\n",
      "допустимые формы: координатор, предложение помощи, запрос о помощи" },
    { "zh", "表格：援助请求\n国家：KZ\n领域：边境管制\n说明：d\n优先级：紧急\n\n"
            "表格：清单\n实体：KZ\n类型：法律\n标题：t\n\n表格：某某\n国家：KZ\n\n"
            "表格：\n国家：KZ\n\n表格：标准\n编号：CTC-OFF-2026-0001\n",
      "不是以下值之一：活动、机制、机构" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *lang = cases[i].lang;
      g_autofree char *addr = g_strdup_printf ("%s@mfa.kz.example", lang);
      g_autofree char *sql = g_strdup_printf (
          "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
          " VALUES ('CTC-CP-2026-00%u', 'KZ', 'N', '%s', '[\"%s\"]', 'focal-point', 'active',"
          " 'active')", 20 + i, addr, lang);
      fixture_exec (f->db, sql);
      g_autofree char *id = g_strdup_printf ("%s-records@kz", lang);
      assert_int_equal (process (f, message (addr, id, NULL, cases[i].records)), INTAKE_REJECTED);
      g_autofree char *answer = answer_text (f, "ack", addr);
      print_message ("%s\n", answer);
      assert_non_null (strstr (answer, cases[i].shown));
      assert_no_english_value (answer, lang);
      g_autofree char *help_id = g_strdup_printf ("%s-help@kz", lang);
      assert_int_equal (process (f, message (addr, help_id, NULL, "?\n")), INTAKE_NO_RECORDS);
      g_autofree char *help = answer_text (f, "help", addr);
      print_message ("%s\n", help);
      assert_no_english_value (help, lang);
    }
}

static void
test_approved_result_gets_the_default_reporter (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "rr1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  g_autofree char *ref = fixture_text (f->db, "SELECT reference FROM offers");
  g_autofree char *body = g_strdup_printf ("Form: assistance-result\nReference: %s\n"
                                           "Results: Draft law tabled\n", ref);
  /* Sent with a Sender that is no contact point: quarantined, then approved. */
  assert_int_equal (process (f, message ("j.doe@unodc.example", "rr2@unodc",
                                         "Sender: relay@lists.example\r\n", body)),
                    INTAKE_QUARANTINED);
  gint64 id = fixture_count (f->db, "SELECT submission_id FROM quarantine");
  IntakeResult r = { 0 };
  g_autoptr (GError) error = NULL;
  assert_true (intake_approve (FIXTURE_CONTEXT (f), id, &r, &error));
  intake_result_clear (&r);
  fixture_assert_text (f->db, "SELECT reporter FROM results", "UNODC");
}

/* Asserts that an offer from `from`, with headers, is quarantined for a
 * reason that holds want: nothing filed, the quarantine answer sent to the
 * sender itself (docs/submissions.md section 6). */
static void
assert_author_quarantined (Fixture *f, const char *from, const char *headers, const char *want)
{
  g_autofree char *id = g_strdup_printf ("%u@author", g_str_hash (from) ^ g_str_hash (headers ? headers : ""));
  assert_int_equal (process (f, message (from, id, headers, offer_body)), INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  g_autofree char *reason = fixture_text (f->db,
      "SELECT reason FROM quarantine ORDER BY id DESC LIMIT 1");
  if (strstr (reason, want) == NULL)
    fail_msg ("From: %s: the reason \"%s\" does not say \"%s\"", from, reason, want);
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox ORDER BY id DESC LIMIT 1");
  assert_non_null (strstr (raw, "Auto-Submitted: auto-replied"));
}

/* Look-alikes of contact points and staff: a Kelvin sign, Cyrillic
 * letters in the local part and the domain, a full-width '@'. */
static void
test_look_alikes_quarantined (void **state)
{
  Fixture *f = *state;
  assert_author_quarantined (f, "focal@mfa.\xe2\x84\xaaz.example", NULL,
                             "looks like focal@mfa.kz.example");
  assert_author_quarantined (f, "FOCAL@MFA.\xe2\x84\xaaZ.EXAMPLE", NULL,
                             "looks like focal@mfa.kz.example");
  assert_author_quarantined (f, "j.d\xd0\xbe" "e@unodc.example", NULL,
                             "looks like j.doe@unodc.example");
  assert_author_quarantined (f, "j.doe@un\xd0\xbe" "dc.\xd0\xb5xample", NULL,
                             "looks like j.doe@unodc.example");
  assert_author_quarantined (f, "m.dupont@diplom\xd0\xb0tie.fr.example", NULL,
                             "looks like m.dupont@diplomatie.fr.example");
  assert_author_quarantined (f, "j.doe\xef\xbc\xa0unodc.example", NULL,
                             "looks like j.doe@unodc.example");
  assert_author_quarantined (f, "desk@ctc.\xd0\xb5xample", NULL, "looks like desk@ctc.example");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE recipient IN"
                                   " ('focal@mfa.kz.example', 'j.doe@unodc.example',"
                                   " 'm.dupont@diplomatie.fr.example', 'desk@ctc.example')"), 0);
}

/* The same address in another ASCII case, or with its IDNA domain in the
 * other form, is the contact point. */
static void
test_same_address_other_form_filed (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("J.Doe@UNODC.Example", "c1@unodc", NULL, offer_body)),
                    INTAKE_FILED);
  assert_int_equal (process (f, message ("info@b\xc3\xbc" "cher.example", "c2@unodc", NULL,
                                         offer_body)), INTAKE_FILED);
  assert_int_equal (process (f, message ("post@xn--lngd-loa.example", "c3@unodc", NULL,
                                         offer_body)), INTAKE_FILED);
  assert_int_equal (process (f, message ("j.doe@unodc.example", "c4@unodc",
                                         "Sender: J.DOE@unodc.example\r\n", offer_body)),
                    INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 4);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM quarantine"), 0);
}

/* One author (RFC 5322 section 3.6): two From fields, two mailboxes in
 * one, a Sender that is not the From address. */
static void
test_one_author (void **state)
{
  Fixture *f = *state;
  assert_author_quarantined (f, "j.doe@unodc.example", "From: focal@mfa.kz.example\r\n",
                             "2 From fields");
  assert_author_quarantined (f, "j.doe@unodc.example, focal@mfa.kz.example", NULL,
                             "From names 2 mailboxes");
  assert_author_quarantined (f, "Team: j.doe@unodc.example, info@xn--bcher-kva.example;", NULL,
                             "From names 2 mailboxes");
  assert_author_quarantined (f, "j.doe@unodc.example", "Sender: focal@mfa.kz.example\r\n",
                             "Sender focal@mfa.kz.example is not the From address");
  assert_author_quarantined (f, "j.doe@unodc.example", "Sender: desk@ctc.example\r\n",
                             "Sender desk@ctc.example is not the From address");
}

/* Forged mail cannot make the gateway flood a contact point: past
 * replies_per_sender_per_hour requests an hour to one address, the
 * submissions still wait, but no more requests go. */
static void
test_confirm_requests_limited (void **state)
{
  Fixture *f = *state;
  for (guint i = 0; i < f->config->replies_per_sender_per_hour + 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("flood%u@x", i);
      assert_int_equal (process (f, message ("j.doe@unodc.example", id, "", offer_body)),
                        INTAKE_PENDING);
    }
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM confirmations"),
                    f->config->replies_per_sender_per_hour + 3);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox WHERE kind = 'confirm'"),
                    f->config->replies_per_sender_per_hour);
}

/* The reply of `from` to the confirmation request of submission sub:
 * In-Reply-To its Message-ID when by_id, else only its token in Subject. */
static GBytes *
confirmation_reply (Fixture *f, const char *from, const char *id, gboolean by_id)
{
  g_autofree char *request_id = fixture_text (f->db, "SELECT message_id FROM confirmations");
  g_autofree char *token = fixture_text (f->db, "SELECT token FROM confirmations");
  g_autofree char *headers = by_id ? g_strdup_printf ("In-Reply-To: <%s>\r\n", request_id)
      : g_strdup ("");
  g_autofree char *subject = g_strdup_printf ("Re: Confirm [confirm:%s]", token);
  char *s = g_strdup_printf ("From: %s\r\nTo: gateway@ctc.example\r\nSubject: %s\r\n"
                             "Message-ID: <%s>\r\nDate: Mon, 2 Nov 2026 11:00:00 +0000\r\n"
                             "%sMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nYes.\r\n",
                             from, by_id ? "Re: Confirm" : subject, id, headers);
  return g_bytes_new_take (s, strlen (s));
}

/* require = confirm: an unauthenticated contact point's submission files
 * nothing and waits; one request goes to the Directory's address, never
 * to Reply-To (ctcgw(8), AUTHENTICATION). */
static void
test_confirm_pending (void **state)
{
  Fixture *f = *state;
  const char *reply_to = "Reply-To: thief@elsewhere.example\r\n";
  assert_int_equal (process (f, message ("J.Doe@UNODC.example", "p1@x", reply_to, offer_body)),
                    INTAKE_PENDING);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), 1);
  fixture_assert_text (f->db, "SELECT recipient FROM outbox", "j.doe@unodc.example");
  fixture_assert_text (f->db, "SELECT outcome FROM submissions", "pending");
  fixture_assert_text (f->db, "SELECT address FROM confirmations", "j.doe@unodc.example");
  g_autofree char *raw = fixture_text (f->db, "SELECT raw FROM outbox");
  g_autofree char *token = fixture_text (f->db, "SELECT token FROM confirmations");
  g_autofree char *msgid = fixture_text (f->db, "SELECT message_id FROM confirmations");
  assert_non_null (strstr (raw, token));
  assert_non_null (strstr (raw, msgid));
  assert_non_null (strstr (raw, "Auto-Submitted: auto-replied"));
  assert_null (strstr (raw, "thief@"));
}

/* A client that writes no In-Reply-To and drops the token from the Subject
 * still names the request in References, among other Message-IDs: that
 * confirms too; a References naming no request of ours does not. */
static void
test_confirm_by_references (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "p1@x", NULL, offer_body)),
                    INTAKE_PENDING);
  g_autofree char *request_id = fixture_text (f->db, "SELECT message_id FROM confirmations");
  static const char *const form =
      "From: j.doe@unodc.example\r\nTo: gateway@ctc.example\r\nSubject: Re: Confirm\r\n"
      "Message-ID: <%s>\r\nDate: Mon, 2 Nov 2026 11:00:00 +0000\r\n"
      "References: <thread-start@unodc.example> %s <other@\"quoted\".example>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nYes.\r\n";
  char *stranger = g_strdup_printf (form, "r0@x", "<elsewhere@unodc.example>");
  assert_int_not_equal (process (f, g_bytes_new_take (stranger, strlen (stranger))),
                        INTAKE_CONFIRMATION);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  g_autofree char *named = g_strdup_printf ("<%s>", request_id);
  char *reply = g_strdup_printf (form, "r1@x", named);
  assert_int_equal (process (f, g_bytes_new_take (reply, strlen (reply))),
                    INTAKE_CONFIRMATION);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  fixture_assert_text (f->db, "SELECT state FROM confirmations", "confirmed");
}

/* The reply files the pending submission once, authentication confirmed,
 * and is answered with what was filed; a second reply does nothing. */
static void
test_confirm_reply_files_once (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "p1@x", NULL, offer_body)),
                    INTAKE_PENDING);
  /* Another address, even the same contact point's in another case, has
   * the token but is not where the request went: it confirms nothing. */
  assert_int_equal (process (f, confirmation_reply (f, "jdoe@unodc.example", "r0@x", FALSE)),
                    INTAKE_QUARANTINED);
  assert_int_equal (process (f, confirmation_reply (f, "j.doe@unodc.example", "r1@x", TRUE)),
                    INTAKE_CONFIRMATION);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  fixture_assert_text (f->db, "SELECT authentication FROM submissions WHERE message_id = 'p1@x'",
                       "confirmed");
  fixture_assert_text (f->db, "SELECT outcome FROM submissions WHERE message_id = 'p1@x'",
                       "filed");
  fixture_assert_text (f->db, "SELECT state FROM confirmations", "confirmed");
  g_autofree char *answer = fixture_text (f->db, "SELECT raw FROM outbox ORDER BY id DESC LIMIT 1");
  assert_non_null (strstr (answer, "accepted CTC-OFF-"));
  assert_non_null (strstr (answer, "In-Reply-To: <r1@x>"));
  gint64 sent = fixture_count (f->db, "SELECT count(*) FROM outbox");
  assert_int_equal (process (f, confirmation_reply (f, "j.doe@unodc.example", "r2@x", FALSE)),
                    INTAKE_CONFIRMATION);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM outbox"), sent);
}

/* A reply after the expiry files nothing and is told to send again. */
static void
test_confirm_expired (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "p1@x", NULL, offer_body)),
                    INTAKE_PENDING);
  fixture_exec (f->db, "UPDATE confirmations SET expires = '2020-01-01T00:00:00Z'");
  assert_int_equal (process (f, confirmation_reply (f, "j.doe@unodc.example", "r1@x", TRUE)),
                    INTAKE_CONFIRMATION);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  fixture_assert_text (f->db, "SELECT state FROM confirmations", "pending");
  g_autofree char *answer = fixture_text (f->db, "SELECT raw FROM outbox ORDER BY id DESC LIMIT 1");
  assert_non_null (strstr (answer, "that time has passed"));
  assert_non_null (strstr (answer, "To: j.doe@unodc.example"));
}

/* Staff's address that nothing authenticated is an unknown sender. */
static void
test_confirm_staff_unauthenticated (void **state)
{
  Fixture *f = *state;
  const char *body = "Form: assistance-request\nState: KG\nAreas: border-control\n"
                     "Description: Training of border guards\n";
  assert_int_equal (process (f, message ("desk@ctc.example", "s1@ctc", NULL, body)),
                    INTAKE_QUARANTINED);
  fixture_assert_text (f->db, "SELECT reason FROM quarantine",
                       "desk@ctc.example is not an active contact point of any entity");
  /* Authenticated by the trusted server, staff's rights hold. */
  const char *ar = "Authentication-Results: mx.ctc.example; dmarc=pass header.from=ctc.example\r\n";
  assert_int_equal (process (f, message ("desk@ctc.example", "s2@ctc", ar, body)),
                    INTAKE_FILED);
}

/* Authenticated mail is filed at once under every policy. */
static void
test_confirm_authenticated_filed_at_once (void **state)
{
  Fixture *f = *state;
  const char *ar = "Authentication-Results: mx.ctc.example; dmarc=pass header.from=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "a1@x", ar, offer_body)),
                    INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM confirmations"), 0);
  fixture_assert_text (f->db, "SELECT authentication FROM submissions", "dmarc");
}

/* require = authenticated: quarantined, with the usual answer. */
static void
test_require_authenticated (void **state)
{
  Fixture *f = *state;
  assert_int_equal (process (f, message ("j.doe@unodc.example", "p1@x", NULL, offer_body)),
                    INTAKE_QUARANTINED);
  fixture_assert_text (f->db, "SELECT reason FROM quarantine", "not authenticated (DKIM or DMARC)");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
  g_autofree char *answer = fixture_text (f->db, "SELECT raw FROM outbox");
  assert_non_null (strstr (answer, "awaits review"));
  const char *ar = "Authentication-Results: mx.ctc.example; dmarc=pass header.from=unodc.example\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "a1@x", ar, offer_body)),
                    INTAKE_FILED);
}

/* An entity's own policy (schema/013-entity-policy.sql) replaces the
 * configured one for a submission naming it: authenticated quarantines
 * though the configuration says confirm (ctcgw(8), AUTHENTICATION). */
static void
test_entity_requires_authenticated (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE entities SET require = 'authenticated' WHERE code = 'UNODC'");
  assert_int_equal (process (f, message ("j.doe@unodc.example", "p1@x", NULL, offer_body)),
                    INTAKE_QUARANTINED);
  fixture_assert_text (f->db, "SELECT reason FROM quarantine", "not authenticated (DKIM or DMARC)");
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM confirmations"), 0);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
}

/* An entity whose policy is none files at once under require = confirm;
 * a record naming it and another entity takes the stricter policy. */
static void
test_entity_requires_none (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE entities SET require = 'none' WHERE code = 'UNODC'");
  assert_int_equal (process (f, message ("j.doe@unodc.example", "n1@x", NULL, offer_body)),
                    INTAKE_FILED);
  fixture_assert_text (f->db, "SELECT authentication FROM submissions", "none");
  const char *joint = "Form: assistance-offer\r\nProvider: UNODC, KZ\r\n"
                      "Title: Joint workshop\r\nAreas: terrorist-financing\r\n"
                      "Beneficiaries: KG\r\n";
  assert_int_equal (process (f, message ("j.doe@unodc.example", "n2@x", NULL, joint)),
                    INTAKE_PENDING);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM confirmations"), 1);
  /* Back to the default: the configuration's confirm. */
  fixture_exec (f->db, "UPDATE entities SET require = NULL WHERE code = 'UNODC'");
  assert_int_equal (process (f, message ("j.doe@unodc.example", "n3@x", NULL, offer_body)),
                    INTAKE_PENDING);
}

/* Strictest wins also against a configuration of none: an entity asking
 * for confirmation holds its submissions. */
static void
test_entity_requires_confirm_over_none (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db, "UPDATE entities SET require = 'confirm' WHERE code = 'UNODC'");
  assert_int_equal (process (f, message ("j.doe@unodc.example", "c1@x", NULL, offer_body)),
                    INTAKE_PENDING);
  const char *kz = "Form: assistance-request\r\nState: KZ\r\nAreas: border-control\r\n"
                   "Description: Training of border guards\r\n";
  assert_int_equal (process (f, message ("focal@mfa.kz.example", "c2@x", NULL, kz)),
                    INTAKE_FILED);
}

/* The answer is in the language of the keys a message used when its
 * sender's contact point has no language: rendered from that language's
 * template, with Content-Language. */
static void
answer_in_keys_language (Fixture *f, const char *from, const char *body,
                         const char *lang, const char *expected)
{
  g_autofree char *id = g_strdup_printf ("%s@kz", lang);
  process (f, message (from, id, NULL, body));
  g_autoptr (GMimeMessage) answer = fixture_queued (f->db, "ack", from);
  GMimeObject *part = g_mime_message_get_mime_part (answer);
  const char *language = g_mime_object_get_header (part, "Content-Language");
  assert_non_null (language);
  assert_string_equal (language, lang);
  g_autofree char *text = fixture_part_text (part);
  if (strstr (text, expected) == NULL)
    fail_msg ("the %s answer has no \"%s\":\n%s", lang, expected, text);
  assert_null (strstr (text, "Dear"));
}

static void
test_answer_in_keys_language (void **state)
{
  Fixture *f = *state;
  fixture_exec (f->db,
      "INSERT INTO contacts (reference, entity, name, email, languages, role, status, state)"
      " VALUES ('CTC-CP-2026-0011', 'KZ', 'A', 'ru@mfa.kz.example', '[]', 'focal-point',"
      " 'active', 'active'), ('CTC-CP-2026-0012', 'KZ', 'B', 'ar@mfa.kz.example', '[]',"
      " 'focal-point', 'active', 'active'), ('CTC-CP-2026-0013', 'KZ', 'C',"
      " 'zh@mfa.kz.example', '[]', 'focal-point', 'active', 'active');");
  answer_in_keys_language (f, "ru@mfa.kz.example",
      "Форма: assistance-request\r\nГосударство: KZ\r\nОбласти: border-control\r\n"
      "Описание: Подготовка пограничников.\r\n", "ru", "Ваше сообщение зарегистрировано");
  answer_in_keys_language (f, "ar@mfa.kz.example",
      "النموذج: assistance-request\r\nالدولة: KZ\r\nالمجالات: border-control\r\n"
      "الوصف: تدريب حرس الحدود.\r\n", "ar", "سُجلت رسالتكم");
  answer_in_keys_language (f, "zh@mfa.kz.example",
      "表格: assistance-request\r\n国家: KZ\r\n领域: border-control\r\n"
      "说明: 培训边防人员。\r\n", "zh", "您的来信已登记");
}

/* The contact point's own language comes before the language of the keys. */
static void
test_directory_language_first (void **state)
{
  Fixture *f = *state;
  process (f, message ("m.dupont@diplomatie.fr.example", "fr@fr", NULL,
                       "Форма: assistance-request\r\nГосударство: FR\r\n"
                       "Области: border-control\r\nОписание: Подготовка.\r\n"));
  g_autoptr (GMimeMessage) answer = fixture_queued (f->db, "ack",
                                                    "m.dupont@diplomatie.fr.example");
  GMimeObject *body = g_mime_message_get_mime_part (answer);
  assert_non_null (g_mime_object_get_header (body, "Content-Language"));
  assert_string_equal (g_mime_object_get_header (body, "Content-Language"), "fr");
  g_autofree char *text = fixture_part_text (body);
  assert_non_null (strstr (text, "Madame, Monsieur,\n\nVotre message a été enregistré"));
}


/* ---- forwards and HTML line breaks (docs/submissions.md sections 1 and 7) */

/* A message from `from` with subject and a plain-text body. */
static GBytes *
message_subject (const char *from, const char *id, const char *subject, const char *body)
{
  char *s = g_strdup_printf ("From: %s\r\nTo: gateway@ctc.example\r\nSubject: %s\r\n"
                             "Message-ID: <%s>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
                             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             "\r\n%s", from, subject, id, body);
  return g_bytes_new_take (s, strlen (s));
}

/* A Gmail forward, the forwarder's signature above it: its record is filed
 * for the forwarder, and the answer says it came from the forwarded part. */
static void
test_forward_gmail (void **state)
{
  Fixture *f = *state;
  g_autofree char *body = g_strconcat (
      "Please file the offer below.\r\n\r\n-- \r\nJan Doe\r\nUNODC\r\n\r\n"
      "---------- Forwarded message ---------\r\n"
      "From: Maria Lopez <m.lopez@unodc.example>\r\nDate: Mon, 2 Nov 2026 at 09:00\r\n"
      "Subject: Offer\r\nTo: Jan Doe <j.doe@unodc.example>\r\n\r\n", offer_body, NULL);
  assert_int_equal (process (f, message_subject ("j.doe@unodc.example", "fw1@unodc",
                                                 "Fwd: Offer", body)), INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 1);
  g_autofree char *text = answer_text (f, "ack", "j.doe@unodc.example");
  assert_non_null (strstr (text, "(new) [forwarded message]"));
  assert_non_null (strstr (text, "Lines marked [forwarded message]"));
}

/* Every client's way of forwarding inline, in several languages, is read;
 * the records before the separator are the sender's own. */
static void
test_forward_styles (void **state)
{
  static const struct { const char *subject, *head; } styles[] = {
    { "Fwd: Offer", "-------- Forwarded Message --------\r\nSubject: Offer\r\n"
                    "Date: Mon, 2 Nov 2026 09:00:00 +0100\r\nFrom: M <m@unodc.example>\r\n"
                    "To: j.doe@unodc.example\r\n\r\n" },
    { "Fwd: Offer", "-------- Original Message --------\r\nSubject: Offer\r\n"
                    "From: M <m@unodc.example>\r\n\r\n" },
    { "Fwd: Offre", "-------- Message transféré --------\r\nSujet : Offre\r\n"
                    "De : M <m@unodc.example>\r\nPour : j.doe@unodc.example\r\n\r\n" },
    { "Fwd: Offer", "Begin forwarded message:\r\n\r\nFrom: M <m@unodc.example>\r\n"
                    "Subject: Offer\r\nDate: 2 November 2026 at 09:00:00 CET\r\n"
                    "To: j.doe@unodc.example\r\n\r\n" },
    { "Fwd: Oferta", "Inicio del mensaje reenviado:\r\n\r\nDe: M <m@unodc.example>\r\n"
                     "Asunto: Oferta\r\n\r\n" },
    { "FW: Offer", "________________________________\r\nFrom: M <m@unodc.example>\r\n"
                   "Sent: Monday, November 2, 2026 9:00 AM\r\nTo: Jan Doe\r\n"
                   "Subject: Offer\r\n\r\n" },
    { "TR: Offre", "De : M <m@unodc.example>\r\nEnvoyé : lundi 2 novembre 2026 09:00\r\n"
                   "À : Jan Doe\r\nObjet : Offre\r\n\r\n" },
    { "RV: Oferta", "De: M <m@unodc.example>\r\nEnviado el: lunes, 2 de noviembre de 2026\r\n"
                    "Para: Jan Doe\r\nAsunto: Oferta\r\n\r\n" },
    { "Fwd: Предложение", "---------- Пересылаемое сообщение ---------\r\n"
                          "От: M <m@unodc.example>\r\nДата: 2 нояб. 2026 г.\r\n\r\n" },
    { "Fwd: 提议", "---------- 转发的邮件 ---------\r\n发件人： M <m@unodc.example>\r\n\r\n" },
    { "Пересл: Предложение", "-----Исходное сообщение-----\r\nОт: M <m@unodc.example>\r\n"
                             "Отправлено: 2 ноября 2026 г. 9:00\r\n\r\n" },
  };
  Fixture *f = *state;
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autofree char *id = g_strdup_printf ("style%u@unodc", i);
      g_autofree char *body = g_strconcat ("FYI\r\n\r\n", styles[i].head, offer_body, NULL);
      IntakeOutcome outcome = process (f, message_subject ("j.doe@unodc.example", id,
                                                           styles[i].subject, body));
      if (outcome != INTAKE_FILED)
        fail_msg ("style %u (%s): %s", i, styles[i].subject, intake_outcome_name (outcome));
    }
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), G_N_ELEMENTS (styles));
}

/* A reply quotes what it answers below an "Original Message" or Outlook
 * block: without a forward's subject, that text is still not read. */
static void
test_reply_quote_not_read (void **state)
{
  Fixture *f = *state;
  g_autofree char *body = g_strconcat ("Thanks.\r\n\r\n-----Original Message-----\r\n"
                                       "From: M <m@unodc.example>\r\nSent: Monday\r\n\r\n",
                                       offer_body, NULL);
  assert_int_equal (process (f, message_subject ("j.doe@unodc.example", "re1@unodc",
                                                 "RE: Offer", body)), INTAKE_NO_RECORDS);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers"), 0);
}

/* The forwarded message's From is another State's focal point: it grants
 * the forwarder nothing, and the record for that State is quarantined. */
static void
test_forward_from_grants_nothing (void **state)
{
  Fixture *f = *state;
  const char *body =
    "Transmis pour information.\r\n\r\n---------- Forwarded message ---------\r\n"
    "From: Aigerim N <focal@mfa.kz.example>\r\nSubject: Request\r\n\r\n"
    "Form: assistance-request\r\nState: KZ\r\nAreas: border-control\r\n"
    "Description: Training of border guards\r\n";
  assert_int_equal (process (f, message_subject ("m.dupont@diplomatie.fr.example", "kz@fr",
                                                 "Fwd: Request", body)), INTAKE_QUARANTINED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests"), 0);
  g_autofree char *reason = fixture_text (f->db, "SELECT reason FROM quarantine");
  assert_non_null (strstr (reason, "KZ"));
}

/* The sender's own record and a forwarded one: both filed, only the
 * forwarded one marked, in the answer's language. */
static void
test_forward_own_and_forwarded (void **state)
{
  Fixture *f = *state;
  const char *body =
    "Form: assistance-request\r\nState: FR\r\nAreas: border-control\r\n"
    "Description: Formation\r\n\r\n-------- Message transféré --------\r\n"
    "Sujet : Demande\r\nDe : P <p@interieur.fr.example>\r\n\r\n"
    "Form: assistance-request\r\nState: FR\r\nAreas: terrorist-financing\r\n"
    "Description: Enquêtes financières\r\n";
  assert_int_equal (process (f, message_subject ("m.dupont@diplomatie.fr.example", "two@fr",
                                                 "Fwd: Demande", body)), INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM requests"), 2);
  g_autofree char *text = answer_text (f, "ack", "m.dupont@diplomatie.fr.example");
  /* One line marked, and the paragraph that explains the mark. */
  g_auto (GStrv) marked = g_strsplit (text, "[message transféré]", -1);
  assert_int_equal (g_strv_length (marked), 3);
  assert_non_null (strstr (text, "Les lignes marquées [message transféré]"));
}

/* A message attached (message/rfc822): its body is read as forwarded. */
static void
test_forward_attached (void **state)
{
  Fixture *f = *state;
  g_autofree char *s = g_strconcat (
      "From: j.doe@unodc.example\r\nTo: gateway@ctc.example\r\nSubject: Fwd: Offer\r\n"
      "Message-ID: <att@unodc>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
      "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached offer.\r\n"
      "--XX\r\nContent-Type: message/rfc822\r\n"
      "Content-Disposition: attachment; filename=offer.eml\r\n\r\n"
      "From: Aigerim N <focal@mfa.kz.example>\r\nSubject: Offer\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\n", offer_body, "\r\n--XX--\r\n", NULL);
  assert_int_equal (process (f, g_bytes_new (s, strlen (s))), INTAKE_FILED);
  assert_int_equal (fixture_count (f->db, "SELECT count(*) FROM offers WHERE providers = '[\"UNODC\"]'"), 1);
  g_autofree char *text = answer_text (f, "ack", "j.doe@unodc.example");
  assert_non_null (strstr (text, "[forwarded message]"));
}

/* A message of an HTML body and subject. */
static GBytes *
message_html (const char *from, const char *id, const char *html)
{
  char *s = g_strdup_printf ("From: %s\r\nTo: gateway@ctc.example\r\nSubject: Offer\r\n"
                             "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: text/html; charset=utf-8\r\n\r\n"
                             "<html><body>%s</body></html>\r\n", from, id, html);
  return g_bytes_new_take (s, strlen (s));
}

/* Outlook's Shift+Enter: a <br> inside a paragraph continues the value;
 * a <br> before "Key: value" starts the next field. */
static void
test_html_br_continues_value (void **state)
{
  Fixture *f = *state;
  const char *html =
    "<p class=MsoNormal>Form: assistance-offer<o:p></o:p></p>\r\n"
    "<p class=MsoNormal>Provider: UNODC<br>\r\nTitle: Regional workshop on border<br>\r\n"
    "security<o:p></o:p></p>\r\n"
    "<p class=MsoNormal>Areas: border-control<br>Beneficiaries: KZ<o:p></o:p></p>\r\n"
    "<p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Best regards<br>Jan</p>\r\n";
  assert_int_equal (process (f, message_html ("j.doe@unodc.example", "br@unodc", html)),
                    INTAKE_FILED);
  fixture_assert_text (f->db, "SELECT title FROM offers",
                       "Regional workshop on border\nsecurity");
  fixture_assert_text (f->db, "SELECT beneficiaries FROM offers", "[\"KZ\"]");
}

/* A <p> still ends a value: the next paragraph is no field, and says so
 * with the line the answer cites. */
static void
test_html_paragraph_ends_value (void **state)
{
  Fixture *f = *state;
  const char *html =
    "<p>Form: assistance-offer</p><p>Provider: UNODC</p>"
    "<p>Title: Regional workshop on border</p><p>security</p>"
    "<p>Areas: border-control</p><p>Beneficiaries: KZ</p>";
  assert_int_equal (process (f, message_html ("j.doe@unodc.example", "p@unodc", html)),
                    INTAKE_REJECTED);
  g_autofree char *kept = fixture_text (f->db, "SELECT problems FROM submission_records");
  assert_non_null (strstr (kept, "line 4: expected"));
}

int
main (void)
{
  g_mime_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_filed_and_answered, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_forward_gmail, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_forward_styles, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_reply_quote_not_read, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_forward_from_grants_nothing, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_forward_own_and_forwarded, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_forward_attached, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_html_br_continues_value, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_html_paragraph_ends_value, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_answer_in_keys_language, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_directory_language_first, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_request_in_six_languages, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_csv_attachment_apostrophes, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_pending, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_reply_files_once, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_expired, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_by_references, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_requests_limited, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_staff_unauthenticated, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_confirm_authenticated_filed_at_once, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_require_authenticated, setup_authenticated, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_entity_requires_authenticated, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_entity_requires_none, setup_confirm, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_entity_requires_confirm_over_none, setup_none, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_sha256_of_raw, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_duplicate_not_filed_twice, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unknown_sender_quarantined_then_approved, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_quarantine_every_problem_approve_what_was_kept, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_notice_kept_without_final_answer, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_rejected_from_quarantine, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_speaking_for_another_entity, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_errors_name_the_line, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_errors_in_the_answers_language, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_no_records_gets_help, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_automatic_never_answered, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_submission_with_calendar_reply, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_reply_rate_limit, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_cost_independent_of_history, setup_unlimited,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_authentication_failure_quarantines, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_dkim_and_spf_failure_quarantines, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_too_large_answered_not_kept_whole, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_update_names_changed_fields, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_staff_may_file_for_anyone, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unanswerable_sender_still_taken_in, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_reply_subject_has_one_re, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_reply_subject_has_one_reference, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unknown_visit_is_an_error_not_quarantine, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_update_of_another_entitys_record_quarantined, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_answers_name_values_in_their_language, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_unread_in_the_answers_language, setup,
                                     fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_too_deep_answered_not_automatic, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_approved_result_gets_the_default_reporter, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_look_alikes_quarantined, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_same_address_other_form_filed, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_one_author, setup, fixture_gateway_teardown),
  };
  int failed = cmocka_run_group_tests_name ("intake", tests, NULL, NULL);
  g_mime_shutdown ();
  return failed == 0 ? 0 : 1;
}
