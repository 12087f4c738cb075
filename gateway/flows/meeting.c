/* Meetings and the invitations of visits: the rows of meetings and
 * attendance, and the iMIP messages (invite.c) queued in the outbox. */

#include <string.h>

#include "gateway/store/audience.h"
#include "gateway/store/countries.h"
#include "gateway/store/db.h"
#include "gateway/mail/invite.h"
#include "gateway/base/log.h"
#include "gateway/flows/meeting.h"
#include "gateway/flows/outbox.h"
#include "gateway/mail/compose.h"
#include "gateway/flows/schedule.h"
#include "parsers/recur.h"
#include "gateway/base/template.h"

G_DEFINE_QUARK (ctcgw-meeting-error-quark, meeting_error)

/* One meeting row. */
typedef struct {
  gint64 id;
  char *reference;
  char *kind;
  char *title;
  char *start;
  char *end;
  char *tz;
  char *location;
  char *uid;
  char *status;
  char *audience;
  gint64 sequence;
  char *visit_state;   /* a visit's State (its code); NULL for a meeting */
} Meeting;

static void
meeting_clear (Meeting *m)
{
  g_free (m->reference);
  g_free (m->kind);
  g_free (m->title);
  g_free (m->start);
  g_free (m->end);
  g_free (m->tz);
  g_free (m->location);
  g_free (m->uid);
  g_free (m->status);
  g_free (m->audience);
  g_free (m->visit_state);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Meeting, meeting_clear)

/* One invitee, as the attendance register and the contacts know it. */
typedef struct {
  char *email;
  char *name;
  char *entity;
  char *language;
} Invitee;

static void
invitee_free (Invitee *i)
{
  g_free (i->email);
  g_free (i->name);
  g_free (i->entity);
  g_free (i->language);
  g_free (i);
}

/* A start or end as the command line gives it, in the form stored: a date
 * for a visit, "YYYY-MM-DDTHH:MM:SS" for a meeting. */
static char *
time_normalize (const char *kind, const char *text, const char *what, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (g_strcmp0 (kind, "visit") == 0)
    {
      GDate d;
      g_date_clear (&d, 1);
      if (text != NULL && strlen (text) == 10)
        g_date_set_parse (&d, text);
      g_autofree char *back = NULL;
      if (g_date_valid (&d))
        back = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&d), g_date_get_month (&d),
                                g_date_get_day (&d));
      if (back != NULL && strcmp (back, text) == 0)
        return g_steal_pointer (&back);
      g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID,
                   "%s %s: write a date YYYY-MM-DD", what, text != NULL ? text : "(none)");
      return NULL;
    }
  char *t = recur_start_parse (text, &local);
  if (t == NULL)
    g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID, "%s: %s", what, local->message);
  return t;
}

/* The event of m for invite.c; the attendees are the caller's. */
static InviteEvent
event_of (const Config *config, const Meeting *m)
{
  InviteEvent ev = {
    .uid = m->uid, .sequence = m->sequence, .title = m->title, .location = m->location,
    .start = m->start, .end = m->end, .tzid = m->tz,
    .cancelled = g_strcmp0 (m->status, "cancelled") == 0,
    .organizer = config->address, .organizer_name = config->name,
  };
  return ev;
}

/* A new UID: random, at the gateway's domain. */
static char *
new_uid (const Config *config)
{
  const char *at = config->address != NULL ? strrchr (config->address, '@') : NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  return g_strdup_printf ("%s@%s", uuid, at != NULL ? at + 1 : "localhost");
}

/* Checks m: times, zone, texts (invite_event_check) and the audience. */
static gboolean
check_new (sqlite3 *db, const Config *config, const Meeting *m, GError **error)
{
  g_autoptr (GError) local = NULL;
  InviteEvent ev = event_of (config, m);
  if (!invite_event_check (&ev, &local))
    {
      g_set_error_literal (error, MEETING_ERROR, MEETING_ERROR_INVALID, local->message);
      return FALSE;
    }
  g_autoptr (GPtrArray) recipients = audience_resolve (db, m->audience, config->language, &local);
  if (recipients != NULL)
    return TRUE;
  if (g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    db_set_error (db, error, "resolving an audience");
  else
    g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID, "%s", local->message);
  return FALSE;
}

