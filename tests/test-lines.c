/* The record lines and problems of an answer in each language
 * (gateway/flows/lines.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "gateway/flows/lines.h"
#include "gateway/base/text.h"

/* English words a translation may keep: codes, formats, and words French
 * or Spanish share with English. */
static const char *const kept_words[] = {
  "iso", "csv", "http", "https", "alpha", "req", "off", "vis", "unodc", "cis", "atc",
  "ctc", "action", "date", "code", "bytes", "key", "message", "point", "mime",
  "messages", "structure", NULL,
};

/* Fails when an answer in ar, ru or zh names the register name in
 * English. */
static void
assert_register_named (const char *name)
{
  g_autoptr (FormProblem) p = problem_new_args (NULL, 2, FALSE, "Reference",
                                                PROBLEM_NOT_OF_REGISTER, NULL,
                                                "CTC-OFF-2026-0001", name, NULL);
  const char *const langs[] = { "ar", "ru", "zh" };
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      g_autofree char *text = lines_problem (p, langs[l]);
      if (strstr (text, name) != NULL)
        fail_msg ("%s: register \"%s\" left in \"%s\"", langs[l], name, text);
    }
}

/* A problem of code with arguments that are no words of any language. */
static FormProblem *
problem_of (ProblemCode code, const char *field, const char *suggestion)
{
  return problem_new_args (NULL, 4, FALSE, field, code, suggestion, "X1", "X2", "X3", NULL);
}

/* Whether c is a byte of a letter: ASCII, or of a UTF-8 sequence. */
static gboolean
is_letter (char c)
{
  return g_ascii_isalpha (c) || (guchar) c >= 0x80;
}

/* Whether word (ASCII letters, lower case) is a whole word of text. */
static gboolean
has_word (const char *text, const char *word)
{
  gsize n = strlen (word);
  for (const char *p = text; (p = g_strstr_len (p, -1, word)) != NULL; p++)
    if ((p == text || !is_letter (p[-1])) && !is_letter (p[n]))
      return TRUE;
  return FALSE;
}

/* Fails when text has a word of english (three letters or more, not a
 * placeholder or a kept word). */
static void
assert_no_english (const char *text, const char *english, const char *lang)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autofree char *words = g_ascii_strdown (english, -1);
  g_strdelimit (words, "{}", '#');
  for (char *w = words; *w;)
    {
      gsize n = 0;
      while (g_ascii_isalpha (w[n]))
        n++;
      if (n == 0)
        {
          w++;
          continue;
        }
      g_autofree char *word = g_strndup (w, n);
      gboolean placeholder = w > words && w[-1] == '#';
      if (n >= 3 && !placeholder && !g_strv_contains (kept_words, word) && has_word (lower, word))
        fail_msg ("%s: English \"%s\" left in \"%s\"", lang, word, text);
      w += n;
    }
}

/* Every code has a wording in every language, which says it in that
 * language, every placeholder filled. */
static void
test_every_code_in_every_language (void **state)
{
  (void) state;
  for (guint l = 0; lines_languages[l] != NULL; l++)
    for (ProblemCode code = PROBLEM_OTHER + 1; code < PROBLEM_COUNT; code++)
      {
        const char *lang = lines_languages[l];
        if (lines_wording (code, lang) == NULL)
          fail_msg ("%s: no wording for problem %d", lang, code);
        g_autoptr (FormProblem) p = problem_of (code, "Areas", "X9");
        g_autofree char *text = lines_problem (p, lang);
        assert_null (strchr (text, '{'));
        assert_non_null (strstr (text, "4"));
        assert_non_null (strstr (text, "X9"));
        if (strcmp (lang, "en") != 0)
          {
            g_autofree char *english = form_problem_format (p);
            assert_no_english (text, english, lang);
          }
      }
}

