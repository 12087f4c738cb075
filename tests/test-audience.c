/* Audiences: every form, the contact points left out, each address once,
 * the order, and errors that name the closest valid form. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/store/audience.h"
#include "gateway/base/config.h"
#include "gateway/store/db.h"
#include "tests/fixture.h"

typedef Gateway Fixture;

static const char *conf_text =
  "[gateway]\n"
  "database = registers.db\n"
  "address = gateway@ctc.example\n"
  "[smtp]\n"
  "url = maildir:outbox\n";

/* Contact points of States and organizations, some not to be reached;
 * a group; offers and sources in areas. */
static const char *data_sql =
  "INSERT INTO contacts (reference, entity, name, email, languages, status, state) VALUES"
  " ('CTC-CP-2026-0001', 'KZ', 'Zhanna B', 'z.b@mfa.kz.example', '[\"ru\",\"en\"]', 'active', 'active'),"
  " ('CTC-CP-2026-0002', 'KZ', 'Aigerim N', 'a.n@mfa.kz.example', '[\"en\"]', 'active', 'active'),"
  " ('CTC-CP-2026-0003', 'KG', 'Bakyt O', 'b.o@mfa.kg.example', NULL, 'active', 'active'),"
  " ('CTC-CP-2026-0004', 'KG', 'Old Contact', 'old@mfa.kg.example', '[\"en\"]', 'inactive', 'active'),"
  " ('CTC-CP-2026-0005', 'TJ', 'Gone Away', 'gone@mfa.tj.example', '[\"en\"]', 'active', 'withdrawn'),"
  " ('CTC-CP-2026-0006', 'TJ', 'Farrukh R', 'f.r@mfa.tj.example', '[\"fr\"]', 'active', 'active'),"
  " ('CTC-CP-2026-0007', 'TJ', 'Bouncing B', 'bounce@mfa.tj.example', '[\"en\"]', 'bouncing', 'active'),"
  " ('CTC-CP-2026-0008', 'UNODC', 'Jan Doe', 'j.doe@unodc.example', 'not json', 'active', 'active'),"
  " ('CTC-CP-2026-0009', 'UNODC', 'Anna Shared', 'A.N@MFA.KZ.example', '[\"en\"]', 'active', 'active'),"
  " ('CTC-CP-2026-0010', 'FR', 'Marie D', 'm.d@diplomatie.fr.example', '[\"fr\"]', 'active', 'active');"
  "INSERT INTO groups (id, name) VALUES (1, 'Central Asia'), (2, 'Empty');"
  "INSERT INTO group_members (group_id, entity) VALUES (1, 'KZ'), (1, 'KG'), (1, 'TJ');"
  "INSERT INTO offers (reference, providers, title, areas, status, state) VALUES"
  " ('CTC-OFF-2026-0001', '[\"UNODC\",\"FR\"]', 'Workshop', '[\"border-control\"]', 'planned', 'active'),"
  " ('CTC-OFF-2026-0002', '[\"KZ\"]', 'Done', '[\"border-control\"]', 'completed', 'active'),"
  " ('CTC-OFF-2026-0003', '[\"KG\"]', 'Dropped', '[\"border-control\"]', 'ongoing', 'withdrawn'),"
  " ('CTC-OFF-2026-0004', 'broken', 'Broken', 'broken', 'ongoing', 'active');"
  "INSERT INTO sources (reference, provider, title, kind, areas, state) VALUES"
  " ('CTC-SRC-2026-0001', 'TJ', 'Guide', 'publication', '[\"border-control\"]', 'active'),"
  " ('CTC-SRC-2026-0002', 'KG', 'Old guide', 'publication', '[\"border-control\"]', 'withdrawn'),"
  " ('CTC-SRC-2026-0003', 'KG', 'Database', 'database', '[\"early-warning\"]', 'active');";

static int
setup (void **state)
{
  Fixture *f = fixture_gateway_new ("audience", conf_text);
  fixture_exec (f->db, data_sql);
  *state = f;
  return 0;
}

/* The references of audience's recipients, space-separated. */
static char *
references (sqlite3 *db, const char *audience)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rs = audience_resolve (db, audience, "en", &error);
  if (rs == NULL)
    fail_msg ("%s: %s", audience, error->message);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < rs->len; i++)
    {
      Recipient *r = rs->pdata[i];
      g_string_append_printf (s, "%s%s", i > 0 ? " " : "", r->reference + strlen ("CTC-CP-2026-"));
    }
  return g_string_free (s, FALSE);
}

/* The message of the error that audience gives. */
static char *
error_of (sqlite3 *db, const char *audience)
{
  GError *error = NULL;
  GPtrArray *rs = audience_resolve (db, audience, "en", &error);
  if (rs != NULL)
    fail_msg ("%s: no error", audience);
  assert_true (g_error_matches (error, AUDIENCE_ERROR, AUDIENCE_ERROR_INVALID));
  char *message = g_strdup (error->message);
  g_error_free (error);
  return message;
}

