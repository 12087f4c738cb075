/* Tests of parsers/form.c, keys.c, values.c, suggest.c and the form kinds:
 * the record syntax and checks of docs/submissions.md sections 1-5 for
 * texts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "parsers/form.h"

/* ---- a fake lookup: a few States, two organizations, one group ---------- */

static const struct {
  const char *name;
  const char *code;
} entities[] = {
  { "KZ", "KZ" }, { "KAZ", "KZ" }, { "Kazakhstan", "KZ" },
  { "KG", "KG" }, { "KGZ", "KG" }, { "Kyrgyzstan", "KG" },
  { "TJ", "TJ" }, { "TJK", "TJ" }, { "Tajikistan", "TJ" },
  { "FR", "FR" }, { "FRA", "FR" }, { "France", "FR" },
  { "UNODC", "UNODC" }, { "OSCE", "OSCE" }, { "EU", "EU" },
};

/* Finds an entity by any of its names, any case. */
static char *
fake_entity (gpointer data, const char *text, char **suggestion)
{
  const char *names[G_N_ELEMENTS (entities) + 1] = { NULL };
  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      if (g_ascii_strcasecmp (entities[i].name, text) == 0)
        return g_strdup (entities[i].code);
      names[i] = entities[i].name;
    }
  const char *close = form_suggest (text, names);
  if (suggestion && close)
    *suggestion = g_strdup (close);
  return NULL;
}

/* Look-ups of entities, counted for the test of bounded work. */
static guint lookups;

static char *
counting_entity (gpointer data, const char *text, char **suggestion)
{
  lookups++;
  return fake_entity (data, text, suggestion);
}

/* The one group. */
static char *
fake_group (gpointer data, const char *text)
{
  return g_ascii_strcasecmp (text, "Central Asia") == 0 ? g_strdup ("Central Asia") : NULL;
}

/* States are the two-letter codes above, except EU. */
static gboolean
fake_is_state (gpointer data, const char *code)
{
  return strlen (code) == 2 && strcmp (code, "EU") != 0;
}

static const FormLookup lookup = { NULL, fake_entity, fake_group, fake_is_state };

/* ---- helpers ---------------------------------------------------------------- */

/* Parses and checks text with the default limits. */
static FormParse *
parse_check (const char *text)
{
  FormParse *parse = form_parse_new ();
  form_parse_text (parse, text, NULL, NULL);
  form_check (parse, &lookup, NULL);
  return parse;
}

/* Prints the problems of rec (shown when a test fails). */
static void
print_problems (const FormRecord *rec)
{
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *s = form_problem_format (rec->problems->pdata[i]);
      print_message ("  problem: %s\n", s);
    }
}

/* The one record of parse. */
static FormRecord *
only_record (FormParse *parse)
{
  assert_int_equal (parse->records->len, 1);
  return parse->records->pdata[0];
}

/* Fails unless rec has no problem. */
static void
assert_clean (const FormRecord *rec)
{
  print_problems (rec);
  assert_int_equal (rec->problems->len, 0);
}

/* Whether rec has a problem that formats as expected. */
static gboolean
has_problem (const FormRecord *rec, const char *expected)
{
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *s = form_problem_format (rec->problems->pdata[i]);
      if (strcmp (s, expected) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Fails unless rec has the problem expected. */
static void
assert_problem (const FormRecord *rec, const char *expected)
{
  if (!has_problem (rec, expected))
    {
      print_message ("expected problem: %s\n", expected);
      print_problems (rec);
      fail ();
    }
}

/* A column of a checked record, or NULL. */
static const char *
col (const FormRecord *rec, const char *column)
{
  return g_hash_table_lookup (rec->columns, column);
}

/* Checks one record of text that must have exactly the problem expected. */
static void
assert_record_problem (const char *text, const char *expected)
{
  g_autoptr(FormParse) parse = parse_check (text);
  assert_problem (only_record (parse), expected);
}

/* ---- one valid record of each kind ---------------------------------------- */

/* A valid record of each kind, its required fields and its columns, as
 * docs/submissions.md section 5 and the columns table give them. */
static const struct {
  const char *kind;
  const char *lines[8];
  const char *required;
  const char *columns;
} samples[] = {
  { "contact-point",
    { "Entity: KZ", "Name: Aigerim Nurlanovna", "Email: a.nurlanovna@mfa.example" },
    "Entity Name Email",
    "Entity=entity Name=name Email=email Title=title Office=office Phone=phone "
    "Languages=languages Role=role Areas=areas Replaces=replaces Publish=publish Reference= "
    "Action=" },
  { "assistance-offer",
    { "Provider: UNODC", "Title: Workshop", "Areas: terrorist-financing" },
    "Provider Title Areas",
    "Provider=providers Title=title Areas=areas Beneficiaries=beneficiaries "
    "Start=start_date End=end_date Status=status Objectives=objectives "
    "Description=description Contacts=contacts Reference= Action=" },
  { "assistance-request",
    { "State: KZ", "Areas: border-control", "Description: Training of border guards" },
    "State Areas Description",
    "State=state_code Areas=areas Description=description Priority=priority "
    "Reference= Action=" },
  { "assistance-result",
    { "Reference: CTC-REQ-2026-0001", "Results: Two trainings held" },
    "Reference Results",
    "Reference=target Reporter=reporter Results=results Difference=difference "
    "Problems=problems Result reference= Action=" },
  { "information-source",
    { "Provider: OSCE", "Title: Guide", "Kind: publication" },
    "Provider Title Kind",
    "Provider=provider Title=title Kind=kind Areas=areas Url=url "
    "Description=description Contacts=contacts Languages=languages Reference= Action=" },
  { "standard",
    { "Title: Recommendations", "Issuer: OSCE", "Areas: terrorist-financing" },
    "Title Issuer Areas",
    "Title=title Issuer=issuer Areas=areas Url=url Citation=citation Year=year "
    "Summary=summary Reference= Action=" },
  { "inventory",
    { "Entity: KG", "Kind: mechanism", "Title: Interagency commission" },
    "Entity Kind Title",
    "Entity=entity Kind=kind Title=title Year=year Areas=areas "
    "Description=description Contacts=contacts Reference= Action=" },
  { "visit-information",
    { "Visit: CTC-VIS-2026-0003", "Information: Agenda attached" },
    "Visit Information",
    "Visit=visit Entity=entity Information=information" },
  { "visit-consent",
    { "Visit: CTC-VIS-2026-0003", "Consent: yes" },
    "Visit Consent",
    "Visit=visit Consent=consent Recipients=recipients" },
};

/* The text of sample i without the line of key skip (NULL: all lines). */
static char *
sample_text (guint i, const char *skip)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "Form: %s\n", samples[i].kind);
  for (guint j = 0; samples[i].lines[j]; j++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s:", skip ? skip : "");
      if (skip == NULL || !g_str_has_prefix (samples[i].lines[j], prefix))
        g_string_append_printf (s, "%s\n", samples[i].lines[j]);
    }
  return g_string_free (s, FALSE);
}

/* Every kind is in the table of kinds, in the order of docs/submissions.md
 * section 5, and has the fields, columns and required fields of the
 * contract. */
static void
test_kind_tables (void **state)
{
  guint n_kinds = 0;
  while (form_kinds[n_kinds])
    n_kinds++;
  assert_int_equal (n_kinds, G_N_ELEMENTS (samples));
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      const struct form_kind *kind = form_kinds[i];
      assert_string_equal (kind->name, samples[i].kind);
      assert_ptr_equal (form_kind_find (samples[i].kind), kind);
      GString *columns = g_string_new (NULL), *required = g_string_new (NULL);
      for (guint j = 0; j < kind->n_fields; j++)
        {
          const FormFieldSpec *f = &kind->fields[j];
          g_string_append_printf (columns, "%s%s=%s", j ? " " : "", f->name,
                                  f->column ? f->column : "");
          if (f->required)
            g_string_append_printf (required, "%s%s", required->len ? " " : "", f->name);
          assert_string_equal (form_key_canonical (f->name), f->name);
        }
      assert_string_equal (columns->str, samples[i].columns);
      assert_string_equal (required->str, samples[i].required);
      g_string_free (columns, TRUE);
      g_string_free (required, TRUE);
    }
}

/* The sample of each kind is valid. */
static void
test_each_kind_valid (void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *text = sample_text (i, NULL);
      g_autoptr(FormParse) parse = parse_check (text);
      FormRecord *rec = only_record (parse);
      print_message ("%s\n", samples[i].kind);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, form_kinds[i]);
      assert_null (rec->reference);
      assert_false (rec->withdraw);
    }
}