/* English is the parser's own wording, for every code. */
static void
test_english_is_the_parsers (void **state)
{
  (void) state;
  for (ProblemCode code = 0; code < PROBLEM_COUNT; code++)
    {
      g_autoptr (FormProblem) p = problem_of (code, "Start", code % 2 ? "Y" : NULL);
      g_autofree char *shown = lines_problem (p, "en");
      g_autofree char *english = form_problem_format (p);
      assert_string_equal (shown, english);
      g_autofree char *other = lines_problem (p, "de");
      assert_string_equal (other, english);
    }
}

/* Each field name shown is one the gateway reads back as that field. */
static void
test_field_names_read_back (void **state)
{
  (void) state;
  for (guint k = 0; form_kinds[k] != NULL; k++)
    for (guint i = 0; i < form_kinds[k]->n_fields; i++)
      for (guint l = 0; lines_languages[l] != NULL; l++)
        {
          const char *field = form_kinds[k]->fields[i].name;
          const char *name = lines_field_name (field, NULL, lines_languages[l]);
          if (g_strcmp0 (form_key_canonical (name), field) != 0)
            fail_msg ("%s: \"%s\" does not read back as %s", lines_languages[l], name, field);
          if (strchr ("arz", lines_languages[l][0]) != NULL)
            assert_string_not_equal (name, field);
        }
}

/* A problem read from a Russian record, said in Russian: its line, the
 * field's Russian name, the wording. */
static void
test_russian_area (void **state)
{
  (void) state;
  CtcLimits limits = ctc_limits_default ();
  g_autoptr (FormParse) parse = form_parse_new ();
  form_parse_text (parse, "Форма: contact-point\nСубъект: KZ\nИмя: Иван Петров\n"
                   "Электронная почта: i.petrov@mfa.kz.example\nОбласти: early-warnin\n",
                   NULL, &limits);
  form_check (parse, NULL, &limits);
  FormRecord *rec = parse->records->pdata[0];
  assert_int_equal (rec->problems->len, 1);
  g_autofree char *ru = lines_problem (rec->problems->pdata[0], "ru");
  assert_string_equal (ru, "строка 5: поле «Области»: неизвестная область «early-warnin»;"
                           " возможно, имелось в виду «early-warning»?");
  g_autofree char *zh = lines_problem (rec->problems->pdata[0], "zh");
  assert_string_equal (zh, "第 5 行：字段“领域”：未知领域“early-warnin”；您是否要填写“early-warning”？");
}

/* An unknown key's suggestion is a key of the answer's language. */
static void
test_unknown_field_suggests_own_language (void **state)
{
  (void) state;
  g_autoptr (FormProblem) p = problem_new_args ("notes.txt", 3, FALSE, "Emial",
                                                   PROBLEM_UNKNOWN_FIELD, "Email", "Emial",
                                                   NULL);
  g_autofree char *fr = lines_problem (p, "fr");
  assert_string_equal (fr, "notes.txt, ligne 3\u00a0: champ inconnu «\u00a0Emial\u00a0»"
                           "\u00a0; vouliez-vous dire «\u00a0Courriel\u00a0»\u00a0?");
  g_autofree char *ar = lines_problem (p, "ar");
  assert_string_equal (ar, "notes.txt، السطر 3: حقل غير معروف «Emial»؛ هل تقصدون «البريد الإلكتروني»؟");
}

/* The problems of text (one record) checked, each said in lang, joined. */
static char *
said_in (const char *text, const char *lang)
{
  CtcLimits limits = ctc_limits_default ();
  g_autoptr (FormParse) parse = form_parse_new ();
  form_parse_text (parse, text, NULL, &limits);
  form_check (parse, NULL, &limits);
  FormRecord *rec = parse->records->pdata[0];
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *line = lines_problem (rec->problems->pdata[i], lang);
      g_string_append_printf (out, "%s%s", i ? "\n" : "", line);
    }
  return g_string_free (out, FALSE);
}

/* The values a problem lists (a field's choices, the forms) are named in
 * the answer's language and joined as it joins a list. */
