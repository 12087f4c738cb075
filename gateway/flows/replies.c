/* Calendar replies: each message is read with parsers/imip.c, checked
 * against the meeting it answers, and filed or set aside; the outcome of
 * every one is a calendar_replies row and a log line. */

#include <string.h>

#include "gateway/flows/authorize.h"
#include "gateway/store/db.h"
#include "gateway/base/log.h"
#include "gateway/flows/replies.h"
#include "parsers/address.h"
#include "parsers/imip.h"

/* One reply being filed. */
typedef struct {
  sqlite3 *db;
  const MailMessage *msg;
  gint64 submission_id;
  ImipMessage *imip;           /* NULL when unreadable */
  gint64 meeting_id;           /* 0: unknown UID */
  gint64 meeting_sequence;
  const ImipAttendee *who;     /* the attendee that answers, or NULL */
  char *latest;                /* the latest DTSTAMP a reply may carry now */
  gboolean approved;           /* staff approved it from quarantine */
  char **quarantine;           /* set to why the reply waits for staff */
} Reply;

/* The PARTSTAT values the attendance register keeps. */
static const char *const partstats[] = {
  "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "NEEDS-ACTION",
};

static gboolean
partstat_known (const char *partstat)
{
  for (gsize i = 0; i < G_N_ELEMENTS (partstats); i++)
    if (g_strcmp0 (partstat, partstats[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The calendar_replies row and the log line: what became of the reply. */
static gboolean
record (Reply *r, const char *result, const char *detail, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "INSERT INTO calendar_replies (submission_id, method, uid, sequence, dtstamp,"
      " meeting_id, attendee, partstat, result, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (st == NULL)
    return FALSE;
  ImipMessage *m = r->imip;
  sqlite3_bind_int64 (st, 1, r->submission_id);
  if (m != NULL)
    {
      sqlite3_bind_text (st, 2, m->method, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, m->uid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 4, m->sequence);
      sqlite3_bind_text (st, 5, m->dtstamp, -1, SQLITE_STATIC);
    }
  if (r->meeting_id > 0)
    sqlite3_bind_int64 (st, 6, r->meeting_id);
  if (r->who != NULL)
    {
      sqlite3_bind_text (st, 7, r->who->address, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 8, r->who->partstat, -1, SQLITE_STATIC);
    }
  sqlite3_bind_text (st, 9, result, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 10, detail, -1, SQLITE_TRANSIENT);
  g_autofree char *uid = log_escape (m != NULL ? m->uid : "");
  g_autofree char *who = log_escape (r->who != NULL ? r->who->address : "");
  g_autofree char *why = log_escape (detail != NULL ? detail : "");
  log_info ("replies", "submission=%" G_GINT64_FORMAT " uid=%s attendee=%s result=%s%s%s",
            r->submission_id, uid, who, result, detail ? " detail=" : "", detail ? why : "");
  return db_step_done (r->db, st, "recording a calendar reply", error);
}

/* Finds the meeting (or visit) of the reply's UID; meeting_id stays 0. */
static gboolean
find_meeting (Reply *r, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "SELECT id, sequence FROM meetings WHERE uid = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, r->imip->uid, -1, SQLITE_STATIC);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      r->meeting_id = sqlite3_column_int64 (st, 0);
      r->meeting_sequence = sqlite3_column_int64 (st, 1);
    }
  else if (rc != SQLITE_DONE)
    {
      db_set_error (r->db, error, "looking up a meeting");
      return FALSE;
    }
  return TRUE;
}

/* The attendee of the reply that is its sender, or NULL; compared as
 * addresses (parsers/address.h), so a look-alike answers for nobody. */
static const ImipAttendee *
sender_attendee (const ImipMessage *m, const char *from)
{
  for (guint i = 0; from != NULL && i < m->attendees->len; i++)
    {
      const ImipAttendee *a = g_ptr_array_index (m->attendees, i);
      if (address_equal (a->address, from))
        return a;
    }
  return NULL;
}

/* "a@b.example, c@d.example": the attendees a reply names. */
static char *
attendee_list (const ImipMessage *m)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < m->attendees->len && i < 5; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
                            ((const ImipAttendee *) g_ptr_array_index (m->attendees, i))->address);
  if (m->attendees->len > 5)
    g_string_append (s, ", …");
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* The attendance row of the answering attendee. */
typedef struct {
  gint64 id;          /* 0: not invited */
  gint64 sequence;    /* of the reply last filed, to tell an older reply */
  char *replied;      /* its DTSTAMP, or NULL */
  char *entity;       /* whom the attendee attends for, or NULL */
} Attendance;

static void
attendance_clear (Attendance *a)
{
  g_clear_pointer (&a->replied, g_free);
  g_clear_pointer (&a->entity, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Attendance, attendance_clear)

/* The attendance row of the answering attendee; a->id stays 0 when not
 * invited, or removed since (ctcgw(8), meeting update --remove). */
static gboolean
find_attendance (Reply *r, Attendance *a, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "SELECT id, sequence, replied, entity FROM attendance"
      " WHERE meeting_id = ?1 AND lower (email) = ?2 AND removed IS NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, r->meeting_id);
  sqlite3_bind_text (st, 2, r->who->address, -1, SQLITE_STATIC);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      a->id = sqlite3_column_int64 (st, 0);
      a->sequence = sqlite3_column_int64 (st, 1);
      a->replied = db_column_dup (st, 2);
      a->entity = db_column_dup (st, 3);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  db_set_error (r->db, error, "looking up an attendee");
  return FALSE;
}

/* A row when the address ADDRESS is an active contact point of ENTITY (SQL
 * expressions): what a delegate must be, checked by delegates_outside and
 * again by add_delegate. */
#define CONTACT_OF(entity, address) \
  "SELECT 1 FROM contacts c WHERE c.entity = " entity " AND c.address_key = address (" \
  address ") AND c.state = 'active' AND c.status != 'inactive'"

/* A delegate named by an invitee's DELEGATED-TO becomes an attendee of its
 * own (RFC 5546 section 2.1.5), for the invitee's entity, when it is a
 * contact point of that entity or staff approved the delegation from
 * quarantine; no row is added otherwise.  The same check as
 * delegates_outside, again here for a delegation filed before it. */
static gboolean
add_delegate (Reply *r, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "INSERT INTO attendance (meeting_id, entity, email, sequence)"
      " SELECT a.meeting_id, a.entity, ?2, a.sequence FROM attendance a"
      " WHERE a.meeting_id = ?1 AND lower (a.delegated_to) = ?2 AND NOT EXISTS (SELECT 1"
      "  FROM attendance o WHERE o.meeting_id = ?1 AND lower (o.email) = ?2)"
      " AND (EXISTS (" CONTACT_OF ("a.entity", "?2") ")"
      " OR EXISTS (SELECT 1 FROM quarantine q WHERE q.submission_id = a.reply_submission_id"
      "  AND q.state = 'approved')) LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, r->meeting_id);
  sqlite3_bind_text (st, 2, r->who->address, -1, SQLITE_STATIC);
  return db_step_done (r->db, st, "adding a delegate", error);
}

/* The attendance row takes what the reply says. */
static gboolean
update_attendance (Reply *r, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "UPDATE attendance SET partstat = ?1, sequence = ?2, delegated_to = ?3, replied = ?4,"
      " reply_submission_id = ?5, updated = strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')"
      " WHERE id = ?6", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, r->who->partstat, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, r->imip->sequence);
  sqlite3_bind_text (st, 3, r->who->delegated_to, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, r->imip->dtstamp, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, r->submission_id);
  sqlite3_bind_int64 (st, 6, id);
  return db_step_done (r->db, st, "updating attendance", error);
}

/* Sets *is when address is an active contact point of entity, compared
 * as addresses (schema/011-addresses.sql). */
static gboolean
contact_of (Reply *r, const char *entity, const char *address, gboolean *is, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db, CONTACT_OF ("?1", "?2") " LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, address, -1, SQLITE_STATIC);
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (r->db, error, "looking up a delegate");
      return FALSE;
    }
  *is = rc == SQLITE_ROW;
  return TRUE;
}

/* Sets *outside when the reply delegates to an address that is no contact
 * point of the attendee's entity: the delegate would become an attendee of
 * that entity, and get every update of the meeting, on the attendee's word
 * alone.  Staff's approval lets it through. */
static gboolean
delegates_outside (Reply *r, const Attendance *a, gboolean *outside, GError **error)
{
  const char *to = r->who->delegated_to;
  gboolean is = FALSE;

  *outside = FALSE;
  if (r->approved || to == NULL || g_strcmp0 (r->who->partstat, "DELEGATED") != 0)
    return TRUE;
  if (a->entity != NULL && !contact_of (r, a->entity, to, &is, error))
    return FALSE;
  *outside = !is;
  return TRUE;
}

/* Why a delegation to an outsider is quarantined. */
static char *
outside_delegate_reason (const Reply *r, const Attendance *a)
{
  const char *to = r->who->delegated_to;

  if (a->entity == NULL)
    return g_strdup_printf ("calendar REPLY for UID %s: %s, who attends for no entity,"
                            " delegates to %s: approve it only if %s may attend in their place",
                            r->imip->uid, r->who->address, to, to);
  return g_strdup_printf ("calendar REPLY for UID %s: %s delegates to %s, who is not a contact"
                          " point of %s: approve it only if %s may attend for %s",
                          r->imip->uid, r->who->address, to, a->entity, to, a->entity);
}

/* TRUE when the filed answer a outranks the reply.  A filed answer whose
 * SEQUENCE the meeting never had, or whose DTSTAMP is still ahead of the
 * clock, outranks nothing: it was filed before such replies were refused. */
static gboolean
answer_is_later (const Reply *r, const Attendance *a)
{
  const ImipMessage *m = r->imip;
  gint64 sequence = MIN (a->sequence, r->meeting_sequence);
  gboolean dated = a->replied != NULL && strcmp (a->replied, r->latest) <= 0;

  return m->sequence < sequence
      || (m->sequence == a->sequence && dated && m->dtstamp != NULL
          && strcmp (m->dtstamp, a->replied) < 0);
}

/* A REPLY from an attendee: their answer, unless a later one was filed. */
static gboolean
file_reply (Reply *r, GError **error)
{
  g_auto (Attendance) a = { 0 };
  gboolean outside = FALSE;

  if (!partstat_known (r->who->partstat))
    {
      g_autofree char *why = g_strdup_printf ("PARTSTAT %s is not an answer the register"
                                              " keeps", r->who->partstat);
      return record (r, "not-handled", why, error);
    }
  if (!find_attendance (r, &a, error)
      || (a.id == 0 && !(add_delegate (r, error) && find_attendance (r, &a, error))))
    return FALSE;
  if (a.id == 0)
    return record (r, "not-invited", "the attendee was not invited to this meeting", error);
  if (answer_is_later (r, &a))
    {
      g_autofree char *why = g_strdup_printf ("a later reply (DTSTAMP %s, SEQUENCE %"
          G_GINT64_FORMAT ") was already filed", a.replied ? a.replied : "-", a.sequence);
      return record (r, "older-reply", why, error);
    }
  if (!delegates_outside (r, &a, &outside, error))
    return FALSE;
  if (outside)
    {
      *r->quarantine = outside_delegate_reason (r, &a);
      return record (r, "outside-delegate", *r->quarantine, error);
    }
  return update_attendance (r, a.id, error) && record (r, "filed", NULL, error);
}

/* A COUNTER: the proposal is kept for staff, never answered. */
static gboolean
file_counter (Reply *r, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (r->db,
      "INSERT INTO counter_proposals (submission_id, meeting_id, attendee, sequence,"
      " dtstart, dtend, location, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (st == NULL)
    return FALSE;
  ImipMessage *m = r->imip;
  sqlite3_bind_int64 (st, 1, r->submission_id);
  sqlite3_bind_int64 (st, 2, r->meeting_id);
  sqlite3_bind_text (st, 3, r->who->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, m->sequence);
  sqlite3_bind_text (st, 5, m->dtstart, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 6, m->dtend, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 7, m->location, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, m->comment, -1, SQLITE_STATIC);
  return db_step_done (r->db, st, "recording a counter proposal", error)
      && record (r, "counter", "proposal kept for staff", error);
}

/* Why a reply whose sender is none of its attendees is quarantined. */
static char *
not_attendee_reason (const Reply *r)
{
  g_autofree char *names = attendee_list (r->imip);

  return g_strdup_printf ("calendar %s for UID %s: the sender %s is not the ATTENDEE it"
                          " answers for (%s); replies can be forged (RFC 6047 section 3):"
                          " approve it only if the sender may answer for them",
                          r->imip->method, r->imip->uid,
                          r->msg->from_addr ? r->msg->from_addr : "(no From)", names);
}

/* Why a reply whose sender authentication failed is quarantined, or NULL:
 * an aligned DKIM signature that does not verify (and none that does), or
 * a failure the trusted Authentication-Results report. */
static char *
not_authenticated_reason (const Reply *r, const Config *config, const RepliesAuth *auth)
{
  const ImipMessage *m = r->imip;
  const char *from = r->msg->from_addr;
  const char *at = from != NULL ? strrchr (from, '@') : NULL;
  if (auth->dkim_failed && auth->auth != MAIL_AUTH_DKIM && at != NULL)
    return g_strdup_printf ("calendar %s for UID %s: DKIM signature of %s does not verify",
                            m->method, m->uid, at + 1);
  if (auth->auth != MAIL_AUTH_DKIM && auth->auth != MAIL_AUTH_DMARC
      && authorize_auth_failed (r->msg->auth_results, config->trusted_authserv_id))
    return g_strdup_printf ("calendar %s for UID %s: Authentication-Results from %s"
                            " report that the sender %s failed", m->method, m->uid,
                            config->trusted_authserv_id, from);
  return NULL;
}

/* The latest DTSTAMP a reply may carry now: the clock and [limits]
 * calendar_clock_skew_hours (ctcgw.conf(5)), written as imip.h writes
 * times, so that the two compare as text. */
static char *
latest_dtstamp (const Config *config)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) latest = g_date_time_add_hours (now, config->calendar_clock_skew_hours);

  return g_date_time_format (latest, "%Y-%m-%dT%H:%M:%SZ");
}