/* Leaving out any required field of any kind is a problem on the Form: line. */
static void
test_each_required_missing (void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_auto(GStrv) required = g_strsplit (samples[i].required, " ", -1);
      for (guint j = 0; required[j]; j++)
        {
          g_autofree char *text = sample_text (i, required[j]);
          g_autofree char *expected = g_strdup_printf ("line 1: field \"%s\" is required",
                                                       required[j]);
          g_autoptr(FormParse) parse = parse_check (text);
          FormRecord *rec = only_record (parse);
          assert_problem (rec, expected);
          assert_int_equal (rec->problems->len, 1);
        }
    }
}

/* The record of docs/submissions.md section 2, with everything it holds. */
static void
test_offer_example (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-offer\n"
    "Provider: UNODC, OSCE\n"
    "Title: Legislative drafting workshop on terrorist financing\n"
    "Areas: terrorist-financing, criminal-justice\n"
    "Beneficiaries: KZ, KG, TJ\n"
    "Start: 2026-03-02\n"
    "End: 2026-03-06\n"
    "Objectives: Draft amendments to the AML/CFT law tabled in parliament\n"
    "  within six months of the workshop.\n"
    "Contacts: j.doe@UNODC.Example\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_ptr_equal (rec->kind, &form_assistance_offer);
  assert_int_equal (rec->line, 1);
  assert_string_equal (col (rec, "providers"), "[\"UNODC\",\"OSCE\"]");
  assert_string_equal (col (rec, "title"),
                       "Legislative drafting workshop on terrorist financing");
  assert_string_equal (col (rec, "areas"), "[\"terrorist-financing\",\"criminal-justice\"]");
  assert_string_equal (col (rec, "beneficiaries"), "[\"KZ\",\"KG\",\"TJ\"]");
  assert_string_equal (col (rec, "start_date"), "2026-03-02");
  assert_string_equal (col (rec, "end_date"), "2026-03-06");
  assert_string_equal (col (rec, "status"), "planned");
  assert_string_equal (col (rec, "objectives"),
                       "Draft amendments to the AML/CFT law tabled in parliament\n"
                       "within six months of the workshop.");
  assert_string_equal (col (rec, "contacts"), "[\"j.doe@unodc.example\"]");
  assert_null (col (rec, "description"));
  assert_string_equal (rec->owner, "UNODC");
  assert_int_equal (rec->owners->len, 2);
  assert_string_equal (rec->owners->pdata[1], "OSCE");
}

/* A contact point: defaults, the owner, normalized values. */
static void
test_contact_point (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: contact-point\n"
    "Entity: Kazakhstan\n"
    "Name: Aigerim Nurlanovna\n"
    "Email: A.Nurlanovna@MFA.KZ.example\n"
    "Phone: +7 (7172) 72-05-18 ext. 12\n"
    "Areas: Border control; border-control; early warning\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "entity"), "KZ");
  assert_string_equal (col (rec, "email"), "A.Nurlanovna@mfa.kz.example");
  assert_string_equal (col (rec, "languages"), "[\"en\"]");
  assert_string_equal (col (rec, "role"), "focal-point");
  assert_string_equal (col (rec, "phone"), "+7 (7172) 72-05-18 ext. 12");
  assert_string_equal (col (rec, "areas"), "[\"border-control\",\"early-warning\"]");
  assert_string_equal (rec->owner, "KZ");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Replaces: A@B.EXAMPLE\n",
                         "line 5: field \"Replaces\" names the contact point's own address");
}

/* Requests need a State, not an organization. */
static void
test_request_state (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-request\nState: kaz\nAreas: other\nDescription: x\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "state_code"), "KZ");
  assert_string_equal (col (rec, "priority"), "medium");
  assert_string_equal (rec->owner, "KZ");
  assert_record_problem ("Form: assistance-request\nState: EU\nAreas: other\nDescription: x\n",
                         "line 2: field \"State\": \"EU\" is not a State");
  assert_record_problem ("Form: assistance-request\nState: UNODC\nAreas: other\nDescription: x\n",
                         "line 2: field \"State\": \"UNODC\" is not a State");
}

/* A result names its target; its Reference is no update. */
static void
test_result_target (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-result\nReference: ctc-off-2026-0042\nReporter: UNODC\n"
    "Results: Done\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "target"), "CTC-OFF-2026-0042");
  assert_null (rec->reference);
  assert_string_equal (rec->owner, "UNODC");
  assert_record_problem ("Form: assistance-result\nReference: CTC-STD-2026-0001\nResults: x\n",
                         "line 2: field \"Reference\": \"CTC-STD-2026-0001\" is neither "
                         "a request (REQ) nor an offer (OFF)");
  /* Withdrawing, or updating, names the result itself. */
  assert_record_problem ("Form: assistance-result\nReference: CTC-REQ-2026-0001\nResults: x\n"
                         "Action: withdraw\n",
                         "line 4: \"Action: withdraw\" needs the Reference of the record to"
                         " withdraw");
  g_autoptr(FormParse) update = parse_check (
    "Форма: результат помощи\nНомер результата: CTC-RES-2026-0003\nРезультаты: исправлено\n");
  FormRecord *own = only_record (update);
  assert_clean (own);
  assert_string_equal (own->reference, "CTC-RES-2026-0003");
  assert_record_problem ("Form: assistance-result\nResult reference: CTC-OFF-2026-0001\n"
                         "Results: x\n",
                         "line 2: reference \"CTC-OFF-2026-0001\" is not that of a record of"
                         " form \"assistance-result\" (PREFIX-RES-YEAR-NUMBER)");
}

/* Information sources, standards, inventory entries, visits. */
static void
test_other_kinds (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: information-source\nProvider: osce\nTitle: Guide\nKind: Expert Roster\n"
    "Url: https://www.osce.example/guide?x=1\nLanguages: en, Russian, fr, EN\n"
    "---\n"
    "Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\nYear: 2012\n"
    "---\n"
    "Form: inventory\nEntity: KG\nKind: Institution\nTitle: T\n"
    "---\n"
    "Form: visit-consent\nVisit: CTC-VIS-2026-0003\nConsent: YES\n"
    "Recipients: all donors, UNODC\n");
  assert_int_equal (parse->records->len, 4);
  FormRecord *src = parse->records->pdata[0], *std = parse->records->pdata[1];
  FormRecord *inv = parse->records->pdata[2], *consent = parse->records->pdata[3];
  assert_clean (src);
  assert_string_equal (col (src, "kind"), "expert-roster");
  assert_string_equal (col (src, "url"), "https://www.osce.example/guide?x=1");
  assert_string_equal (col (src, "languages"), "[\"en\",\"ru\",\"fr\"]");
  assert_string_equal (src->owner, "OSCE");
  assert_clean (std);
  assert_string_equal (col (std, "year"), "2012");
  assert_string_equal (std->owner, "UNODC");
  assert_clean (inv);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *year = g_strdup_printf ("%d", g_date_time_get_year (now));
  assert_string_equal (col (inv, "year"), year);
  assert_clean (consent);
  assert_string_equal (col (consent, "consent"), "yes");
  assert_string_equal (col (consent, "recipients"), "[\"all-donors\",\"UNODC\"]");
  assert_null (consent->owner);
  assert_record_problem ("Form: visit-information\nVisit: CTC-OFF-2026-0003\nInformation: x\n",
                         "line 2: field \"Visit\": \"CTC-OFF-2026-0003\" is not a visit "
                         "(VIS) reference");
  assert_record_problem ("Form: visit-consent\nVisit: CTC-MTG-2026-0003\nConsent: no\n",
                         "line 2: field \"Visit\": \"CTC-MTG-2026-0003\" is not a visit "
                         "(VIS) reference");
}

/* ---- keys, kinds, suggestions ----------------------------------------------- */

/* The example of docs/submissions.md section 7, word for word. */
static void
test_unknown_key (void **state)
{
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Phone: 12345\nTitle: x\nEmial: a@b.example\n",
                         "line 7: unknown field \"Emial\"; did you mean \"Email\"?");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Colour: blue\n",
                         "line 5: unknown field \"Colour\"");
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n"
                         "Phone: 12345\n",
                         "line 5: field \"Phone\" is not part of form \"standard\"");
}

