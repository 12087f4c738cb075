/* State names in ar, es, fr, ru and zh from the iso-codes catalogues
 * (countries.h).  The catalogues are read directly, in the GNU .mo format,
 * rather than through gettext: the answer does not depend on the process's
 * locale, and all five languages are in one table. */

#include "gateway/store/countries.h"

#include <string.h>

#include "parsers/form.h"

/* The catalogues, by the directory name of their language. */
static const char *const catalogue_languages[] = { "ar", "es", "fr", "ru", "zh_CN" };

/* Names in the United Nations' terminology where the iso-codes translation
 * differs (Kazajistán there, Kazajstán at the UN). */
static const struct {
  const char *name;
  const char *code;
  const char *language;
} un_names[] = {
  { "Kazajstán", "KZ", "es" }, { "Кыргызстан", "KG", "ru" }, { "吉尔吉斯斯坦", "KG", "zh" },
  { "Federación de Rusia", "RU", "es" }, { "Fédération de Russie", "RU", "fr" },
  { "俄罗斯联邦", "RU", "zh" },
};

/* A catalogue larger than this is not read: iso_3166-1.mo is some 30 KB. */
#define CATALOGUE_MAX (4u << 20)

struct _CountryNames {
  GHashTable *codes;     /* folded name -> code */
  GPtrArray *names;      /* the names as written, for suggestions */
  GPtrArray *scripts;    /* the script of each name, GUINT_TO_POINTER */
  GHashTable *shown;     /* "ru:KZ" -> the name a text in ru gives KZ */
  guint languages;
};

/* The 32-bit word at off of data, in the catalogue's byte order. */
static guint32
word_at (const guchar *data, gsize off, gboolean swap)
{
  guint32 w;
  memcpy (&w, data + off, 4);
  return swap ? GUINT32_SWAP_LE_BE (w) : w;
}

/* The string of entry i of the table at table, or NULL when it lies outside
 * the file or is not NUL-terminated. */
static const char *
mo_string (const guchar *data, gsize len, guint32 table, guint32 i, gboolean swap)
{
  guint64 entry = (guint64) table + 8 * (guint64) i;
  if (entry + 8 > len)
    return NULL;
  guint32 n = word_at (data, entry, swap), off = word_at (data, entry + 4, swap);
  if ((guint64) off + n >= len || data[off + n] != '\0')
    return NULL;
  return (const char *) data + off;
}

/* The messages of a .mo file: msgid -> msgstr, new strings.  Entries with
 * a context or plural forms, and the header, are left out. */
static GHashTable *
mo_parse (const guchar *data, gsize len)
{
  GHashTable *messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (len < 20)
    return messages;
  guint32 magic = word_at (data, 0, FALSE);
  gboolean swap = magic == 0xde120495;
  if (!swap && magic != 0x950412de)
    return messages;
  guint32 n = word_at (data, 8, swap);
  guint32 originals = word_at (data, 12, swap), translations = word_at (data, 16, swap);
  for (guint32 i = 0; i < n && i < len / 8; i++)
    {
      const char *id = mo_string (data, len, originals, i, swap);
      const char *str = mo_string (data, len, translations, i, swap);
      if (id && str && *id && *str && !strchr (id, '\x04')
          && g_utf8_validate (str, -1, NULL))
        g_hash_table_insert (messages, g_strdup (id), g_strdup (str));
    }
  return messages;
}

/* The catalogue of language under localedir, or NULL when it is absent. */
static GHashTable *
catalogue_read (const char *localedir, const char *language)
{
  g_autofree char *path = g_build_filename (localedir, language, "LC_MESSAGES",
                                            "iso_3166-1.mo", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL) || len > CATALOGUE_MAX)
    return NULL;
  return mo_parse ((const guchar *) data, len);
}

/* Adds name for code; the first State to claim a name keeps it. */
static void
add_name (CountryNames *names, const char *name, const char *code)
{
  char *folded = form_fold (name);
  if (*folded == '\0' || g_hash_table_contains (names->codes, folded))
    {
      g_free (folded);
      return;
    }
  g_hash_table_insert (names->codes, folded, g_strdup (code));
  g_ptr_array_add (names->names, g_strdup (name));
  g_ptr_array_add (names->scripts, GUINT_TO_POINTER (form_script_of (name)));
}