/* Inserts m as a new row. */
static gboolean
insert_row (sqlite3 *db, Meeting *m, GDateTime *now, GError **error)
{
  g_autofree char *created = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO meetings (reference, kind, title, start, \"end\", tz, location, uid,"
      " sequence, status, audience, created, updated)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 'planned', ?9, ?10, ?10)", error);
  if (st == NULL)
    return FALSE;
  const char *texts[] = { m->reference, m->kind, m->title, m->start, m->end, m->tz,
                          m->location, m->uid, m->audience, created };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    sqlite3_bind_text (st, (int) i + 1, texts[i], -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "storing a meeting", error))
    return FALSE;
  m->id = sqlite3_last_insert_rowid (db);
  return TRUE;
}

/* See meeting.h. */
char *
meeting_insert (const Context *ctx, const MeetingNew *n, GDateTime *now, gint64 *id,
                GError **error)
{
  sqlite3 *db = ctx->db;
  const Config *config = ctx->config;
  g_auto (Meeting) m = { 0 };
  m.kind = g_strdup (n->kind);
  m.title = g_strdup (n->title);
  m.tz = g_strdup (n->tz);
  m.location = g_strdup (n->location);
  m.audience = g_strdup (n->audience);
  m.uid = new_uid (config);
  m.start = time_normalize (n->kind, n->start, "start", error);
  m.end = m.start == NULL ? NULL : time_normalize (n->kind, n->end, "end", error);
  if (m.end == NULL || !check_new (db, config, &m, error))
    return NULL;
  m.reference = n->reference != NULL ? g_strdup (n->reference)
      : db_next_reference (db, config->reference_prefix, "MTG", g_date_time_get_year (now), error);
  if (m.reference == NULL || !insert_row (db, &m, now, error))
    return NULL;
  *id = m.id;
  log_info ("meeting", "meeting=%s created kind=%s uid=%s", m.reference, m.kind, m.uid);
  return g_steal_pointer (&m.reference);
}

/* See meeting.h. */
char *
meeting_create (const Context *ctx, const MeetingNew *m, GDateTime *now, GError **error)
{
  gint64 id = 0;
  if (!db_begin (ctx->db, error))
    return NULL;
  char *reference = meeting_insert (ctx, m, now, &id, error);
  if (reference != NULL && db_commit (ctx->db, error))
    return reference;
  db_rollback (ctx->db);
  g_free (reference);
  return NULL;
}

/* See meeting.h. */
gint64
meeting_id (sqlite3 *db, const char *reference, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id FROM meetings WHERE reference = upper(?1)", error);
  if (st == NULL)
    return -1;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (st, 0);
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading a meeting");
      return -1;
    }
  g_set_error (error, MEETING_ERROR, MEETING_ERROR_NOT_FOUND, "no meeting or visit is %s",
               reference);
  return 0;
}

/* Loads the meeting reference (any case). */
static gboolean
load_meeting (sqlite3 *db, const char *reference, Meeting *m, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT id, reference, kind, title, start, \"end\", tz, location, uid, status,"
      " audience, sequence, (SELECT state_code FROM visits v WHERE v.meeting_id = meetings.id)"
      " FROM meetings WHERE reference = upper(?1)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, reference, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, MEETING_ERROR, MEETING_ERROR_NOT_FOUND, "no meeting or visit is %s",
                 reference);
  else if (rc != SQLITE_ROW)
    db_set_error (db, error, "reading a meeting");
  if (rc != SQLITE_ROW)
    return FALSE;
  m->id = sqlite3_column_int64 (st, 0);
  char **texts[] = { &m->reference, &m->kind, &m->title, &m->start, &m->end, &m->tz,
                     &m->location, &m->uid, &m->status, &m->audience };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    *texts[i] = db_column_dup (st, (int) i + 1);
  m->sequence = sqlite3_column_int64 (st, 11);
  m->visit_state = db_column_dup (st, 12);
  return TRUE;
}

/* Loads reference and refuses it when it is cancelled. */
static gboolean
load_open (sqlite3 *db, const char *reference, Meeting *m, GError **error)
{
  if (!load_meeting (db, reference, m, error))
    return FALSE;
  if (g_strcmp0 (m->status, "cancelled") != 0)
    return TRUE;
  g_set_error (error, MEETING_ERROR, MEETING_ERROR_CANCELLED,
               "%s is cancelled: nothing more is sent for it", m->reference);
  return FALSE;
}

/* Everyone invited to meeting id and not removed, in the order invited, with the first
 * language of a contact point of that address, else language. */
