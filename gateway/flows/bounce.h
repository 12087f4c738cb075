/* Delivery reports for mail the gateway sent: matched to their outbox row,
 * recorded in the bounces table, counted against the contact point
 * (ctcgw.conf(5), [smtp]: bounce_address, hard_bounces). */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "parsers/message.h"

/* Records the delivery report msg (stored as submission submission_id), in
 * the caller's transaction.  Each failed or delayed recipient becomes a
 * bounces row, matched to its outbox row by the VERP address the report was
 * sent to ([smtp] bounce_address, else the gateway's address), else by the
 * returned message's Message-ID and the recipient; unmatched ones have no
 * outbox row.  A matched hard bounce fails its row (if sent) and, once a
 * row, adds one to contacts.bounces of the row's recipient; at [smtp]
 * hard_bounces the active contact point becomes 'bouncing'.  FALSE only
 * when the database fails. */
gboolean bounce_process (sqlite3 *db, const Config *config, const MailMessage *msg,
                         gint64 submission_id, GError **error);
