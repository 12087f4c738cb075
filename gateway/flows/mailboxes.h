/* Intake from the configured mailboxes, IMAP or Maildir alike (the Source
 * interface, gateway/mail/source.h): each read batch by batch with group
 * commit.  The daemon watches them with IMAP IDLE or a poll timer. */
#pragma once

#include <glib.h>
#include "gateway/base/context.h"
#include "gateway/mail/imap.h"
#include "gateway/mail/source.h"

/* Bytes fetched in one batch, at most. */
#define MAILBOXES_BATCH_BYTES (32u * 1024u * 1024u)
/* Listings in a row that may find nothing while the server announces new
 * messages, before a pass gives up and waits. */
#define MAILBOXES_EMPTY_SEARCHES 3
/* How long a mailbox whose server refused a second connection is read over
 * one before the second is asked for again. */
#define MAILBOXES_SECOND_RETRY G_TIME_SPAN_HOUR

/* One pass over one mailbox: what is new listed and fetched in batches
 * (the source's batch size), each message filed as `deliver` files it,
 * the batch made durable, then moved to the processed or rejected folder
 * and, for IMAP, the highest UID done recorded.  An IMAP list longer than a
 * batch is fetched ahead over a second connection (fetcher.h).  Stops
 * after the message in hand once ctx->cancel is cancelled.  *count is the
 * number of messages taken in. */
gboolean mailbox_pass (const Context *ctx, const MailboxConfig *mbox, Source *src,
                       guint *count, GError **error);

/* One pass over every configured mailbox (sources holds a Source* per
 * mailbox name, made on first use); one failing does not keep the others
 * from being read: the first error is reported.  *taken: the messages
 * taken in. */
gboolean mailboxes_pass (const Context *ctx, GHashTable *sources, guint *taken, GError **error);

/* The source that reads mbox: Maildir for a maildir: URL, else IMAP.
 * Owned by the caller (source_free). */
Source *mailbox_source_new (const MailboxConfig *mbox);

/* A table of Source* by mailbox name, for mailboxes_pass. */
GHashTable *mailboxes_table_new (void);

/* The Source of mbox in sources, made on first use. */
Source *mailboxes_source (GHashTable *sources, const MailboxConfig *mbox);

/* The same as an ImapSource, for IDLE; NULL for a Maildir. */
ImapSource *mailboxes_imap (GHashTable *sources, const MailboxConfig *mbox);