/* Refuses a reply that claims more than any reply may: a DTSTAMP ahead of
 * the clock or a SEQUENCE the meeting never had would outrank every real
 * answer after it, and an answer for one occurrence is no answer for a
 * meeting or visit, which has only the one (ctcgw(8), DESCRIPTION).
 * *refused: it was recorded so. */
static gboolean
refuse_claims (Reply *r, const Config *config, gboolean *refused, GError **error)
{
  const ImipMessage *m = r->imip;
  g_autofree char *why = NULL;
  const char *result = NULL;

  if (m->dtstamp != NULL && strcmp (m->dtstamp, r->latest) > 0)
    {
      result = "future-dtstamp";
      why = g_strdup_printf ("DTSTAMP %s is more than %u hours ahead of the gateway's clock:"
                             " refused", m->dtstamp, config->calendar_clock_skew_hours);
    }
  else if (m->sequence > r->meeting_sequence)
    {
      result = "future-sequence";
      why = g_strdup_printf ("SEQUENCE %" G_GINT64_FORMAT " is above the meeting's %"
                             G_GINT64_FORMAT ": no such invitation was sent: refused",
                             m->sequence, r->meeting_sequence);
    }
  else if (m->recurrence_id != NULL)
    {
      result = "unknown-occurrence";
      why = g_strdup_printf ("RECURRENCE-ID %s answers for one occurrence, and the meeting"
                             " has no others: refused", m->recurrence_id);
    }
  *refused = result != NULL;
  return result == NULL || record (r, result, why, error);
}

