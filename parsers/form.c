/* The record syntax of docs/submissions.md sections 1-5: records read from a
 * text, problems as the reply shows them, and the checks of each form kind.
 * The kinds themselves live in one file each (form-*.c). */
#include "parsers/form.h"

#include <stdio.h>
#include <string.h>

const struct form_kind *const form_kinds[] = {
  &form_contact_point,
  &form_assistance_offer,
  &form_assistance_request,
  &form_assistance_result,
  &form_information_source,
  &form_standard,
  &form_inventory,
  &form_visit_information,
  &form_visit_consent,
  NULL,
};

/* Keys longer than this (in characters) make a line text, not a field. */
#define KEY_LEN_MAX 48

/* ---- objects ------------------------------------------------------------ */

/* A new empty parse, to which texts and CSV files add records. */
FormParse *
form_parse_new (void)
{
  FormParse *parse = g_new0 (FormParse, 1);
  parse->records = g_ptr_array_new_with_free_func ((GDestroyNotify) form_record_free);
  parse->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) form_problem_free);
  return parse;
}

/* Frees parse with its records and problems. */
void
form_parse_free (FormParse *parse)
{
  if (parse == NULL)
    return;
  g_ptr_array_unref (parse->records);
  g_ptr_array_unref (parse->problems);
  g_free (parse);
}

/* Frees one value of a record. */
static void
form_value_free (FormValue *v)
{
  g_free (v->key);
  g_free (v->value);
  g_free (v);
}

/* A new record; see form.h. */
FormRecord *
form_record_new (const char *kind_name, const char *source, guint line,
                 gboolean csv)
{
  FormRecord *rec = g_new0 (FormRecord, 1);
  rec->kind_name = g_strdup (kind_name ? kind_name : "");
  rec->kind = form_kind_find (rec->kind_name);
  rec->source = g_strdup (source);
  rec->line = line;
  rec->csv = csv;
  rec->values = g_ptr_array_new_with_free_func ((GDestroyNotify) form_value_free);
  rec->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rec->owners = g_ptr_array_new_with_free_func (g_free);
  rec->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) form_problem_free);
  return rec;
}

/* Frees rec with everything it holds. */
void
form_record_free (FormRecord *rec)
{
  if (rec == NULL)
    return;
  g_free (rec->kind_name);
  g_free (rec->source);
  g_ptr_array_unref (rec->values);
  g_hash_table_unref (rec->columns);
  g_free (rec->reference);
  g_free (rec->owner);
  g_ptr_array_unref (rec->owners);
  g_ptr_array_unref (rec->problems);
  g_free (rec);
}

/* Adds a problem to rec, at most FORM_PROBLEMS_MAX of them. */
static void
record_problem (FormRecord *rec, guint line, const char *field, const char *suggestion,
                ProblemCode code, va_list args)
{
  if (rec->problems->len > FORM_PROBLEMS_MAX)
    return;
  if (rec->problems->len == FORM_PROBLEMS_MAX)
    {
      field = suggestion = NULL;
      code = PROBLEM_MORE_PROBLEMS;
    }
  FormProblem *p = problem_new (rec->source, line, rec->csv, field, code, suggestion, args);
  p->form = rec->kind != NULL ? rec->kind->name : NULL;
  g_ptr_array_add (rec->problems, p);
}

/* Adds a problem to rec: see form.h. */
void
form_record_problem (FormRecord *rec, guint line, const char *field, ProblemCode code, ...)
{
  va_list ap;
  va_start (ap, code);
  record_problem (rec, line, field, NULL, code, ap);
  va_end (ap);
}

/* Adds a problem with a suggestion to rec: see form.h. */
void
form_record_problem_suggest (FormRecord *rec, guint line, const char *field,
                             const char *suggestion, ProblemCode code, ...)
{
  va_list ap;
  va_start (ap, code);
  record_problem (rec, line, field, suggestion, code, ap);
  va_end (ap);
}

/* Adds a problem about the message: see form.h. */
void
form_parse_problem (FormParse *parse, const char *source, guint line,
                    gboolean csv, ProblemCode code, ...)
{
  if (parse->problems->len >= FORM_PROBLEMS_MAX)
    return;
  va_list ap;
  va_start (ap, code);
  FormProblem *added = problem_new (source, line, csv, NULL, code, NULL, ap);
  va_end (ap);
  for (guint i = 0; i < parse->problems->len; i++)
    {
      FormProblem *p = parse->problems->pdata[i];
      if (strcmp (p->message, added->message) == 0 && g_strcmp0 (p->source, source) == 0)
        {
          form_problem_free (added);
          return;
        }
    }
  g_ptr_array_add (parse->problems, added);
}