/* Form: names a kind, any case, space - _ alike; else the closest one. */
static void
test_kinds (void **state)
{
  assert_ptr_equal (form_kind_find ("Assistance Offer"), &form_assistance_offer);
  assert_ptr_equal (form_kind_find ("ASSISTANCE_OFFER"), &form_assistance_offer);
  assert_ptr_equal (form_kind_find ("  contact--point "), &form_contact_point);
  assert_null (form_kind_find ("offer"));
  assert_null (form_kind_find (NULL));
  assert_record_problem ("Form: assistance-ofer\nTitle: x\n",
                         "line 1: unknown form \"assistance-ofer\"; did you mean "
                         "\"assistance-offer\"?");
  assert_record_problem ("Form: Visit Consnet\n",
                         "line 1: unknown form \"Visit Consnet\"; did you mean "
                         "\"visit-consent\"?");
  assert_record_problem ("Form: lunch\n",
                         "line 1: unknown form \"lunch\"; the forms are contact-point, "
                         "assistance-offer, assistance-request, assistance-result, "
                         "information-source, standard, inventory, visit-information, "
                         "visit-consent");
  g_autoptr(FormParse) parse = parse_check ("Form:\nTitle: x\n");
  FormRecord *rec = only_record (parse);
  assert_null (rec->kind);
  assert_true (g_str_has_prefix (((FormProblem *) rec->problems->pdata[0])->message,
                                 "no form named; the forms are contact-point,"));
}

/* Keys: case, separators, accents, a required-field star. */
static void
test_key_folding (void **state)
{
  const char *start[] = { "Start", "start", "Start date", "start-date", "START_DATE",
                          "start  _ date", "Date de début", "DATE DE DEBUT", NULL };
  for (guint i = 0; start[i]; i++)
    assert_string_equal (form_key_canonical (start[i]), "Start");
  const char *email[] = { "Email", "E-mail", "E_MAIL", "email*", "Email *", "Courriel",
                          "Adresse électronique", "adresse electronique",
                          "Correo electrónico", "CORREO ELECTRONICO",
                          "Электронная почта", "ЭЛЕКТРОННАЯ ПОЧТА",
                          "البريد الإلكتروني", "البريد الالكتروني", "电子邮件", NULL };
  for (guint i = 0; email[i]; i++)
    assert_string_equal (form_key_canonical (email[i]), "Email");
  assert_string_equal (form_key_canonical ("Référence"), "Reference");
  assert_string_equal (form_key_canonical ("Reference"), "Reference");
  assert_string_equal (form_key_canonical ("Formulaire"), "Form");
  assert_string_equal (form_key_canonical ("Государство"), "State");
  assert_string_equal (form_key_canonical ("Estado"), "State");
  assert_string_equal (form_key_canonical ("Situación"), "Status");
  assert_null (form_key_canonical ("Emial"));
  assert_null (form_key_canonical (""));
  assert_null (form_key_canonical ("*"));
  assert_null (form_key_canonical (NULL));
}

/* Every key of every form in the six UN languages. */
static void
test_multilingual_records (void **state)
{
  const char *texts[] = {
    "Formulaire: contact-point\nEntité: KZ\nNom: Aïgerim\nCourriel: a@mfa.example\n"
    "Téléphone: +7 7172 720518\nLangues: fr, ru\nRôle: alternate\n",
    "Formulario: contact-point\nEntidad: KZ\nNombre: Aigerim\nCorreo electrónico: a@mfa.example\n"
    "Teléfono: +7 7172 720518\nIdiomas: fr, ru\nFunción: alternate\n",
    "Форма: contact-point\nСубъект: KZ\nИмя: Айгерим\nЭлектронная почта: a@mfa.example\n"
    "Телефон: +7 7172 720518\nЯзыки: fr, ru\nРоль: alternate\n",
    "النموذج: contact-point\nالكيان: KZ\nالاسم: أيغريم\nالبريد الإلكتروني: a@mfa.example\n"
    "الهاتف: +7 7172 720518\nاللغات: fr, ru\nالدور: alternate\n",
    "表格：contact-point\n实体：KZ\n姓名：艾格里姆\n电子邮件：a@mfa.example\n"
    "电话：+7 7172 720518\n语言：fr, ru\n角色：alternate\n",
    NULL,
  };
  for (guint i = 0; texts[i]; i++)
    {
      g_autoptr(FormParse) parse = parse_check (texts[i]);
      FormRecord *rec = only_record (parse);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, &form_contact_point);
      assert_string_equal (col (rec, "email"), "a@mfa.example");
      assert_string_equal (col (rec, "languages"), "[\"fr\",\"ru\"]");
      assert_string_equal (col (rec, "role"), "alternate");
    }
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-offer\nFournisseur: UNODC\nTitre: Atelier\nDomaines: other\n"
    "Bénéficiaires: Central Asia, KZ\nDébut: 2026-03-02\nDate de fin: 2026-03-06\n"
    "Statut: ongoing\nObjectifs: o\nDescription: d\nContacts: a@b.example\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "beneficiaries"), "[\"Central Asia\",\"KZ\"]");
  assert_string_equal (col (rec, "end_date"), "2026-03-06");
  assert_string_equal (col (rec, "status"), "ongoing");
}

/* The language of a message's keys: the one most keys were written in;
 * at a tie the one preferred, else the first in form_languages; none
 * without keys.  A CSV header's cells count too. */
static void
test_keys_language (void **state)
{
  (void) state;
  static const struct { const char *text, *prefer, *language; } cases[] = {
    { "Форма: assistance-request\nГосударство: KZ\nОбласти: other\n", NULL, "ru" },
    { "表格：assistance-request\n国家：KZ\n领域：other\n", "en", "zh" },
    { "الاستمارة: standard\nالعنوان: t\n", NULL, "ar" },
    /* "Description" is French as well as English. */
    { "Formulaire: standard\nTitre: t\nDescription: d\n", "en", "fr" },
    { "Form: standard\nTitre: t\n", "fr", "fr" },
    { "Form: standard\nTitre: t\n", NULL, "en" },
    { "Form: standard\nTitre: t\n", "ru", "en" },
    { "Dear colleagues, nothing here.\n", "en", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FormParse) parse = parse_check (cases[i].text);
      const char *got = form_parse_language (parse, cases[i].prefer);
      if (g_strcmp0 (got, cases[i].language) != 0)
        fail_msg ("%s: %s, not %s", cases[i].text, got ? got : "NULL",
                  cases[i].language ? cases[i].language : "NULL");
    }
  g_autoptr (FormParse) parse = form_parse_new ();
  const char *csv = "Formulario,Estado,Ámbitos,Descripción\r\nassistance-request,KZ,other,d\r\n";
  form_parse_csv (parse, csv, strlen (csv), "a.csv", NULL);
  assert_string_equal (form_parse_language (parse, "en"), "es");
}

/* ---- values in the six official languages ---------------------------- */

/* Fails unless rec has a problem containing fragment. */
static void
assert_problem_has (const FormRecord *rec, const char *fragment)
{
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *s = form_problem_format (rec->problems->pdata[i]);
      if (strstr (s, fragment))
        return;
    }
  print_message ("expected a problem with: %s\n", fragment);
  print_problems (rec);
  fail ();
}

/* One request, one contact point, one offer and one consent per language,
 * every value written in that language (terms.c). */
