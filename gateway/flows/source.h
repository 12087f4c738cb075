/* Intake sources in the daemon: each configured mailbox, IMAP or Maildir,
 * read batch by batch with group commit, and watched with IMAP IDLE or a
 * poll timer on the one main loop. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/mail/imap.h"

/* Messages fetched, filed and made durable together. */
#define SOURCE_BATCH 100
/* Bytes fetched in one UID FETCH, at most. */
#define SOURCE_BATCH_BYTES (32u * 1024u * 1024u)
/* Searches in a row that may find nothing while the server announces new
 * messages, before a pass gives up and waits. */
#define SOURCE_EMPTY_SEARCHES 3
/* How long a mailbox whose server refused a second connection is read over
 * one before the second is asked for again. */
#define SOURCE_SECOND_RETRY G_TIME_SPAN_HOUR

/* Set from a signal handler: finish the message in hand, then stop. */
extern volatile int source_stop_requested;

/* One pass over an IMAP mailbox: new UIDs fetched in batches, each message
 * filed as `deliver` files it, the batch made durable, then moved to the
 * processed or rejected folder, and the highest UID done recorded.
 * *count is the number of messages taken in. */
gboolean source_imap_pass (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                           ImapSource *src, guint *count, GError **error);

/* One pass over every configured mailbox (connecting IMAP ones as needed;
 * sources holds an ImapSource* per mailbox name). */
gboolean source_pass_all (sqlite3 *db, const Config *config, GHashTable *sources,
                          GError **error);

/* A table of ImapSource* by mailbox name, for source_pass_all. */
GHashTable *source_table_new (void);

/* The ImapSource of mbox in sources, made on first use; NULL for Maildir. */
ImapSource *source_imap (GHashTable *sources, const MailboxConfig *mbox);
