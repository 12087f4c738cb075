/* The contact-list distribution (action plan E 6 a): the directory of
 * contact points as a text table, CSV and vCard 4.0, sent to an audience. */

#include <string.h>
#include <gmime/gmime.h>

#include "gateway/base/text.h"
#include "gateway/store/audience.h"
#include "gateway/store/db.h"
#include "gateway/flows/distribute.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/base/template.h"
#include "parsers/csv.h"

/* The width of the text table (that of the text around it: ctcgw(8),
 * NOTES), and the narrowest a column is made. */
#define TABLE_WIDTH TEXT_WRAP_COLUMNS
#define TABLE_GAP 2
#define TABLE_NARROWEST 8
#define TABLE_COLUMNS 4
#define TABLE_INDENT 2
/* The column of addresses, which are never broken. */
#define TABLE_EMAIL 2
/* RFC 6350 section 3.2: content lines are folded at 75 octets. */
#define VCARD_LINE_OCTETS 75
/* Any UUID serves as the namespace of the name-based UIDs; this one is
 * the gateway's own, so that no other program makes the same UIDs. */
static const guint8 uid_namespace[16] = {
  0x3c, 0x1f, 0x6e, 0x52, 0x8a, 0x47, 0x4d, 0x0b,
  0x9e, 0x35, 0x21, 0xc4, 0x70, 0x8d, 0x5a, 0xe6,
};

/* A JSON list column as its items joined with ", ". */
#define JOINED(col) \
  "(SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c." col ")" \
  " THEN c." col " ELSE json_array(c." col ") END))"

static const char *const directory_sql =
  "SELECT c.reference, c.entity, coalesce(e.name, c.entity), c.name, c.email,"
  " c.title, c.office, c.phone, " JOINED ("languages") ", c.role, " JOINED ("areas") ","
  " c.updated"
  " FROM contacts c LEFT JOIN entities e ON e.code = c.entity"
  " WHERE c.state = 'active' AND c.status = 'active'"
  " ORDER BY c.entity COLLATE NOCASE, c.name COLLATE NOCASE, c.id";

/* The CSV header: the contact-point form's fields. */
static const char *const csv_fields[] = {
  "Entity", "Name", "Email", "Title", "Office", "Phone", "Languages", "Role", "Areas",
};

/* Frees a contact point of distribute_directory(). */
void
contact_point_free (ContactPoint *cp)
{
  if (cp == NULL)
    return;
  g_free (cp->reference);
  g_free (cp->entity);
  g_free (cp->entity_name);
  g_free (cp->name);
  g_free (cp->email);
  g_free (cp->title);
  g_free (cp->office);
  g_free (cp->phone);
  g_free (cp->languages);
  g_free (cp->role);
  g_free (cp->areas);
  g_free (cp->updated);
  g_free (cp);
}

/* ---- the directory ------------------------------------------------------ */

/* Column i of the current row as valid UTF-8, or NULL when it is NULL. */
static char *
column_text (sqlite3_stmt *st, int i)
{
  const char *text = (const char *) sqlite3_column_text (st, i);
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

/* A new ContactPoint from the current row of directory_sql. */
static ContactPoint *
contact_point_from_row (sqlite3_stmt *st)
{
  ContactPoint *cp = g_new0 (ContactPoint, 1);
  char **fields[] = { &cp->reference, &cp->entity, &cp->entity_name, &cp->name,
                      &cp->email, &cp->title, &cp->office, &cp->phone,
                      &cp->languages, &cp->role, &cp->areas, &cp->updated };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = column_text (st, (int) i);
  return cp;
}

/* See distribute.h: what every format of the directory is made from. */
GPtrArray *
distribute_directory (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db, directory_sql, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) contact_point_free);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, contact_point_from_row (st));
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the contact points");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* ---- the text table ----------------------------------------------------- */

/* Characters that would let a value rewrite the screen or reorder the text
 * around it: controls, line separators, bidirectional overrides. */
