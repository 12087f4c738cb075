/* The HTML pages of the public site (publish.h), in the six official
 * languages: the site's own words from templates/site.LANG.txt, area,
 * status and kind names from the terms of parsers/terms.c, States' names
 * from iso-codes (countries.h); entries as they were sent, marked with
 * their language.  One page template, templates/site-page.en.html, and
 * one stylesheet; no script: a table is sorted by a link to the page of
 * that order. */
#include <string.h>

#include "parsers/form.h"
#include "gateway/base/template.h"
#include "gateway/store/countries.h"
#include "gateway/flows/publish-site.h"

static const char *const site_languages[] = { "en", "fr", "es", "ru", "ar", "zh", NULL };

/* What rendering a page needs besides its own data. */
typedef struct {
  Site *site;
  const PublicData *data;
  const char *lang;
  GHashTable *words;            /* the site's words in lang: key -> text */
  const CountryNames *countries;
  const char *const *language_names;  /* of site_languages, each in itself */
  const char *source;           /* templates/site-page.en.html */
} Pages;

/* The words of templates/site.LANG.txt: "key = text" lines. */
static GHashTable *
load_words (const char *lang, GError **error)
{
  g_autofree char *text = tpl_load ("site", lang, "txt", error);
  if (text == NULL)
    return NULL;
  GHashTable *words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strstr (lines[i], " = ");
      if (lines[i][0] == '#' || eq == NULL)
        continue;
      g_hash_table_insert (words, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 3));
    }
  return words;
}

static const char *
word (const Pages *p, const char *key)
{
  const char *w = g_hash_table_lookup (p->words, key);
  return w != NULL ? w : key;
}

/* An entity as the page's language names it. */
static const char *
entity_name (const Pages *p, const char *code)
{
  const char *shown = p->countries != NULL
      ? country_names_shown (p->countries, code, p->lang) : NULL;
  if (shown == NULL)
    shown = g_hash_table_lookup (p->data->names, code);
  return shown != NULL ? shown : form_term_name (code, p->lang);
}

/* What separates the items of a list in the page's language. */
static const char *
list_separator (const Pages *p)
{
  return strcmp (p->lang, "zh") == 0 ? "、" : strcmp (p->lang, "ar") == 0 ? "، " : ", ";
}

/* The period of an offer, isolated left to right so that its dates keep
 * their order in an Arabic page. */
static char *
period_text (const PublicEntry *e)
{
  return g_strdup_printf ("\u2066%s – %s\u2069", public_value (e, "start_date"),
                          public_value (e, "end_date"));
}

/* The text of column of e in the page's language: entities and terms
 * translated, lists joined. */
static char *
shown_value (const Pages *p, const PublicEntry *e, const char *column)
{
  g_auto (GStrv) items = public_items (e, column);
  gboolean entities = strcmp (column, e->reg->owner) == 0 || strcmp (column, "beneficiaries") == 0;
  gboolean terms = strcmp (column, "areas") == 0 || strcmp (column, "status") == 0
      || strcmp (column, "kind") == 0;
  for (guint i = 0; items[i] != NULL && (entities || terms); i++)
    {
      char *shown = g_strdup (entities ? entity_name (p, items[i])
                              : form_term_name (items[i], p->lang));
      /* English terms are the values themselves: "border-control". */
      if (terms && strcmp (shown, items[i]) == 0)
        g_strdelimit (shown, "-", ' ');
      g_free (items[i]);
      items[i] = shown;
    }
  return g_strjoinv (list_separator (p), items);
}

/* TRUE for the columns written by the sender in its own language. */
static gboolean
sent_text (const char *column)
{
  static const char *const texts[] = { "title", "description", "objectives", "summary",
                                       "citation", NULL };
  return g_strv_contains (texts, column);
}

/* The columns a register's table shows, after its title. */
static const char *const *
table_columns (const PublicRegister *reg)
{
  static const char *const offers[] = { "title", "providers", "areas", "beneficiaries",
                                        "start_date", "status", NULL };
  static const char *const inventory[] = { "title", "entity", "kind", "year", "areas",
                                           "description", NULL };
  static const char *const sources[] = { "title", "provider", "kind", "areas", "languages",
                                         "description", NULL };
  static const char *const standards[] = { "title", "issuer", "year", "citation", "areas",
                                           "summary", NULL };
  const char *const *all[] = { offers, inventory, sources, standards };
  return all[reg - publish_registers];
}

