/* The message lifecycle: a raw message in, one transaction out that holds
 * the raw message, the submission, every record with its history and the
 * answer in the outbox (ctcgw(8), DESCRIPTION). */

#include <string.h>
#include <gnutls/crypto.h>

#include "gateway/flows/answer.h"
#include "gateway/store/attachments.h"
#include "gateway/flows/authorize.h"
#include "gateway/flows/bounce.h"
#include "gateway/flows/circular.h"
#include "gateway/flows/confirm.h"
#include "gateway/store/countries.h"
#include "gateway/flows/lines.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"
#include "gateway/base/log.h"
#include "gateway/mail/dkim.h"
#include "gateway/store/registers.h"
#include "gateway/flows/replies.h"
#include "gateway/flows/review.h"
#include "gateway/flows/visit-notice.h"
#include "parsers/authres.h"
#include "parsers/form.h"
#include "parsers/message.h"

/* Headers of a message over the size limit are read from this many bytes. */
#define HEADER_PEEK_MAX (256u * 1024u)

typedef struct {
  Context ctx;          /* borrowed from the caller: what every step reads */
  MailMessage *msg;
  gint64 id;            /* submissions.id */
  char *reference;      /* submissions.reference */
  gboolean approved;    /* staff approved it: authorization is not checked */
  gboolean import;      /* a staff import: filed by registers_import's rules */
  TplData *answer;      /* data of the acknowledgement */
  GPtrArray *errors;    /* the error lines of the answer, or NULL */
  guint filed;          /* records filed */
  gsize size;           /* bytes of the whole message (raw may be its header only) */
  FormParse *parse;     /* its records, read and checked before the transaction */
  FormProblem *unread;  /* why nothing in the message was read, or NULL */
  MailAuth auth;        /* how its sender was authenticated */
  MailDkimResult dkim;  /* what its signatures aligned with From show (mail_dkim_verify) */
  AuthRequire require;  /* the policy when nothing authenticated it (authorize_policy) */
  const MailMessage *answer_to; /* the message answered when not msg (a confirming reply) */
  IntakeOutcome outcome;
  IntakeOutcome recorded; /* of a duplicate: the outcome recorded the first time */
  gint64 answer_id;     /* the outbox row of its answer, once queued */
} Intake;

struct _IntakeParsed {
  GBytes *raw;
  gsize size;           /* bytes of the whole message (raw may be its header only) */
  GBytes *stored;       /* what is kept: raw, or its header when it cannot be read */
  char *sha;            /* SHA-256 of raw, hex */
  MailMessage *msg;     /* NULL when not even its header could be read */
  FormProblem *unread;  /* why nothing in it was read, or NULL */
  FormParse *parse;     /* its records, for a submission */
  MailAuth auth;        /* how its sender was authenticated */
  MailDkimResult dkim;  /* what its signatures aligned with From show (mail_dkim_verify) */
  GError *temporary;    /* a key lookup that failed for now: not filed, retried */
};

static const char *const outcome_names[] = {
  [INTAKE_FILED] = "filed", [INTAKE_REJECTED] = "rejected",
  [INTAKE_QUARANTINED] = "quarantined", [INTAKE_NO_RECORDS] = "no-records",
  [INTAKE_AUTOMATIC] = "automatic", [INTAKE_DUPLICATE] = "duplicate",
  [INTAKE_PENDING] = "pending", [INTAKE_CONFIRMATION] = "confirmation",
};

const char *
intake_outcome_name (IntakeOutcome outcome)
{
  return outcome_names[outcome];
}

/* The outcome of a name the database holds; an unknown one (none) is
 * taken as filed. */
static IntakeOutcome
outcome_of_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    if (g_strcmp0 (name, outcome_names[i]) == 0)
      return (IntakeOutcome) i;
  return INTAKE_FILED;
}

void
intake_result_clear (IntakeResult *r)
{
  g_clear_pointer (&r->reference, g_free);
  r->submission_id = 0;
}

/* GnuTLS's SHA-256 uses the processor's SHA extensions where it has them:
 * several times faster than GLib's on every message. */
static char *
sha256_hex (GBytes *raw)
{
  guint8 digest[32];
  gsize len;
  const void *data = g_bytes_get_data (raw, &len);
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, digest) != 0)
    return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (2 * sizeof digest + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
  hex[2 * sizeof digest] = '\0';
  return hex;
}

/* A message is the same when its Message-ID and its bytes are (ctcgw(8),
 * NOTES); *recorded is then the outcome it had, which says where a
 * mailbox moves it when a crash kept it from being moved. */
static gboolean
already_seen (sqlite3 *db, const char *message_id, const char *sha, gboolean *seen,
              IntakeOutcome *recorded, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT outcome FROM submissions WHERE message_id IS ?1 AND sha256 = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, message_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, sha, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_set_error (db, error, "looking up a message");
      return FALSE;
    }
  *seen = rc == SQLITE_ROW;
  if (*seen)
    *recorded = outcome_of_name ((const char *) sqlite3_column_text (st, 0));
  return TRUE;
}

static int
current_year (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_get_year (now);
}

/* The submission row: the raw message and where it came from.  Automatic
 * mail is kept too, but gets no SUB reference: it is no submission. */
static gboolean
store_submission (Intake *in, GBytes *stored, gsize size, const char *sha,
                  const char *mailbox, GError **error)
{
  MailMessage *m = in->msg;
  gboolean person = m != NULL && m->klass == MAIL_SUBMISSION;
  if (person)
    {
      in->reference = db_next_reference (in->ctx.db, in->ctx.config->reference_prefix, "SUB",
                                         current_year (), error);
      if (in->reference == NULL)
        return FALSE;
    }
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "INSERT INTO submissions (reference, message_id, sha256, mailbox, received,"
      " from_addr, sender_addr, subject, class, outcome, raw, size, authentication)"
      " VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, ?6, ?7, ?8,"
      " 'received', ?9, ?10, ?11)", error);
  if (st == NULL)
    return FALSE;
  gsize len;
  const void *data = g_bytes_get_data (stored, &len);
  sqlite3_bind_text (st, 1, in->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, m ? m->message_id : NULL, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, mailbox, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, m ? m->from_addr : NULL, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, m ? m->sender_addr : NULL, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 7, m ? m->subject : NULL, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 8, m ? mail_class_name (m->klass) : "unreadable", -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (st, 9, data, len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 10, (sqlite3_int64) size);
  sqlite3_bind_text (st, 11, mail_auth_name (in->auth), -1, SQLITE_STATIC);
  /* The search index takes the texts read already (a message read whole). */
  db_known_message (in->ctx.db, stored, in->unread == NULL ? m : NULL);
  gboolean stored_ok = db_step_done (in->ctx.db, st, "storing a submission", error);
  db_known_message (in->ctx.db, NULL, NULL);
  if (!stored_ok)
    return FALSE;
  in->id = sqlite3_last_insert_rowid (in->ctx.db);
  return TRUE;
}