static gboolean
unprintable (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* text (may be NULL) on one line: unprintable characters become spaces,
 * runs of spaces one space, none at either end. */
static char *
one_line (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (unprintable (c) || g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The length in bytes of the longest start of s (one line, no spaces at
 * its ends) that fits width columns: up to a space, after a '-' or before
 * a '.' or '@' where there is one, else cut inside the word.  At least one
 * character. */
static gsize
wrap_length (const char *s, guint width)
{
  guint used = 0;
  gsize last_break = 0;
  const char *p = s;

  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      guint w = text_char_width (g_utf8_get_char (p));
      if (used + w > width)
        break;
      if (p > s && (*p == ' ' || *p == '.' || *p == '@'))
        last_break = p - s;
      else if (*p == '-')
        last_break = p - s + 1;
      used += w;
    }
  if (*p == '\0' || *p == ' ')
    return p - s;
  if (last_break > 0)
    return last_break;
  return p > s ? (gsize) (p - s) : (gsize) (g_utf8_next_char (s) - s);
}

/* text (one line) broken into lines of at most width columns. */
static GPtrArray *
wrap (const char *text, guint width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      gsize n = wrap_length (p, width);
      g_ptr_array_add (lines, g_strndup (p, n));
      p += n;
      while (*p == ' ')
        p++;
    }
  if (lines->len == 0)
    g_ptr_array_add (lines, g_strdup (""));
  return lines;
}

/* The cells of one row of the table. */
static char **
row_cells (const ContactPoint *cp)
{
  char **row = g_new0 (char *, TABLE_COLUMNS + 1);
  row[0] = one_line (cp->name);
  row[1] = one_line (cp->role);
  row[TABLE_EMAIL] = one_line (cp->email);
  row[3] = one_line (cp->phone);
  return row;
}

/* The narrowest each column is made before the others give way, and the
 * order in which they give way: names wrap well, addresses less so, phone
 * numbers badly. */
static const guint column_min[TABLE_COLUMNS] = { 14, 11, 24, 12 };
static const guint shrink_order[] = { 0, 2, 3, 1 };

/* The total width of a row with widths. */
static guint
table_total (const guint *widths)
{
  guint total = TABLE_INDENT + (TABLE_COLUMNS - 1) * TABLE_GAP;
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    total += widths[j];
  return total;
}

/* The widest the address column can be with every other column at its
 * column_min. */
static guint
email_room (void)
{
  guint others = TABLE_INDENT + (TABLE_COLUMNS - 1) * TABLE_GAP;
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    others += j != TABLE_EMAIL ? column_min[j] : 0;
  return TABLE_WIDTH - others;
}

/* The width of each column: as wide as its widest cell, then narrowed in
 * shrink_order (down to column_min, then the widest, down to
 * TABLE_NARROWEST) until the table fits TABLE_WIDTH.  The address
 * column is as wide as its widest address that fits email_room(); a wider
 * one goes on a line of its own (append_table_row). */
static void
table_widths (GPtrArray *rows, guint *widths)
{
  guint floor[TABLE_COLUMNS];
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    widths[j] = 1;
  for (guint i = 0; i < rows->len; i++)
    for (guint j = 0; j < TABLE_COLUMNS; j++)
      {
        guint w = text_width (((char **) rows->pdata[i])[j]);
        if (j != TABLE_EMAIL || w <= email_room ())
          widths[j] = MAX (widths[j], w);
      }
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    floor[j] = j == TABLE_EMAIL ? widths[j] : MIN (widths[j], column_min[j]);
  for (guint k = 0; k < G_N_ELEMENTS (shrink_order); k++)
    {
      guint j = shrink_order[k], total = table_total (widths);
      if (total > TABLE_WIDTH && widths[j] > floor[j])
        widths[j] -= MIN (total - TABLE_WIDTH, widths[j] - floor[j]);
    }
  while (table_total (widths) > TABLE_WIDTH)
    {
      guint widest = TABLE_COLUMNS;
      for (guint j = 0; j < TABLE_COLUMNS; j++)
        if (widths[j] > MAX (TABLE_NARROWEST, j == TABLE_EMAIL ? floor[j] : 0)
            && (widest == TABLE_COLUMNS || widths[j] > widths[widest]))
          widest = j;
      if (widest == TABLE_COLUMNS)
        return;
      widths[widest]--;
    }
}

/* Appends s padded with spaces to width columns. */
static void
append_padded (GString *out, const char *s, guint width)
{
  g_string_append (out, s);
  for (guint used = text_width (s); used < width; used++)
    g_string_append_c (out, ' ');
}

/* Ends a line of out: no spaces before the newline. */
static void
end_line (GString *out)
{
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
}

/* Appends one row, indented: each cell wrapped in its column, as many
 * lines as the tallest cell needs.  An address is never broken: one wider
 * than its column follows the row on a line of its own. */
static void
append_table_row (GString *out, char **cells, const guint *widths)
{
  GPtrArray *wrapped[TABLE_COLUMNS];
  guint height = 1;
  gboolean email_apart = text_width (cells[TABLE_EMAIL]) > widths[TABLE_EMAIL];

  for (guint j = 0; j < TABLE_COLUMNS; j++)
    {
      gboolean whole = j == TABLE_EMAIL;
      wrapped[j] = wrap (whole && email_apart ? "" : cells[j], whole ? G_MAXUINT : widths[j]);
      height = MAX (height, wrapped[j]->len);
    }
  for (guint line = 0; line < height; line++)
    {
      append_padded (out, "", TABLE_INDENT);
      for (guint j = 0; j < TABLE_COLUMNS; j++)
        {
          const char *s = line < wrapped[j]->len ? wrapped[j]->pdata[line] : "";
          append_padded (out, s, j + 1 < TABLE_COLUMNS ? widths[j] + TABLE_GAP : 0);
        }
      end_line (out);
    }
  if (email_apart)
    {
      append_padded (out, "", TABLE_INDENT);
      g_string_append (out, cells[TABLE_EMAIL]);
      end_line (out);
    }
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    g_ptr_array_unref (wrapped[j]);
}

/* The header: the heading of the entities' headings ("Entity"), the
 * column names and a rule. */
static void
append_table_header (GString *out, const char *entity, char **names, const guint *widths)
{
  g_string_append (out, entity);
  end_line (out);
  append_table_row (out, names, widths);
  append_padded (out, "", TABLE_INDENT);
  for (guint j = 0; j < TABLE_COLUMNS; j++)
    {
      for (guint k = 0; k < widths[j]; k++)
        g_string_append_c (out, '-');
      append_padded (out, "", j + 1 < TABLE_COLUMNS ? TABLE_GAP : 0);
    }
  end_line (out);
}

/* The heading of an entity's contact points: "Kazakhstan (KZ)", wrapped;
 * shown (may be NULL) names the entity instead of its registered name. */
static void
append_entity_heading (GString *out, const ContactPoint *cp, const char *shown)
{
  g_autofree char *name = one_line (shown != NULL ? shown : cp->entity_name);
  g_autofree char *code = one_line (cp->entity);
  g_autofree char *heading = g_ascii_strcasecmp (name, code) == 0
      ? g_strdup (name) : g_strdup_printf ("%s (%s)", name, code);
  g_autoptr (GPtrArray) lines = wrap (heading, TABLE_WIDTH);

  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, lines->pdata[i]);
      end_line (out);
    }
}