static GPtrArray *
load_invitees (sqlite3 *db, gint64 id, const char *language, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT a.email, a.name, a.entity, coalesce((SELECT nullif(CASE WHEN"
      " json_valid(c.languages) THEN json_extract(c.languages, '$[0]') END, '')"
      " FROM contacts c WHERE lower(c.email) = lower(a.email) AND c.state = 'active'"
      " ORDER BY c.id LIMIT 1), ?2) FROM attendance a WHERE a.meeting_id = ?1"
      " AND a.removed IS NULL ORDER BY a.id",
      error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text (st, 2, language, -1, SQLITE_STATIC);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) invitee_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Invitee *i = g_new0 (Invitee, 1);
      i->email = db_column_dup (st, 0);
      i->name = db_column_dup (st, 1);
      i->entity = db_column_dup (st, 2);
      i->language = db_column_dup (st, 3);
      g_ptr_array_add (out, i);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the attendance register");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* One mailing about a meeting: what every message of it shares. */
typedef struct {
  const Context *ctx;
  const Meeting *m;
  InviteMethod method;
  gboolean update;      /* a REQUEST that changes what was sent before */
  GDateTime *now;
  gboolean removed;     /* a CANCEL to invitees removed from a meeting that goes on */
} Sending;

/* The calendar of s->m for s->method, listing every invitee, with the
 * title and place shown. */
static char *
calendar_of (const Sending *s, GPtrArray *invitees, const char *title, const char *place,
             GError **error)
{
  g_autoptr (GArray) attendees = g_array_new (FALSE, TRUE, sizeof (InviteAttendee));
  for (guint i = 0; i < invitees->len; i++)
    {
      const Invitee *in = invitees->pdata[i];
      InviteAttendee a = { .email = in->email, .name = in->name, .role = NULL };
      g_array_append_val (attendees, a);
    }
  InviteEvent ev = event_of (s->ctx->config, s->m);
  ev.title = title;
  ev.location = place;
  ev.attendees = (const InviteAttendee *) (gpointer) attendees->data;
  ev.n_attendees = attendees->len;
  return invite_calendar (&ev, s->method, s->now, error);
}

/* "2026-03-20T10:00:00" as "2026-03-20 10:00"; a date as it is. */
static char *
time_shown (const char *t)
{
  if (t == NULL || strlen (t) < 16)
    return g_strdup (t);
  g_autofree char *copy = g_strndup (t, 16);
  copy[10] = ' ';
  return g_steal_pointer (&copy);
}

/* The title invitee i reads: a visit's from the template visit-title in
 * i's language, its State named in it; a meeting's as it was given. */
static char *
title_shown (sqlite3 *db, const Meeting *m, const Invitee *i)
{
  if (m->visit_state == NULL)
    return g_strdup (m->title);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT name FROM entities WHERE code = ?1",
                                            NULL);
  if (st != NULL)
    sqlite3_bind_text (st, 1, m->visit_state, -1, SQLITE_TRANSIENT);
  const char *english = st != NULL && sqlite3_step (st) == SQLITE_ROW
      ? (const char *) sqlite3_column_text (st, 0) : m->visit_state;
  const char *shown = country_names_shown (country_names_default (db), m->visit_state,
                                           i->language);
  g_autoptr (TplData) data = tpl_data_new ();
  tpl_set (data, "state", m->visit_state);
  tpl_set (data, "state_name", shown != NULL ? shown : english);
  g_autofree char *subject = NULL;
  g_autofree char *body = tpl_render_message ("visit-title", i->language, data, &subject, NULL);
  return body != NULL ? g_steal_pointer (&subject) : g_strdup (m->title);
}

/* The place invitee i reads: the meeting's, or for a visit without one
 * the State's name in i's language. */
static char *
place_shown (sqlite3 *db, const Meeting *m, const Invitee *i)
{
  if (m->location != NULL || m->visit_state == NULL)
    return g_strdup (m->location);
  const char *shown = country_names_shown (country_names_default (db), m->visit_state,
                                           i->language);
  if (shown != NULL)
    return g_strdup (shown);
  g_autoptr (sqlite3_stmt) st = db_prepare (db, "SELECT name FROM entities WHERE code = ?1",
                                            NULL);
  if (st != NULL)
    sqlite3_bind_text (st, 1, m->visit_state, -1, SQLITE_TRANSIENT);
  return st != NULL && sqlite3_step (st) == SQLITE_ROW ? db_column_dup (st, 0)
                                                        : g_strdup (m->visit_state);
}

/* The data of the invitation templates for invitee i. */
static TplData *
invitation_data (const Sending *s, const Invitee *i)
{
  const Context *ctx = s->ctx;
  const Meeting *m = s->m;
  const Config *config = ctx->config;
  TplData *data = tpl_data_new ();
  g_autofree char *start = time_shown (m->start);
  g_autofree char *end = time_shown (m->end);
  g_autofree char *title = title_shown (ctx->db, m, i);
  g_autofree char *place = place_shown (ctx->db, m, i);
  tpl_set (data, "reference", m->reference);
  tpl_set (data, "title", title);
  tpl_set (data, "start", start);
  tpl_set (data, "end", end);
  tpl_set (data, "timezone", m->tz);
  tpl_set (data, "location", place);
  tpl_set (data, "name", i->name);
  tpl_set (data, "entity", i->entity);
  tpl_set (data, "email", i->email);
  tpl_set (data, "address", config->address);
  tpl_set (data, "organizer", config->name);
  tpl_set_bool (data, "visit", g_strcmp0 (m->kind, "visit") == 0);
  tpl_set_bool (data, "update", s->update);
  tpl_set_bool (data, "cancelled", s->method == INVITE_CANCEL);
  tpl_set_bool (data, "removed", s->removed);
  return data;
}

/* The invitation (or update, or cancellation) of s->m to i. */
static GMimeMessage *
compose (const Sending *s, const Invitee *i, const char *calendar, GError **error)
{
  const Config *config = s->ctx->config;
  const Meeting *m = s->m;
  g_autoptr (TplData) data = invitation_data (s, i);
  g_autofree char *subject = NULL;
  g_autofree char *text = tpl_render_message ("invitation", i->language, data, &subject, error);
  g_autofree char *source = text == NULL ? NULL : tpl_load ("invitation", i->language, "html", error);
  g_autofree char *html = source == NULL ? NULL : tpl_render_string (source, data, TRUE, error);
  if (html == NULL)
    return NULL;
  g_autofree char *full = g_strdup_printf ("%s [%s]", subject, m->reference);
  ComposeHeaders headers = { .to = i->email, .to_name = i->name, .subject = full, .bulk = TRUE,
                             .language = tpl_language ("invitation", i->language, "txt") };
  GMimeMessage *msg = compose_message (config, &headers);
  compose_set_body (msg, invite_mime_body (calendar, s->method, text, html));
  return msg;
}

/* The calendar of s that invitee i reads, listing everyone: one for each
 * title and place shown (a visit's are in the invitee's language), kept
 * in calendars; NULL with error. */
static const char *
calendar_in (const Sending *s, GPtrArray *everyone, const Invitee *i, GHashTable *calendars,
             GError **error)
{
  g_autofree char *title = title_shown (s->ctx->db, s->m, i);
  g_autofree char *place = place_shown (s->ctx->db, s->m, i);
  g_autofree char *key = g_strdup_printf ("%s\n%s", title, place != NULL ? place : "");
  const char *calendar = g_hash_table_lookup (calendars, key);
  if (calendar != NULL)
    return calendar;
  char *made = calendar_of (s, everyone, title, place, error);
  if (made != NULL)
    g_hash_table_insert (calendars, g_steal_pointer (&key), made);
  return made;
}

/* Queues the message of s to each invitee of to, the calendar listing
 * everyone with the title in the invitee's language; one the outbox
 * refuses is skipped and logged.  *sent counts those queued. */
static gboolean
send_to (const Sending *s, GPtrArray *everyone, GPtrArray *to, guint *sent, GError **error)
{
  const Meeting *m = s->m;
  g_autoptr (GHashTable) calendars = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            g_free, g_free);
  g_autofree char *what = g_strdup_printf ("meeting=%s", m->reference);
  *sent = 0;
  for (guint k = 0; k < to->len; k++)
    {
      const Invitee *i = to->pdata[k];
      const char *calendar = calendar_in (s, everyone, i, calendars, error);
      g_autoptr (GMimeMessage) msg = calendar == NULL ? NULL : compose (s, i, calendar, error);
      gint64 row = 0;
      if (msg == NULL
          || !outbox_queue_or_skip (s->ctx->db, msg, i->email, "invitation", "meeting", what,
                                    &row, error))
        return FALSE;
      *sent += row > 0;
    }
  log_info ("meeting", "meeting=%s method=%s sequence=%" G_GINT64_FORMAT " recipients=%u",
            m->reference, invite_method_name (s->method), m->sequence, *sent);
  return TRUE;
}

/* Adds r to the attendance of m unless that address is there already;
 * *added tells which. */
static gboolean
add_attendee (sqlite3 *db, const Meeting *m, const Recipient *r, gboolean *added,
              GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "INSERT INTO attendance (meeting_id, entity, email, name, partstat, sequence)"
      " SELECT ?1, ?2, ?3, ?4, 'NEEDS-ACTION', ?5 WHERE NOT EXISTS (SELECT 1 FROM attendance"
      " WHERE meeting_id = ?1 AND lower(email) = lower(?3))", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, m->id);
  sqlite3_bind_text (st, 2, r->entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, r->email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, r->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 5, m->sequence);
  if (!db_step_done (db, st, "recording an invitee", error))
    return FALSE;
  *added = sqlite3_changes (db) > 0;
  return TRUE;
}