static const struct {
  const char *request;    /* Priority high, areas terrorist-financing and border-control */
  const char *contact;    /* Role alternate, area criminal-justice */
  const char *offer;      /* Status ongoing, Beneficiaries all */
  const char *consent;    /* Consent yes, Recipients all-donors */
} native[] = {
  { "Form: assistance-request\nState: KZ\nAreas: terrorist-financing, border-control\n"
    "Description: d\nPriority: high\n",
    "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@mfa.example\nRole: alternate\n"
    "Areas: criminal-justice\n",
    "Form: assistance-offer\nProvider: UNODC\nTitle: t\nAreas: other\nBeneficiaries: all\n"
    "Status: ongoing\n",
    "Form: visit-consent\nVisit: CTC-VIS-2026-0001\nConsent: yes\nRecipients: all-donors\n" },
  { "Formulaire : demande d'assistance\nÉtat : KZ\n"
    "Domaines : financement-du-terrorisme, Contrôle des frontières\n"
    "Description : d\nPriorité : haute\n",
    "Formulaire : point focal\nEntité : KZ\nNom : A\nCourriel : a@mfa.example\n"
    "Rôle : suppléant\nDomaines : justice pénale\n",
    "Formulaire : offre d’assistance\nFournisseur : UNODC\nTitre : t\nDomaines : autre\n"
    "Bénéficiaires : tous\nStatut : en cours\n",
    "Formulaire : consentement à la visite\nVisite : CTC-VIS-2026-0001\nConsentement : oui\n"
    "Destinataires : tous les donateurs\n" },
  { "Formulario: solicitud de asistencia\nEstado: KZ\n"
    "Ámbitos: financiación del terrorismo; control de fronteras\n"
    "Descripción: d\nPrioridad: alta\n",
    "Formulario: punto focal\nEntidad: KZ\nNombre: A\nCorreo: a@mfa.example\n"
    "Función: suplente\nÁmbitos: justicia penal\n",
    "Formulario: oferta de asistencia\nProveedor: UNODC\nTítulo: t\nÁmbitos: otro\n"
    "Beneficiarios: todos\nSituación: en curso\n",
    "Formulario: consentimiento para la visita\nVisita: CTC-VIS-2026-0001\n"
    "Consentimiento: sí\nDestinatarios: todos los donantes\n" },
  { "Форма: запрос о помощи\nГосударство: KZ\n"
    "Области: финансирование терроризма, пограничный контроль\n"
    "Описание: d\nПриоритет: высокий\n",
    "Форма: координатор\nСубъект: KZ\nИмя: A\nПочта: a@mfa.example\n"
    "Роль: заместитель\nОбласти: уголовное правосудие\n",
    "Форма: предложение помощи\nПоставщик: UNODC\nНазвание: t\nОбласти: другое\n"
    "Бенефициары: все\nСтатус: осуществляется\n",
    "Форма: согласие на визит\nВизит: CTC-VIS-2026-0001\nСогласие: да\n"
    "Получатели: все доноры\n" },
  { "النموذج: طلب مساعدة\nالدولة: KZ\n"
    "المجالات: تمويل الإرهاب، مراقبة الحدود\n"
    "الوصف: d\nالأولوية: عالية\n",
    "النموذج: جهة تنسيق\nالكيان: KZ\nالاسم: A\nالبريد الإلكتروني: a@mfa.example\n"
    "الدور: مناوب\nالمجالات: العدالة الجنائية\n",
    "النموذج: عرض مساعدة\nمقدم: UNODC\nالعنوان: t\nالمجالات: أخرى\n"
    "المستفيدون: الجميع\nالحالة: قيد التنفيذ\n",
    "النموذج: الموافقة على الزيارة\nالزيارة: CTC-VIS-2026-0001\nالموافقة: نعم\n"
    "المستلمون: جميع المانحين\n" },
  { "表格：援助请求\n国家：KZ\n领域：资助恐怖主义，边境管制\n说明：d\n优先级：高\n",
    "表格：联络点\n实体：KZ\n姓名：A\n电子邮件：a@mfa.example\n角色：候补\n领域：刑事司法\n",
    "表格：援助提议\n提供方：UNODC\n标题：t\n领域：其他\n受益方：全部\n状态：进行中\n",
    "表格：访问同意\n访问：CTC-VIS-2026-0001\n同意：是\n收件人：所有捐助方\n" },
};

/* Form names, areas, priorities, statuses, roles, yes and "all" are
 * understood in ar, en, es, fr, ru and zh, and stored as the English word. */
static void
test_values_six_languages (void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS (native); i++)
    {
      print_message ("language %u\n", i);
      g_autoptr(FormParse) request = parse_check (native[i].request);
      FormRecord *rec = only_record (request);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, &form_assistance_request);
      assert_string_equal (col (rec, "priority"), "high");
      assert_string_equal (col (rec, "areas"), "[\"terrorist-financing\",\"border-control\"]");
      g_autoptr(FormParse) contact = parse_check (native[i].contact);
      rec = only_record (contact);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, &form_contact_point);
      assert_string_equal (col (rec, "role"), "alternate");
      assert_string_equal (col (rec, "areas"), "[\"criminal-justice\"]");
      g_autoptr(FormParse) offer = parse_check (native[i].offer);
      rec = only_record (offer);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, &form_assistance_offer);
      assert_string_equal (col (rec, "status"), "ongoing");
      assert_string_equal (col (rec, "areas"), "[\"other\"]");
      assert_string_equal (col (rec, "beneficiaries"), "[\"all\"]");
      g_autoptr(FormParse) consent = parse_check (native[i].consent);
      rec = only_record (consent);
      assert_clean (rec);
      assert_ptr_equal (rec->kind, &form_visit_consent);
      assert_string_equal (col (rec, "consent"), "yes");
      assert_string_equal (col (rec, "recipients"), "[\"all-donors\"]");
    }
}

/* Every form name, status, priority and role word has its counterpart in
 * each language; the words of one meaning never leak into another field. */
static void
test_value_words (void **state)
{
  const char *const statuses[] = { "planned", "ongoing", "completed", "withdrawn", NULL };
  assert_string_equal (form_term_value ("Achevée", statuses), "completed");
  assert_string_equal (form_term_value ("завершено", statuses), "completed");
  assert_string_equal (form_term_value ("已撤回", statuses), "withdrawn");
  assert_string_equal (form_term_value ("مسحوب", statuses), "withdrawn");
  assert_string_equal (form_term_value ("PREVISTO", statuses), "planned");
  const char *const roles[] = { "focal-point", "alternate", "technical", NULL };
  assert_string_equal (form_term_value ("Punto focal", roles), "focal-point");
  assert_string_equal (form_term_value ("координатор", roles), "focal-point");
  assert_string_equal (form_term_value ("技术人员", roles), "technical");
  assert_ptr_equal (form_kind_find ("Point focal"), &form_contact_point);
  assert_ptr_equal (form_kind_find ("source d'information"), &form_information_source);
  assert_ptr_equal (form_kind_find ("источник информации"), &form_information_source);
  assert_ptr_equal (form_kind_find ("norma"), &form_standard);
  assert_ptr_equal (form_kind_find ("清单"), &form_inventory);
  assert_ptr_equal (form_kind_find ("معلومات الزيارة"), &form_visit_information);
  assert_ptr_equal (form_kind_find ("Résultat de l’assistance"), &form_assistance_result);
  /* A role is not a status, a priority not a yes. */
  assert_null (form_term_value ("координатор", statuses));
  const char *const yes_no[] = { "yes", "no", NULL };
  assert_null (form_term_value ("高", yes_no));
  assert_string_equal (form_term_value ("нет", yes_no), "no");
  /* Languages by name in each language, and ISO 639-2 codes. */
  g_autoptr(FormParse) langs = parse_check (
    "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@mfa.example\n"
    "Languages: français, Español, русский, العربية, 英文, zho, de\n");
  FormRecord *rec = only_record (langs);
  assert_clean (rec);
  assert_string_equal (col (rec, "languages"), "[\"fr\",\"es\",\"ru\",\"ar\",\"en\",\"zh\",\"de\"]");
  assert_string_equal (form_term_suggest ("Englsh", (const char *const []) { "en", NULL }),
                       "english");
  assert_string_equal (form_term_suggest ("францзский", (const char *const []) { "fr", NULL }),
                       "французский");
  assert_string_equal (form_term_value ("不同意", yes_no), "no");
}

/* Whether the value of every FIELD_CHOICE of every form, every form name
 * and "withdraw" has a name in lang that reads back as it; in ar, ru and
 * zh a name in the language's own alphabet. */
static void
assert_named_in (const char *lang, GUnicodeScript script)
{
  const char *names[16] = { NULL };
  for (guint i = 0; form_kinds[i] && i + 1 < G_N_ELEMENTS (names); i++)
    names[i] = form_kinds[i]->name;
  GPtrArray *lists = g_ptr_array_new ();
  g_ptr_array_add (lists, names);
  g_ptr_array_add (lists, (gpointer) (const char *const []) { "withdraw", NULL });
  for (guint i = 0; form_kinds[i]; i++)
    for (guint j = 0; j < form_kinds[i]->n_fields; j++)
      if (form_kinds[i]->fields[j].type == FIELD_CHOICE)
        g_ptr_array_add (lists, (gpointer) form_kinds[i]->fields[j].choices);
  for (guint i = 0; i < lists->len; i++)
    for (const char *const *v = lists->pdata[i]; *v; v++)
      {
        const char *name = form_term_name (*v, lang);
        print_message ("%s: %s -> %s\n", lang, *v, name);
        assert_string_equal (form_term_value (name, lists->pdata[i]), *v);
        if (script != G_UNICODE_SCRIPT_LATIN)
          assert_int_equal (form_script_of (name), script);
      }
  g_ptr_array_free (lists, TRUE);
}

/* An answer names values in its language: the first word of terms.c in
 * that language, one that is read back; the kinds of sources and of the
 * inventory and the action have words in every language. */