/* The page of an offer, relative to the language's directory. */
static char *
offer_page (const PublicEntry *e)
{
  return g_strdup_printf ("offers/%s.html", public_value (e, "reference"));
}

/* Adds one cell of e's column to row; base leads to the language's
 * directory from the page. */
static void
add_cell (const Pages *p, TplData *row, const PublicEntry *e, const char *column,
          const char *base)
{
  TplData *cell = tpl_add (row, "cells");
  g_autofree char *text = NULL;
  if (strcmp (column, "start_date") == 0)
    text = period_text (e);
  else
    text = shown_value (p, e, column);
  tpl_set (cell, "text", text);
  tpl_set (cell, "label", word (p, column));
  tpl_set_bool (cell, "sent", sent_text (column));
  if (sent_text (column) && e->lang != NULL)
    tpl_set (cell, "cell_lang", e->lang);
  if (strcmp (column, "title") != 0)
    return;
  g_autofree char *page = offer_page (e);
  const char *url = public_value (e, "url");
  if (e->reg == PUBLISH_OFFERS)
    tpl_set_printf (cell, "href", "%s%s", base, page);
  else if (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"))
    tpl_set (cell, "href", url);
}

/* A table of entries under heading (NULL: none); sort_page the stem of
 * the pages of its orders (NULL: not sortable), sorted the column it is
 * sorted by. */
static TplData *
add_table (const Pages *p, TplData *page, const char *heading, GPtrArray *entries,
           const PublicRegister *reg, const char *sort_page, const char *sorted,
           const char *base)
{
  TplData *table = tpl_add (page, "tables");
  if (heading != NULL)
    tpl_set (table, "heading", heading);
  const char *const *columns = table_columns (reg);
  for (guint c = 0; columns[c] != NULL; c++)
    {
      TplData *col = tpl_add (table, "columns");
      tpl_set (col, "label", word (p, columns[c]));
      gboolean sortable = sort_page != NULL && g_strv_contains (reg->sorts, columns[c]);
      gboolean current = g_strcmp0 (sorted, columns[c]) == 0;
      if (sortable && !current)
        tpl_set_printf (col, "href", "%s%s%s%s.html", base, sort_page,
                        strcmp (columns[c], reg->sorts[0]) == 0 ? "" : "-by-",
                        strcmp (columns[c], reg->sorts[0]) == 0 ? "" : columns[c]);
      tpl_set_bool (col, "sorted", current);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (entries, i);
      TplData *row = tpl_add (table, "rows");
      tpl_set (row, "id", public_value (e, "reference"));
      for (guint c = 0; columns[c] != NULL; c++)
        add_cell (p, row, e, columns[c], base);
    }
  tpl_set_bool (table, "empty", entries->len == 0);
  return table;
}

/* The links and languages every page has; path is the page's path under
 * the language's directory. */
static TplData *
page_new (const Pages *p, const char *path, const char *title)
{
  TplData *page = tpl_data_new ();
  guint depth = 0;
  for (const char *c = path; *c != '\0'; c++)
    depth += *c == '/';
  g_autofree char *base = g_strnfill (depth * 3, '.');
  for (guint i = 0; i < depth; i++)
    base[i * 3 + 2] = '/';
  tpl_set (page, "base", base);
  tpl_set_printf (page, "root", "%s../", base);
  tpl_set (page, "lang", p->lang);
  tpl_set (page, "dir", strcmp (p->lang, "ar") == 0 ? "rtl" : "ltr");
  tpl_set (page, "title", title);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, p->words);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_autofree char *name = g_strconcat ("t-", key, NULL);
      tpl_set (page, name, value);
    }
  for (guint i = 0; site_languages[i] != NULL; i++)
    {
      TplData *l = tpl_add (page, "languages");
      tpl_set (l, "code", site_languages[i]);
      tpl_set_printf (l, "href", "%s../%s/%s", base, site_languages[i], path);
      tpl_set_bool (l, "current", strcmp (site_languages[i], p->lang) == 0);
      tpl_set (l, "name", p->language_names[i]);
    }
  return page;
}