/* The table with headings (entity, then the TABLE_COLUMNS column names),
 * the States named as in lang where names (may be NULL) has them. */
static char *
text_table (GPtrArray *directory, char **headings, const CountryNames *names, const char *lang)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint widths[TABLE_COLUMNS];
  GString *out = g_string_new (NULL);

  g_ptr_array_add (rows, g_strdupv (headings + 1));
  for (guint i = 0; i < directory->len; i++)
    g_ptr_array_add (rows, row_cells (directory->pdata[i]));
  table_widths (rows, widths);
  append_table_header (out, headings[0], rows->pdata[0], widths);
  for (guint i = 0; i < directory->len; i++)
    {
      const ContactPoint *cp = directory->pdata[i];
      const ContactPoint *previous = i > 0 ? directory->pdata[i - 1] : NULL;
      if (previous == NULL || g_strcmp0 (previous->entity, cp->entity) != 0)
        append_entity_heading (out, cp, country_names_shown (names, cp->entity, lang));
      append_table_row (out, rows->pdata[i + 1], widths);
    }
  return g_string_free (out, FALSE);
}

/* See distribute.h: the body of the message, for any mail reader. */
char *
distribute_text_table (GPtrArray *directory)
{
  return text_table (directory, (char *[]) { "Entity", "Name", "Role", "Email", "Phone", NULL },
                     NULL, NULL);
}

/* See distribute.h.  The headings are the lines of the template
 * distribute-headings in lang (ctcgw(8), "distribute contacts"). */
char *
distribute_text_table_in (GPtrArray *directory, const char *lang, const CountryNames *names)
{
  g_autofree char *text = tpl_load ("distribute-headings", lang, "txt", NULL);
  g_auto (GStrv) lines = text != NULL ? g_strsplit (g_strchomp (text), "\n", -1) : NULL;
  if (lines == NULL || g_strv_length (lines) != TABLE_COLUMNS + 1)
    return distribute_text_table (directory);
  for (guint i = 0; lines[i] != NULL; i++)
    g_strstrip (lines[i]);
  return text_table (directory, lines, names, lang);
}