static void
test_value_names (void **state)
{
  assert_named_in ("ar", G_UNICODE_SCRIPT_ARABIC);
  assert_named_in ("ru", G_UNICODE_SCRIPT_CYRILLIC);
  assert_named_in ("zh", G_UNICODE_SCRIPT_HAN);
  assert_named_in ("es", G_UNICODE_SCRIPT_LATIN);
  assert_named_in ("fr", G_UNICODE_SCRIPT_LATIN);
  assert_string_equal (form_term_name ("assistance-request", "fr"), "demande d'assistance");
  assert_string_equal (form_term_name ("expert-roster", "es"), "lista de expertos");
  assert_string_equal (form_term_name ("high", "en"), "high");
  assert_string_equal (form_term_name ("high", "de"), "high");
  const char *const source_kinds[] = { "publication", "database", "training", "expert-roster",
                                       "funding", "legislative-guide", "other", NULL };
  assert_string_equal (form_term_value ("Base de données", source_kinds), "database");
  assert_string_equal (form_term_value ("реестр экспертов", source_kinds), "expert-roster");
  assert_string_equal (form_term_value ("الدليل التشريعي", source_kinds), "legislative-guide");
  assert_string_equal (form_term_value ("培训", source_kinds), "training");
  /* The words of the sources reminder (templates/sources-reminder.*.txt). */
  assert_string_equal (form_term_value ("руководство по законодательству", source_kinds),
                       "legislative-guide");
  assert_string_equal (form_term_value ("غير ذلك", source_kinds), "other");
  const char *const inventory_kinds[] = { "activity", "mechanism", "institution", NULL };
  assert_string_equal (form_term_value ("Mecanismo", inventory_kinds), "mechanism");
  assert_null (form_term_value ("formation", inventory_kinds));
  g_autoptr(FormParse) withdraw = parse_check (
    "Formulaire : inventaire\nRéférence : CTC-INV-2026-0001\nAction : Retirer\n");
  FormRecord *rec = only_record (withdraw);
  assert_clean (rec);
  assert_true (rec->withdraw);
}

/* Full-width separators: "：" after the key, "，" "；" "、" between items,
 * full-width letters read as ASCII (NFKC). */
static void
test_full_width (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "表格：援助请求\n国家：ＫＺ\n领域：司法协助、刑事司法；人权\n说明：d\n优先级：中\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "state_code"), "KZ");
  assert_string_equal (col (rec, "priority"), "medium");
  assert_string_equal (col (rec, "areas"),
                       "[\"mutual-legal-assistance\",\"criminal-justice\",\"human-rights\"]");
  assert_string_equal (form_term_value ("ＨＩＧＨ", (const char *const []) { "high", NULL }),
                       "high");
}

/* Marks of bidirectional text (RLM, LRM, isolates, a BOM) at either end of
 * a key, a value or a continuation line are not part of them: Arabic mail,
 * the gateway's own answers included, starts its lines with an RLM. */
static void
test_bidi_marks (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "\u200f\u0627\u0644\u0646\u0645\u0648\u0630\u062c: \u0637\u0644\u0628 \u0645\u0633\u0627\u0639\u062f\u0629\n"
    "\u200f\u0627\u0644\u062f\u0648\u0644\u0629: \u2068KZ\u2069\u200f\n"
    "\ufeff\u200e\u0627\u0644\u0645\u062c\u0627\u0644\u0627\u062a\u200f: \u200fborder-control\n"
    "\u200f\u0627\u0644\u0648\u0635\u0641: d\n\u200f   e\u200f\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "state_code"), "KZ");
  assert_string_equal (col (rec, "areas"), "[\"border-control\"]");
  assert_string_equal (col (rec, "description"), "d\ne");
}

/* "Did you mean" in the alphabet and language of what was written. */
static void
test_value_suggestions (void **state)
{
  const char *const priorities[] = { "high", "medium", "low", NULL };
  assert_string_equal (form_term_suggest ("высокй", priorities), "высокий");
  assert_string_equal (form_term_suggest ("hihg", priorities), "high");
  assert_string_equal (form_term_suggest ("متوسطه", priorities), "متوسطة");
  assert_string_equal (form_term_suggest ("Financement du terorisme", form_areas),
                       "financement du terrorisme");
  assert_string_equal (form_term_suggest ("пограничный контрол", form_areas),
                       "пограничный контроль");
  g_autoptr(FormParse) parse = parse_check (
    "Форма: запрос о помощи\nГосударство: KZ\nОбласти: уголовное правосудиe\n"
    "Описание: d\nПриоритет: высокй\n");
  FormRecord *rec = only_record (parse);
  assert_problem_has (rec, "did you mean \"высокий\"?");
  g_autoptr(FormParse) kind = parse_check ("Форма: координатр\nСубъект: KZ\n");
  assert_problem_has (only_record (kind), "did you mean \"координатор\"?");
}

/* Did-you-mean: Damerau-Levenshtein on folded text, within max(2, len/3). */
static void
test_suggest (void **state)
{
  const char *keys[] = { "Entity", "Name", "Email", "Title", NULL };
  assert_string_equal (form_suggest ("Emial", keys), "Email");
  assert_string_equal (form_suggest ("EMAIL", keys), "Email");
  assert_string_equal (form_suggest ("Entiy", keys), "Entity");
  assert_string_equal (form_suggest ("nmae", keys), "Name");
  assert_null (form_suggest ("Colour", keys));
  assert_null (form_suggest ("xx", keys));
  assert_null (form_suggest ("", keys));
  assert_null (form_suggest (NULL, keys));
  assert_string_equal (form_suggest ("terorist-finacing", form_areas), "terrorist-financing");
  /* Far in edits, but one area shares a word with it. */
  assert_string_equal (form_suggest ("border-security", form_areas), "border-control");
  assert_string_equal (form_suggest ("Financing of terrorism", form_areas), "terrorist-financing");
  assert_string_equal (form_suggest ("human rights law", form_areas), "human-rights");
  /* Two candidates share as many words: no guess; short words do not count. */
  const char *visits[] = { "visit-information", "visit-consent", "of-the-and", NULL };
  assert_null (form_suggest ("visit-dates", visits));
  assert_null (form_suggest ("rest-of-the-text", visits));
  g_autofree char *long_word = g_strnfill (5000, 'a');
  assert_null (form_suggest (long_word, keys));
}

/* ---- where records are read from --------------------------------------------- */

/* Greetings before the first Form: are not read, colons or not. */
static void
test_greeting_skipped (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Dear colleagues,\n"
    "Please find below: our contact point.\n"
    "Name: not a record yet\n"
    "\n"
    "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_int_equal (rec->line, 5);
  assert_string_equal (col (rec, "name"), "A");
}

/* Lines quoted with ">" are not read. */
static void
test_quoted_skipped (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "> Form: standard\n> Title: old\n"
    "Form: contact-point\nEntity: KZ\n> Name: quoted\nName: A\nEmail: a@b.example\n"
    ">Form: inventory\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "name"), "A");
}

/* Nothing after a signature delimiter is read. */
static void
test_signature (void **state)
{
  const char *delimiters[] = { "-- ", "--", "--\t", NULL };
  for (guint i = 0; delimiters[i]; i++)
    {
      g_autofree char *text = g_strdup_printf (
        "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n%s\n"
        "Phone: 555-0100\nForm: inventory\n", delimiters[i]);
      g_autoptr(FormParse) parse = parse_check (text);
      FormRecord *rec = only_record (parse);
      assert_clean (rec);
      assert_null (col (rec, "phone"));
    }
}

/* Parses and checks a FormText with the default limits. */
static FormParse *
parse_check_text (const FormText *text)
{
  FormParse *parse = form_parse_new ();
  form_parse_text_from (parse, text, NULL);
  form_check (parse, &lookup, NULL);
  return parse;
}

/* A forwarded message is read after its separator, in the forms mail
 * programs write it; the record is marked forwarded, the sender's own
 * record before it is not, and the forwarded headers are no field. */