/* Renders page to LANG/path. */
static gboolean
page_write (const Pages *p, const char *path, TplData *page, GError **error)
{
  g_autoptr (TplData) owned = page;
  char *html = tpl_render_string (p->source, page, TRUE, error);
  if (html == NULL)
    return FALSE;
  g_autofree char *full = g_strdup_printf ("%s/%s", p->lang, path);
  site_add (p->site, full, html);
  return TRUE;
}

/* The entries of reg. */
static GPtrArray *
entries_of (const PublicData *data, const PublicRegister *reg)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < data->entries->len; i++)
    if (((PublicEntry *) g_ptr_array_index (data->entries, i))->reg == reg)
      g_ptr_array_add (out, g_ptr_array_index (data->entries, i));
  return out;
}

/* An entry and the key it is sorted by. */
typedef struct {
  char *key;
  const PublicEntry *entry;
} Sorted;

static int
compare_sorted (gconstpointer a, gconstpointer b)
{
  const Sorted *x = a, *y = b;
  int c = strcmp (x->key, y->key);
  return c != 0 ? c : g_strcmp0 (public_value (x->entry, "reference"),
                                 public_value (y->entry, "reference"));
}

/* entries sorted by the shown text of column, then by reference: each
 * key made once. */
static void
sort_entries (const Pages *p, GPtrArray *entries, const char *column)
{
  g_autoptr (GArray) keyed = g_array_sized_new (FALSE, FALSE, sizeof (Sorted), entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *shown = shown_value (p, g_ptr_array_index (entries, i), column);
      Sorted one = { g_utf8_collate_key (shown, -1), g_ptr_array_index (entries, i) };
      g_array_append_val (keyed, one);
    }
  g_array_sort (keyed, compare_sorted);
  for (guint i = 0; i < keyed->len; i++)
    {
      Sorted *one = &g_array_index (keyed, Sorted, i);
      entries->pdata[i] = (gpointer) one->entry;
      g_free (one->key);
    }
}

/* The register's page in each of its orders. */
static gboolean
register_pages (const Pages *p, const PublicRegister *reg, GError **error)
{
  g_autoptr (GPtrArray) entries = entries_of (p->data, reg);
  for (guint s = 0; reg->sorts[s] != NULL; s++)
    {
      sort_entries (p, entries, reg->sorts[s]);
      g_autofree char *path = s == 0 ? g_strdup_printf ("%s.html", reg->table)
          : g_strdup_printf ("%s-by-%s.html", reg->table, reg->sorts[s]);
      TplData *page = page_new (p, path, word (p, reg->table));
      g_autofree char *intro = g_strconcat (reg->table, "-intro", NULL);
      tpl_set (page, "intro", word (p, intro));
      add_table (p, page, NULL, entries, reg, reg->table, reg->sorts[s], "");
      if (!page_write (p, path, page, error))
        return FALSE;
    }
  return TRUE;
}

/* Offers grouped by the items of column (areas, beneficiaries, providers):
 * a table a value, values in the order of their names. */
static gboolean
grouped_page (const Pages *p, const char *column, const char *path, GError **error)
{
  g_autoptr (GPtrArray) offers = entries_of (p->data, PUBLISH_OFFERS);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < offers->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (offers, i);
      g_auto (GStrv) items = public_items (e, column);
      for (guint k = 0; items[k] != NULL; k++)
        {
          const char *name = strcmp (column, "areas") == 0
              ? form_term_name (items[k], p->lang) : entity_name (p, items[k]);
          GPtrArray *group = g_hash_table_lookup (groups, name);
          if (group == NULL)
            g_hash_table_insert (groups, g_strdup (name), group = g_ptr_array_new ());
          g_ptr_array_add (group, (gpointer) e);
        }
    }
  g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (groups),
                                         (GCompareFunc) g_utf8_collate);
  g_autofree char *key = g_strconcat ("offers-by-", column, NULL);
  TplData *page = page_new (p, path, word (p, key));
  for (GList *l = names; l != NULL; l = l->next)
    add_table (p, page, l->data, g_hash_table_lookup (groups, l->data), PUBLISH_OFFERS,
               NULL, NULL, "");
  tpl_set_bool (page, "nothing", names == NULL);
  return page_write (p, path, page, error);
}

