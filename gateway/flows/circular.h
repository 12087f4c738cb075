/* Circulars (ctcgw(8), circular): a template, or staff's own texts, plus
 * an audience, sent as one message per recipient, rendered in the
 * recipient's language where templates/NAME.LANG.txt exists (English
 * otherwise) or where a text was given in it (else the configured
 * language's, else English's, else the first given), with the reference
 * [PREFIX-CIR-YEAR-SEQ] appended to the subject, List-Id
 * <circulars.DOMAIN> (DOMAIN: the gateway address's) and Auto-Submitted:
 * auto-generated, Precedence: bulk and X-Auto-Response-Suppress: OOF,
 * AutoReply.  Official circulars carry no List-Unsubscribe.
 *
 * Template data, per recipient: reference (the circular's), name, entity,
 * entity_name, email, contact_reference, year and date (today in the
 * configured time zone), address (the gateway's), prefix (of references),
 * silent_months (with a silent:sources:MONTHS audience).
 *
 * Audiences are those of audience.h, plus silent:sources:MONTHS: the
 * contact points of entities that have sent nothing to the Directory of
 * Counter-Terrorism Information and Sources of Assistance (no
 * information-source record created or updated) in the last MONTHS months
 * (F 7 b). */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

typedef enum {
  CIRCULAR_ERROR_INVALID,    /* template, audience or subject refused: the message says why */
  CIRCULAR_ERROR_NOT_FOUND,  /* no circular has that reference */
  CIRCULAR_ERROR_SENT,       /* sent already; `again` sends it once more */
  CIRCULAR_ERROR_EMPTY,      /* the audience has no recipient now */
} CircularError;
#define CIRCULAR_ERROR circular_error_quark ()
GQuark circular_error_quark (void);

/* The longest subject given with --subject, in characters. */
#define CIRCULAR_SUBJECT_MAX 200
/* The longest time a silent: audience looks back, in months. */
#define CIRCULAR_SILENT_MONTHS_MAX 120
/* The longest text of staff's own, in bytes. */
#define CIRCULAR_TEXT_MAX (64 * 1024)

/* One of staff's own texts (circular create --text-file): its language
 * (one of the six official ones), the name of its file (for errors) and
 * its content, UTF-8: a first line "Subject: ..." or none, then the body;
 * both may hold the placeholders of the templates ({{name}}, {{entity}},
 * ...: the template data above) and their sections. */
typedef struct {
  const char *language;
  const char *file;
  const char *content;
} CircularText;

/* What a new circular is made of: the template's name or n_texts texts
 * (one language each), the audience and the subject (NULL: the
 * template's, or each text's own).  Borrowed by the calls below. */
typedef struct {
  const char *template;
  const char *audience;
  const char *subject;
  const CircularText *texts;
  guint n_texts;
} CircularNew;

/* The recipients of audience at now (a new array of Recipient*, see
 * audience.h; language for those who name none), or NULL with error
 * (AUDIENCE_ERROR). */
GPtrArray *circular_recipients (sqlite3 *db, const char *audience, const char *language,
                                GDateTime *now, GError **error);

/* Creates the circular n after checking that the template exists (in
 * English at least) and renders, or that each text is UTF-8 of at most
 * CIRCULAR_TEXT_MAX bytes, with a subject, only known placeholders and
 * balanced sections (the error names its file and line), that the audience
 * resolves and that the subject (may be NULL: the template's) is one line
 * of at most CIRCULAR_SUBJECT_MAX characters.  The texts are stored with
 * the circular, for every later sending.  Returns its new reference
 * (PREFIX-CIR-YEAR-SEQ), owned by the caller, or NULL with error
 * (CIRCULAR_ERROR_INVALID, DB_ERROR).  Runs its own transaction. */
char *circular_create (const Context *ctx, const CircularNew *n, GDateTime *now,
                       GError **error);

/* The message circular n would send to the recipient whose address is to
 * (NULL: the first of the audience), checked as circular_create() checks,
 * with the reference it would get now; nothing is stored or queued.  NULL
 * with error: those of circular_create(), CIRCULAR_ERROR_EMPTY when the
 * audience has no recipient, CIRCULAR_ERROR_NOT_FOUND when to is none of
 * them. */
GMimeMessage *circular_preview (const Context *ctx, const CircularNew *n, const char *to,
                                GDateTime *now, GError **error);

/* Queues the circular reference (any case) for every recipient of its
 * audience, in one transaction; *queued counts the rows.  Refused with
 * CIRCULAR_ERROR_SENT when it was sent before, unless again; with
 * CIRCULAR_ERROR_EMPTY (nothing queued, not marked sent) when the audience
 * has no recipient.  A recipient whose address the outbox refuses is
 * skipped and logged. */
gboolean circular_send (const Context *ctx, const char *reference, gboolean again,
                        GDateTime *now, guint *queued, GError **error);

/* The same for the circular with row id, inside the caller's transaction. */
gboolean circular_send_id (const Context *ctx, gint64 id, gboolean again, GDateTime *now,
                           guint *queued, GError **error);

/* Inside the caller's transaction: creates the circular n and sends it.  When the audience has no recipient
 * nothing is created: TRUE with *reference NULL and *queued 0.  Otherwise
 * *reference is the new reference (owned by the caller). */
gboolean circular_create_and_send (const Context *ctx, const CircularNew *n, GDateTime *now,
                                   char **reference, guint *queued, GError **error);

/* The first well-formed circular reference "[PREFIX-CIR-YYYY-N...]" (any
 * case) in subject, upper-cased without its brackets, or NULL. */
char *circular_reference_in_subject (const char *prefix, const char *subject);

/* Links submission_id to the circular whose reference its subject carries,
 * when there is one (submissions.circular_id); inside the caller's
 * transaction.  FALSE only for a database failure. */
gboolean circular_link_reply (const Context *ctx, gint64 submission_id, const char *subject,
                              GError **error);