/* The attachments of a person's message, kept with it whatever becomes of
 * its records: staff read them with `show` (ctcgw(8)). */
static gboolean
keep_attachments (Intake *in, GError **error)
{
  GPtrArray *all = in->msg->attachments;
  for (guint i = 0; i < all->len; i++)
    {
      const MailAttachment *m = g_ptr_array_index (all, i);
      StoredAttachment a = { m->name, m->content_type, m->size, m->data };
      if (!attachments_keep (in->ctx.db, in->id, i + 1, &a, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_outcome (Intake *in, gint64 answer_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "UPDATE submissions SET outcome = ?1, answer_outbox_id = ?2 WHERE id = ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, intake_outcome_name (in->outcome), -1, SQLITE_STATIC);
  if (answer_id > 0)
    sqlite3_bind_int64 (st, 2, answer_id);
  sqlite3_bind_int64 (st, 3, in->id);
  return db_step_done (in->ctx.db, st, "recording an outcome", error);
}

/* What became of one record, for `show SUB-…` and the digest. */
static gboolean
log_record (Intake *in, const FormRecord *rec, const FiledRecord *filed,
            const char *how, const char *problems, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "INSERT INTO submission_records (submission_id, register, reference, how,"
      " changed, problems) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (st == NULL)
    return FALSE;
  g_autofree char *changed = NULL;
  if (filed != NULL && filed->changed != NULL && filed->changed->len > 0)
    changed = form_json_array ((const char *const *) filed->changed->pdata, filed->changed->len);
  sqlite3_bind_int64 (st, 1, in->id);
  sqlite3_bind_text (st, 2, rec->kind ? rec->kind->register_name : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, filed ? filed->reference : rec->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, how, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, changed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, problems, -1, SQLITE_TRANSIENT);
  return db_step_done (in->ctx.db, st, "recording a record", error);
}

static gboolean review (Intake *in, gint64 quarantine_id, GError **error);

static gboolean
quarantine (Intake *in, const char *reason, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "INSERT INTO quarantine (submission_id, reason, state, created)"
      " VALUES (?1, ?2, 'waiting', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, in->id);
  sqlite3_bind_text (st, 2, reason, -1, SQLITE_TRANSIENT);
  log_info ("intake", "submission=%s id=%" G_GINT64_FORMAT " quarantined",
            in->reference ? in->reference : "-", in->id);
  return db_step_done (in->ctx.db, st, "quarantining a submission", error)
      && review (in, sqlite3_last_insert_rowid (in->ctx.db), error);
}

/* The records of every text of the message (docs/submissions.md section 1),
 * not yet checked against the registers: its own and the forwarded ones. */
static FormParse *
read_forms (const MailMessage *msg, const CtcLimits *limits)
{
  FormParse *parse = form_parse_new ();
  gboolean forward = form_subject_is_forward (msg->subject);
  for (guint i = 0; i < msg->texts->len; i++)
    {
      const MailText *t = g_ptr_array_index (msg->texts, i);
      FormText text = { .text = t->text, .source = t->name, .soft_lines = t->soft_lines,
                        .forwarded = t->forwarded, .forward_subject = forward };
      if (t->csv)
        form_parse_csv (parse, t->text, t->length, t->name, limits);
      else
        form_parse_text_from (parse, &text, limits);
    }
  return parse;
}

/* Checks the records of parse, read from msg, against the registers; a
 * plain "yes" or "no" to a visit's notice is the visit-consent it means
 * (visit-notice.h). */
static void
check_records (sqlite3 *db, const MailMessage *msg, FormParse *parse, const CtcLimits *limits)
{
  visit_notice_reply (db, msg, parse, limits);
  FormLookup lookup = registers_lookup (db);
  form_check (parse, &lookup, limits);
}

/* The records of the message, checked. */
static FormParse *
read_records (sqlite3 *db, const MailMessage *msg, const CtcLimits *limits)
{
  FormParse *parse = read_forms (msg, limits);
  check_records (db, msg, parse, limits);
  return parse;
}

static gboolean
record_ok (const FormRecord *rec)
{
  return rec->kind != NULL && rec->problems->len == 0;
}

/* The language of the answer, which its record lines are written in;
 * English for a staff import, which has no message and no answer. */
static char *
lines_language (Intake *in)
{
  const MailMessage *answered = in->answer_to != NULL ? in->answer_to : in->msg;
  if (answered == NULL)
    return g_strdup ("en");
  const char *keys = in->parse != NULL
      ? form_parse_language (in->parse, in->ctx.config->language) : NULL;
  return answer_language (&in->ctx, answered->from_addr, keys);
}

/* Adds a line to the answer's list of errors; the command line's list
 * (an import's) gets english. */
static void
answer_error (Intake *in, const char *shown, const char *english)
{
  tpl_set (tpl_add (in->answer, "errors"), "line", shown);
  if (in->errors != NULL)
    g_ptr_array_add (in->errors, g_strdup (english));
}

/* line, marked in lang when it is about a record of a forwarded message
 * (docs/submissions.md section 7). */
static char *
answer_line (char *line, gboolean forwarded, const char *lang)
{
  if (!forwarded)
    return line;
  char *marked = lines_forwarded (line, lang);
  g_free (line);
  return marked;
}

/* Adds a problem to the answer in lang; returns it in English, as the
 * database and the command line keep it. */
static char *
answer_problem (Intake *in, const FormProblem *p, gboolean forwarded, const char *lang)
{
  g_autofree char *shown = answer_line (lines_problem (p, lang), forwarded, lang);
  char *english = form_problem_format (p);
  answer_error (in, shown, english);
  return english;
}

/* Adds the problems of rec to the answer; returns them as one string. */
static char *
refuse_record (Intake *in, const FormRecord *rec, const char *lang)
{
  GString *all = g_string_new (NULL);
  for (guint i = 0; i < rec->problems->len; i++)
    {
      g_autofree char *text = answer_problem (in, g_ptr_array_index (rec->problems, i),
                                              rec->forwarded, lang);
      g_string_append_printf (all, "%s%s", all->len ? "\n" : "", text);
    }
  return g_string_free (all, FALSE);
}

/* The State that the visit reference is to, as lang names it. */
static char *
visit_state_shown (sqlite3 *db, const char *reference, const char *lang)
{
  g_autofree char *code = registers_visit_state (db, reference);
  if (code == NULL)
    return g_strdup (reference);
  const char *shown = country_names_shown (country_names_default (db), code, lang);
  if (shown != NULL)
    return g_strdup (shown);
  char *name = registers_entity_name (db, code);
  return name != NULL ? name : g_steal_pointer (&code);
}

/* The lines of the answer about a record filed (docs/submissions.md
 * section 7): visit information and consent name their visit, a contact point that
 * replaces another says that one is deactivated. */
static void
answer_filed (Intake *in, const FormRecord *rec, const FiledRecord *filed, const char *lang)
{
  gboolean visit = strcmp (rec->kind->name, "visit-information") == 0;
  gboolean consent = strcmp (rec->kind->name, "visit-consent") == 0;
  g_autofree char *state = visit || consent
      ? visit_state_shown (in->ctx.db, filed->reference, lang) : NULL;
  const char *yes = consent ? g_hash_table_lookup (rec->columns, "consent") : NULL;
  char *accepted = visit ? lines_visit_information (filed->reference, state, lang)
      : consent ? lines_visit_consent (filed->reference, state, g_strcmp0 (yes, "yes") == 0, lang)
      : lines_accepted (filed, rec->kind->name, lang);
  g_autofree char *line = answer_line (accepted, rec->forwarded, lang);
  tpl_set (tpl_add (in->answer, "records"), "line", line);
  for (guint i = 0; filed->deactivated != NULL && i < filed->deactivated->len; i++)
    {
      g_autofree char *more = answer_line (lines_deactivated (filed->deactivated->pdata[i],
                                                              filed->reference, lang),
                                           rec->forwarded, lang);
      tpl_set (tpl_add (in->answer, "records"), "line", more);
    }
}

/* Files one record and says so in the answer.  FALSE: database failure. */
static gboolean
file_record (Intake *in, FormRecord *rec, const char *lang, GError **error)
{
  FiledRecord filed = { 0 };
  gboolean (*file) (sqlite3 *, const char *, FormRecord *, gint64, FiledRecord *,
                    GError **) = in->import ? registers_import : registers_file;
  if (record_ok (rec)
      && !file (in->ctx.db, in->ctx.config->reference_prefix, rec, in->id, &filed, error))
    {
      filed_record_clear (&filed);
      return FALSE;
    }
  gboolean ok = record_ok (rec) && filed.how != FILED_REFUSED;
  gboolean logged;
  if (ok)
    {
      answer_filed (in, rec, &filed, lang);
      in->filed++;
      logged = log_record (in, rec, &filed, filed_how_name (filed.how), NULL, error);
    }
  else
    {
      g_autofree char *problems = refuse_record (in, rec, lang);
      logged = log_record (in, rec, NULL, "refused", problems, error);
    }
  filed_record_clear (&filed);
  return logged;
}

/* Notes the language the submission's keys were written in: the public
 * site marks the entries it filed with it (ctcgw(8), publish). */
static gboolean
note_language (Intake *in, const FormParse *parse, GError **error)
{
  const char *lang = form_parse_language (parse, in->ctx.config->language);
  if (lang == NULL || in->id <= 0)
    return TRUE;
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "UPDATE submissions SET language = ?1 WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, lang, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, in->id);
  return db_step_done (in->ctx.db, st, "noting the language", error);
}

/* Files every record of parse; the answer lists each. */
static gboolean
file_records (Intake *in, FormParse *parse, GError **error)
{
  g_autofree char *lang = lines_language (in);
  for (guint i = 0; i < parse->problems->len; i++)
    g_free (answer_problem (in, g_ptr_array_index (parse->problems, i), FALSE, lang));
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = g_ptr_array_index (parse->records, i);
      if (rec->forwarded)
        tpl_set_bool (in->answer, "forwarded", TRUE);
      if (!file_record (in, rec, lang, error))
        return FALSE;
    }
  in->outcome = in->filed > 0 ? INTAKE_FILED : INTAKE_REJECTED;
  if (in->filed > 0 && !note_language (in, parse, error))
    return FALSE;
  tpl_set_bool (in->answer, "has_errors", in->outcome == INTAKE_REJECTED
                || parse->problems->len > 0 || in->filed < parse->records->len);
  return TRUE;
}

/* The records of a quarantined submission, kept for staff's review
 * (gateway/flows/review.h), and every problem of every record in the
 * notice to its sender: its own, what the registers refuse, whom its
 * sender may not speak for. */
static gboolean
review (Intake *in, gint64 quarantine_id, GError **error)
{
  if (in->parse == NULL || in->msg == NULL)
    return TRUE;
  FormParse *parse = in->parse;
  g_autoptr (GPtrArray) refused = authorize_records (in->ctx.db, in->msg, parse);
  if (!review_keep (in->ctx.db, in->ctx.config->reference_prefix, quarantine_id, in->id,
                    parse, refused, error))
    return FALSE;
  g_autofree char *lang = lines_language (in);
  gboolean any = parse->problems->len > 0;
  for (guint i = 0; i < parse->problems->len; i++)
    g_free (answer_problem (in, g_ptr_array_index (parse->problems, i), FALSE, lang));
  for (guint i = 0; i < parse->records->len; i++)
    {
      const FormRecord *rec = g_ptr_array_index (parse->records, i);
      g_free (refuse_record (in, rec, lang));
      if (refused->pdata[i] != NULL)
        g_free (answer_problem (in, refused->pdata[i], rec->forwarded, lang));
      any = any || rec->problems->len > 0 || refused->pdata[i] != NULL;
    }
  tpl_set_bool (in->answer, "has_errors", any);
  return TRUE;
}

/* The subject without the "Re:" (or "AW:", "SV:") prefixes of earlier
 * replies, so that the answer's "Re: " is the only one. */
static char *
reply_subject (const char *subject)
{
  static const char *const prefixes[] = { "re:", "aw:", "sv:", "réf:", "ref:", NULL };
  const char *s = subject != NULL ? subject : "";
  for (gboolean again = TRUE; again;)
    {
      again = FALSE;
      while (g_ascii_isspace (*s))
        s++;
      for (guint i = 0; prefixes[i] != NULL; i++)
        if (g_ascii_strncasecmp (s, prefixes[i], strlen (prefixes[i])) == 0)
          {
            s += strlen (prefixes[i]);
            again = TRUE;
          }
    }
  return g_strdup (s);
}

/* Notes in the answer each attachment of the message that was not kept
 * (over [limits] attachment_size or attachments_size), in its language. */
static void
note_attachments (Intake *in)
{
  GPtrArray *all = in->msg->attachments;
  g_autofree char *lang = NULL;
  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      const MailAttachment *a = g_ptr_array_index (all, i);
      if (a->data != NULL)
        continue;
      if (lang == NULL)
        lang = lines_language (in);
      g_autofree char *line = lines_attachment_not_kept (a->name, a->size, lang);
      tpl_set (tpl_add (in->answer, "notes"), "line", line);
      tpl_set_bool (in->answer, "has_notes", TRUE);
    }
}

/* The subject of an answer to in's message in data: subject, without the
 * "Re:" of earlier replies and the gateway's references, and
 * subject_reference, the one reference after it: the first the subject
 * held (an answer's, a circular's), else reference.  So a conversation
 * keeps one [reference] however many rounds it goes
 * (docs/submissions.md section 7). */
static void
set_answer_subject (const Intake *in, TplData *data, const char *reference)
{
  const char *prefix = in->ctx.config->reference_prefix;
  g_autofree char *bare = reply_subject (in->msg->subject);
  g_autofree char *held = form_subject_reference (prefix, bare, NULL);
  g_autofree char *subject = form_subject_without_references (prefix, bare);
  tpl_set (data, "subject", subject);
  tpl_set (data, "subject_reference", held != NULL ? held : reference);
}

/* Queues the answer unless the message is automatic or its sender has had
 * enough answers this hour.  Returns the outbox id, 0 when none was sent,
 * -1 on failure. */
static gint64
send_answer (Intake *in, const char *template, GError **error)
{
  const MailMessage *answered = in->answer_to != NULL ? in->answer_to : in->msg;
  const char *to = answer_address (answered);
  if (answered->automatic || to == NULL || g_ascii_strcasecmp (to, in->ctx.config->address) == 0)
    return 0;
  if (!config_address_valid (to))
    {
      g_autofree char *who = log_escape (to);
      log_warn ("intake", "submission=%s no-answer=bad-address to=%s", in->reference, who);
      return 0;
    }
  GError *local = NULL;
  gboolean limited = answer_rate_limited (&in->ctx, to, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }
  if (limited)
    {
      g_autofree char *who = log_escape (to);
      log_warn ("intake", "submission=%s no-answer=rate-limit to=%s", in->reference, who);
      return 0;
    }
  note_attachments (in);
  set_answer_subject (in, in->answer, in->reference);
  tpl_set (in->answer, "reference", in->reference);
  tpl_set (in->answer, "sender_name", in->msg->from_name ? in->msg->from_name : "");
  const char *keys = in->parse != NULL
      ? form_parse_language (in->parse, in->ctx.config->language) : NULL;
  gint64 id = answer_queue (&in->ctx, answered, template, in->answer, keys, in->id, error);
  in->answer_id = id;
  return id == 0 ? -1 : id;
}

static const char *
answer_template (IntakeOutcome outcome)
{
  switch (outcome)
    {
    case INTAKE_QUARANTINED: return "quarantine";
    case INTAKE_NO_RECORDS: return "help";
    default: return "ack";
    }
}

/* The table of forms of the help text, in the language of its template. */
static void
set_forms (Intake *in)
{
  g_autofree char *lang = lines_language (in);
  g_autofree char *forms = lines_forms (tpl_language ("help", lang, "txt"));
  tpl_set (in->answer, "forms", forms);
}

/* Sets *hold when the records of an authorized sender that nothing
 * authenticated wait for the policy of [authentication] require
 * (ctcgw.conf(5)), or the entities' own (ctcgw(8), AUTHENTICATION):
 * staff's commands and authenticated mail never do. */
static gboolean
must_hold (Intake *in, gboolean *hold, GError **error)
{
  *hold = FALSE;
  if (in->approved || in->auth != MAIL_AUTH_NONE || in->parse->records->len == 0)
    return TRUE;
  if (!authorize_policy (in->ctx.db, in->ctx.config, in->parse, &in->require, error))
    return FALSE;
  *hold = in->require != AUTH_REQUIRE_NONE;
  return TRUE;
}

/* require = authenticated (the configuration's or an entity's, see
 * must_hold): quarantined; require = confirm: pending, and
 * one confirmation request to the Directory's address (ctcgw(8),
 * AUTHENTICATION). */
static gboolean
hold (Intake *in, GError **error)
{
  if (in->require == AUTH_REQUIRE_AUTHENTICATED)
    {
      in->outcome = INTAKE_QUARANTINED;
      gint64 answer = quarantine (in, "not authenticated (DKIM or DMARC)", error)
          ? send_answer (in, "quarantine", error) : -1;
      return answer >= 0 && set_outcome (in, answer, error);
    }
  ConfirmPending p = { .submission_id = in->id, .reference = in->reference,
                       .subject = in->msg->subject, .records = in->parse->records->len,
                       .from_addr = in->msg->from_addr };
  in->outcome = INTAKE_PENDING;
  gint64 request = confirm_request (&in->ctx, &p, error);
  return request >= 0 && set_outcome (in, request, error);
}

/* A person's message: authorize, file, answer. */
static gboolean
process_submission (Intake *in, GError **error)
{
  if (in->parse == NULL)
    in->parse = read_records (in->ctx.db, in->msg, &in->ctx.config->limits);
  FormParse *parse = in->parse;
  GError *local = NULL;
  authorize_defaults (in->ctx.db, in->msg, parse);
  g_autofree char *refusal = in->approved ? NULL
      : authorize_submission (in->ctx.db, in->ctx.config, in->msg, in->auth, parse, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  gboolean held = FALSE;
  if (refusal == NULL && !must_hold (in, &held, error))
    return FALSE;
  if (held)
    return hold (in, error);
  if (refusal != NULL)
    {
      in->outcome = INTAKE_QUARANTINED;
      if (!quarantine (in, refusal, error))
        return FALSE;
    }
  else if (parse->records->len == 0 && parse->problems->len == 0)
    {
      in->outcome = INTAKE_NO_RECORDS;
      set_forms (in);
    }
  else if (!file_records (in, parse, error)
           || !attachments_link_visits (in->ctx.db, in->id, error))
    return FALSE;
  gint64 answer = send_answer (in, answer_template (in->outcome), error);
  return answer >= 0 && set_outcome (in, answer, error);
}

/* A calendar reply: filed by replies.c, or quarantined when its sender is
 * not the attendee it answers for; never answered. */
static gboolean
process_reply (Intake *in, GError **error)
{
  g_autofree char *refusal = NULL;

  RepliesAuth auth = { in->approved ? MAIL_AUTH_STAFF_CLI : in->auth,
                       in->dkim == MAIL_DKIM_FAILED };
  if (!replies_process (&in->ctx, in->msg, in->id, &auth, &refusal, error))
    return FALSE;
  if (refusal == NULL)
    return TRUE;
  in->outcome = INTAKE_QUARANTINED;
  return quarantine (in, refusal, error);
}

/* What staff approved from quarantine: a calendar reply is filed, any
 * other message processed as a submission. */
static gboolean
process_approved (Intake *in, GError **error)
{
  if (in->msg->klass != MAIL_CALENDAR_REPLY)
    return process_submission (in, error);
  in->outcome = INTAKE_AUTOMATIC;
  return process_reply (in, error) && set_outcome (in, 0, error);
}

/* A message too large to read: only its headers are kept, and its sender is
 * told why nothing was read. */
static MailMessage *
peek_headers (GBytes *raw, const Config *config, GBytes **kept)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  gsize peek = MIN (len, HEADER_PEEK_MAX);
  const char *end = g_strstr_len (data, peek, "\r\n\r\n");
  if (end == NULL)
    end = g_strstr_len (data, peek, "\n\n");
  gsize head = end != NULL ? (gsize) (end - data) + 2 : peek;
  *kept = g_bytes_new_from_bytes (raw, 0, head);
  return mail_message_parse (*kept, config->address, &config->limits, NULL);
}

/* A person's message whose content could not be read (too large, too
 * deeply nested): answered with the reason, nothing filed. */
static gboolean
process_unread (Intake *in, GError **error)
{
  in->outcome = INTAKE_REJECTED;
  g_autofree char *lang = lines_language (in);
  g_free (answer_problem (in, in->unread, FALSE, lang));
  tpl_set_bool (in->answer, "has_errors", TRUE);
  gint64 answer = send_answer (in, "ack", error);
  return answer >= 0 && set_outcome (in, answer, error);
}

static gboolean load_pending (Intake *in, gint64 submission_id, GError **error);

/* The reply that confirms a pending submission files it as if it had
 * just arrived authenticated, and its answer goes to the reply's sender
 * (ctcgw(8), AUTHENTICATION). */
static gboolean
file_confirmed (Intake *reply, const ConfirmMatch *m, GError **error)
{
  Intake in = { .ctx = reply->ctx, .answer = tpl_data_new (), .auth = MAIL_AUTH_CONFIRMED,
                .answer_to = reply->msg };
  gboolean ok = load_pending (&in, m->submission_id, error)
      && confirm_done (&in.ctx, m->id, reply->id, error)
      && process_submission (&in, error);
  if (ok)
    log_info ("intake", "submission=%s confirmed-by=%s outcome=%s", in.reference,
              reply->reference ? reply->reference : "-", intake_outcome_name (in.outcome));
  g_clear_pointer (&in.msg, mail_message_free);
  g_clear_pointer (&in.reference, g_free);
  g_clear_pointer (&in.answer, tpl_data_free);
  g_clear_pointer (&in.parse, form_parse_free);
  return ok;
}

/* A reply expired: nothing is filed; its sender is told to send again. */
static gboolean
answer_expired (Intake *in, const ConfirmMatch *m, GError **error)
{
  g_autoptr (TplData) data = tpl_data_new ();
  set_answer_subject (in, data, m->reference);
  tpl_set (data, "reference", m->reference);
  tpl_set (data, "expires", m->expires);
  tpl_set (data, "sender_name", in->msg->from_name ? in->msg->from_name : "");
  if (in->msg->automatic)
    return set_outcome (in, 0, error);
  gint64 id = answer_queue (&in->ctx, in->msg, "confirm-expired", data, NULL, in->id, error);
  return id > 0 && set_outcome (in, id, error);
}

/* A reply to a confirmation request: files the pending submission once;
 * a second reply is kept and not answered; one after the expiry is told
 * to send again. */
static gboolean
process_confirmation (Intake *in, const ConfirmMatch *m, GError **error)
{
  in->outcome = INTAKE_CONFIRMATION;
  log_info ("intake", "submission=%s confirms=%s state=%s", in->reference, m->reference,
            m->confirmed ? "already-confirmed" : m->expired ? "expired" : "pending");
  if (m->expired)
    return answer_expired (in, m, error);
  if (!m->confirmed && !file_confirmed (in, m, error))
    return FALSE;
  return set_outcome (in, 0, error);
}

/* Everything that is done inside the one transaction. */
static gboolean
process_in_transaction (Intake *in, GBytes *raw, GBytes *stored, const char *sha,
                        const char *mailbox, GError **error)
{
  gsize size = MAX (in->size, g_bytes_get_size (raw));
  if (!store_submission (in, stored, size, sha, mailbox, error)
      || !circular_link_reply (&in->ctx, in->id, in->msg != NULL ? in->msg->subject : NULL,
                               error))
    return FALSE;
  if (in->msg == NULL || in->msg->klass != MAIL_SUBMISSION)
    {
      in->outcome = INTAKE_AUTOMATIC;
      if (in->msg != NULL && in->msg->klass == MAIL_DELIVERY_REPORT
          && !bounce_process (in->ctx.db, in->ctx.config, in->msg, in->id, error))
        return FALSE;
      if (in->msg != NULL && in->msg->klass == MAIL_CALENDAR_REPLY && in->unread == NULL
          && !process_reply (in, error))
        return FALSE;
      return set_outcome (in, 0, error);
    }
  if (in->unread != NULL)
    return process_unread (in, error);
  if (!keep_attachments (in, error))
    return FALSE;
  ConfirmMatch match = { 0 };
  gboolean ok = confirm_find (&in->ctx, in->msg, &match, error);
  if (ok)
    ok = match.id != 0 ? process_confirmation (in, &match, error)
                       : process_submission (in, error);
  confirm_match_clear (&match);
  return ok;
}

static void
intake_clear (Intake *in)
{
  g_clear_pointer (&in->msg, mail_message_free);
  g_clear_pointer (&in->reference, g_free);
  g_clear_pointer (&in->answer, tpl_data_free);
  g_clear_pointer (&in->parse, form_parse_free);
  g_clear_pointer (&in->unread, form_problem_free);
}

static void
log_outcome (const Intake *in, const char *mailbox)
{
  g_autofree char *msgid = log_escape (in->msg && in->msg->message_id ? in->msg->message_id : "");
  g_autofree char *from = log_escape (in->msg && in->msg->from_addr ? in->msg->from_addr : "");
  log_info ("intake", "mailbox=%s msgid=%s from=%s class=%s submission=%s outcome=%s",
            mailbox, msgid, from, in->msg ? mail_class_name (in->msg->klass) : "unreadable",
            in->reference ? in->reference : "-", intake_outcome_name (in->outcome));
}

/* Why the content of a message that mail_message_parse refused with perr
 * was not read, when its header may still be: over a limit of its MIME
 * structure or of its headers.  NULL otherwise. */
static FormProblem *
unread_problem (const GError *perr)
{
  char one[PROBLEM_NUMBER_LEN], two[PROBLEM_NUMBER_LEN];
  if (g_error_matches (perr, MAIL_ERROR, MAIL_ERROR_STRUCTURE))
    return problem_new_args (NULL, 0, FALSE, NULL, PROBLEM_MIME_TOO_DEEP, NULL,
                             problem_number (one, CTC_MIME_DEPTH_MAX),
                             problem_number (two, CTC_MIME_PARTS_MAX), NULL);
  if (g_error_matches (perr, MAIL_ERROR, MAIL_ERROR_HEADERS))
    return problem_new_args (NULL, 0, FALSE, NULL, PROBLEM_HEADERS_TOO_LARGE, NULL,
                             problem_number (one, CTC_HEADER_MAX), NULL);
  return NULL;
}

/* Parses raw; a message that cannot be read at all is still kept, and one
 * whose content cannot be read is answered from its header. */
static void
parse_message (IntakeParsed *p, const Config *config)
{
  g_autoptr (GError) perr = NULL;
  GBytes *raw = p->raw;
  gsize size = MAX (p->size, g_bytes_get_size (raw));
  p->stored = g_bytes_ref (raw);
  if (size > config->limits.message_max)
    {
      g_bytes_unref (p->stored);
      p->msg = peek_headers (raw, config, &p->stored);
      g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, config->limits.message_max);
      p->unread = problem_new_args (NULL, 0, FALSE, NULL, PROBLEM_MESSAGE_TOO_LARGE, NULL,
                                    bytes, limit, NULL);
      return;
    }
  p->msg = mail_message_parse (raw, config->address, &config->limits, &perr);
  if (p->msg != NULL)
    return;
  g_autofree char *why = log_escape (perr ? perr->message : "");
  log_warn ("intake", "unreadable message kept: %s", why);
  p->unread = unread_problem (perr);
  if (p->unread == NULL)
    return;
  g_autoptr (GBytes) head = NULL;
  p->msg = peek_headers (raw, config, &head);
}

/* Seen-before check and processing, in one IMMEDIATE transaction so that
 * two deliveries of the same message cannot both file it: the message's
 * own, or the batch's when the caller holds one (db_part_begin). */
static gboolean
process_once (Intake *in, GBytes *raw, GBytes *stored, const char *sha,
              const char *mailbox, GError **error)
{
  gboolean seen = FALSE, nested;
  if (!db_part_begin (in->ctx.db, &nested, error))
    return FALSE;
  gboolean ok = already_seen (in->ctx.db, in->msg ? in->msg->message_id : NULL, sha, &seen,
                              &in->recorded, error);
  if (ok && seen)
    in->outcome = INTAKE_DUPLICATE;
  else if (ok)
    ok = process_in_transaction (in, raw, stored, sha, mailbox, error);
  if (ok && !seen)
    ok = db_part_commit (in->ctx.db, nested, error);
  if (!ok || seen)
    db_part_rollback (in->ctx.db, nested);
  return ok;
}

static void
take_result (Intake *in, IntakeResult *result)
{
  result->outcome = in->outcome;
  result->recorded = in->outcome == INTAKE_DUPLICATE ? in->recorded : in->outcome;
  result->submission_id = in->id;
  result->reference = g_steal_pointer (&in->reference);
}

gboolean
intake_process (const Context *ctx, GBytes *raw, const char *mailbox, IntakeResult *result,
                GError **error)
{
  return intake_process_sized (ctx, raw, g_bytes_get_size (raw), mailbox, result, error);
}

gboolean
intake_process_sized (const Context *ctx, GBytes *raw, gsize size, const char *mailbox,
                      IntakeResult *result, GError **error)
{
  return intake_file (ctx, intake_parse (ctx->config, raw, size), mailbox,
                      result, error);
}

/* How the sender of p was authenticated (ctcgw(8), AUTHENTICATION): a
 * valid DKIM signature aligned with From, else dmarc=pass from the trusted
 * authserv-id.  Only a person's message and a calendar reply are looked at:
 * automatic mail is never authorized.  A key lookup that failed for now, with no dmarc=pass to
 * fall back on, leaves p->temporary set. */
static void
authenticate (IntakeParsed *p, const Config *config)
{
  const char *from = p->msg != NULL ? p->msg->from_addr : NULL;
  const char *at = from != NULL ? strrchr (from, '@') : NULL;
  gboolean whole = g_bytes_get_size (p->raw) >= p->size;
  g_autoptr (GError) error = NULL;
  p->auth = MAIL_AUTH_NONE;
  p->dkim = MAIL_DKIM_NONE;
  if (p->msg == NULL
      || (p->msg->klass != MAIL_SUBMISSION && p->msg->klass != MAIL_CALENDAR_REPLY))
    return;
  if (at != NULL && whole
      && !mail_dkim_verify (p->raw, at + 1, config->dkim_keys, &p->dkim, &error))
    {
      g_autofree char *why = log_escape (error->message);
      log_warn ("intake", "dkim=%s reason=%s", error->code == MAIL_DKIM_ERROR_TEMPORARY
                ? "temporary-failure" : "not-verified", why);
      /* A key not had for now is no failed signature. */
      p->dkim = MAIL_DKIM_NONE;
    }
  if (MAIL_DKIM_PASSED (p->dkim))
    p->auth = MAIL_AUTH_DKIM;
  else if (authorize_dmarc_passed (p->msg->auth_results, config->trusted_authserv_id))
    p->auth = MAIL_AUTH_DMARC;
  else if (g_error_matches (error, MAIL_DKIM_ERROR, MAIL_DKIM_ERROR_TEMPORARY))
    p->temporary = g_steal_pointer (&error);
}

/* A submission authenticated only by a relaxed DKIM alignment is not
 * authenticated when an entity its records name requires strict alignment
 * (schema/014-entity-alignment.sql; ctcgw(8), AUTHENTICATION). */
static gboolean
check_alignment (Intake *in, GError **error)
{
  gboolean strict = FALSE;
  if (in->auth != MAIL_AUTH_DKIM || in->dkim != MAIL_DKIM_RELAXED || in->parse == NULL)
    return TRUE;
  if (!authorize_strict (in->ctx.db, in->parse, &strict, error))
    return FALSE;
  if (strict)
    {
      log_info ("intake", "dkim=relaxed-only reason=\"an entity requires strict alignment\"");
      in->auth = MAIL_AUTH_NONE;
    }
  return TRUE;
}

IntakeParsed *
intake_parse (const Config *config, GBytes *raw, gsize size)
{
  IntakeParsed *p = g_new0 (IntakeParsed, 1);
  p->raw = g_bytes_ref (raw);
  p->size = size;
  p->sha = sha256_hex (raw);
  parse_message (p, config);
  authenticate (p, config);
  /* Reading the records takes long: it is done before the write
   * transaction (and they are checked against the registers just before
   * it), which then holds its lock only to file. */
  if (p->msg != NULL && p->msg->klass == MAIL_SUBMISSION && p->unread == NULL)
    p->parse = read_forms (p->msg, &config->limits);
  /* Filing a submission reads the fields taken out of the message, never
   * its MIME tree: the tree goes now, in the reading thread. */
  if (p->msg != NULL && p->msg->klass == MAIL_SUBMISSION)
    g_clear_object (&p->msg->mime);
  return p;
}

void
intake_parsed_free (IntakeParsed *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->raw, g_bytes_unref);
  g_clear_pointer (&p->stored, g_bytes_unref);
  g_free (p->sha);
  g_clear_pointer (&p->msg, mail_message_free);
  form_problem_free (p->unread);
  g_clear_pointer (&p->parse, form_parse_free);
  g_clear_error (&p->temporary);
  g_free (p);
}