/* reason, and the delegation that approving the reply would apply for the
 * attendee a: staff approving it approve that too, whoever the delegate. */
static char *
with_delegation (char *reason, const ImipAttendee *a)
{
  if (a->delegated_to == NULL || g_strcmp0 (a->partstat, "DELEGATED") != 0)
    return reason;
  char *longer = g_strdup_printf ("%s; approving it also gives the place of %s to %s",
                                  reason, a->address, a->delegated_to);
  g_free (reason);
  return longer;
}

/* The checks of the sender and of the SEQUENCE, then the reply filed. */
static gboolean
check_sender_and_file (Reply *r, const Config *config, const RepliesAuth *auth,
                       GError **error)
{
  ImipMessage *m = r->imip;

  if (r->who == NULL && (r->approved || m->attendees->len == 0))
    return record (r, "not-attendee", "the reply names no attendee", error);
  if (r->who == NULL)
    {
      *r->quarantine = with_delegation (not_attendee_reason (r),
                                        g_ptr_array_index (m->attendees, 0));
      return record (r, "not-attendee", *r->quarantine, error);
    }
  if (!r->approved && (*r->quarantine = not_authenticated_reason (r, config, auth)) != NULL)
    {
      *r->quarantine = with_delegation (*r->quarantine, r->who);
      return record (r, "not-authenticated", *r->quarantine, error);
    }
  if (m->sequence < r->meeting_sequence)
    {
      g_autofree char *why = g_strdup_printf ("SEQUENCE %" G_GINT64_FORMAT " is older than"
          " the meeting's %" G_GINT64_FORMAT ": ignored", m->sequence, r->meeting_sequence);
      return record (r, "older-sequence", why, error);
    }
  return strcmp (m->method, "COUNTER") == 0 ? file_counter (r, error) : file_reply (r, error);
}

