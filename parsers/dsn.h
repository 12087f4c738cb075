/* Delivery reports: RFC 3464 multipart/report and the common non-standard
 * bounces.  Pure code.  Returned objects are owned by the caller. */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

typedef struct {
  char *recipient;    /* final (or original) recipient, lower case */
  char *action;       /* failed, delayed, delivered, relayed, expanded */
  char *status;       /* "5.1.1", or NULL */
  char *diagnostic;   /* diagnostic text, or NULL */
  gboolean hard;      /* a permanent failure */
} DsnRecipient;

typedef struct {
  char *reporting_mta;
  char *envelope_id;        /* Original-Envelope-Id, or NULL */
  char *original_message_id;/* Message-ID of the returned message, without <>, or NULL */
  char *original_to;        /* To of the returned message (first addr), or NULL */
  GPtrArray *recipients;    /* DsnRecipient* */
} DsnReport;

void dsn_report_free (DsnReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsnReport, dsn_report_free)

/* TRUE when msg looks like a delivery report (standard or not). */
gboolean dsn_is_report (GMimeMessage *msg);

/* Why msg is a delivery report ("multipart/report; report-type=delivery-status",
 * "From: MAILER-DAEMON", ...), or NULL when it is none.  Static string. */
const char *dsn_report_sign (GMimeMessage *msg);

/* TRUE for the addresses of mail systems: MAILER-DAEMON@..., postmaster@...
 * (case, '-', '_' and '.' ignored in the local part). */
gboolean dsn_is_system_address (const char *addr);

/* The report's contents, or NULL when msg is no delivery report. */
DsnReport *dsn_parse (GMimeMessage *msg);