static void
test_values_in_the_answers_language (void **state)
{
  (void) state;
  g_autofree char *zh = said_in ("表格：援助请求\n国家：KZ\n领域：边境管制\n说明：d\n优先级：紧急\n",
                                 "zh");
  assert_string_equal (zh, "第 5 行：字段“优先级”：“紧急”不是以下值之一：高、中、低");
  g_autofree char *fr = said_in ("Formulaire : inventaire\nEntité : KZ\nCatégorie : loi\n"
                                 "Titre : t\n", "fr");
  assert_string_equal (fr, "ligne 3\u00a0: champ «\u00a0Catégorie\u00a0»\u00a0: «\u00a0loi\u00a0»"
                           " ne figure pas parmi les valeurs suivantes\u00a0: activité,"
                           " mécanisme, institution");
  g_autofree char *ar = said_in ("النموذج: بلا\nالدولة: KZ\n", "ar");
  assert_non_null (strstr (ar, "النماذج المتاحة هي: جهة تنسيق، عرض مساعدة، طلب مساعدة،"));
  g_autofree char *ru = said_in ("Форма:\nГосударство: KZ\n", "ru");
  assert_non_null (strstr (ru, "допустимые формы: координатор, предложение помощи,"));
  g_autofree char *es = said_in ("Formulario: norma\nReferencia: CTC-OFF-2026-0001\n", "es");
  assert_non_null (strstr (es, "del formulario «norma»"));
  g_autofree char *en = said_in ("Form: inventory\nEntity: KZ\nKind: law\nTitle: t\n", "en");
  assert_string_equal (en, "line 3: field \"Kind\": \"law\" is not one of activity, mechanism,"
                           " institution");
}

/* The registers a problem names are named in the answer's language, and
 * so is the form to send a reference with. */
static void
test_registers_in_the_answers_language (void **state)
{
  (void) state;
  g_autoptr (FormProblem) p = problem_new_args (NULL, 2, FALSE, "Reference",
                                                PROBLEM_SEND_WITH_FORM, NULL,
                                                "CTC-OFF-2026-0001", "offers",
                                                "assistance-offer", NULL);
  g_autofree char *ru = lines_problem (p, "ru");
  assert_string_equal (ru, "строка 2: поле «Номер»: CTC-OFF-2026-0001 является номером записи"
                           " реестра «предложения помощи»: направьте его со строкой «Форма:"
                           " предложение помощи»");
  g_autofree char *zh = lines_problem (p, "zh");
  assert_string_equal (zh, "第 2 行：字段“编号”：CTC-OFF-2026-0001 是“援助提议”登记册的编号："
                           "请以“表格：援助提议”发送");
  const char *registers[] = { "visits", "meetings", "circulars", "submissions", NULL };
  for (guint k = 0; form_kinds[k] != NULL; k++)
    if (form_kinds[k]->ref_kind != NULL)
      assert_register_named (form_kinds[k]->register_name);
  for (guint k = 0; registers[k] != NULL; k++)
    assert_register_named (registers[k]);
}

/* The help's table of forms in each language: one line a form, its name
 * one the gateway reads back as that form, then, all in one column, its
 * required fields by names read back as them. */
static void
test_forms_table (void **state)
{
  (void) state;
  for (guint l = 0; lines_languages[l] != NULL; l++)
    {
      const char *lang = lines_languages[l];
      g_autofree char *table = lines_forms (lang);
      g_auto (GStrv) rows = g_strsplit (table, "\n", -1);
      guint column = 0, i;
      for (i = 0; form_kinds[i] != NULL; i++)
        {
          assert_non_null (rows[i]);
          const char *gap = strstr (rows[i], "  ");
          assert_non_null (gap);
          g_autofree char *name = g_strndup (rows[i], gap - rows[i]);
          assert_ptr_equal (form_kind_find (name), form_kinds[i]);
          const char *fields = gap;
          while (*fields == ' ')
            fields++;
          g_autofree char *before = g_strndup (rows[i], fields - rows[i]);
          if (i == 0)
            column = text_width (before);
          assert_int_equal (text_width (before), column);
          const char *separator = strcmp (lang, "zh") == 0 ? "、"
                                  : strcmp (lang, "ar") == 0 ? "، " : ", ";
          g_auto (GStrv) names = g_strsplit (fields, separator, -1);
          guint n = 0;
          for (guint j = 0; j < form_kinds[i]->n_fields; j++)
            if (form_kinds[i]->fields[j].required)
              {
                assert_non_null (names[n]);
                assert_string_equal (form_key_canonical (names[n]), form_kinds[i]->fields[j].name);
                n++;
              }
          assert_null (names[n]);
        }
      assert_null (rows[i]);
    }
  g_autofree char *fr = lines_forms ("fr");
  assert_non_null (strstr (fr, "\nnorme                       Titre, Organisme émetteur, Domaines\n"));
}