gboolean
intake_file (const Context *ctx, IntakeParsed *p, const char *mailbox, IntakeResult *result,
             GError **error)
{
  if (p->temporary != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&p->temporary));
      intake_parsed_free (p);
      return FALSE;
    }
  Intake in = { .ctx = *ctx, .answer = tpl_data_new (), .size = p->size,
                .msg = g_steal_pointer (&p->msg), .unread = g_steal_pointer (&p->unread),
                .parse = g_steal_pointer (&p->parse), .auth = p->auth, .dkim = p->dkim };
  if (in.parse != NULL)
    check_records (ctx->db, in.msg, in.parse, &ctx->config->limits);
  gboolean ok = check_alignment (&in, error)
      && process_once (&in, p->raw, p->stored, p->sha, mailbox, error);
  if (ok)
    {
      log_outcome (&in, mailbox);
      take_result (&in, result);
    }
  intake_clear (&in);
  intake_parsed_free (p);
  return ok;
}

/* Loads a waiting quarantined submission into in. */
static gboolean
load_quarantined (Intake *in, gint64 submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "SELECT s.raw, s.reference, q.state FROM submissions s"
      " JOIN quarantine q ON q.submission_id = s.id WHERE s.id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      g_set_error (error, DB_ERROR, DB_ERROR_FAILED,
                   "submission %" G_GINT64_FORMAT " is not in quarantine", submission_id);
      return FALSE;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (st, 2), "waiting") != 0)
    {
      g_set_error (error, DB_ERROR, DB_ERROR_FAILED, "submission %" G_GINT64_FORMAT
                   " was already %s", submission_id, sqlite3_column_text (st, 2));
      return FALSE;
    }
  g_autoptr (GBytes) raw = g_bytes_new (sqlite3_column_blob (st, 0), sqlite3_column_bytes (st, 0));
  const Config *config = in->ctx.config;
  in->msg = mail_message_parse (raw, config->address, &config->limits, error);
  in->reference = g_strdup ((const char *) sqlite3_column_text (st, 1));
  in->id = submission_id;
  return in->msg != NULL;
}