/* ---- CSV ---------------------------------------------------------------- */

/* value with its line breaks written CRLF, as text/csv in mail has them. */
static char *
crlf_line_breaks (const char *value)
{
  GString *out = g_string_new (NULL);
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (out, "\r\n");
      else if (*p != '\r')
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Appends one CSV record of n fields, ended with CRLF. */
static void
csv_append_record (GString *out, const char *const *fields, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_autofree char *cell = crlf_line_breaks (fields[i]);
      csv_append_cell (out, cell);
    }
  g_string_append (out, "\r\n");
}

/* See distribute.h: the directory for spreadsheets and `ctcgw import`. */
char *
distribute_csv (GPtrArray *directory)
{
  GString *out = g_string_new (NULL);

  csv_append_record (out, csv_fields, G_N_ELEMENTS (csv_fields));
  for (guint i = 0; i < directory->len; i++)
    {
      ContactPoint *cp = directory->pdata[i];
      const char *fields[] = { cp->entity, cp->name, cp->email, cp->title, cp->office,
                               cp->phone, cp->languages, cp->role, cp->areas };
      G_STATIC_ASSERT (G_N_ELEMENTS (fields) == G_N_ELEMENTS (csv_fields));
      csv_append_record (out, fields, G_N_ELEMENTS (fields));
    }
  return g_string_free (out, FALSE);
}

/* ---- vCard -------------------------------------------------------------- */

/* See distribute.h: a value that cannot end or split a property. */
char *
vcard_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == ',' || *p == ';')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else if ((guchar) *p >= 0x20 && *p != 0x7f)
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The length of the longest start of s, at most max octets, that does
 * not end inside a UTF-8 character (at least one octet). */
