/* `ctcgw quarantine`: staff review of the submissions held because their
 * sender was not authorized (docs/submissions.md section 6). */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/cli/message-view.h"
#include "gateway/store/db.h"
#include "gateway/flows/intake.h"

/* One quarantine row, found by its id or its submission's reference. */
typedef struct {
  gint64 id;              /* 0: no such row */
  gint64 submission_id;
  char *reference;
  char *state;
  char *decided;
  char *decided_reason;
} Held;

/* Frees the strings of held (for g_auto). */
static void
held_clear (Held *held)
{
  g_free (held->reference);
  g_free (held->state);
  g_free (held->decided);
  g_free (held->decided_reason);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Held, held_clear)

#define HELD_SQL \
  "SELECT q.id, q.submission_id, s.reference, q.state, q.decided, q.decided_reason" \
  " FROM quarantine q LEFT JOIN submissions s ON s.id = q.submission_id" \
  " WHERE q.id = ?1 OR s.reference = ?2 ORDER BY q.id DESC LIMIT 1"

/* Finds the quarantine row that text names: its number in `quarantine
 * list`, or the submission's reference.  held->id stays 0 when none. */
static gboolean
held_find (sqlite3 *db, const char *text, Held *held, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, HELD_SQL, error);
  g_autofree char *reference = g_ascii_strup (text, -1);
  guint64 number = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &number, NULL))
    sqlite3_bind_int64 (stmt, 1, (gint64) number);
  sqlite3_bind_text (stmt, 2, reference, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      held->id = sqlite3_column_int64 (stmt, 0);
      held->submission_id = sqlite3_column_int64 (stmt, 1);
      held->reference = db_column_dup (stmt, 2);
      held->state = db_column_dup (stmt, 3);
      held->decided = db_column_dup (stmt, 4);
      held->decided_reason = db_column_dup (stmt, 5);
    }
  else if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading the quarantine");
      return FALSE;
    }
  return TRUE;
}

/* Prints a failure of the database and gives its status. */
static int
failed (const GError *error)
{
  g_printerr ("ctcgw quarantine: %s\n", error->message);
  return command_error_status (error);
}

/* The row that text names, or an error (status in *status) when none. */
static gboolean
held_get (sqlite3 *db, const char *text, Held *held, int *status)
{
  g_autoptr (GError) error = NULL;

  if (!held_find (db, text, held, &error))
    {
      *status = failed (error);
      return FALSE;
    }
  if (held->id == 0)
    {
      g_autofree char *shown = command_printable (text, FALSE);
      g_printerr ("ctcgw quarantine: nothing is held as %s "
                  "(`ctcgw quarantine list` shows what is)\n", shown);
      *status = EX_DATAERR;
      return FALSE;
    }
  return TRUE;
}

/* Refuses to decide again on a row that was already decided. */
static gboolean
held_waiting (const Held *held)
{
  if (g_strcmp0 (held->state, "waiting") == 0)
    return TRUE;
  g_autofree char *reason = command_printable (held->decided_reason, FALSE);
  g_printerr ("ctcgw quarantine: %" G_GINT64_FORMAT " (%s) was already %s on %s%s%s\n",
              held->id, held->reference ? held->reference : "", held->state,
              held->decided ? held->decided : "an unknown date",
              *reason ? ": " : "", reason);
  return FALSE;
}

#define NOW "strftime ('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* After the list, one line for the submissions that wait for their
 * sender's confirmation, not for staff (ctcgw(8), AUTHENTICATION), and the
 * command that shows the first: none when nothing waits (expired ones do
 * not wait: the digest lists them). */
static gboolean
print_pending (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT count(*), (SELECT s.reference FROM confirmations k JOIN submissions s"
    " ON s.id = k.submission_id WHERE k.state = 'pending' AND k.expires > " NOW " ORDER BY k.id LIMIT 1)"
    " FROM confirmations WHERE state = 'pending' AND expires > " NOW, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading the confirmations");
      return FALSE;
    }
  gint64 n = sqlite3_column_int64 (stmt, 0);
  if (n > 0)
    printf ("%" G_GINT64_FORMAT " submission%s wait%s for %s sender's confirmation:"
            " ctcgw show %s\n", n, n == 1 ? "" : "s", n == 1 ? "s" : "",
            n == 1 ? "its" : "their", (const char *) sqlite3_column_text (stmt, 1));
  return TRUE;
}