/* The recipients of m's audience; MEETING_ERROR_INVALID when it no longer
 * resolves.  Entities deactivated since it was written are left out and
 * added to inactive. */
static GPtrArray *
audience_of (sqlite3 *db, const Meeting *m, const char *language, GPtrArray *inactive,
             GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *audience = audience_without_inactive (db, m->audience, inactive, &local);
  GPtrArray *recipients = audience == NULL ? NULL : audience_resolve (db, audience, language, &local);
  if (recipients == NULL && g_error_matches (local, AUDIENCE_ERROR, AUDIENCE_ERROR_DB))
    db_set_error (db, error, "resolving an audience");
  else if (recipients == NULL)
    g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID, "%s: audience %s: %s",
                 m->reference, m->audience, local->message);
  for (guint i = 0; i < inactive->len; i++)
    log_warn ("meeting", "meeting=%s entity=%s skipped: it is inactive", m->reference,
              (char *) inactive->pdata[i]);
  return recipients;
}

/* The invitees among everyone whose address is one of added. */
static GPtrArray *
only_new (GPtrArray *everyone, GHashTable *added)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < everyone->len; i++)
    {
      Invitee *in = everyone->pdata[i];
      g_autofree char *key = g_ascii_strdown (in->email, -1);
      if (g_hash_table_contains (added, key))
        g_ptr_array_add (out, in);
    }
  return out;
}

