/* The downloads of the public site (publish.h): each public register as
 * CSV and JSON, the Atom feed of new and changed entries and the
 * iCalendar feed of public meetings. */
#include <string.h>

#include "parsers/csv.h"
#include "gateway/base/text.h"
#include "gateway/mail/invite.h"
#include "gateway/flows/publish-site.h"

/* The entries the Atom feed lists at most, the latest changed first. */
#define FEED_ENTRIES 100

/* The register's entries as CSV: its public columns, lists as "a, b". */
static char *
register_csv (const PublicData *data, const PublicRegister *reg)
{
  GString *out = g_string_new (NULL);
  for (guint c = 0; reg->columns[c] != NULL; c++)
    {
      g_string_append (out, c ? "," : "");
      csv_append_cell (out, reg->columns[c]);
    }
  g_string_append (out, "\r\n");
  for (guint i = 0; i < data->entries->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (data->entries, i);
      if (e->reg != reg)
        continue;
      for (guint c = 0; reg->columns[c] != NULL; c++)
        {
          g_auto (GStrv) items = public_items (e, reg->columns[c]);
          g_autofree char *joined = g_strjoinv (", ", items);
          g_string_append (out, c ? "," : "");
          csv_append_cell (out, joined);
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}

/* The items of a list column as a JSON array. */
static void
json_array (GString *out, const PublicEntry *e, const char *column)
{
  g_auto (GStrv) items = public_items (e, column);
  g_string_append_c (out, '[');
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_string_append (out, i ? "," : "");
      text_append_json_string (out, items[i]);
    }
  g_string_append_c (out, ']');
}

/* The register's entries as a JSON array of objects; lists as arrays. */
static char *
register_json (const PublicData *data, const PublicRegister *reg)
{
  GString *out = g_string_new ("[");
  gboolean first = TRUE;
  for (guint i = 0; i < data->entries->len; i++)
    {
      const PublicEntry *e = g_ptr_array_index (data->entries, i);
      if (e->reg != reg)
        continue;
      g_string_append (out, first ? "\n{" : ",\n{");
      first = FALSE;
      for (guint c = 0; reg->columns[c] != NULL; c++)
        {
          g_string_append (out, c ? "," : "");
          text_append_json_string (out, reg->columns[c]);
          g_string_append_c (out, ':');
          if (public_is_list (reg->columns[c]))
            json_array (out, e, reg->columns[c]);
          else
            text_append_json_string (out, public_value (e, reg->columns[c]));
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n]\n");
  return g_string_free (out, FALSE);
}

/* text escaped for XML. */
static void
xml_text (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

/* Entries, the latest changed first. */
static int
by_updated (gconstpointer a, gconstpointer b)
{
  const PublicEntry *x = *(PublicEntry *const *) a, *y = *(PublicEntry *const *) b;
  return g_strcmp0 (public_value (y, "updated"), public_value (x, "updated"));
}

/* One entry of the feed, linking to its page in English. */
static void
atom_entry (GString *out, const Site *site, const PublicEntry *e)
{
  const char *ref = public_value (e, "reference");
  g_autofree char *page = e->reg == PUBLISH_OFFERS
      ? g_strdup_printf ("en/offers/%s.html", ref) : g_strdup_printf ("en/%s.html#%s", e->reg->table, ref);
  g_string_append (out, "<entry>\n<id>");
  xml_text (out, site->url != NULL ? site->url : "urn:ctcgw");
  g_string_append_printf (out, "/%s</id>\n<title", ref);
  if (e->lang != NULL)
    g_string_append_printf (out, " xml:lang=\"%s\"", e->lang);
  g_string_append (out, ">");
  xml_text (out, public_value (e, "title"));
  g_string_append_printf (out, "</title>\n<updated>%s</updated>\n<link href=\"",
                          public_value (e, "updated"));
  if (site->url != NULL)
    xml_text (out, site->url), g_string_append_c (out, '/');
  g_string_append_printf (out, "%s\"/>\n<category term=\"%s\"/>\n</entry>\n", page, e->reg->table);
}

/* The Atom feed (RFC 4287) of the entries last changed. */
static char *
atom_feed (const Site *site, const PublicData *data)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_copy (data->entries, NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);   /* the entries stay data's */
  g_ptr_array_sort (sorted, by_updated);
  GString *out = g_string_new ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                               "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>");
  xml_text (out, site->url != NULL ? site->url : "urn:ctcgw");
  g_string_append_printf (out, "/feed.atom</id>\n<title>Global Action</title>\n"
                          "<updated>%s</updated>\n<author><name>Counter-Terrorism Committee"
                          " Executive Directorate</name></author>\n",
                          data->updated != NULL ? data->updated : "1970-01-01T00:00:00Z");
  for (guint i = 0; i < sorted->len && i < FEED_ENTRIES; i++)
    atom_entry (out, site, g_ptr_array_index (sorted, i));
  g_string_append (out, "</feed>\n");
  return g_string_free (out, FALSE);
}

/* The calendar of the public meetings, stamped with the last change of one
 * so that it keeps its bytes while none changes. */
static char *
meetings_calendar (const Site *site, const PublicData *data, GError **error)
{
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (InviteEvent));
  const char *stamp = "2000-01-01T00:00:00Z";
  for (guint i = 0; i < data->meetings->len; i++)
    {
      GHashTable *m = g_ptr_array_index (data->meetings, i);
      InviteEvent ev = { 0 };
      ev.uid = g_hash_table_lookup (m, "uid");
      ev.title = g_hash_table_lookup (m, "title");
      ev.location = g_hash_table_lookup (m, "location");
      ev.start = g_hash_table_lookup (m, "start");
      ev.end = g_hash_table_lookup (m, "end");
      ev.tzid = g_hash_table_lookup (m, "tz");
      ev.cancelled = g_strcmp0 (g_hash_table_lookup (m, "status"), "cancelled") == 0;
      ev.organizer = site->organizer;
      if (ev.uid == NULL)
        ev.uid = g_hash_table_lookup (m, "reference");
      if (g_strcmp0 (g_hash_table_lookup (m, "updated"), stamp) > 0)
        stamp = g_hash_table_lookup (m, "updated");
      g_array_append_val (events, ev);
    }
  g_autoptr (GDateTime) dtstamp = g_date_time_new_from_iso8601 (stamp, NULL);
  return invite_feed ((const InviteEvent *) (gpointer) events->data, events->len, dtstamp,
                      error);
}

gboolean
publish_feeds (Site *site, const PublicData *data, GError **error)
{
  for (guint i = 0; i < publish_n_registers; i++)
    {
      const PublicRegister *reg = &publish_registers[i];
      g_autofree char *csv = g_strdup_printf ("data/%s.csv", reg->table);
      g_autofree char *json = g_strdup_printf ("data/%s.json", reg->table);
      site_add (site, csv, register_csv (data, reg));
      site_add (site, json, register_json (data, reg));
    }
  site_add (site, "feed.atom", atom_feed (site, data));
  char *ics = meetings_calendar (site, data, error);
  if (ics == NULL)
    return FALSE;
  site_add (site, "meetings.ics", ics);
  return TRUE;
}
