/* The names of States in the official languages other than English: the
 * translations of Debian's iso-codes (the iso_3166-1 gettext catalogues of
 * ar, es, fr, ru and zh_CN), so that "Казахстан", "كازاخستان", "哈萨克斯坦"
 * and "Kazajistán" all name KZ (ctcgw(8), STATES AND THEIR NAMES).
 *
 * A catalogue that is not installed is left out: its language's names are
 * then unknown, and the codes and English names still work. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef struct _CountryNames CountryNames;

/* The names of the States of the entities register in db, translated by
 * the catalogues under localedir (LOCALEDIR/LANG/LC_MESSAGES/iso_3166-1.mo).
 * Never NULL: without catalogues or States, it knows no name. */
CountryNames *country_names_new (sqlite3 *db, const char *localedir);
void country_names_free (CountryNames *names);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CountryNames, country_names_free)

/* How many of the five catalogues were read. */
guint country_names_languages (const CountryNames *names);

/* The code of the State whose translated name is text (compared folded:
 * case, accents and separators do not matter), or NULL. */
const char *country_names_code (const CountryNames *names, const char *text);

/* The name of the State code as a text in language gives it ("ru", "zh",
 * "zh-CN": the first two letters count): "Казахстан"; NULL in English or
 * when the catalogue has none. */
const char *country_names_shown (const CountryNames *names, const char *code,
                                 const char *language);

/* The translated name closest to text among those written in its alphabet,
 * or NULL when none is close. */
const char *country_names_suggest (const CountryNames *names, const char *text);

/* The names of the process, built once from db and the configured locale
 * directory; NULL while db holds no State. */
const CountryNames *country_names_default (sqlite3 *db);