/* Loads a pending submission into in, to be filed on its confirmation. */
static gboolean
load_pending (Intake *in, gint64 submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "SELECT raw, reference FROM submissions WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      g_set_error (error, DB_ERROR, DB_ERROR_FAILED,
                   "submission %" G_GINT64_FORMAT " is not stored", submission_id);
      return FALSE;
    }
  g_autoptr (GBytes) raw = g_bytes_new (sqlite3_column_blob (st, 0), sqlite3_column_bytes (st, 0));
  const Config *config = in->ctx.config;
  in->msg = mail_message_parse (raw, config->address, &config->limits, error);
  in->reference = db_column_dup (st, 1);
  in->id = submission_id;
  return in->msg != NULL;
}

/* Staff approved the message: unless a signature or the trusted server
 * had authenticated its sender, staff's command did (ctcgw(8),
 * AUTHENTICATION). */
static gboolean
approved_by_staff (sqlite3 *db, gint64 submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE submissions SET authentication = 'staff-cli'"
      " WHERE id = ?1 AND authentication = 'none'", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, submission_id);
  return db_step_done (db, st, "recording staff's approval", error);
}

static gboolean
decide_quarantine (sqlite3 *db, gint64 submission_id, const char *state,
                   const char *reason, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "UPDATE quarantine SET state = ?1, decided = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
      " decided_reason = ?2 WHERE submission_id = ?3 AND state = 'waiting'", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 3, submission_id);
  if (!db_step_done (db, st, "deciding on a quarantined submission", error))
    return FALSE;
  if (sqlite3_changes (db) == 1)
    return TRUE;
  g_set_error (error, DB_ERROR, DB_ERROR_FAILED, "submission %" G_GINT64_FORMAT
               " is not waiting in quarantine", submission_id);
  return FALSE;
}

