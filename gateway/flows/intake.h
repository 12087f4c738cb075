/* The message lifecycle: parse, classify, authorize, file, answer, all in
 * one transaction. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"
#include "gateway/store/directory.h"

typedef enum {
  INTAKE_FILED,        /* records filed (some may have been refused) */
  INTAKE_REJECTED,     /* nothing filed: only errors, answered */
  INTAKE_QUARANTINED,  /* sender not authorized: kept for staff */
  INTAKE_NO_RECORDS,   /* no Form: at all: answered with help */
  INTAKE_AUTOMATIC,    /* auto-reply, delivery report, calendar reply, other: kept */
  INTAKE_DUPLICATE,    /* seen before: nothing done */
  INTAKE_PENDING,      /* held until its sender confirms it by reply (ctcgw(8), AUTHENTICATION) */
  INTAKE_CONFIRMATION, /* a reply to a confirmation request: it files the pending one */
} IntakeOutcome;

typedef struct {
  IntakeOutcome outcome;
  IntakeOutcome recorded; /* what the registers hold for it: outcome, or for a
                             duplicate the outcome recorded when it was first
                             taken in (where a mailbox moves it) */
  gint64 submission_id;   /* 0 for duplicates */
  char *reference;        /* the submission's reference, or NULL */
} IntakeResult;

void intake_result_clear (IntakeResult *r);
const char *intake_outcome_name (IntakeOutcome outcome);

/* Processes one raw message from mailbox (a name, "stdin" for deliver).
 * FALSE (nothing stored, the caller must keep the message and retry later)
 * only for a temporary failure: database busy or failing, disk full. */
gboolean intake_process (const Context *ctx, GBytes *raw, const char *mailbox,
                         IntakeResult *result, GError **error);

/* The same for a message of size bytes of which raw holds only the first
 * part (its header, when it is over the size limit). */
gboolean intake_process_sized (const Context *ctx, GBytes *raw, gsize size, const char *mailbox,
                               IntakeResult *result, GError **error);

/* A message read before its transaction (parsed, its records read but
 * not yet checked against the registers): intake_parse touches no
 * database, so it may run in another thread than intake_file.
 * intake_file takes p over and frees it; FALSE as intake_process.  Called
 * while the caller holds a transaction (db_begin: one for a batch of
 * messages), it files in a savepoint of that transaction, FALSE having
 * undone this message's work alone; the caller commits. */
typedef struct _IntakeParsed IntakeParsed;

IntakeParsed *intake_parse (const Config *config, GBytes *raw, gsize size);
void intake_parsed_free (IntakeParsed *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IntakeParsed, intake_parsed_free)
gboolean intake_file (const Context *ctx, IntakeParsed *p, const char *mailbox,
                      IntakeResult *result, GError **error);

/* Files a quarantined submission as if its sender were authorized (staff
 * approved it): the records its review kept as ones to file and no other
 * (gateway/flows/review.h).  Its sender gets one final answer, which
 * replaces the quarantine notice when that has not gone out yet; the
 * quarantine row becomes 'approved'. */
gboolean intake_approve (const Context *ctx, gint64 submission_id, IntakeResult *result,
                         GError **error);

/* Marks a quarantined submission 'rejected' with reason (may be NULL);
 * nothing is filed.  Its sender gets one final answer, in its language,
 * that quotes reason; it replaces the quarantine notice when that has not
 * gone out yet.  result says the submission's outcome. */
gboolean intake_reject (const Context *ctx, gint64 submission_id, const char *reason,
                        IntakeResult *result, GError **error);

/* Files the records of the staff CSV import file into its register as one
 * submission from staff, by the rules of registers_import (a file
 * imported again files nothing twice); each row is filed or refused by
 * itself.  problems gets the problems of the refused rows (formatted
 * lines), count how many rows were read and filed.  FALSE for a database
 * failure. */
gboolean intake_import (const Context *ctx, const ImportFile *file, GPtrArray *problems,
                        ImportCount *count, GError **error);