static void
test_forward_separators (void **state)
{
  static const struct { gboolean subject; const char *head; } forwards[] = {
    { FALSE, "---------- Forwarded message ---------\nFrom: M <m@x.example>\n"
             "Date: Mon, 2 Mar 2026 at 10:00\nSubject: CP\nTo: a@b.example\n" },
    { FALSE, "-------- Forwarded Message --------\nSubject: CP\nDate: Mon\nFrom: M\n" },
    { FALSE, "-------- Message transféré --------\nSujet : CP\nDate : lun.\nDe : M\n" },
    { FALSE, "-------- Mensaje reenviado --------\nAsunto: CP\nDe: M\n" },
    { FALSE, "-------- Перенаправленное сообщение --------\nТема: CP\nОт: M\n" },
    { FALSE, "---------- الرسالة المعاد توجيهها ---------\nمن: M\n" },
    { FALSE, "-------- 转发的消息 --------\n主题： CP\n发件人： M\n" },
    { FALSE, "Begin forwarded message:\n\nFrom: M <m@x.example>\nSubject: CP\n"
             "Date: 2 March 2026 at 10:00:00 CET\nTo: a@b.example\n" },
    { FALSE, "Début du message réexpédié :\n\nDe: M\nObjet: CP\n" },
    { FALSE, "Начало переадресованного сообщения:\n\nОт: M\n" },
    { TRUE, "-----Original Message-----\nFrom: M\nSent: Monday\nTo: A\nSubject: CP\n" },
    { TRUE, "-------- Original Message --------\nSubject: CP\nDate: Mon\nFrom: M\n" },
    { TRUE, "From: M <m@x.example>\nSent: Monday, March 2, 2026 10:00 AM\nTo: A\n"
            "Subject: CP\n" },
    { TRUE, "De : M\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : A\nObjet : CP\n" },
    { TRUE, "От: M\nОтправлено: 2 марта 2026 г.\nКому: A\nТема: CP\n" },
    { TRUE, "发件人: M\n发送时间: 2026年3月2日\n收件人: A\n主题: CP\n" },
    { TRUE, "من: M\nتاريخ الإرسال: الاثنين، 2 مارس 2026\nإلى: A\nالموضوع: CP\n" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (forwards); i++)
    {
      g_autofree char *body = g_strdup_printf (
        "Form: inventory\nEntity: KG\n\n-- \nA. Sender\n\n%s\n"
        "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n", forwards[i].head);
      FormText text = { .text = body, .forward_subject = forwards[i].subject };
      g_autoptr(FormParse) parse = parse_check_text (&text);
      print_message ("%s\n", forwards[i].head);
      assert_int_equal (parse->records->len, 2);
      FormRecord *own = parse->records->pdata[0], *forwarded = parse->records->pdata[1];
      assert_false (own->forwarded);
      assert_true (forwarded->forwarded);
      assert_string_equal (forwarded->kind_name, "contact-point");
      assert_clean (forwarded);
    }
}

/* Without a forward's subject, "Original Message" and the Outlook block
 * are a reply's quotation: nothing after them is read, not even after a
 * forward separator further down. */
static void
test_forward_needs_subject (void **state)
{
  FormText text = { .text = "Form: inventory\nEntity: KG\n\n-----Original Message-----\n"
                            "From: M\nSent: Monday\n\nForm: contact-point\nEntity: KZ\n"
                            "---------- Forwarded message ---------\nFrom: N\n\n"
                            "Form: contact-point\nEntity: KZ\n" };
  g_autoptr(FormParse) parse = parse_check_text (&text);
  assert_int_equal (parse->records->len, 1);
  assert_false (((FormRecord *) parse->records->pdata[0])->forwarded);
  assert_true (form_subject_is_forward ("Fwd: offer"));
  assert_true (form_subject_is_forward ("TR: offre"));
  assert_true (form_subject_is_forward ("RV: oferta"));
  assert_true (form_subject_is_forward ("Пересл: предложение"));
  assert_true (form_subject_is_forward ("转发: 提议"));
  assert_true (form_subject_is_forward ("إعادة توجيه: عرض"));
  assert_false (form_subject_is_forward ("Re: Fwd: offer"));
  assert_false (form_subject_is_forward ("Forward planning"));
  assert_false (form_subject_is_forward (NULL));
}

/* An attached message's text is forwarded from its first line. */
static void
test_forward_whole_text (void **state)
{
  FormText text = { .text = "Form: inventory\nEntity: KG\n", .source = "fwd.eml",
                    .forwarded = TRUE };
  g_autoptr(FormParse) parse = parse_check_text (&text);
  FormRecord *rec = only_record (parse);
  assert_true (rec->forwarded);
  assert_string_equal (rec->source, "fwd.eml");
}

/* A soft line (after an HTML <br> inside a paragraph) that is no known
 * "Key: value" continues the value; a known key starts a field; a blank
 * line still ends the value; line numbers stay those of the text. */
static void
test_soft_lines (void **state)
{
  static const guint soft[] = { 3, 4, 5, 8 };
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_vals (lines, soft, G_N_ELEMENTS (soft));
  FormText text = { .text = "Form: standard\nTitle: Regional workshop on border\nsecurity\n"
                            "Issuer: UNODC\nAreas: other\n\nSummary: S\nhttps://x.example/a\n"
                            "Oops\n",
                    .soft_lines = lines };
  g_autoptr(FormParse) parse = parse_check_text (&text);
  FormRecord *rec = only_record (parse);
  print_problems (rec);
  assert_string_equal (col (rec, "title"), "Regional workshop on border\nsecurity");
  assert_string_equal (col (rec, "issuer"), "UNODC");
  assert_string_equal (col (rec, "summary"), "S\nhttps://x.example/a");
  assert_int_equal (form_record_line (rec, "Summary"), 7);
  /* Line 9 is not soft: a line that is no field, after which none comes. */
  assert_clean (rec);

  /* The same lines, none soft: line 3 is no field, line 8 an unknown one. */
  FormText hard = { .text = text.text };
  g_autoptr(FormParse) again = parse_check_text (&hard);
  rec = only_record (again);
  assert_int_equal (rec->problems->len, 2);
  assert_int_equal (((FormProblem *) rec->problems->pdata[0])->line, 3);
  assert_int_equal (((FormProblem *) rec->problems->pdata[0])->code, PROBLEM_EXPECTED_KEY);
}

/* Nothing after a reply header is read, in the forms mail programs write. */
static void
test_reply_headers (void **state)
{
  const char *headers[] = {
    "On Mon, 2 Mar 2026 at 10:00, John Doe <j.doe@unodc.example> wrote:",
    "On Mon, 2 Mar 2026 at 10:00, John Doe <\nj.doe@unodc.example> wrote:",
    "Le lun. 2 mars 2026 à 10:00, Jean Dupont <j@x.example> a écrit :",
    "El lun, 2 mar 2026 a las 10:00, Juan (<j@x.example>) escribió:",
    "02.03.2026 10:00, Иван Иванов пишет:",
    "2026年3月2日 10:00，张三 <z@x.example> 写道：",
    "-----Original Message-----",
    "-----Message d'origine-----",
    "From: John Doe <j.doe@unodc.example>\nSent: Monday, March 2, 2026 10:00 AM",
    "________________________________\nFrom: John Doe\nTo: CTC\nSent: Monday",
    "De : Jean Dupont\nEnvoyé : lundi 2 mars 2026 10:00",
    "De: Juan\nEnviado el: lunes",
    "От: Иван\nОтправлено: 2 марта 2026 г.",
    "发件人: 张三\n发送时间: 2026年3月2日",
    NULL,
  };
  for (guint i = 0; headers[i]; i++)
    {
      g_autofree char *text = g_strdup_printf (
        "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n\n%s\n\n"
        "Form: inventory\nEntity: KG\n", headers[i]);
      g_autoptr(FormParse) parse = parse_check (text);
      print_message ("%s\n", headers[i]);
      FormRecord *rec = only_record (parse);
      assert_clean (rec);
    }
  /* Text that merely looks like it stays part of the record. */
  g_autoptr(FormParse) parse = parse_check (
    "Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n"
    "Summary: The minister wrote:\n  an article.\n"
    "Citation: From: the gazette\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "summary"), "The minister wrote:\nan article.");
  assert_string_equal (col (rec, "citation"), "From: the gazette");
}

/* "---" separates records; closing lines after the last field are not
 * fields, while text between fields is a problem. */
static void
test_separators_and_strays (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n---\n"
    "Form: inventory\nEntity: KG\nKind: activity\nTitle: T\n---\n\n"
    "Best regards,\nAigerim\n");
  assert_int_equal (parse->records->len, 2);
  assert_clean (parse->records->pdata[0]);
  assert_clean (parse->records->pdata[1]);
  assert_record_problem ("Form: standard\nTitle: T\nthis is no field\nIssuer: UNODC\n"
                         "Areas: other\n",
                         "line 3: expected \"Key: value\"");
}

/* Continuation lines, blank lines inside a value, CRLF and CR endings. */
static void
test_continuation (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: standard\r\nTitle:\r\n   Model law\r\n\tprovisions\r\nIssuer: UNODC\r\n"
    "Areas: other\r\nSummary: first\r\n\r\n  second paragraph\rCitation: c\r");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "title"), "Model law\nprovisions");
  assert_string_equal (col (rec, "summary"), "first\n\nsecond paragraph");
  assert_string_equal (col (rec, "citation"), "c");
  FormValue *v = rec->values->pdata[3];
  assert_string_equal (v->key, "Summary");
  assert_int_equal (v->line, 7);
}

/* ---- values ------------------------------------------------------------------- */

/* Repeating a single-valued key is a problem; list keys add up. */
static void
test_repeated_key (void **state)
{
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\nTitle: U\n",
                         "line 5: field \"Title\" is given more than once (first at line 2)");
  g_autoptr(FormParse) parse = parse_check (
    "Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\nAreas: border-control, other\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (col (rec, "areas"), "[\"other\",\"border-control\"]");
}