/* meeting_invite inside the caller's transaction. */
static gboolean
invite_in (const Context *ctx, const char *reference, GDateTime *now, MeetingInvited *out,
           GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (Meeting) m = { 0 };
  if (!load_open (db, reference, &m, error))
    return FALSE;
  g_autoptr (GPtrArray) recipients = audience_of (db, &m, ctx->config->language, out->inactive, error);
  if (recipients == NULL)
    return FALSE;
  g_autoptr (GHashTable) added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < recipients->len; i++)
    {
      gboolean is_new = FALSE;
      const Recipient *r = recipients->pdata[i];
      if (!add_attendee (db, &m, r, &is_new, error))
        return FALSE;
      if (is_new)
        g_hash_table_add (added, g_ascii_strdown (r->email, -1));
    }
  g_autoptr (GPtrArray) everyone = load_invitees (db, m.id, ctx->config->language, error);
  if (everyone == NULL)
    return FALSE;
  g_autoptr (GPtrArray) to = only_new (everyone, added);
  out->before = everyone->len - to->len;
  Sending s = { ctx, &m, INVITE_REQUEST, FALSE, now, FALSE };
  return to->len == 0 || send_to (&s, everyone, to, &out->invited, error);
}

/* See meeting.h. */
gboolean
meeting_invite (const Context *ctx, const char *reference, GDateTime *now,
                MeetingInvited *out, GError **error)
{
  out->invited = out->before = 0;
  if (!db_begin (ctx->db, error))
    return FALSE;
  if (invite_in (ctx, reference, now, out, error) && db_commit (ctx->db, error))
    return TRUE;
  db_rollback (ctx->db);
  g_ptr_array_set_size (out->inactive, 0);
  out->invited = 0;
  return FALSE;
}

/* Writes the changed row of m, and when raised (a significant change)
 * asks every invitee again. */