/* The line of each record filed, in each language, with the fields an
 * update changed by their names in that language. */
static void
test_accepted_lines (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) changed = g_ptr_array_new ();
  g_ptr_array_add (changed, "Phone");
  g_ptr_array_add (changed, "Title");
  for (guint l = 0; lines_languages[l] != NULL; l++)
    for (FiledHow how = FILED_NEW; how < FILED_REFUSED; how++)
      {
        FiledRecord filed = { how, "CTC-CP-2026-0007", how == FILED_UPDATED ? changed : NULL };
        g_autofree char *line = lines_accepted (&filed, "contact-point", lines_languages[l]);
        g_autofree char *english = lines_accepted (&filed, "contact-point", "en");
        assert_non_null (strstr (line, "CTC-CP-2026-0007"));
        if (strcmp (lines_languages[l], "en") != 0)
          assert_no_english (line, english, lines_languages[l]);
      }
  FiledRecord updated = { FILED_UPDATED, "CTC-CP-2026-0007", changed };
  g_autofree char *en = lines_accepted (&updated, "contact-point", "en");
  assert_string_equal (en, "accepted CTC-CP-2026-0007 (updated: Phone, Title)");
  g_autofree char *ru = lines_accepted (&updated, "contact-point", "ru");
  assert_string_equal (ru, "принято: CTC-CP-2026-0007 (обновлено: Телефон, Должность)");
  g_autofree char *zh = lines_accepted (&updated, "contact-point", "zh");
  assert_string_equal (zh, "已接受 CTC-CP-2026-0007（已更新：电话、职务）");
}

/* Visit information and consent name their visit and State, and a contact point
 * replaced is said to be deactivated, in every language. */
static void
test_visit_and_deactivated_lines (void **state)
{
  (void) state;
  for (guint l = 0; lines_languages[l] != NULL; l++)
    {
      const char *lang = lines_languages[l];
      g_autofree char *visit = lines_visit_information ("CTC-VIS-2026-0001", "Q", lang);
      g_autofree char *gone = lines_deactivated ("CTC-CP-2026-0001", "CTC-CP-2026-0002", lang);
      g_autofree char *yes = lines_visit_consent ("CTC-VIS-2026-0001", "Q", TRUE, lang);
      g_autofree char *no = lines_visit_consent ("CTC-VIS-2026-0001", "Q", FALSE, lang);
      assert_non_null (strstr (yes, "CTC-VIS-2026-0001"));
      assert_non_null (strstr (no, "Q"));
      assert_string_not_equal (yes, no);
      assert_non_null (strstr (visit, "CTC-VIS-2026-0001"));
      assert_non_null (strstr (visit, "Q"));
      assert_null (strstr (visit, "accepted"));
      assert_true (strstr (gone, "CTC-CP-2026-0001") < strstr (gone, "CTC-CP-2026-0002"));
      if (strcmp (lang, "en") == 0)
        continue;
      g_autofree char *visit_en = lines_visit_information ("CTC-VIS-2026-0001", "Q", "en");
      g_autofree char *gone_en = lines_deactivated ("CTC-CP-2026-0001", "CTC-CP-2026-0002", "en");
      assert_no_english (visit, visit_en, lang);
      assert_no_english (gone, gone_en, lang);
      g_autofree char *yes_en = lines_visit_consent ("CTC-VIS-2026-0001", "Q", TRUE, "en");
      g_autofree char *no_en = lines_visit_consent ("CTC-VIS-2026-0001", "Q", FALSE, "en");
      assert_no_english (yes, yes_en, lang);
      assert_no_english (no, no_en, lang);
    }
  g_autofree char *en = lines_visit_information ("CTC-VIS-2026-0001", "Kazakhstan", "en");
  assert_string_equal (en, "information received for CTC-VIS-2026-0001 (visit to Kazakhstan)");
  g_autofree char *ru = lines_deactivated ("CTC-CP-2026-0001", "CTC-CP-2026-0002", "ru");
  assert_string_equal (ru, "деактивировано: CTC-CP-2026-0001 (заменено записью CTC-CP-2026-0002)");
}