/* Dates are real calendar dates; years are years. */
static void
test_dates (void **state)
{
  const char *bad[] = { "2026-02-30", "2026-3-2", "02/03/2026", "2026-13-01",
                        "1850-01-01", "2026-02-2x", NULL };
  for (guint i = 0; bad[i]; i++)
    {
      g_autofree char *text = g_strdup_printf (
        "Form: assistance-offer\nProvider: UNODC\nTitle: T\nAreas: other\nStart: %s\n", bad[i]);
      g_autofree char *expected = g_strdup_printf (
        "line 5: field \"Start\": \"%s\" is not a date like 2026-03-02", bad[i]);
      assert_record_problem (text, expected);
    }
  assert_record_problem ("Form: assistance-offer\nProvider: UNODC\nTitle: T\nAreas: other\n"
                         "Start: 2024-02-29\nEnd: 2024-02-28\n",
                         "line 6: field \"End\": 2024-02-28 is before the start, 2024-02-29");
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\nYear: 26\n",
                         "line 5: field \"Year\": \"26\" is not a year like 2026");
}

/* Email addresses: one addr-spec, domain lower-cased. */
static void
test_emails (void **state)
{
  const char *bad[] = { "j.doe", "j.doe@", "@unodc.example", "j doe@unodc.example",
                        "j@doe@unodc.example", "j..doe@unodc.example", ".j@unodc.example",
                        "j@unodc", "j@-unodc.example", "j@unodc..example", "j@1.2.3.4",
                        NULL };
  for (guint i = 0; bad[i]; i++)
    {
      g_autofree char *text = g_strdup_printf (
        "Form: contact-point\nEntity: KZ\nName: A\nEmail: %s\n", bad[i]);
      g_autofree char *expected = g_strdup_printf (
        "line 4: field \"Email\": \"%s\" is not an email address", bad[i]);
      assert_record_problem (text, expected);
    }
  g_autoptr(FormParse) parse = parse_check (
    "Form: contact-point\nEntity: KZ\nName: A\nEmail: Aigerim <Ai+cp@Mfa.Example>\n");
  assert_string_equal (col (only_record (parse), "email"), "Ai+cp@mfa.example");
  assert_record_problem ("Form: assistance-offer\nProvider: UNODC\nTitle: T\nAreas: other\n"
                         "Contacts: a@b.example, nobody\n",
                         "line 5: field \"Contacts\": \"nobody\" is not an email address");
}

/* Areas, choices, languages and entities come with the closest valid one. */
static void
test_codes_with_suggestions (void **state)
{
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: terorist-financing\n",
                         "line 4: field \"Areas\": unknown area \"terorist-financing\"; "
                         "did you mean \"terrorist-financing\"?");
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: cooking\n",
                         "line 4: field \"Areas\": unknown area \"cooking\"");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Role: alternat\n",
                         "line 5: field \"Role\": \"alternat\" is not one of focal-point, "
                         "alternate, technical; did you mean \"alternate\"?");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Role: boss\n",
                         "line 5: field \"Role\": \"boss\" is not one of focal-point, "
                         "alternate, technical");
  assert_record_problem ("Form: assistance-offer\nProvider: UNDOC\nTitle: T\nAreas: other\n",
                         "line 2: field \"Provider\": unknown State or organization "
                         "\"UNDOC\"; did you mean \"UNODC\"?");
  assert_record_problem ("Form: assistance-offer\nProvider: UNODC\nTitle: T\nAreas: other\n"
                         "Beneficiaries: Kazakstan, all\n",
                         "line 5: field \"Beneficiaries\": unknown State or organization "
                         "\"Kazakstan\"; did you mean \"Kazakhstan\"?");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Languages: en, eng, 123\n",
                         "line 5: field \"Languages\": unknown language code (ISO 639-1) \"123\"");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Languages: enn\n",
                         "line 5: field \"Languages\": unknown language code (ISO 639-1) "
                         "\"enn\"; did you mean \"en\"?");
}

/* URLs, telephone numbers, references, empty lists. */
static void
test_other_values (void **state)
{
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n"
                         "Url: ftp://x.example/\n",
                         "line 5: field \"Url\": \"ftp://x.example/\" is not an http or "
                         "https address");
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n"
                         "Url: www.x.example\n",
                         "line 5: field \"Url\": \"www.x.example\" is not an http or "
                         "https address");
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\n"
                         "Phone: call me\n",
                         "line 5: field \"Phone\": \"call me\" is not a telephone number");
  assert_record_problem ("Form: assistance-result\nReference: CTC-XYZ-2026-1\nResults: x\n",
                         "line 2: field \"Reference\": \"CTC-XYZ-2026-1\" is not a "
                         "reference like CTC-OFF-2026-0042");
  assert_record_problem ("Form: standard\nTitle: T\nIssuer: UNODC\nAreas: , ;\n",
                         "line 4: field \"Areas\": no value given");
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-offer\nProvider: UNODC\nTitle: T\nAreas: other\nBeneficiaries: all\n"
    "Description:\n");
  assert_clean (only_record (parse));
  assert_string_equal (col (only_record (parse), "beneficiaries"), "[\"all\"]");
  assert_null (col (only_record (parse), "description"));
}

/* An empty value counts as absent: required fields stay required. */
static void
test_empty_values (void **state)
{
  assert_record_problem ("Form: contact-point\nEntity: KZ\nName:\nEmail: a@b.example\n"
                         "Title:\n",
                         "line 1: field \"Name\" is required");
}

/* ---- updates and withdrawals -------------------------------------------------- */

/* Reference: updates; only the fields given are checked and stored. */
static void
test_update (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: contact-point\nReference: ctc-cp-2026-0007\nPhone: +7 7172 720518\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_string_equal (rec->reference, "CTC-CP-2026-0007");
  assert_false (rec->withdraw);
  assert_string_equal (col (rec, "phone"), "+7 7172 720518");
  assert_int_equal (g_hash_table_size (rec->columns), 1);
  assert_null (rec->owner);
  assert_record_problem ("Form: contact-point\nReference: CTC-OFF-2026-0007\nPhone: 12345\n",
                         "line 2: reference \"CTC-OFF-2026-0007\" is not that of a record of"
                         " form \"contact-point\" (PREFIX-CP-YEAR-NUMBER)");
}

/* Action: withdraw needs only the Reference. */
static void
test_withdraw (void **state)
{
  g_autoptr(FormParse) parse = parse_check (
    "Form: assistance-offer\nReference: CTC-OFF-2026-0042\nAction: Withdraw\n");
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_true (rec->withdraw);
  assert_string_equal (rec->reference, "CTC-OFF-2026-0042");
  assert_record_problem ("Form: assistance-offer\nAction: withdraw\n",
                         "line 2: \"Action: withdraw\" needs the Reference of the record "
                         "to withdraw");
  assert_record_problem ("Form: assistance-offer\nReference: CTC-OFF-2026-0042\n"
                         "Action: delete\n",
                         "line 3: field \"Action\": \"delete\" is not an action; the only "
                         "one is \"withdraw\"");
  g_autoptr(FormParse) fr = parse_check (
    "Formulaire: inventory\nRéférence: CTC-INV-2025-0001\nAction: retirer\n");
  assert_true (only_record (fr)->withdraw);
  assert_clean (only_record (fr));
}

/* ---- limits -------------------------------------------------------------------- */

/* A value over the limit, on one line or through continuations. */
static void
test_value_limit (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  assert_int_equal (limits.value_max, 10000);
  assert_int_equal (limits.fields_max, 64);
  assert_int_equal (limits.records_max, 500);
  assert_int_equal (limits.message_max, 25 * 1024 * 1024);
  limits.value_max = 20;
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text (parse, "Form: standard\nTitle: 123456789012345678901\n"
                   "Summary: 1234567890\n  1234567890\n  more\n  more\n"
                   "Citation: éééééééééééééééééééé\n", NULL, &limits);
  form_check (parse, &lookup, &limits);
  FormRecord *rec = only_record (parse);
  assert_problem (rec, "line 2: field \"Title\" is longer than 20 characters");
  assert_problem (rec, "line 4: field \"Summary\" is longer than 20 characters");
  assert_false (has_problem (rec, "line 5: field \"Summary\" is longer than 20 characters"));
  assert_false (has_problem (rec, "line 7: field \"Citation\" is longer than 20 characters"));
  g_autofree char *big = g_strnfill (CTC_VALUE_MAX_DEFAULT + 1, 'x');
  g_autofree char *text = g_strdup_printf ("Form: standard\nTitle: %s\n", big);
  assert_record_problem (text, "line 2: field \"Title\" is longer than 10000 characters");
}