/* A field of a record page, unless empty. */
static void
add_field (const Pages *p, TplData *page, const char *label, const char *value,
           gboolean sent, const char *lang)
{
  if (value == NULL || *value == '\0')
    return;
  tpl_set_bool (page, "has_fields", TRUE);
  TplData *f = tpl_add (page, "fields");
  tpl_set (f, "label", word (p, label));
  tpl_set (f, "value", value);
  tpl_set_bool (f, "sent", sent);
  if (sent && lang != NULL)
    tpl_set (f, "cell_lang", lang);
}

/* The page of one offer, with the contact points that agreed. */
static gboolean
offer_page_write (const Pages *p, const PublicEntry *e, GError **error)
{
  g_autofree char *path = offer_page (e);
  TplData *page = page_new (p, path, public_value (e, "title"));
  tpl_set (page, "title_lang", e->lang);
  tpl_set_bool (page, "title_sent", TRUE);
  add_field (p, page, "reference", public_value (e, "reference"), FALSE, NULL);
  const char *columns[] = { "providers", "areas", "beneficiaries", "status" };
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *v = shown_value (p, e, columns[i]);
      add_field (p, page, columns[i], v, FALSE, NULL);
    }
  g_autofree char *period = period_text (e);
  add_field (p, page, "start_date", period, FALSE, NULL);
  add_field (p, page, "objectives", public_value (e, "objectives"), TRUE, e->lang);
  add_field (p, page, "description", public_value (e, "description"), TRUE, e->lang);
  for (guint i = 0; i < e->contacts->len; i++)
    {
      GHashTable *c = g_ptr_array_index (e->contacts, i);
      TplData *person = tpl_add (page, "contacts");
      for (guint k = 0; publish_contact_columns[k] != NULL; k++)
        {
          g_autofree char *key = g_strconcat ("contact_", publish_contact_columns[k], NULL);
          tpl_set (person, key, g_hash_table_lookup (c, publish_contact_columns[k]));
        }
    }
  add_field (p, page, "updated", public_value (e, "updated"), FALSE, NULL);
  return page_write (p, path, page, error);
}

/* The page of an organization: its entries, register by register. */
static gboolean
organization_page (const Pages *p, const char *code, GError **error)
{
  g_autofree char *path = g_strdup_printf ("organizations/%s.html", code);
  TplData *page = page_new (p, path, entity_name (p, code));
  for (guint r = 0; r < publish_n_registers; r++)
    {
      const PublicRegister *reg = &publish_registers[r];
      g_autoptr (GPtrArray) mine = g_ptr_array_new ();
      for (guint i = 0; i < p->data->entries->len; i++)
        {
          PublicEntry *e = g_ptr_array_index (p->data->entries, i);
          if (e->reg == reg && public_owned_by (e, code))
            g_ptr_array_add (mine, e);
        }
      if (mine->len > 0)
        add_table (p, page, word (p, reg->table), mine, reg, NULL, NULL, "../");
    }
  return page_write (p, path, page, error);
}

/* The list of organizations with an entry. */
static gboolean
organizations_page (const Pages *p, GError **error)
{
  TplData *page = page_new (p, "organizations.html", word (p, "organizations"));
  for (guint i = 0; i < p->data->organizations->len; i++)
    {
      const char *code = g_ptr_array_index (p->data->organizations, i);
      tpl_set_bool (page, "has_links", TRUE);
      TplData *link = tpl_add (page, "links");
      tpl_set_printf (link, "href", "organizations/%s.html", code);
      tpl_set (link, "label", entity_name (p, code));
    }
  tpl_set_bool (page, "nothing", p->data->organizations->len == 0);
  return page_write (p, "organizations.html", page, error);
}