/* Title is a contact point's job title and every other record's title:
 * named as the form means it, in problems and in updates. */
static void
test_title_by_form (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) changed = g_ptr_array_new ();
  g_ptr_array_add (changed, "Title");
  FiledRecord updated = { FILED_UPDATED, "CTC-STD-2026-0003", changed };
  g_autofree char *ru = lines_accepted (&updated, "standard", "ru");
  assert_string_equal (ru, "принято: CTC-STD-2026-0003 (обновлено: Название)");
  g_autofree char *fr = lines_accepted (&updated, "standard", "fr");
  assert_non_null (strstr (fr, "Titre"));
  g_autoptr (FormProblem) p = problem_new_args (NULL, 4, FALSE, "Title", PROBLEM_REQUIRED, NULL,
                                                NULL);
  p->form = "standard";
  g_autofree char *standard = lines_problem (p, "ru");
  assert_non_null (strstr (standard, "«Название»"));
  p->form = "contact-point";
  g_autofree char *contact = lines_problem (p, "ru");
  assert_non_null (strstr (contact, "«Должность»"));
  g_autofree char *parsed = said_in ("Форма: стандарт\nИздатель: ISO\nОбласти: другое\n", "ru");
  assert_non_null (strstr (parsed, "«Название»"));
}

/* A line about a forwarded record is marked in every language, and the
 * mark is the one the answer's template explains (templates/ack.*). */
static void
test_forwarded_mark (void **state)
{
  (void) state;
  for (guint l = 0; lines_languages[l] != NULL; l++)
    {
      const char *lang = lines_languages[l];
      g_autofree char *line = lines_forwarded ("x", lang);
      g_autofree char *english = lines_forwarded ("x", "en");
      assert_true (g_str_has_prefix (line, "x ["));
      if (strcmp (lang, "en") != 0)
        assert_string_not_equal (line, english);
      g_autofree char *name = g_strdup_printf ("ack.%s.txt", lang);
      g_autofree char *path = g_build_filename (g_getenv ("CTCGW_SRCDIR") ? g_getenv ("CTCGW_SRCDIR")
                                                : ".", "templates", name, NULL);
      g_autofree char *template = NULL;
      assert_true (g_file_get_contents (path, &template, NULL, NULL));
      assert_non_null (strstr (template, line + 2));
    }
  g_autofree char *en = lines_forwarded ("accepted CTC-OFF-2026-0001 (new)", "en");
  assert_string_equal (en, "accepted CTC-OFF-2026-0001 (new) [forwarded message]");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_every_code_in_every_language),
    cmocka_unit_test (test_english_is_the_parsers),
    cmocka_unit_test (test_field_names_read_back),
    cmocka_unit_test (test_russian_area),
    cmocka_unit_test (test_unknown_field_suggests_own_language),
    cmocka_unit_test (test_values_in_the_answers_language),
    cmocka_unit_test (test_forms_table),
    cmocka_unit_test (test_registers_in_the_answers_language),
    cmocka_unit_test (test_accepted_lines),
    cmocka_unit_test (test_title_by_form),
    cmocka_unit_test (test_visit_and_deactivated_lines),
    cmocka_unit_test (test_forwarded_mark),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