/* text with control characters replaced, so a reply line stays one line. */
static char *
printable (const char *text)
{
  char *out = g_utf8_make_valid (text, -1);
  for (char *p = out; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return out;
}

/* The problem as the reply shows it: see form.h. */
char *
form_problem_format (const FormProblem *p)
{
  g_autofree char *message = printable (p->message ? p->message : "");
  g_autofree char *source = p->source ? printable (p->source) : NULL;
  const char *unit = p->csv ? "row" : "line";
  if (source && p->line)
    return g_strdup_printf ("%s %s %u: %s", source, unit, p->line, message);
  if (source)
    return g_strdup_printf ("%s: %s", source, message);
  if (p->line)
    return g_strdup_printf ("%s %u: %s", unit, p->line, message);
  return g_steal_pointer (&message);
}

/* Quoted text for a message: see form.h. */
char *
form_quote (const char *text)
{
  g_autofree char *clean = problem_clip (text);
  return g_strdup_printf ("\"%s\"", clean);
}

/* ---- kinds and JSON ------------------------------------------------------ */

/* The names of form_kinds into names, NULL-terminated as form_kinds is. */
static void
kind_names (const char *names[G_N_ELEMENTS (form_kinds)])
{
  for (guint i = 0; i < G_N_ELEMENTS (form_kinds); i++)
    names[i] = form_kinds[i] ? form_kinds[i]->name : NULL;
}

/* The kind named name (any case, space - _ alike, in any official
 * language: terms.c), or NULL. */
const struct form_kind *
form_kind_find (const char *name)
{
  if (name == NULL || strlen (name) > 256)
    return NULL;
  const char *names[G_N_ELEMENTS (form_kinds)];
  kind_names (names);
  const char *kind = form_term_value (name, names);
  for (guint i = 0; kind && form_kinds[i]; i++)
    if (strcmp (form_kinds[i]->name, kind) == 0)
      return form_kinds[i];
  return NULL;
}

/* The field of kind with the canonical key, or NULL. */
const FormFieldSpec *
form_kind_field (const struct form_kind *kind, const char *canonical)
{
  if (kind == NULL || canonical == NULL)
    return NULL;
  for (guint i = 0; i < kind->n_fields; i++)
    if (g_ascii_strcasecmp (kind->fields[i].name, canonical) == 0)
      return &kind->fields[i];
  return NULL;
}

/* Appends s to out as a JSON string. */
static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* A JSON array of strings: see form.h. */
char *
form_json_array (const char *const *items, gssize n)
{
  GString *out = g_string_new ("[");
  for (gssize i = 0; items && (n < 0 ? items[i] != NULL : i < n); i++)
    {
      g_autofree char *valid = g_utf8_make_valid (items[i] ? items[i] : "", -1);
      if (i > 0)
        g_string_append_c (out, ',');
      json_string (out, valid);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* The line of the first value with key canonical: see form.h. */
guint
form_record_line (const FormRecord *rec, const char *canonical)
{
  for (guint i = 0; i < rec->values->len; i++)
    {
      const FormValue *v = rec->values->pdata[i];
      if (g_strcmp0 (v->key, canonical) == 0)
        return v->line;
    }
  return rec->line;
}

/* ---- reading a text -------------------------------------------------------- */

typedef struct {
  FormParse *parse;
  const char *source;
  CtcLimits limits;
  FormRecord *rec;       /* record being read; NULL before the first Form: */
  FormValue *value;      /* value that continuation lines extend, or NULL */
  glong value_chars;     /* characters in value */
  gboolean value_full;   /* value reached limits.value_max */
  guint blanks;          /* blank lines since value's last line */
  gboolean fields_full;  /* rec reached limits.fields_max */
  GArray *strays;        /* lines of rec that are no field, not yet reported */
  gboolean stop;         /* a reply header was seen: nothing more is read */
  gboolean skipping;     /* a signature was seen: only a forward is read after it */
  gboolean forwarded;    /* the lines read are those of a forwarded message */
  gboolean forward_subject; /* the subject says forward, no separator seen yet */
  gboolean headers;      /* in a forwarded message's headers (to their blank line) */
  gboolean header_seen;  /* a line of those headers was read */
  const GArray *soft;    /* lines that continue the one before them, or NULL */
  guint soft_next;       /* index in soft of the next such line */
} TextReader;

/* The next line of *cursor (CR, LF or CRLF ends it); FALSE at the end. */
static gboolean
next_line (const char **cursor, const char **start, gsize *len)
{
  const char *p = *cursor;
  if (*p == '\0')
    return FALSE;
  gsize n = strcspn (p, "\r\n");
  *start = p;
  *len = n;
  p += n;
  if (*p == '\r')
    p++;
  if (*p == '\n')
    p++;
  *cursor = p;
  return TRUE;
}

/* Whether line has nothing but white space. */
static gboolean
is_blank (const char *line)
{
  for (const char *p = line; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p))
        && g_unichar_type (g_utf8_get_char (p)) != G_UNICODE_SPACE_SEPARATOR)
      return FALSE;
  return TRUE;
}

/* Whether line, without trailing white space, is exactly word. */
static gboolean
line_is (const char *line, const char *word)
{
  gsize n = strlen (word);
  if (strncmp (line, word, n) != 0)
    return FALSE;
  for (const char *p = line + n; *p; p++)
    if (*p != ' ' && *p != '\t')
      return FALSE;
  return TRUE;
}

/* Whether c is an invisible mark of bidirectional text (LRM, RLM, ALM,
 * embeddings, overrides, isolates) or a byte-order mark: what Arabic text
 * carries at its line starts (the gateway's own answers do, docs/ctcgw.8). */
static gboolean
is_mark (gunichar c)
{
  return c == 0x200e || c == 0x200f || c == 0x061c || (c >= 0x202a && c <= 0x202e)
         || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* s without white space and marks (is_mark) at either end, in place. */
static char *
strip_marks (char *s)
{
  gboolean again = TRUE;
  while (again)
    {
      g_strstrip (s);
      again = FALSE;
      if (*s != '\0' && is_mark (g_utf8_get_char (s)))
        {
          const char *next = g_utf8_next_char (s);
          memmove (s, next, strlen (next) + 1);
          again = TRUE;
        }
      char *last = *s != '\0' ? g_utf8_find_prev_char (s, s + strlen (s)) : NULL;
      if (last != NULL && is_mark (g_utf8_get_char (last)))
        {
          *last = '\0';
          again = TRUE;
        }
    }
  return s;
}

/* Splits "Key: value" (ASCII or full-width colon) into new strings; FALSE
 * when line is no field.  Marks of bidirectional text around the key and
 * the value are not theirs. */
static gboolean
split_field (const char *line, char **key, char **value)
{
  const char *colon = strchr (line, ':');
  const char *wide = strstr (line, "\xef\xbc\x9a");
  gsize skip = 1;
  if (wide && (colon == NULL || wide < colon))
    {
      colon = wide;
      skip = 3;
    }
  if (colon == NULL)
    return FALSE;
  g_autofree char *k = strip_marks (g_strndup (line, colon - line));
  glong klen = g_utf8_strlen (k, -1);
  if (klen == 0 || klen > KEY_LEN_MAX)
    return FALSE;
  *key = g_steal_pointer (&k);
  *value = strip_marks (g_strdup (colon + skip));
  return TRUE;
}

/* A list of words compared folded, folded once on first use. */
typedef struct {
  const char *const *words;
  gsize once;
  char **folded;
} FoldedList;

/* The folded words of list. */
static const char *const *
folded_list (FoldedList *list)
{
  if (g_once_init_enter (&list->once))
    {
      guint n = g_strv_length ((char **) list->words);
      list->folded = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        list->folded[i] = form_fold (list->words[i]);
      g_once_init_leave (&list->once, 1);
    }
  return (const char *const *) list->folded;
}

/* Whether line's label (what comes before a colon near its start) is one of
 * list. */
static gboolean
has_label (const char *line, FoldedList *list)
{
  const char *colon = strpbrk (line, ":\xef");
  if (colon == NULL || colon - line > 40)
    return FALSE;
  g_autofree char *key = NULL, *value = NULL;
  if (!split_field (line, &key, &value))
    return FALSE;
  g_autofree char *label = form_fold (key);
  return g_strv_contains (folded_list (list), label);
}

/* Outlook's "From: / Sent:" block, in the UN languages. */
static const char *const from_words[] = {
  "From", "De", "От", "من", "发件人", NULL
};
static FoldedList from_labels = { from_words };
static const char *const sent_words[] = {
  "Sent", "Date", "Envoyé", "Enviado", "Enviado el", "Fecha", "Отправлено",
  "Дата", "التاريخ", "تاريخ الإرسال", "发送时间", "日期", NULL
};
static FoldedList sent_labels = { sent_words };

/* Whether a "From:" line at line starts an Outlook header block: a "Sent:"
 * or "Date:" line follows within three lines. */
static gboolean
is_outlook_block (const char *line, const char *cursor)
{
  if (!has_label (line, &from_labels))
    return FALSE;
  const char *start;
  gsize len;
  for (guint i = 0; i < 3 && next_line (&cursor, &start, &len); i++)
    {
      if (len > 1024)
        return FALSE;
      g_autofree char *next = g_strndup (start, len);
      if (has_label (next, &sent_labels))
        return TRUE;
    }
  return FALSE;
}

/* Whether text ends with a colon (ASCII or full-width), spaces aside. */
static gboolean
ends_with_colon (const char *text)
{
  gsize n = strlen (text);
  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
    n--;
  return (n >= 1 && text[n - 1] == ':')
         || (n >= 3 && memcmp (text + n - 3, "\xef\xbc\x9a", 3) == 0);
}

/* "-----Original Message-----" and the like: a reply's quotation, or a
 * forward when the subject says so (Outlook and Thunderbird write both). */
static const char *const marker_words[] = {
  "Original Message", "Message d'origine", "Message original", "Mensaje original",
  "Исходное сообщение", "الرسالة الأصلية", "原始邮件", NULL
};
static FoldedList markers = { marker_words };

/* The separators only a forward has (Gmail, Thunderbird), in the UN
 * languages. */
static const char *const forward_words[] = {
  "Forwarded message", "Message transféré", "Mensaje reenviado",
  "Пересылаемое сообщение", "Перенаправленное сообщение",
  "الرسالة المعاد توجيهها", "رسالة معاد توجيهها", "转发的邮件", "转发的消息", NULL
};
static FoldedList forward_markers = { forward_words };

/* Apple Mail's line before a forwarded message's headers. */
static const char *const apple_words[] = {
  "Begin forwarded message", "Début du message réexpédié", "Inicio del mensaje reenviado",
  "Начало переадресованного сообщения", "بداية الرسالة المعاد توجيهها",
  "以下是转发的邮件", NULL
};
static FoldedList apple_markers = { apple_words };

/* Whether line is a separator of dashes or underscores that holds one of
 * list's words. */
static gboolean
is_separator_of (const char *line, FoldedList *list)
{
  if ((strncmp (line, "--", 2) != 0 && strncmp (line, "__", 2) != 0)
      || strlen (line) > 200)
    return FALSE;
  g_autofree char *folded = form_fold (line);
  for (const char *const *m = folded_list (list); *m; m++)
    if (strstr (folded, *m))
      return TRUE;
  return FALSE;
}

/* Whether line is a "-----Original Message-----" separator. */
static gboolean
is_original_marker (const char *line)
{
  return is_separator_of (line, &markers);
}

/* Whether line starts a forwarded message whatever the subject:
 * "---------- Forwarded message ---------", "Begin forwarded message:". */
static gboolean
is_forward_marker (const char *line)
{
  if (is_separator_of (line, &forward_markers))
    return TRUE;
  if (!ends_with_colon (line) || strlen (line) > 200)
    return FALSE;
  g_autofree char *folded = form_fold (line);
  for (gboolean again = TRUE; again;)
    {
      gsize n = strlen (folded);
      again = n > 0 && (folded[n - 1] == ':' || folded[n - 1] == '-');
      if (again)
        folded[n - 1] = '\0';
      else if (g_str_has_suffix (folded, "\xef\xbc\x9a"))
        folded[n - 3] = '\0', again = TRUE;
    }
  return g_strv_contains (folded_list (&apple_markers), folded);
}

/* Prefixes of a forward's subject, as the mail programs write them in the
 * UN languages (compared without case). */
static const char *const forward_prefixes[] = {
  "fwd:", "fw:", "tr:", "rv:", "wg:", "enc:", "пересл:", "fwd：", "fw：", "转发:", "转发：",
  "إعادة توجيه:", "اعادة توجيه:", "إعادة توجيه :", NULL
};

gboolean
form_subject_is_forward (const char *subject)
{
  if (subject == NULL)
    return FALSE;
  while (*subject == ' ' || *subject == '\t' || *subject == '[')
    subject++;
  g_autofree char *down = g_utf8_strdown (subject, -1);
  for (guint i = 0; forward_prefixes[i] != NULL; i++)
    if (g_str_has_prefix (down, forward_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* Reply attributions: "On <date>, <name> wrote:".  The suffix is written
 * folded and without separators (as compact() makes it); an empty prefix
 * asks for a digit (the date) somewhere in the line instead. */
static const struct {
  const char *prefix;
  const char *suffix;
} attributions[] = {
  { "On ", "wrote:" }, { "Le ", "aecrit:" }, { "El ", "escribio:" },
  { "Am ", "schrieb:" }, { "", "написал:" }, { "", "написала:" },
  { "", "написал(а):" }, { "", "пишет:" }, { "", "كتب:" }, { "", "写道:" },
};

/* line without its separators, folded: "a écrit :" and "a ecrit:" alike. */
static char *
compact (const char *line)
{
  g_autofree char *folded = form_fold (line);
  GString *out = g_string_new (NULL);
  for (const char *p = folded; *p; p++)
    if (*p != '-')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* Whether text (one line, or a line and the next) is an attribution. */
static gboolean
is_attribution_text (const char *text)
{
  if (!ends_with_colon (text))
    return FALSE;
  g_autofree char *c = compact (text);
  gsize clen = strlen (c);
  for (guint i = 0; i < G_N_ELEMENTS (attributions); i++)
    {
      const char *suffix = attributions[i].suffix;
      gsize slen = strlen (suffix);
      if (clen < slen || strcmp (c + clen - slen, suffix) != 0)
        continue;
      const char *prefix = attributions[i].prefix;
      if (*prefix ? g_ascii_strncasecmp (text, prefix, strlen (prefix)) == 0
                  : strpbrk (text, "0123456789") != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Whether line (perhaps wrapped onto the next one) is an attribution. */
static gboolean
is_attribution (const char *line, const char *cursor)
{
  if (strlen (line) > 512)
    return FALSE;
  if (is_attribution_text (line))
    return TRUE;
  const char *start;
  gsize len;
  if (!next_line (&cursor, &start, &len) || len > 512)
    return FALSE;
  g_autofree char *next = g_strndup (start, len);
  if (!ends_with_colon (next) || is_attribution_text (next))
    return FALSE;
  g_autofree char *joined = g_strconcat (line, " ", next, NULL);
  return is_attribution_text (joined);
}

/* Whether everything from line on is quoted mail. */
static gboolean
is_end_of_text (const char *line, const char *cursor)
{
  return is_original_marker (line) || is_outlook_block (line, cursor)
         || is_attribution (line, cursor);
}

/* Whether line starts a forwarded message: a forward's own separator, or
 * the first "Original Message" or Outlook block of a message whose subject
 * says it is a forward (docs/submissions.md section 1). */
static gboolean
is_forward_start (const TextReader *r, const char *line, const char *cursor)
{
  if (is_forward_marker (line))
    return TRUE;
  return r->forward_subject && (is_original_marker (line) || is_outlook_block (line, cursor));
}

/* Reads on in the forwarded message: the record being read ends, and its
 * headers (before the first Form:) are skipped as a greeting is. */
static void
reader_start_forward (TextReader *r)
{
  r->rec = NULL;
  r->value = NULL;
  r->forwarded = TRUE;
  r->forward_subject = FALSE;
  r->skipping = FALSE;
  r->headers = TRUE;
  r->header_seen = FALSE;
  g_array_set_size (r->strays, 0);
}

/* Skips a line of a forwarded message's headers ("From:", "Date:" ...),
 * which end at the first blank line after them. */
static void
reader_header (TextReader *r, const char *line)
{
  if (!is_blank (line))
    r->header_seen = TRUE;
  else if (r->header_seen)
    r->headers = FALSE;
}

/* Whether line continues the line before it (an HTML <br> inside a
 * paragraph); lines are asked in ascending order. */
static gboolean
reader_soft (TextReader *r, guint lineno)
{
  while (r->soft != NULL && r->soft_next < r->soft->len
         && g_array_index (r->soft, guint, r->soft_next) < lineno)
    r->soft_next++;
  return r->soft != NULL && r->soft_next < r->soft->len
         && g_array_index (r->soft, guint, r->soft_next) == lineno;
}

/* Whether line is a "Form:" line, in any language. */
static gboolean
is_form_line (const char *line)
{
  g_autofree char *key = NULL, *value = NULL;
  return split_field (line, &key, &value) && g_strcmp0 (form_key_canonical (key), "Form") == 0;
}

/* Whether line is "Key: value" with a key the gateway knows. */
static gboolean
is_known_field (const char *line)
{
  g_autofree char *key = NULL, *value = NULL;
  return split_field (line, &key, &value) && form_key_canonical (key) != NULL;
}

/* Reports the lines of the record that were no field: a field follows them,
 * so they are not a closing greeting. */
static void
reader_flush_strays (TextReader *r)
{
  for (guint i = 0; i < r->strays->len; i++)
    form_record_problem (r->rec, g_array_index (r->strays, guint, i), NULL,
                         PROBLEM_EXPECTED_KEY, NULL);
  g_array_set_size (r->strays, 0);
}

/* Starts a new record at a Form: line. */
static void
reader_start_record (TextReader *r, const char *kind_name, guint lineno)
{
  char number[PROBLEM_NUMBER_LEN];
  r->value = NULL;
  r->fields_full = FALSE;
  g_array_set_size (r->strays, 0);
  if (r->parse->records->len >= r->limits.records_max)
    {
      form_parse_problem (r->parse, NULL, 0, FALSE, PROBLEM_RECORDS_MAX,
                          problem_number (number, r->limits.records_max), NULL);
      r->rec = NULL;
      r->stop = TRUE;
      return;
    }
  r->rec = form_record_new (kind_name, r->source, lineno, FALSE);
  r->rec->forwarded = r->forwarded;
  g_ptr_array_add (r->parse->records, r->rec);
}

/* value cut to the value limit; reports the cut once per value. */
static char *
reader_bounded (TextReader *r, const char *key, const char *text,
                guint lineno, glong *chars)
{
  char number[PROBLEM_NUMBER_LEN];
  glong n = g_utf8_strlen (text, -1);
  if (n <= (glong) r->limits.value_max)
    {
      *chars = n;
      return g_strdup (text);
    }
  form_record_problem (r->rec, lineno, key, PROBLEM_VALUE_TOO_LONG,
                       problem_number (number, r->limits.value_max), NULL);
  r->value_full = TRUE;
  *chars = r->limits.value_max;
  return g_strndup (text, g_utf8_offset_to_pointer (text, r->limits.value_max) - text);
}

/* Adds "Key: value" to the record being read. */
static void
reader_field (TextReader *r, const char *key, const char *value, guint lineno)
{
  char number[PROBLEM_NUMBER_LEN];
  reader_flush_strays (r);
  r->value = NULL;
  if (r->rec->values->len >= r->limits.fields_max)
    {
      if (!r->fields_full)
        form_record_problem (r->rec, lineno, NULL, PROBLEM_FIELDS_MAX,
                             problem_number (number, r->limits.fields_max), NULL);
      r->fields_full = TRUE;
      return;
    }
  FormValue *v = g_new0 (FormValue, 1);
  v->key = g_strdup (key);
  v->line = lineno;
  r->value_full = FALSE;
  v->value = reader_bounded (r, key, value, lineno, &r->value_chars);
  g_ptr_array_add (r->rec->values, v);
  r->value = v;
  r->blanks = 0;
}

/* Adds a continuation line to the value being read. */
static void
reader_continue (TextReader *r, const char *line, guint lineno)
{
  char number[PROBLEM_NUMBER_LEN];
  if (r->value == NULL)
    {
      if (r->rec)
        g_array_append_val (r->strays, lineno);
      return;
    }
  g_autofree char *text = strip_marks (g_strdup (line));
  g_autofree char *sep = g_strnfill (*r->value->value ? r->blanks + 1 : 0, '\n');
  g_autofree char *add = g_strconcat (sep, text, NULL);
  glong n = g_utf8_strlen (add, -1);
  r->blanks = 0;
  if (r->value_full)
    return;
  if (r->value_chars + n > (glong) r->limits.value_max)
    {
      form_record_problem (r->rec, lineno, r->value->key, PROBLEM_VALUE_TOO_LONG,
                           problem_number (number, r->limits.value_max), NULL);
      r->value_full = TRUE;
      return;
    }
  char *joined = g_strconcat (r->value->value, add, NULL);
  g_free (r->value->value);
  r->value->value = joined;
  r->value_chars += n;
}

/* Reads a line that is neither quoted, blank nor a continuation. */
static void
reader_key_line (TextReader *r, const char *line, guint lineno)
{
  g_autofree char *key = NULL, *value = NULL;
  if (!split_field (line, &key, &value))
    {
      r->value = NULL;
      if (r->rec)
        g_array_append_val (r->strays, lineno);
      return;
    }
  const char *canonical = form_key_canonical (key);
  form_parse_count_key (r->parse, key);
  if (g_strcmp0 (canonical, "Form") == 0)
    reader_start_record (r, value, lineno);
  else if (r->rec)
    reader_field (r, canonical ? canonical : key, value, lineno);
}

/* Reads one line of a text.  A line that continues the one before it
 * (soft) and is no field the gateway knows continues the value being read,
 * which is the only reading that makes the record valid. */
static void
reader_line (TextReader *r, const char *line, guint lineno, const char *cursor)
{
  gboolean soft = reader_soft (r, lineno);
  if (line[0] == '>')
    r->value = NULL;
  else if (is_forward_start (r, line, cursor))
    reader_start_forward (r);
  else if (r->headers && !is_form_line (line))
    reader_header (r, line);
  else if (is_end_of_text (line, cursor))
    r->stop = TRUE;
  else if (line_is (line, "--"))
    r->skipping = TRUE;
  else if (r->skipping)
    return;
  else if (is_blank (line))
    r->blanks++;
  else if (line_is (line, "---"))
    r->value = NULL;
  else if (g_unichar_isspace (g_utf8_get_char (line))
           || g_unichar_type (g_utf8_get_char (line)) == G_UNICODE_SPACE_SEPARATOR)
    reader_continue (r, line, lineno);
  else if (soft && r->value != NULL && r->blanks == 0 && !is_known_field (line))
    reader_continue (r, line, lineno);
  else
    reader_key_line (r, line, lineno);
}

/* Reports a line over CTC_LINE_MAX, where it matters: inside a record. */
static void
reader_long_line (TextReader *r, guint lineno)
{
  char number[PROBLEM_NUMBER_LEN];
  r->value = NULL;
  if (r->rec)
    form_record_problem (r->rec, lineno, NULL, PROBLEM_LINE_TOO_LONG,
                         problem_number (number, CTC_LINE_MAX), NULL);
}

/* Reads the records of one text: see form.h. */
void
form_parse_text (FormParse *parse, const char *text, const char *source,
                 const CtcLimits *limits)
{
  FormText t = { .text = text, .source = source };
  form_parse_text_from (parse, &t, limits);
}

/* Reads the records of one text with what is known of it: see form.h. */
void
form_parse_text_from (FormParse *parse, const FormText *text, const CtcLimits *limits)
{
  g_autofree char *valid = g_utf8_make_valid (text->text ? text->text : "", -1);
  TextReader r = { .parse = parse, .source = text->source,
                   .limits = limits ? *limits : ctc_limits_default (),
                   .forwarded = text->forwarded, .forward_subject = text->forward_subject,
                   .soft = text->soft_lines };
  r.strays = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *cursor = valid, *start;
  gsize len;
  guint lineno = 0;
  while (!r.stop && next_line (&cursor, &start, &len))
    {
      lineno++;
      if (len > CTC_LINE_MAX)
        {
          reader_long_line (&r, lineno);
          continue;
        }
      g_autofree char *line = g_strndup (start, len);
      const char *text_start = line;
      while (*text_start != '\0' && is_mark (g_utf8_get_char (text_start)))
        text_start = g_utf8_next_char (text_start);
      reader_line (&r, text_start, lineno, cursor);
    }
  g_array_unref (r.strays);
}

/* ---- checking ---------------------------------------------------------------- */

/* What a record gives for one field: its text (list values repeated in the
 * record are joined) and the line of its first occurrence. */
typedef struct {
  GString *text;
  guint line;
} Given;

/* Frees a Given. */
static void
given_free (Given *g)
{
  g_string_free (g->text, TRUE);
  g_free (g);
}

/* Whether values of type are lists. */
static gboolean
is_list (FieldType type)
{
  return type == FIELD_EMAILS || type == FIELD_ENTITIES
         || type == FIELD_BENEFICIARIES || type == FIELD_AREAS
         || type == FIELD_LANGUAGES || type == FIELD_RECIPIENTS;
}

/* The canonical field names of kind, NULL-terminated (for suggestions). */
static const char **
kind_field_names (const struct form_kind *kind)
{
  const char **names = g_new0 (const char *, kind->n_fields + 1);
  for (guint i = 0; i < kind->n_fields; i++)
    names[i] = kind->fields[i].name;
  return names;
}

/* Reports a key that kind does not have, with the closest one it has. */
static void
check_unknown_key (FormRecord *rec, const FormValue *v)
{
  g_autofree char *clipped = problem_clip (v->key);
  if (form_key_canonical (v->key))
    {
      form_record_problem (rec, v->line, v->key, PROBLEM_FIELD_NOT_IN_FORM,
                           clipped, rec->kind->name, NULL);
      return;
    }
  g_autofree const char **names = kind_field_names (rec->kind);
  const char *close = form_suggest (v->key, names);
  form_record_problem_suggest (rec, v->line, v->key, close, PROBLEM_UNKNOWN_FIELD,
                               clipped, NULL);
}

/* Adds v to what the record gives (spec -> Given); repeats are problems
 * except for lists, whose items are joined. */
static void
gather_value (FormRecord *rec, GHashTable *given, const FormFieldSpec *spec,
              const FormValue *v)
{
  char number[PROBLEM_NUMBER_LEN];
  Given *g = g_hash_table_lookup (given, spec);
  if (g == NULL)
    {
      g = g_new0 (Given, 1);
      g->text = g_string_new (v->value);
      g->line = v->line;
      g_hash_table_insert (given, (gpointer) spec, g);
    }
  else if (is_list (spec->type))
    g_string_append_printf (g->text, ",%s", v->value);
  else
    form_record_problem (rec, v->line, spec->name,
                         rec->csv ? PROBLEM_REPEATED_AT_ROW : PROBLEM_REPEATED_AT_LINE,
                         problem_number (number, g->line), NULL);
}

/* The fields rec gives, spec -> Given; unknown keys become problems. */
static GHashTable *
gather (FormRecord *rec)
{
  GHashTable *given = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                             NULL, (GDestroyNotify) given_free);
  for (guint i = 0; i < rec->values->len; i++)
    {
      const FormValue *v = rec->values->pdata[i];
      if (strcmp (v->key, "Form") == 0)
        continue;
      const FormFieldSpec *spec = form_kind_field (rec->kind, v->key);
      if (spec == NULL)
        check_unknown_key (rec, v);
      else if (!is_blank (v->value))
        gather_value (rec, given, spec, v);
    }
  return given;
}

/* Reports a Form: line that names no known kind, with the closest one. */
static void
check_unknown_kind (FormRecord *rec)
{
  const char *names[G_N_ELEMENTS (form_kinds)];
  kind_names (names);
  g_autofree char *all = g_strjoinv (", ", (char **) names);
  g_autofree char *folded = form_fold (rec->kind_name);
  g_autofree char *clipped = problem_clip (rec->kind_name);
  const char *close = form_term_suggest (rec->kind_name, names);
  if (*folded == '\0')
    form_record_problem (rec, rec->line, "Form", PROBLEM_NO_FORM, all, NULL);
  else if (close)
    form_record_problem_suggest (rec, rec->line, "Form", close, PROBLEM_UNKNOWN_FORM,
                                 clipped, NULL);
  else
    form_record_problem (rec, rec->line, "Form", PROBLEM_UNKNOWN_FORM_LIST, clipped, all,
                         NULL);
}

/* Clears what an earlier form_check() left in rec. */
static void
record_reset (FormRecord *rec)
{
  g_hash_table_remove_all (rec->columns);
  g_clear_pointer (&rec->reference, g_free);
  g_clear_pointer (&rec->owner, g_free);
  g_ptr_array_set_size (rec->owners, 0);
  rec->withdraw = FALSE;
}

/* The first field of kind of type with no column (Reference or Action). */
static const FormFieldSpec *
kind_update_field (const struct form_kind *kind, FieldType type)
{
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].type == type && kind->fields[i].column == NULL)
      return &kind->fields[i];
  return NULL;
}

/* Checks that a reference given to update (in field) names a record of
 * rec's kind. */
static void
check_reference_kind (FormRecord *rec, const char *field, const char *reference, guint line)
{
  g_autofree char *kind = form_reference_kind (reference);
  if (rec->kind->ref_kind && g_strcmp0 (kind, rec->kind->ref_kind) != 0)
    form_record_problem (rec, line, field, PROBLEM_REFERENCE_WRONG_KIND,
                         reference, rec->kind->name, rec->kind->ref_kind, NULL);
}

/* Reads Reference: (an update) and Action: (a withdrawal) first, since they
 * decide which other fields are required.  Returns whether rec updates. */
static gboolean
check_update (FormRecord *rec, GHashTable *given, const FormLookup *lookup)
{
  const FormFieldSpec *ref = kind_update_field (rec->kind, FIELD_REFERENCE);
  const FormFieldSpec *action = kind_update_field (rec->kind, FIELD_ACTION);
  Given *gref = ref ? g_hash_table_lookup (given, ref) : NULL;
  Given *gaction = action ? g_hash_table_lookup (given, action) : NULL;
  if (gref)
    {
      rec->reference = form_value_check (rec, ref, gref->text->str, gref->line,
                                         lookup, NULL);
      if (rec->reference)
        check_reference_kind (rec, ref->name, rec->reference, gref->line);
    }
  if (gaction)
    {
      g_autofree char *a = form_value_check (rec, action, gaction->text->str,
                                             gaction->line, lookup, NULL);
      rec->withdraw = a != NULL;
      if (rec->withdraw && gref == NULL)
        form_record_problem (rec, gaction->line, "Action",
                             PROBLEM_WITHDRAW_NEEDS_REFERENCE, NULL);
    }
  return gref != NULL;
}

/* Records the entities a record speaks for, from its owner field. */
static void
set_owners (FormRecord *rec, GPtrArray *items)
{
  for (guint i = 0; items && i < items->len; i++)
    g_ptr_array_add (rec->owners, g_strdup (items->pdata[i]));
  if (rec->owners->len > 0)
    rec->owner = g_strdup (rec->owners->pdata[0]);
}

/* Checks one field of rec's kind: the value given, else the default, else
 * a problem when it is required (and rec makes a new record). */
static void
check_field (FormRecord *rec, const FormFieldSpec *spec, Given *g,
             gboolean update, const FormLookup *lookup)
{
  const char *text = g ? g->text->str : update ? NULL : spec->default_value;
  if (text == NULL)
    {
      if (spec->required && !update)
        form_record_problem (rec, rec->line, spec->name, PROBLEM_REQUIRED, NULL);
      return;
    }
  g_autoptr(GPtrArray) items = NULL;
  char *value = form_value_check (rec, spec, text, g ? g->line : rec->line,
                                  lookup, &items);
  if (value == NULL)
    return;
  if (g_strcmp0 (spec->name, rec->kind->owner_field) == 0)
    set_owners (rec, items);
  if (spec->column)
    g_hash_table_replace (rec->columns, g_strdup (spec->column), value);
  else
    g_free (value);
}

/* Checks one record against its kind. */
static void
check_record (FormRecord *rec, const FormLookup *lookup)
{
  record_reset (rec);
  if (rec->kind == NULL)
    {
      check_unknown_kind (rec);
      return;
    }
  g_autoptr(GHashTable) given = gather (rec);
  gboolean update = check_update (rec, given, lookup);
  for (guint i = 0; i < rec->kind->n_fields; i++)
    {
      const FormFieldSpec *spec = &rec->kind->fields[i];
      if (spec->column == NULL
          && (spec->type == FIELD_REFERENCE || spec->type == FIELD_ACTION))
        continue;
      check_field (rec, spec, g_hash_table_lookup (given, spec), update, lookup);
    }
  if (rec->kind->validate)
    rec->kind->validate (rec);
}

/* Checks every record of parse: see form.h. */
void
form_check (FormParse *parse, const FormLookup *lookup, const CtcLimits *limits)
{
  for (guint i = 0; i < parse->records->len; i++)
    check_record (parse->records->pdata[i], lookup);
}