/* Before staff's approval is filed: the records approving files are
 * those the review kept (gateway/flows/review.h). */
static gboolean
prepare_approval (Intake *in, GError **error)
{
  if (in->msg->klass != MAIL_SUBMISSION)
    return TRUE;
  in->parse = read_records (in->ctx.db, in->msg, &in->ctx.config->limits);
  tpl_set_bool (in->answer, "reviewed", TRUE);
  return review_restrict (in->ctx.db, in->id, in->parse, error);
}

/* The final answer of a decision, once queued, replaces the quarantine
 * notice that has not gone out yet (docs/submissions.md section 6); when
 * none was queued (an automatic message, the rate limit) the notice stays. */
static gboolean
replace_notice (Intake *in, GError **error)
{
  return in->answer_id == 0 || answer_withdraw_unsent (&in->ctx, in->id, "quarantine", error);
}

gboolean
intake_approve (const Context *ctx, gint64 submission_id, IntakeResult *result,
                GError **error)
{
  sqlite3 *db = ctx->db;
  Intake in = { .ctx = *ctx, .answer = tpl_data_new (), .approved = TRUE };
  gboolean ok = db_begin (db, error);
  if (ok)
    {
      ok = load_quarantined (&in, submission_id, error)
           && prepare_approval (&in, error)
           && process_approved (&in, error)
           && replace_notice (&in, error)
           && decide_quarantine (db, submission_id, "approved", NULL, error)
           && approved_by_staff (db, submission_id, error)
           && db_commit (db, error);
      if (!ok)
        db_rollback (db);
    }
  if (ok)
    take_result (&in, result);
  intake_clear (&in);
  return ok;
}