/* The key of names->shown for code in language ("zh_CN" is "zh"). */
static char *
shown_key (const char *language, const char *code)
{
  return g_strdup_printf ("%.2s:%s", language, code);
}

/* Adds the translations in catalogue (of language) of every English name
 * of the States of db; the translation of the short name is the one shown. */
static void
add_catalogue (CountryNames *names, sqlite3 *db, GHashTable *catalogue, const char *language)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "SELECT code, name, official_name, iso_name FROM entities"
                      " WHERE kind = 'state' ORDER BY code", -1, &stmt, NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      for (int col = 1; col <= 3; col++)
        {
          const char *english = (const char *) sqlite3_column_text (stmt, col);
          const char *name = english ? g_hash_table_lookup (catalogue, english) : NULL;
          if (name && strcmp (name, english) != 0)
            add_name (names, name, code);
          if (name && col == 1)
            g_hash_table_insert (names->shown, shown_key (language, code), g_strdup (name));
        }
    }
  sqlite3_finalize (stmt);
}

CountryNames *
country_names_new (sqlite3 *db, const char *localedir)
{
  CountryNames *names = g_new0 (CountryNames, 1);
  names->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  names->names = g_ptr_array_new_with_free_func (g_free);
  names->scripts = g_ptr_array_new ();
  names->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (catalogue_languages); i++)
    {
      g_autoptr (GHashTable) catalogue = catalogue_read (localedir, catalogue_languages[i]);
      if (catalogue == NULL)
        continue;
      names->languages++;
      add_catalogue (names, db, catalogue, catalogue_languages[i]);
    }
  for (gsize i = 0; names->languages > 0 && i < G_N_ELEMENTS (un_names); i++)
    {
      add_name (names, un_names[i].name, un_names[i].code);
      g_hash_table_insert (names->shown, shown_key (un_names[i].language, un_names[i].code),
                           g_strdup (un_names[i].name));
    }
  return names;
}

void
country_names_free (CountryNames *names)
{
  if (names == NULL)
    return;
  g_hash_table_unref (names->codes);
  g_ptr_array_unref (names->names);
  g_ptr_array_unref (names->scripts);
  g_hash_table_unref (names->shown);
  g_free (names);
}

guint
country_names_languages (const CountryNames *names)
{
  return names->languages;
}

const char *
country_names_code (const CountryNames *names, const char *text)
{
  if (names == NULL || text == NULL)
    return NULL;
  g_autofree char *folded = form_fold (text);
  return g_hash_table_lookup (names->codes, folded);
}

const char *
country_names_shown (const CountryNames *names, const char *code, const char *language)
{
  if (names == NULL || code == NULL || language == NULL || strlen (language) < 2)
    return NULL;
  g_autofree char *key = shown_key (language, code);
  return g_hash_table_lookup (names->shown, key);
}

const char *
country_names_suggest (const CountryNames *names, const char *text)
{
  if (names == NULL || text == NULL)
    return NULL;
  GUnicodeScript script = form_script_of (text);
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  for (guint i = 0; i < names->names->len; i++)
    if (GPOINTER_TO_UINT (names->scripts->pdata[i]) == (guint) script)
      g_ptr_array_add (candidates, names->names->pdata[i]);
  g_ptr_array_add (candidates, NULL);
  return form_suggest (text, (const char *const *) candidates->pdata);
}

/* Whether db holds a State. */
static gboolean
has_states (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "SELECT 1 FROM entities WHERE kind = 'state' LIMIT 1", -1,
                      &stmt, NULL);
  gboolean any = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return any;
}

const CountryNames *
country_names_default (sqlite3 *db)
{
  static GMutex lock;
  static CountryNames *names;
  g_mutex_lock (&lock);
  if (names == NULL && has_states (db))
    names = country_names_new (db, CTC_LOCALEDIR);
  g_mutex_unlock (&lock);
  return names;
}
