/* The daily digest to staff (ctcgw(8), digest): what the gateway did
 * on one day and what waits for staff, as text and as an HTML page, from
 * the templates digest.en.txt and digest.en.html.
 *
 * A day is a date in the configured time zone.  Sections about the day
 * (what arrived, was filed, answered with errors; meeting answers; new
 * candidate offers and overlaps) read the rows of that day; sections about
 * what waits (quarantine, failed sends, bouncing contact points, who has
 * not answered, the next 30 days, overdue visit information, stale
 * requests, silent entities) read the state at the end of the day.  Each
 * section shows at most [digest] items items and then the command that
 * lists them all. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

/* The text part's width, in columns. */
#define DIGEST_COLUMNS 78

typedef struct {
  char *day;        /* "YYYY-MM-DD" */
  char *subject;
  char *text;       /* within DIGEST_COLUMNS columns */
  char *html;       /* a whole page with no external resources */
  gboolean empty;   /* nothing happened and nothing waits */
} Digest;

void digest_free (Digest *digest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Digest, digest_free)

/* The day a digest made at now reports on: the day before now's date in
 * the configured time zone.  Owned by the caller. */
char *digest_default_day (const Config *config, GDateTime *now);

/* TRUE when day is a valid "YYYY-MM-DD" date. */
gboolean digest_day_valid (const char *day);

/* The digest of day; NULL with error when the database or a template
 * fails. */
Digest *digest_make (const Context *ctx, const char *day, GError **error);

/* Queues digest to each [digest] to address as multipart/alternative
 * (text and HTML) inside the caller's transaction, so that what records
 * the sending (a schedule's run) commits with it; *queued gets the number
 * of messages. */
gboolean digest_queue (const Context *ctx, const Digest *digest, guint *queued, GError **error);

/* Makes the digest of day and queues it to each [digest] to address as
 * multipart/alternative (text and HTML), in one transaction; *queued gets
 * the number of messages.  No addresses: nothing is queued. */
gboolean digest_send (const Context *ctx, const char *day, guint *queued, GError **error);

/* Wraps text at width display columns (lines too long are broken at
 * spaces, their continuation indented four columns more; a word is never
 * broken).  Owned by the caller. */
char *digest_wrap (const char *text, guint width);
