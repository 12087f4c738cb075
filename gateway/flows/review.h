/* A quarantined submission as staff review it (ctcgw(8), quarantine show;
 * schema/017-quarantine-records.sql): each record, what approving would do
 * with it and every problem found, kept when the submission is
 * quarantined, so that approving files those records and no other. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "parsers/form.h"

/* Keeps, in the caller's transaction, what approving the quarantine row
 * quarantine_id of submission submission_id would do with each record of
 * parse: the records are filed on trial (references of prefix) and the
 * trial is undone.  refused holds the problem of each record whose sender
 * may not file it, by index (authorize_records).  What the registers
 * refuse on trial is added to the problems of the records of parse, for
 * the answer.  FALSE on a database failure. */
gboolean review_keep (sqlite3 *db, const char *prefix, gint64 quarantine_id,
                      gint64 submission_id, FormParse *parse, GPtrArray *refused,
                      GError **error);

/* Before the submission submission_id is approved: each record of parse
 * that its review did not keep as one to file, and that has no problem of
 * its own, gets the problem PROBLEM_NOT_REVIEWED, so that filing refuses
 * it.  Nothing changes for a submission quarantined before reviews were
 * kept.  FALSE on a database failure. */
gboolean review_restrict (sqlite3 *db, gint64 submission_id, FormParse *parse,
                          GError **error);