static gsize
fold_length (const char *s, gsize len, gsize max)
{
  if (len <= max)
    return len;
  gsize n = max;
  while (n > 1 && ((guchar) s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

/* See distribute.h: long values in lines that every reader takes. */
void
vcard_append_line (GString *out, const char *name, const char *value)
{
  g_autofree char *line = g_strconcat (name, ":", value, NULL);
  const char *p = line;
  gsize left = strlen (line);
  gsize room = VCARD_LINE_OCTETS;

  while (left > 0)
    {
      gsize n = fold_length (p, left, room);
      if (p != line)
        g_string_append_c (out, ' ');
      g_string_append_len (out, p, n);
      g_string_append (out, "\r\n");
      p += n;
      left -= n;
      room = VCARD_LINE_OCTETS - 1;
    }
}

/* See distribute.h: the same card each time, so that importing it again updates it. */
char *
vcard_uid (const char *reference)
{
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;

  g_checksum_update (sha1, uid_namespace, sizeof uid_namespace);
  g_checksum_update (sha1, (const guchar *) reference, -1);
  g_checksum_get_digest (sha1, digest, &len);
  /* RFC 4122 section 4.3: version 5, variant 10. */
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4],
                          digest[5], digest[6], digest[7], digest[8], digest[9],
                          digest[10], digest[11], digest[12], digest[13],
                          digest[14], digest[15]);
}

/* Appends NAME:value with value escaped; nothing when value is empty. */
static void
vcard_append_text (GString *out, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_autofree char *escaped = vcard_escape (value);
  vcard_append_line (out, name, escaped);
}

/* N: the last word of the name as the family name, the rest as given
 * names (the register keeps one name; this is what address books sort by). */
static void
vcard_append_n (GString *out, const char *name)
{
  g_autofree char *clean = one_line (name);
  char *space = strrchr (clean, ' ');
  g_autofree char *given = space != NULL ? g_strndup (clean, space - clean) : g_strdup ("");
  g_autofree char *family = vcard_escape (space != NULL ? space + 1 : clean);
  g_autofree char *given_escaped = vcard_escape (given);
  g_autofree char *value = g_strdup_printf ("%s;%s;;;", family, given_escaped);
  vcard_append_line (out, "N", value);
}

/* ORG: the entity's name, the office as its unit. */
static void
vcard_append_org (GString *out, const ContactPoint *cp)
{
  g_autofree char *org = vcard_escape (cp->entity_name);
  g_autofree char *unit = vcard_escape (cp->office);
  g_autofree char *value = *unit != '\0' ? g_strdup_printf ("%s;%s", org, unit)
                                         : g_strdup (org);
  vcard_append_line (out, "ORG", value);
}

/* TRUE when tag is a plain language tag (letters, digits, '-'). */
static gboolean
language_tag_valid (const char *tag)
{
  if (*tag == '\0' || strlen (tag) > 35)
    return FALSE;
  for (const char *p = tag; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* LANG, one line per language in the order of preference. */
static void
vcard_append_languages (GString *out, const char *languages)
{
  g_auto (GStrv) tags = g_strsplit (languages != NULL ? languages : "", ",", 32);
  guint pref = 0;

  for (guint i = 0; tags[i] != NULL && pref < 9; i++)
    {
      g_strstrip (tags[i]);
      if (!language_tag_valid (tags[i]))
        continue;
      g_autofree char *name = g_strdup_printf ("LANG;PREF=%u", ++pref);
      vcard_append_line (out, name, tags[i]);
    }
}

/* REV from the register's ISO 8601 time, nothing when it cannot be read. */
static void
vcard_append_rev (GString *out, const char *updated)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) t = updated != NULL ? g_date_time_new_from_iso8601 (updated, utc) : NULL;
  if (t == NULL)
    return;
  g_autoptr (GDateTime) in_utc = g_date_time_to_utc (t);
  g_autofree char *rev = g_date_time_format (in_utc, "%Y%m%dT%H%M%SZ");
  vcard_append_line (out, "REV", rev);
}

/* Appends the card of one contact point. */
static void
vcard_append_card (GString *out, const ContactPoint *cp)
{
  g_autofree char *uid = vcard_uid (cp->reference != NULL ? cp->reference : cp->email);

  vcard_append_line (out, "BEGIN", "VCARD");
  vcard_append_line (out, "VERSION", "4.0");
  vcard_append_line (out, "KIND", "individual");
  g_autofree char *fn = vcard_escape (cp->name);
  vcard_append_line (out, "FN", fn);
  vcard_append_n (out, cp->name);
  vcard_append_org (out, cp);
  vcard_append_text (out, "TITLE", cp->title);
  vcard_append_text (out, "ROLE", cp->role);
  vcard_append_text (out, "EMAIL;TYPE=work", cp->email);
  vcard_append_text (out, "TEL;TYPE=work,voice", cp->phone);
  vcard_append_languages (out, cp->languages);
  vcard_append_line (out, "UID", uid);
  vcard_append_rev (out, cp->updated);
  vcard_append_line (out, "END", "VCARD");
}

/* See distribute.h: the directory for address books. */
char *
distribute_vcard (GPtrArray *directory)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < directory->len; i++)
    vcard_append_card (out, directory->pdata[i]);
  return g_string_free (out, FALSE);
}

/* ---- the messages ------------------------------------------------------- */

/* What every message of one distribution shares. */
typedef struct {
  GPtrArray *directory;  /* ContactPoint* */
  GHashTable *tables;    /* the text table by language of its headings */
  const CountryNames *names;
  char *csv;
  char *vcard;
  char *list_id;
  guint count;
} Distribution;

/* Frees what a Distribution holds. */
static void
distribution_clear (Distribution *d)
{
  g_clear_pointer (&d->directory, g_ptr_array_unref);
  g_clear_pointer (&d->tables, g_hash_table_unref);
  g_free (d->csv);
  g_free (d->vcard);
  g_free (d->list_id);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Distribution, distribution_clear)

/* List-Id (RFC 2919) of the distribution: contacts.<the gateway's domain>. */
static char *
list_id (const Config *config)
{
  const char *at = config->address != NULL ? strrchr (config->address, '@') : NULL;
  g_autofree char *domain = g_ascii_strdown (at != NULL ? at + 1 : "localhost", -1);
  return g_strdup_printf ("<contacts.%s>", domain);
}

/* Reads the directory and makes the table and both attachments. */
static gboolean
distribution_make (sqlite3 *db, const Config *config, Distribution *d, GError **error)
{
  GPtrArray *directory = distribute_directory (db, error);
  if (directory == NULL)
    return FALSE;
  d->directory = directory;
  d->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  d->names = country_names_default (db);
  d->csv = distribute_csv (directory);
  d->vcard = distribute_vcard (directory);
  d->list_id = list_id (config);
  d->count = directory->len;
  return TRUE;
}

/* The text table with its headings in lang, made once per language.
 * Owned by d. */