static gboolean
store_change (sqlite3 *db, const Meeting *m, gboolean raised, GDateTime *now, GError **error)
{
  g_autofree char *updated = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE meetings SET start = ?1, \"end\" = ?2, location = ?3, status = ?4,"
      " sequence = ?5, updated = ?6, title = ?8 WHERE id = ?7", error);
  g_autoptr (sqlite3_stmt) reset = st == NULL ? NULL : db_prepare (db,
      "UPDATE attendance SET partstat = 'NEEDS-ACTION', sequence = ?1, updated = ?2"
      " WHERE meeting_id = ?3", error);
  if (reset == NULL)
    return FALSE;
  const char *texts[] = { m->start, m->end, m->location, m->status };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    sqlite3_bind_text (st, (int) i + 1, texts[i], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 5, m->sequence);
  sqlite3_bind_text (st, 6, updated, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 7, m->id);
  sqlite3_bind_text (st, 8, m->title, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "updating a meeting", error))
    return FALSE;
  if (!raised)
    return TRUE;
  sqlite3_bind_int64 (reset, 1, m->sequence);
  sqlite3_bind_text (reset, 2, updated, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (reset, 3, m->id);
  return db_step_done (db, reset, "asking the invitees again", error);
}

/* A visit's row follows its invitation's dates and cancellation. */
static gboolean
sync_visit (sqlite3 *db, const Meeting *m, GDateTime *now, GError **error)
{
  g_autofree char *updated = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE visits SET start_date = ?1, end_date = ?2, updated = ?3, status = CASE"
      " WHEN ?4 = 'cancelled' THEN 'cancelled' ELSE status END WHERE meeting_id = ?5", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, m->start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, m->end, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, updated, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, m->status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 5, m->id);
  return db_step_done (db, st, "updating a visit", error);
}

/* Sends m (changed, SEQUENCE raised) to everyone invited. */
static gboolean
send_everyone (const Context *ctx, const Meeting *m, InviteMethod method, GDateTime *now,
               guint *sent, GError **error)
{
  g_autoptr (GPtrArray) everyone = load_invitees (ctx->db, m->id, ctx->config->language, error);
  if (everyone == NULL)
    return FALSE;
  *sent = 0;
  Sending s = { ctx, m, method, method == INVITE_REQUEST, now, FALSE };
  return everyone->len == 0 || send_to (&s, everyone, everyone, sent, error);
}

/* Applies the new values of change to m; *significant when invitees must
 * be asked again, *retitled when only told. */
static gboolean
apply_change (const Config *config, Meeting *m, const MeetingChange *change,
              gboolean *significant, gboolean *retitled, GError **error)
{
  const char *start = change->start, *end = change->end, *location = change->location;
  g_auto (Meeting) before = { 0 };
  before.start = g_strdup (m->start), before.end = g_strdup (m->end);
  before.location = g_strdup (m->location), before.status = g_strdup (m->status);
  before.tz = g_strdup (m->tz);
  char *s = start != NULL ? time_normalize (m->kind, start, "start", error) : g_strdup (m->start);
  char *e = s != NULL && end != NULL ? time_normalize (m->kind, end, "end", error)
                                     : g_strdup (m->end);
  g_free (m->start), g_free (m->end);
  m->start = s, m->end = e;
  if (location != NULL)
    g_free (m->location), m->location = location[0] != '\0' ? g_strdup (location) : NULL;
  *retitled = change->title != NULL && g_strcmp0 (change->title, m->title) != 0;
  if (*retitled)
    g_free (m->title), m->title = g_strdup (change->title);
  if (s == NULL || e == NULL)
    return FALSE;
  InviteEvent a = event_of (config, &before), b = event_of (config, m);
  g_autoptr (GError) local = NULL;
  if (!invite_event_check (&b, &local))
    {
      g_set_error_literal (error, MEETING_ERROR, MEETING_ERROR_INVALID, local->message);
      return FALSE;
    }
  *significant = invite_significant_change (&a, &b);
  return TRUE;
}

/* The invitees of everyone whose addresses remove names, each of which
 * must be one; NULL with MEETING_ERROR_INVALID naming one that is not. */