/* The language's home page: every list of the site and the downloads. */
static gboolean
home_page (const Pages *p, GError **error)
{
  static const char *const lists[] = {
    "offers", "offers-by-areas", "offers-by-beneficiaries", "offers-by-providers",
    "inventory", "sources", "standards", "organizations", NULL };
  TplData *page = page_new (p, "index.html", word (p, "site"));
  tpl_set (page, "intro", word (p, "site-intro"));
  for (guint i = 0; lists[i] != NULL; i++)
    {
      tpl_set_bool (page, "has_links", TRUE);
      TplData *link = tpl_add (page, "links");
      tpl_set_printf (link, "href", "%s.html", lists[i]);
      tpl_set (link, "label", word (p, lists[i]));
    }
  for (guint i = 0; i < publish_n_registers; i++)
    {
      TplData *d = tpl_add (page, "downloads");
      tpl_set (d, "label", word (p, publish_registers[i].table));
      tpl_set (d, "name", publish_registers[i].table);
    }
  tpl_set_bool (page, "home", TRUE);
  return page_write (p, "index.html", page, error);
}

/* Every page of one language. */
static gboolean
language_pages (const Pages *p, GError **error)
{
  if (!home_page (p, error) || !organizations_page (p, error)
      || !grouped_page (p, "areas", "offers-by-areas.html", error)
      || !grouped_page (p, "beneficiaries", "offers-by-beneficiaries.html", error)
      || !grouped_page (p, "providers", "offers-by-providers.html", error))
    return FALSE;
  for (guint i = 0; i < publish_n_registers; i++)
    if (!register_pages (p, &publish_registers[i], error))
      return FALSE;
  for (guint i = 0; i < p->data->entries->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (p->data->entries, i);
      if (e->reg == PUBLISH_OFFERS && !offer_page_write (p, e, error))
        return FALSE;
    }
  for (guint i = 0; i < p->data->organizations->len; i++)
    if (!organization_page (p, g_ptr_array_index (p->data->organizations, i), error))
      return FALSE;
  return TRUE;
}

/* The site's first page: the six languages, each in its own words. */
static gboolean
root_page (Site *site, GError **error)
{
  g_autoptr (TplData) page = tpl_data_new ();
  for (guint i = 0; site_languages[i] != NULL; i++)
    {
      g_autoptr (GHashTable) words = load_words (site_languages[i], error);
      if (words == NULL)
        return FALSE;
      TplData *l = tpl_add (page, "languages");
      tpl_set (l, "code", site_languages[i]);
      tpl_set (l, "name", g_hash_table_lookup (words, "language"));
      tpl_set (l, "site", g_hash_table_lookup (words, "site"));
      tpl_set (l, "dir", strcmp (site_languages[i], "ar") == 0 ? "rtl" : "ltr");
    }
  g_autofree char *source = tpl_load ("site-root", "en", "html", error);
  char *html = source != NULL ? tpl_render_string (source, page, TRUE, error) : NULL;
  if (html == NULL)
    return FALSE;
  site_add (site, "index.html", html);
  return TRUE;
}

gboolean
publish_pages (Site *site, const PublicData *data, GError **error)
{
  char *css = tpl_load ("site-style", "en", "css", error);
  g_autofree char *source = css != NULL ? tpl_load ("site-page", "en", "html", error) : NULL;
  if (source == NULL || !root_page (site, error))
    return FALSE;
  site_add (site, "style.css", css);
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  const char *names[G_N_ELEMENTS (site_languages)] = { NULL };
  for (guint i = 0; site_languages[i] != NULL; i++)
    {
      GHashTable *w = load_words (site_languages[i], error);
      if (w == NULL)
        return FALSE;
      g_ptr_array_add (words, w);
      names[i] = g_hash_table_lookup (w, "language");
      if (names[i] == NULL)
        names[i] = site_languages[i];
    }
  for (guint i = 0; site_languages[i] != NULL; i++)
    {
      Pages p = { site, data, site_languages[i], g_ptr_array_index (words, i),
                  country_names_default (site->db), names, source };
      if (!language_pages (&p, error))
        return FALSE;
    }
  return TRUE;
}