/* The final answer to a submission staff rejected, with their reason when
 * they gave one.  A calendar reply is never answered. */
static gboolean
answer_rejected (Intake *in, const char *reason, GError **error)
{
  if (in->msg->klass != MAIL_SUBMISSION)
    return TRUE;
  in->outcome = INTAKE_QUARANTINED;
  in->parse = read_forms (in->msg, &in->ctx.config->limits);
  if (reason != NULL && *reason != '\0')
    tpl_set (in->answer, "reason", reason);
  gint64 answer = send_answer (in, "reject", error);
  return answer >= 0 && set_outcome (in, answer, error) && replace_notice (in, error);
}

gboolean
intake_reject (const Context *ctx, gint64 submission_id, const char *reason,
               IntakeResult *result, GError **error)
{
  sqlite3 *db = ctx->db;
  Intake in = { .ctx = *ctx, .answer = tpl_data_new () };
  gboolean ok = db_begin (db, error);
  if (ok)
    {
      ok = load_quarantined (&in, submission_id, error)
           && decide_quarantine (db, submission_id, "rejected", reason, error)
           && answer_rejected (&in, reason, error)
           && db_commit (db, error);
      if (!ok)
        db_rollback (db);
    }
  if (ok)
    take_result (&in, result);
  intake_clear (&in);
  return ok;
}