/* `quarantine list`: what waits for a decision. */
static int
quarantine_list (sqlite3 *db, const Config *config, const char *id, gconstpointer options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT q.id, s.reference AS submission,"
    " replace(substr(s.received, 1, 16), 'T', ' ') AS received, s.from_addr AS \"from\","
    " s.subject, q.reason FROM quarantine q LEFT JOIN submissions s"
    " ON s.id = q.submission_id WHERE q.state = 'waiting' ORDER BY q.id", &error);

  if (stmt == NULL || !command_print_table (db, stmt, &error)
      || !print_pending (db, &error))
    return failed (error);
  return EX_OK;
}

/* Prints the metadata of the held submission and the decision so far. */
static gboolean
show_metadata (sqlite3 *db, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db,
    "SELECT q.id, s.reference AS submission, s.received, s.mailbox, s.from_addr AS \"from\","
    " s.sender_addr AS sender, s.authentication, s.subject, s.size, q.reason, q.state,"
    " q.decided,"
    " q.decided_reason FROM quarantine q JOIN submissions s ON s.id = q.submission_id"
    " WHERE q.id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading the quarantine");
      return FALSE;
    }
  command_print_row (stmt);
  return TRUE;
}

/* `quarantine show ID`: everything a reviewer needs to decide. */
static int
quarantine_show (sqlite3 *db, const Config *config, const char *id, gconstpointer options)
{
  g_auto (Held) held = { 0 };
  g_autoptr (GError) error = NULL;
  int status = EX_OK;

  if (!held_get (db, id, &held, &status))
    return status;
  if (!show_metadata (db, held.id, &error)
      || !message_view_print_stored (db, config, held.submission_id,
                                     MESSAGE_VIEW_WITH_ATTACHMENTS, &error))
    return failed (error);
  return EX_OK;
}

/* `quarantine approve ID`: files the submission as if its sender were
 * authorized, and answers it. */
static int
quarantine_approve (sqlite3 *db, const Config *config, const char *id, gconstpointer options)
{
  g_auto (Held) held = { 0 };
  g_autoptr (GError) error = NULL;
  IntakeResult result = { 0 };
  int status = EX_OK;

  if (!held_get (db, id, &held, &status))
    return status;
  if (!held_waiting (&held))
    return EX_DATAERR;
  Context ctx = { db, config, NULL };
  if (!intake_approve (&ctx, held.submission_id, &result, &error))
    return failed (error);
  printf ("approved %" G_GINT64_FORMAT " %s: %s\n", held.id,
          held.reference ? held.reference : "", intake_outcome_name (result.outcome));
  intake_result_clear (&result);
  return EX_OK;
}

/* `quarantine reject ID [--reason TEXT]`: nothing is filed. */
static int
quarantine_reject (sqlite3 *db, const Config *config, const char *id, gconstpointer options)
{
  const char *reason = *(char *const *) options;  /* --reason */
  g_auto (Held) held = { 0 };
  g_autoptr (GError) error = NULL;
  int status = EX_OK;

  if (!held_get (db, id, &held, &status))
    return status;
  if (!held_waiting (&held))
    return EX_DATAERR;
  if (!intake_reject (db, held.submission_id, reason, &error))
    return failed (error);
  printf ("rejected %" G_GINT64_FORMAT " %s\n", held.id, held.reference ? held.reference : "");
  return EX_OK;
}

/* The subcommands: the word, its operand, what runs it. */
static const Subcommand subcommands[] = {
  { "list", NULL, quarantine_list },
  { "show", "ID", quarantine_show },
  { "approve", "ID", quarantine_approve },
  { "reject", "ID", quarantine_reject },
};

/* Any usage error of --reason for the subcommand action, or NULL. */
static char *
options_problem (const Config *config, const char *action, gconstpointer options)
{
  const char *reason = *(char *const *) options;  /* --reason */

  if (reason != NULL && strcmp (action, "reject") != 0)
    return g_strdup ("--reason goes with reject");
  if (reason != NULL && (!g_utf8_validate (reason, -1, NULL)
                         || g_utf8_strlen (reason, -1) > config->limits.value_max))
    return g_strdup_printf ("the reason must be UTF-8 text of at most %u characters",
                            config->limits.value_max);
  return NULL;
}

/* The subcommands of `ctcgw quarantine` and its --help. */
static const SubcommandTable table = {
  .command = "quarantine",
  .synopsis = "list | show ID | approve ID | reject ID",
  .summary = "Review the submissions held because their sender is not "
             "authorized.\nID is the number that `list` shows, or the "
             "submission's reference.",
  .subcommands = subcommands,
  .n_subcommands = G_N_ELEMENTS (subcommands),
  .options_problem = options_problem,
};

/* `ctcgw quarantine list | show ID | approve ID | reject ID [--reason TEXT]` */
int
cmd_quarantine (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why it is rejected (kept with it)", "TEXT" },
    { NULL }
  };
  return command_dispatch (&table, config, entries, &reason, argc, argv);
}