/* More fields in a record, or records in a message, than allowed. */
static void
test_fields_and_records_limits (void **state)
{
  CtcLimits limits = ctc_limits_default ();
  limits.fields_max = 3;
  limits.records_max = 2;
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text (parse, "Form: standard\nTitle: T\nIssuer: UNODC\nAreas: other\n"
                   "Year: 2001\nSummary: s\n"
                   "Form: standard\nForm: standard\nForm: standard\n", NULL, &limits);
  assert_int_equal (parse->records->len, 2);
  FormRecord *rec = parse->records->pdata[0];
  assert_int_equal (rec->values->len, 3);
  assert_problem (rec, "line 5: more than 3 fields in one record");
  assert_int_equal (rec->problems->len, 1);
  assert_int_equal (parse->problems->len, 1);
  g_autofree char *s = form_problem_format (parse->problems->pdata[0]);
  assert_string_equal (s, "more than 2 records in one message; the rest were not read");
  /* A second text of the same message adds no record and no second problem. */
  form_parse_text (parse, "Form: standard\n", "notes.txt", &limits);
  assert_int_equal (parse->records->len, 2);
  assert_int_equal (parse->problems->len, 1);
}

/* A line over CTC_LINE_MAX is a problem inside a record, ignored outside. */
static void
test_line_limit (void **state)
{
  g_autofree char *big = g_strnfill (CTC_LINE_MAX + 1, 'x');
  g_autofree char *text = g_strdup_printf ("%s\nForm: standard\nTitle: T\nIssuer: UNODC\n"
                                           "Areas: other\nSummary: %s\n", big, big);
  g_autoptr(FormParse) parse = parse_check (text);
  FormRecord *rec = only_record (parse);
  assert_problem (rec, "line 6: line longer than 20000 bytes");
  assert_int_equal (rec->problems->len, 1);
}

/* A record with endless problems keeps a bounded list of them. */
static void
test_problems_bounded (void **state)
{
  GString *text = g_string_new ("Form: standard\n");
  for (guint i = 0; i < 500; i++)
    g_string_append (text, "no field here\n");
  g_string_append (text, "Title: T\n");
  g_autoptr(FormParse) parse = parse_check (text->str);
  g_string_free (text, TRUE);
  FormRecord *rec = only_record (parse);
  assert_int_equal (rec->problems->len, FORM_PROBLEMS_MAX + 1);
}

/* ---- formats and odd input ----------------------------------------------------- */

/* Problems as the reply shows them. */
static void
test_problem_format (void **state)
{
  FormProblem body = { .source = NULL, .line = 7, .csv = FALSE, .field = "Email", .message = "unknown field \"Emial\"" };
  FormProblem txt = { .source = "notes.txt", .line = 4, .csv = FALSE, .field = NULL, .message = "x" };
  FormProblem csv = { .source = "offers.csv", .line = 3, .csv = TRUE, .field = NULL, .message = "y" };
  FormProblem message = { .source = NULL, .line = 0, .csv = FALSE, .field = NULL, .message = "too many\nrecords" };
  FormProblem file = { .source = "offers.csv", .line = 0, .csv = TRUE, .field = NULL, .message = "z" };
  const struct { FormProblem *p; const char *expected; } cases[] = {
    { &body, "line 7: unknown field \"Emial\"" },
    { &txt, "notes.txt line 4: x" },
    { &csv, "offers.csv row 3: y" },
    { &message, "too many records" },
    { &file, "offers.csv: z" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = form_problem_format (cases[i].p);
      assert_string_equal (s, cases[i].expected);
    }
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text (parse, "hello\nForm: standard\n", "notes.txt", NULL);
  form_check (parse, &lookup, NULL);
  assert_problem (only_record (parse), "notes.txt line 2: field \"Title\" is required");
}

/* JSON arrays of strings, escaped. */
static void
test_json_array (void **state)
{
  const char *items[] = { "KZ", "a\"b\\c", "line\nbreak", "Қазақстан", NULL };
  g_autofree char *all = form_json_array (items, -1);
  assert_string_equal (all, "[\"KZ\",\"a\\\"b\\\\c\",\"line\\u000abreak\",\"Қазақстан\"]");
  g_autofree char *two = form_json_array (items, 1);
  assert_string_equal (two, "[\"KZ\"]");
  g_autofree char *none = form_json_array (NULL, -1);
  assert_string_equal (none, "[]");
}

/* Without a lookup, entities are kept as written; invalid UTF-8 and empty
 * texts do no harm. */
static void
test_odd_input (void **state)
{
  g_autoptr(FormParse) parse = form_parse_new ();
  form_parse_text (parse, "Form: standard\nTitle: \xff\xfe T\nIssuer: Somebody\nAreas: other\n",
                   NULL, NULL);
  form_parse_text (parse, "", NULL, NULL);
  form_parse_text (parse, NULL, NULL, NULL);
  form_check (parse, NULL, NULL);
  FormRecord *rec = only_record (parse);
  assert_clean (rec);
  assert_true (g_utf8_validate (col (rec, "title"), -1, NULL));
  assert_string_equal (col (rec, "issuer"), "Somebody");
  /* Checking twice gives the same result. */
  form_check (parse, NULL, NULL);
  assert_clean (rec);
  assert_string_equal (col (rec, "issuer"), "Somebody");
}

/* A list of thousands of unknown names costs a bounded number of
 * look-ups and problems, not one each. */
static void
test_long_list_bounded (void **state)
{
  GString *text = g_string_new ("Form: assistance-offer\nProvider: ");
  for (int i = 0; i < 3000; i++)
    g_string_append_printf (text, "%szz%d", i ? ", " : "", i);
  g_string_append (text, "\nTitle: T\nAreas: other\n");
  FormLookup counting = lookup;
  counting.entity = counting_entity;
  CtcLimits limits = ctc_limits_default ();
  limits.value_max = 100000;
  g_autoptr (FormParse) parse = form_parse_new ();
  form_parse_text (parse, text->str, NULL, &limits);
  lookups = 0;
  form_check (parse, &counting, &limits);
  FormRecord *rec = g_ptr_array_index (parse->records, 0);
  assert_true (lookups <= 10);
  assert_true (rec->problems->len >= 1 && rec->problems->len <= 10);
  g_string_free (text, TRUE);
}

/* A list of more items than any list may hold, each of them valid. */
static void
test_list_items_limit (void **state)
{
  GString *text = g_string_new ("Form: assistance-offer\nProvider: UNODC\nTitle: T\n"
                                "Areas: other\nContacts: ");
  for (int i = 0; i < 1001; i++)
    g_string_append_printf (text, "%sa%d@unodc.example", i ? ", " : "", i);
  g_string_append (text, "\n");
  CtcLimits limits = ctc_limits_default ();
  limits.value_max = 100000;
  g_autoptr (FormParse) parse = form_parse_new ();
  form_parse_text (parse, text->str, NULL, &limits);
  form_check (parse, &lookup, &limits);
  assert_problem (only_record (parse), "line 5: field \"Contacts\": more than 1000 items");
  g_string_free (text, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_kind_tables),
    cmocka_unit_test (test_each_kind_valid),
    cmocka_unit_test (test_each_required_missing),
    cmocka_unit_test (test_offer_example),
    cmocka_unit_test (test_contact_point),
    cmocka_unit_test (test_request_state),
    cmocka_unit_test (test_result_target),
    cmocka_unit_test (test_other_kinds),
    cmocka_unit_test (test_unknown_key),
    cmocka_unit_test (test_kinds),
    cmocka_unit_test (test_key_folding),
    cmocka_unit_test (test_multilingual_records),
    cmocka_unit_test (test_keys_language),
    cmocka_unit_test (test_suggest),
    cmocka_unit_test (test_values_six_languages),
    cmocka_unit_test (test_value_words),
    cmocka_unit_test (test_full_width),
    cmocka_unit_test (test_bidi_marks),
    cmocka_unit_test (test_value_suggestions),
    cmocka_unit_test (test_greeting_skipped),
    cmocka_unit_test (test_quoted_skipped),
    cmocka_unit_test (test_signature),
    cmocka_unit_test (test_reply_headers),
    cmocka_unit_test (test_forward_separators),
    cmocka_unit_test (test_forward_needs_subject),
    cmocka_unit_test (test_forward_whole_text),
    cmocka_unit_test (test_soft_lines),
    cmocka_unit_test (test_separators_and_strays),
    cmocka_unit_test (test_continuation),
    cmocka_unit_test (test_repeated_key),
    cmocka_unit_test (test_dates),
    cmocka_unit_test (test_emails),
    cmocka_unit_test (test_codes_with_suggestions),
    cmocka_unit_test (test_other_values),
    cmocka_unit_test (test_empty_values),
    cmocka_unit_test (test_update),
    cmocka_unit_test (test_withdraw),
    cmocka_unit_test (test_value_limit),
    cmocka_unit_test (test_fields_and_records_limits),
    cmocka_unit_test (test_line_limit),
    cmocka_unit_test (test_problems_bounded),
    cmocka_unit_test (test_problem_format),
    cmocka_unit_test (test_value_names),
    cmocka_unit_test (test_json_array),
    cmocka_unit_test (test_odd_input),
    cmocka_unit_test (test_long_list_bounded),
    cmocka_unit_test (test_list_items_limit),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