/* The kind a staff import into register files, from the register's name. */
static const struct form_kind *
kind_of_register (const char *register_name)
{
  for (guint i = 0; form_kinds[i] != NULL; i++)
    if (g_strcmp0 (form_kinds[i]->register_name, register_name) == 0)
      return form_kinds[i];
  return NULL;
}

/* The import's own submission row: staff's file, no answer. */
static gboolean
store_import (Intake *in, const ImportFile *file, GError **error)
{
  const char *data = file->data;
  gsize len = file->len;
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  g_autofree char *sha = sha256_hex (bytes);
  g_autofree char *base = g_path_get_basename (file->path);
  g_autofree char *mailbox = g_strdup_printf ("import:%s", base);
  in->reference = db_next_reference (in->ctx.db, in->ctx.config->reference_prefix, "SUB",
                                     current_year (), error);
  if (in->reference == NULL)
    return FALSE;
  g_autoptr (sqlite3_stmt) st = db_prepare (in->ctx.db,
      "INSERT INTO submissions (reference, sha256, mailbox, received, subject, class,"
      " outcome, raw, size, authentication) VALUES (?1, ?2, ?3,"
      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4, 'import', 'received', ?5, ?6,"
      " 'staff-cli')", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, in->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, mailbox, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, base, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (st, 5, data, len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 6, (sqlite3_int64) len);
  if (!db_step_done (in->ctx.db, st, "storing an import", error))
    return FALSE;
  in->id = sqlite3_last_insert_rowid (in->ctx.db);
  return TRUE;
}

/* Records of a CSV import: a file named after the register ("contacts.csv")
 * reads as the register's form; the problems keep the real file name. */
static FormParse *
read_import (sqlite3 *db, const struct form_kind *kind, const ImportFile *file,
             const CtcLimits *limits)
{
  g_autofree char *base = g_path_get_basename (file->path);
  g_autofree char *as_kind = g_strdup_printf ("%s.csv", kind->name);
  FormParse *parse = form_parse_new ();
  form_parse_csv (parse, file->data, file->len, as_kind, limits);
  FormLookup lookup = registers_lookup (db);
  form_check (parse, &lookup, limits);
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = g_ptr_array_index (parse->records, i);
      g_free (rec->source);
      rec->source = g_strdup (base);
      for (guint j = 0; j < rec->problems->len; j++)
        {
          FormProblem *p = g_ptr_array_index (rec->problems, j);
          g_free (p->source);
          p->source = g_strdup (base);
        }
      if (rec->kind != NULL && rec->kind != kind)
        {
          g_autofree char *what = g_strdup_printf ("field \"Form\": %s records cannot be"
                                                   " imported into %s", rec->kind->name,
                                                   kind->register_name);
          form_record_problem (rec, rec->line, "Form", PROBLEM_OTHER, what, NULL);
        }
    }
  return parse;
}

gboolean
intake_import (const Context *ctx, const ImportFile *file, GPtrArray *problems,
               ImportCount *count, GError **error)
{
  sqlite3 *db = ctx->db;
  const struct form_kind *kind = kind_of_register (file->register_name);
  if (kind == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s takes no import: no form files into it",
                                                  file->register_name));
      return TRUE;
    }
  Intake in = { .ctx = *ctx, .answer = tpl_data_new (), .approved = TRUE, .import = TRUE,
                .errors = problems };
  g_autoptr (FormParse) parse = read_import (db, kind, file, &ctx->config->limits);
  gboolean ok = db_begin (db, error);
  if (ok)
    {
      ok = store_import (&in, file, error)
           && file_records (&in, parse, error)
           && set_outcome (&in, 0, error)
           && db_commit (db, error);
      if (!ok)
        db_rollback (db);
    }
  if (ok)
    *count = (ImportCount) { parse->records->len, in.filed };
  intake_clear (&in);
  return ok;
}