static const char *
table_in (const Distribution *d, const char *lang)
{
  const char *code = tpl_language ("distribute-headings", lang, "txt");
  char *table = g_hash_table_lookup (d->tables, code);
  if (table == NULL)
    {
      table = g_strchomp (distribute_text_table_in (d->directory, code, d->names));
      g_hash_table_insert (d->tables, (gpointer) code, table);
    }
  return table;
}

/* The body: the rendered text, then the CSV and vCard attachments, in
 * UTF-8 (vCard 4.0 knows no other charset). */
static GMimeObject *
body_of (const Distribution *d, const char *text)
{
  GMimeObject *csv = compose_attachment ("text/csv", "contacts.csv", d->csv,
                                         "charset", "utf-8", NULL);
  g_mime_object_set_content_type_parameter (csv, "header", "present");
  return compose_multipart ("mixed", compose_text_part ("plain", text), csv,
                            compose_attachment ("text/vcard", "contacts.vcf", d->vcard,
                                                "charset", "utf-8", NULL), NULL);
}

/* The template data of one recipient's message. */
static TplData *
message_data (const Distribution *d, const Recipient *r)
{
  TplData *data = tpl_data_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  tpl_set (data, "name", r->name);
  tpl_set (data, "entity_name", r->entity_name);
  tpl_set (data, "reference", r->reference);
  tpl_set (data, "date", date);
  tpl_set_printf (data, "count", "%u", d->count);
  tpl_set_bool (data, "empty", d->count == 0);
  tpl_set (data, "table", table_in (d, r->language));
  return data;
}

/* Composes and queues the message to r; the outbox row's id, or 0. */
static gint64
queue_one (const Context *ctx, const Distribution *d, const Recipient *r, GError **error)
{
  g_autoptr (TplData) data = message_data (d, r);
  g_autofree char *subject = NULL;
  g_autofree char *text = tpl_render_message ("distribute", r->language, data, &subject, error);
  if (text == NULL)
    return 0;
  ComposeHeaders headers = {
    .auto_submitted = "auto-generated", .to = r->email, .to_name = r->name,
    .subject = subject, .list_id = d->list_id, .bulk = TRUE,
    .language = tpl_language ("distribute", r->language, "txt"),
  };
  g_autoptr (GMimeMessage) msg = compose_message (ctx->config, &headers);
  compose_set_body (msg, body_of (d, text));
  return outbox_queue (ctx->db, msg, r->email, 0, "distribute", error);
}

/* Queues the message to every recipient; a recipient whose address the
 * outbox refuses is left out with a warning.  FALSE at the first other
 * failure. */
static gboolean
queue_all (const Context *ctx, const Distribution *d, GPtrArray *recipients, guint *queued,
           GError **error)
{
  for (guint i = 0; i < recipients->len; i++)
    {
      const Recipient *r = recipients->pdata[i];
      GError *local = NULL;
      if (queue_one (ctx, d, r, &local) > 0)
        {
          (*queued)++;
          continue;
        }
      if (!g_error_matches (local, OUTBOX_ERROR, OUTBOX_ERROR_RECIPIENT))
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      g_autofree char *who = log_escape (r->reference);
      g_autofree char *why = log_escape (local->message);
      log_warn ("distribute", "contact=%s skipped=%s", who, why);
      g_error_free (local);
    }
  return TRUE;
}

/* See distribute.h: for a caller that queues more in the same transaction. */
gboolean
distribute_queue (const Context *ctx, const char *audience, guint *queued, GError **error)
{
  g_auto (Distribution) d = { 0 };
  g_autoptr (GPtrArray) recipients = NULL;

  *queued = 0;
  recipients = audience_resolve (ctx->db, audience, ctx->config->language, error);
  if (recipients == NULL || !distribution_make (ctx->db, ctx->config, &d, error)
      || !queue_all (ctx, &d, recipients, queued, error))
    return FALSE;
  g_autofree char *logged = log_escape (audience);
  log_info ("distribute", "audience=%s recipients=%u queued=%u contacts=%u", logged,
            recipients->len, *queued, d.count);
  return TRUE;
}

/* See distribute.h: the distribution as one transaction. */
gboolean
distribute_contacts (const Context *ctx, const char *audience, guint *queued, GError **error)
{
  sqlite3 *db = ctx->db;
  *queued = 0;
  if (!db_begin (db, error))
    return FALSE;
  if (!distribute_queue (ctx, audience, queued, error)
      || !db_commit (db, error))
    {
      db_rollback (db);
      *queued = 0;
      return FALSE;
    }
  return TRUE;
}