/* The checks of replies_process, once the reply is read. */
static gboolean
check_and_file (Reply *r, const Config *config, const RepliesAuth *auth, GError **error)
{
  ImipMessage *m = r->imip;
  gboolean refused = FALSE;

  if (g_strcmp0 (m->method, "REPLY") != 0 && g_strcmp0 (m->method, "COUNTER") != 0)
    {
      g_autofree char *why = g_strdup_printf ("METHOD:%s is not handled: only REPLY and"
                                              " COUNTER are", m->method ? m->method : "(none)");
      return record (r, "not-handled", why, error);
    }
  if (!find_meeting (r, error))
    return FALSE;
  if (r->meeting_id == 0)
    return record (r, "unknown-uid", "no meeting or visit has this UID", error);
  r->who = sender_attendee (m, r->msg->from_addr);
  if (r->who == NULL && r->approved && m->attendees->len > 0)
    r->who = g_ptr_array_index (m->attendees, 0);
  if (!refuse_claims (r, config, &refused, error))
    return FALSE;
  return refused || check_sender_and_file (r, config, auth, error);
}

gboolean
replies_process (const Context *ctx, const MailMessage *msg, gint64 submission_id,
                 const RepliesAuth *auth, char **quarantine, GError **error)
{
  g_autoptr (GError) unread = NULL;
  g_autoptr (ImipMessage) imip = imip_parse (msg, &unread);
  g_autofree char *latest = latest_dtstamp (ctx->config);
  Reply r = { .db = ctx->db, .msg = msg, .submission_id = submission_id, .imip = imip,
              .latest = latest, .approved = auth->auth == MAIL_AUTH_STAFF_CLI,
              .quarantine = quarantine };

  *quarantine = NULL;
  if (imip == NULL)
    return record (&r, "unreadable", unread->message, error);
  return check_and_file (&r, ctx->config, auth, error);
}