static GPtrArray *
invitees_named (const Meeting *m, GPtrArray *everyone, const char *const *remove,
                GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new ();
  for (guint k = 0; remove != NULL && remove[k] != NULL; k++)
    {
      guint before = out->len;
      for (guint i = 0; i < everyone->len; i++)
        {
          Invitee *in = everyone->pdata[i];
          if (g_ascii_strcasecmp (in->email, remove[k]) == 0 && !g_ptr_array_find (out, in, NULL))
            g_ptr_array_add (out, in);
        }
      if (out->len > before)
        continue;
      g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID, "%s is not invited to %s",
                   remove[k], m->reference);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Marks the attendance rows of gone removed. */
static gboolean
mark_removed (sqlite3 *db, const Meeting *m, GPtrArray *gone, GDateTime *now, GError **error)
{
  g_autofree char *removed = db_time_text (now);
  for (guint i = 0; i < gone->len; i++)
    {
      const Invitee *in = gone->pdata[i];
      g_autoptr (sqlite3_stmt) st = db_prepare (db,
          "UPDATE attendance SET removed = ?1, updated = ?1 WHERE meeting_id = ?2"
          " AND lower(email) = lower(?3)", error);
      if (st == NULL)
        return FALSE;
      sqlite3_bind_text (st, 1, removed, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 2, m->id);
      sqlite3_bind_text (st, 3, in->email, -1, SQLITE_TRANSIENT);
      if (!db_step_done (db, st, "removing an invitee", error))
        return FALSE;
    }
  return TRUE;
}

/* Invites r again when staff removed it from m before; *again tells
 * whether it was. */
static gboolean
invite_again (sqlite3 *db, const Meeting *m, const Recipient *r, GDateTime *now,
              gboolean *again, GError **error)
{
  g_autofree char *updated = db_time_text (now);
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE attendance SET removed = NULL, partstat = 'NEEDS-ACTION', sequence = ?1,"
      " updated = ?4 WHERE meeting_id = ?2 AND lower(email) = lower(?3)"
      " AND removed IS NOT NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 4, updated, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 1, m->sequence);
  sqlite3_bind_int64 (st, 2, m->id);
  sqlite3_bind_text (st, 3, r->email, -1, SQLITE_TRANSIENT);
  if (!db_step_done (db, st, "inviting again", error))
    return FALSE;
  *again = sqlite3_changes (db) > 0;
  return TRUE;
}

/* Adds the recipients of audience to m's attendance (a removed one
 * invited again); returns the lowercase addresses added, NULL with
 * error. */
static GHashTable *
add_audience (const Context *ctx, const Meeting *m, const char *audience, GDateTime *now,
              GError **error)
{
  sqlite3 *db = ctx->db;
  g_autoptr (GHashTable) added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (audience == NULL)
    return g_steal_pointer (&added);
  Meeting with = *m;
  with.audience = (char *) audience;
  g_autoptr (GPtrArray) inactive = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) recipients = audience_of (db, &with, ctx->config->language, inactive,
                                                  error);
  if (recipients == NULL)
    return NULL;
  for (guint i = 0; i < recipients->len; i++)
    {
      const Recipient *r = recipients->pdata[i];
      gboolean is_new = FALSE, again = FALSE;
      if (!add_attendee (db, m, r, &is_new, error) || !invite_again (db, m, r, now, &again, error))
        return NULL;
      if (is_new || again)
        g_hash_table_add (added, g_ascii_strdown (r->email, -1));
    }
  return g_steal_pointer (&added);
}

/* The invitees among everyone whose address is not one of added. */
static GPtrArray *
only_old (GPtrArray *everyone, GHashTable *added)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < everyone->len; i++)
    {
      Invitee *in = everyone->pdata[i];
      g_autofree char *key = g_ascii_strdown (in->email, -1);
      if (!g_hash_table_contains (added, key))
        g_ptr_array_add (out, in);
    }
  return out;
}

/* After an update of m: the REQUEST again to those invited before when
 * raised, the current REQUEST to those added, a CANCEL of their own to
 * those removed (gone). */
static gboolean
send_update (const Context *ctx, const Meeting *m, gboolean raised, GHashTable *added,
             GPtrArray *gone, GDateTime *now, MeetingUpdated *out, GError **error)
{
  g_autoptr (GPtrArray) everyone = load_invitees (ctx->db, m->id, ctx->config->language, error);
  if (everyone == NULL)
    return FALSE;
  g_autoptr (GPtrArray) old = only_old (everyone, added);
  g_autoptr (GPtrArray) new = only_new (everyone, added);
  Sending update = { ctx, m, INVITE_REQUEST, TRUE, now, FALSE };
  Sending invite = { ctx, m, INVITE_REQUEST, FALSE, now, FALSE };
  Sending cancel = { ctx, m, INVITE_CANCEL, FALSE, now, TRUE };
  guint to_old = 0, to_new = 0, to_gone = 0;
  for (guint i = 0; i < gone->len; i++)
    {
      g_autoptr (GPtrArray) alone = g_ptr_array_new ();
      g_ptr_array_add (alone, gone->pdata[i]);
      if (!send_to (&cancel, alone, alone, &to_gone, error))
        return FALSE;
    }
  if ((raised && old->len > 0 && !send_to (&update, everyone, old, &to_old, error))
      || (new->len > 0 && !send_to (&invite, everyone, new, &to_new, error)))
    return FALSE;
  out->sent = to_old + to_new;
  out->added = new->len;
  out->removed = gone->len;
  return TRUE;
}