#define assert_refs(db, audience, expected) do { \
    g_autofree char *got_ = references (db, audience); \
    assert_string_equal (got_, expected); } while (0)

#define assert_error_has(db, audience, part) do { \
    g_autofree char *msg_ = error_of (db, audience); \
    if (strstr (msg_, part) == NULL) fail_msg ("%s: \"%s\" lacks \"%s\"", audience, msg_, part); \
  } while (0)

/* Everyone reachable: sorted by entity then name; inactive, withdrawn and
 * bouncing contact points left out; an address twice (any case) once. */
static void
test_all (void **state)
{
  Fixture *f = *state;
  assert_refs (f->db, "all", "0010 0003 0002 0001 0006 0008");
  assert_refs (f->db, "  ALL ", "0010 0003 0002 0001 0006 0008");
}

static void
test_states_and_organizations (void **state)
{
  Fixture *f = *state;
  assert_refs (f->db, "states", "0010 0003 0002 0001 0006");
  assert_refs (f->db, "organizations", "0009 0008");
}

static void
test_group (void **state)
{
  Fixture *f = *state;
  assert_refs (f->db, "group:Central Asia", "0003 0002 0001 0006");
  assert_refs (f->db, "group: central asia", "0003 0002 0001 0006");
  assert_refs (f->db, "group:Empty", "");
}

static void
test_entities (void **state)
{
  Fixture *f = *state;
  assert_refs (f->db, "entities:kz", "0002 0001");
  assert_refs (f->db, "entities:Kyrgyzstan, unodc,", "0003 0009 0008");
  assert_refs (f->db, "entities:KAZ,KZ", "0002 0001");
}

/* An active offer (planned or ongoing) or an active source in the area. */
static void
test_providers (void **state)
{
  Fixture *f = *state;
  assert_refs (f->db, "providers:border-control", "0010 0006 0009 0008");
  assert_refs (f->db, "providers:Early-Warning", "0003");
  assert_refs (f->db, "providers:human-rights", "");
}

/* Each recipient's fields, the first language, the configured default
 * (here Spanish) without one. */
static void
test_recipient_fields (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rs = audience_resolve (f->db, "entities:KZ,KG,UNODC,FR", "es", &error);
  assert_non_null (rs);
  assert_int_equal (rs->len, 5);
  Recipient *fr = rs->pdata[0], *kg = rs->pdata[1], *kz = rs->pdata[3], *un = rs->pdata[4];
  assert_string_equal (fr->entity, "FR");
  assert_string_equal (fr->entity_name, "France");
  assert_string_equal (fr->language, "fr");
  assert_string_equal (fr->email, "m.d@diplomatie.fr.example");
  assert_string_equal (kg->language, "es");
  assert_string_equal (kg->name, "Bakyt O");
  assert_string_equal (kz->language, "ru");
  assert_string_equal (un->language, "es");
  assert_string_equal (un->entity, "UNODC");
}

/* Errors name the closest valid form. */
static void
test_errors (void **state)
{
  Fixture *f = *state;
  assert_error_has (f->db, "stats", "did you mean \"states\"?");
  assert_error_has (f->db, "organisations", "did you mean \"organizations\"?");
  assert_error_has (f->db, "grop:Central Asia", "did you mean \"group:Central Asia\"?");
  assert_error_has (f->db, "grup", "did you mean \"group:NAME\"?");
  assert_error_has (f->db, "group:Centrl Asia", "did you mean \"group:Central Asia\"?");
  assert_error_has (f->db, "group:", "needs a value");
  assert_error_has (f->db, "entities:KZ,Kazakstan", "unknown entity \"Kazakstan\"; did you mean");
  assert_error_has (f->db, "entities: , ", "names no entity");
  assert_error_has (f->db, "providers:border-contrl", "did you mean \"providers:border-control\"?");
  assert_error_has (f->db, "all:KZ", "did you mean \"all\"?");
  assert_error_has (f->db, "everybody", "group:NAME");
  assert_error_has (f->db, "", "unknown audience");
  assert_error_has (f->db, "st\xff" "ates", "UTF-8");
}

/* Bounds: a long audience and a long list are refused, never a crash. */
static void
test_bounds (void **state)
{
  Fixture *f = *state;
  g_autofree char *long_text = g_strnfill (5000, 'a');
  assert_error_has (f->db, long_text, "at most");
  GString *many = g_string_new ("entities:");
  for (int i = 0; i < 1100; i++)
    g_string_append (many, "KZ,");
  g_autofree char *list = g_string_free (many, FALSE);
  assert_error_has (f->db, list, "at most");
  GError *error = NULL;
  assert_null (audience_resolve (f->db, NULL, "en", &error));
  g_clear_error (&error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_all, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_states_and_organizations, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_group, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_entities, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_providers, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_recipient_fields, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_errors, setup, fixture_gateway_teardown),
    cmocka_unit_test_setup_teardown (test_bounds, setup, fixture_gateway_teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
