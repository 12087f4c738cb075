/* A second connection to an IMAP mailbox, in a thread of its own, so that
 * the server's work overlaps the filing: it fetches the next batches while
 * the caller files one, and moves each batch out of the inbox once the
 * caller has made it durable.  The caller keeps the database; this thread
 * never touches it.
 *
 * Ownership: fetcher_start() returns a Fetcher that fetcher_finish() ends
 * and frees; fetcher_next() returns a FetchedBatch owned by the caller. */
#pragma once

#include <glib.h>
#include "gateway/base/config.h"
#include "gateway/mail/imap.h"

/* Batches fetched ahead of the one being filed, at most. */
#define FETCHER_AHEAD 2

typedef struct _Fetcher Fetcher;

typedef struct {
  GPtrArray *msgs;      /* SourceMessage*, in UID order; NULL with error */
  GPtrArray *prepared;  /* what prepare made of each of msgs, in the same order */
  guint done;           /* UIDs of the list this batch deals with (fetched, or gone) */
  GError *error;        /* connecting or fetching failed */
  gboolean unconnected; /* the second connection could not be made */
} FetchedBatch;

/* Work on a fetched message that can be done in the fetching thread
 * (parsing, say); its result is freed with the GDestroyNotify given. */
typedef gpointer (*FetcherPrepareFunc) (const SourceMessage *m, gpointer data);
/* Makes what was filed durable, in the fetching thread, before a batch is
 * moved; FALSE with error set keeps the batch (and those after) in the
 * inbox. */
typedef gboolean (*FetcherDurableFunc) (gpointer data, GError **error);

void fetched_batch_free (FetchedBatch *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchedBatch, fetched_batch_free)

/* What to fetch: uids[0..n) (ascending, copied) in batches of at most
 * batch messages and batch_bytes bytes, each message at most max_message
 * bytes (as imap_source_fetch), each passed to prepare (with prepare_data); and
 * durable (with durable_data) before each move.  The data must stay valid
 * until fetcher_finish. */
typedef struct {
  const guint32 *uids;
  guint n;
  guint batch;
  gsize batch_bytes;
  gsize max_message;
  FetcherPrepareFunc prepare;
  gpointer prepare_data;
  GDestroyNotify prepared_free;
  FetcherDurableFunc durable;
  gpointer durable_data;
} FetcherPlan;

/* Connects a second time to mbox, in a thread of its own, and fetches as
 * plan says.  uidvalidity is the caller's: a different one on the second
 * connection fails the first batch.  NULL with error set when no thread
 * can be made. */
Fetcher *fetcher_start (const MailboxConfig *mbox, guint32 uidvalidity,
                        const FetcherPlan *plan, GError **error);

/* The next batch, waiting for it; one with done == 0 and no message when
 * the list is exhausted.  After a failure every later batch reports it. */
FetchedBatch *fetcher_next (Fetcher *f);

/* Makes the batch durable (the plan's durable) and moves processed and
 * rejected (UIDs, taken over) to their folders, after the moves asked
 * before; last_done is reported back once they are moved.  Everything of
 * the batch must be committed before this call. */
void fetcher_move (Fetcher *f, GArray *processed, GArray *rejected, guint32 last_done);

/* The last_done of the latest move finished since the last call (*moved
 * FALSE when none), without waiting; moved and last_done may be NULL.
 * FALSE with error set when a move failed: the moves after it are not
 * made. */
gboolean fetcher_moved (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error);

/* Fetches nothing more, waits for the moves asked, closes the second
 * connection and frees f; reports like fetcher_moved. */
gboolean fetcher_finish (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error);