/* meeting_update inside the caller's transaction. */
static gboolean
update_in (const Context *ctx, const MeetingChange *change, GDateTime *now,
           MeetingUpdated *out, GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (Meeting) m = { 0 };
  gboolean significant = FALSE, retitled = FALSE;
  if (!load_open (db, change->reference, &m, error))
    return FALSE;
  if (change->title != NULL && m.visit_state != NULL)
    {
      g_set_error (error, MEETING_ERROR, MEETING_ERROR_INVALID,
                   "%s is a visit: its title names its State, and --title cannot change it",
                   m.reference);
      return FALSE;
    }
  if (!apply_change (ctx->config, &m, change, &significant, &retitled, error))
    return FALSE;
  g_autoptr (GPtrArray) before = load_invitees (db, m.id, ctx->config->language, error);
  g_autoptr (GPtrArray) gone = before == NULL ? NULL
      : invitees_named (&m, before, change->remove, error);
  if (gone == NULL)
    return FALSE;
  out->raised = significant || retitled || gone->len > 0;
  m.sequence += out->raised ? 1 : 0;
  g_autoptr (GHashTable) added = mark_removed (db, &m, gone, now, error)
      ? add_audience (ctx, &m, change->add, now, error) : NULL;
  if (added == NULL)
    return FALSE;
  out->changed = out->raised || g_hash_table_size (added) > 0;
  if (!out->changed)
    return TRUE;
  return store_change (db, &m, significant, now, error) && sync_visit (db, &m, now, error)
         && send_update (ctx, &m, out->raised, added, gone, now, out, error);
}

/* See meeting.h. */
gboolean
meeting_update (const Context *ctx, const MeetingChange *change, GDateTime *now,
                MeetingUpdated *out, GError **error)
{
  *out = (MeetingUpdated) { 0 };
  if (!db_begin (ctx->db, error))
    return FALSE;
  if (update_in (ctx, change, now, out, error) && db_commit (ctx->db, error))
    return TRUE;
  db_rollback (ctx->db);
  *out = (MeetingUpdated) { 0 };
  return FALSE;
}

/* meeting_cancel inside the caller's transaction. */
static gboolean
cancel_in (const Context *ctx, const char *reference, GDateTime *now, guint *sent,
           GError **error)
{
  sqlite3 *db = ctx->db;
  g_auto (Meeting) m = { 0 };
  if (!load_open (db, reference, &m, error))
    return FALSE;
  m.sequence++;
  g_free (m.status);
  m.status = g_strdup ("cancelled");
  return store_change (db, &m, FALSE, now, error) && sync_visit (db, &m, now, error)
         && send_everyone (ctx, &m, INVITE_CANCEL, now, sent, error);
}

/* See meeting.h. */
gboolean
meeting_cancel (const Context *ctx, const char *reference, GDateTime *now, guint *sent,
                GError **error)
{
  *sent = 0;
  if (!db_begin (ctx->db, error))
    return FALSE;
  if (cancel_in (ctx, reference, now, sent, error) && db_commit (ctx->db, error))
    return TRUE;
  db_rollback (ctx->db);
  *sent = 0;
  return FALSE;
}

/* Every meeting row, oldest first. */
static GArray *
load_all (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT reference FROM meetings WHERE state = 'active' ORDER BY id", error);
  if (st == NULL)
    return NULL;
  g_autoptr (GArray) all = g_array_new (FALSE, TRUE, sizeof (Meeting));
  g_array_set_clear_func (all, (GDestroyNotify) meeting_clear);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Meeting m = { 0 };
      if (!load_meeting (db, (const char *) sqlite3_column_text (st, 0), &m, error))
        return NULL;
      g_array_append_val (all, m);
    }
  if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the meetings");
      return NULL;
    }
  return g_steal_pointer (&all);
}

/* See meeting.h. */
char *
meeting_feed (const Context *ctx, GDateTime *now, GError **error)
{
  g_autoptr (GArray) all = load_all (ctx->db, error);
  if (all == NULL)
    return NULL;
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (InviteEvent));
  for (guint i = 0; i < all->len; i++)
    {
      InviteEvent ev = event_of (ctx->config, &g_array_index (all, Meeting, i));
      g_array_append_val (events, ev);
    }
  return invite_feed ((const InviteEvent *) (gpointer) events->data, events->len, now, error);
}
