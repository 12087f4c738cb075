/* Intake sources: the order of steps that makes a crash harmless.  File a
 * batch (one transaction per message), make it durable once, then move it
 * out of the inbox; a message filed but not moved is seen again and
 * recognized as a duplicate. */
#include <string.h>

#include "gateway/store/db.h"
#include "gateway/mail/fetcher.h"
#include "gateway/flows/intake.h"
#include "gateway/base/log.h"
#include "gateway/mail/maildir.h"
#include "gateway/flows/source.h"

volatile int source_stop_requested = 0;

/* Where each message of a batch goes once the batch is durable. */
typedef struct {
  GArray *processed;   /* guint32 UIDs */
  GArray *rejected;
  guint32 last_done;   /* highest UID done with no failure before it */
} Batch;

static void
batch_clear (Batch *b)
{
  g_array_set_size (b->processed, 0);
  g_array_set_size (b->rejected, 0);
}

/* Makes the batch durable, moves it, and records how far the mailbox is done. */
static gboolean
finish_batch (sqlite3 *db, const MailboxConfig *mbox, ImapSource *src, Batch *b,
              GError **error)
{
  if (b->processed->len == 0 && b->rejected->len == 0)
    return TRUE;
  gboolean ok = db_sync (db, error)
      && (b->processed->len == 0
          || imap_source_move (src, (guint32 *) b->processed->data, b->processed->len,
                               mbox->processed_folder, error))
      && (b->rejected->len == 0
          || imap_source_move (src, (guint32 *) b->rejected->data, b->rejected->len,
                               mbox->rejected_folder, error))
      && db_mailbox_state_set (db, mbox->name, imap_source_uidvalidity (src), b->last_done,
                               error);
  batch_clear (b);
  return ok;
}

/* Files one message, read beforehand, and notes where it goes. */
static gboolean
take_message (sqlite3 *db, const Config *config, const MailboxConfig *mbox, guint32 uid,
              IntakeParsed *parsed, Batch *b, GError **error)
{
  IntakeResult result = { 0 };
  if (!intake_file (db, config, parsed, mbox->name, &result, error))
    return FALSE;
  GArray *to = result.outcome == INTAKE_REJECTED ? b->rejected : b->processed;
  g_array_append_val (to, uid);
  b->last_done = uid;
  intake_result_clear (&result);
  return TRUE;
}

/* Files the fetched messages (ImapMessage*) into b, each read by
 * intake_parse in this thread or, when prepared is not NULL, beforehand;
 * *count grows by those filed. */
static gboolean
file_fetched (sqlite3 *db, const Config *config, const MailboxConfig *mbox, GPtrArray *msgs,
              GPtrArray *prepared, Batch *b, guint *count, GError **error)
{
  for (guint i = 0; i < msgs->len && !source_stop_requested; i++)
    {
      const ImapMessage *m = g_ptr_array_index (msgs, i);
      IntakeParsed *parsed = prepared != NULL ? g_steal_pointer (&prepared->pdata[i])
                                              : intake_parse (config, m->raw, m->size);
      if (!take_message (db, config, mbox, m->uid, parsed, b, error))
        return FALSE;
      (*count)++;
    }
  return TRUE;
}

/* The first UID not yet done: after a changed UIDVALIDITY, the beginning. */
static gboolean
starting_uid (sqlite3 *db, const MailboxConfig *mbox, ImapSource *src, guint32 *last,
              GError **error)
{
  guint32 validity;
  if (!db_mailbox_state (db, mbox->name, &validity, last, error))
    return FALSE;
  if (validity != imap_source_uidvalidity (src))
    {
      if (validity != 0)
        log_warn ("imap", "mailbox=%s uidvalidity changed from %u to %u: scanning again",
                  mbox->name, validity, imap_source_uidvalidity (src));
      *last = 0;
    }
  return TRUE;
}

/* Files the messages of uids in batches on the one connection; *count
 * grows by those filed. */
static gboolean
take_uids (sqlite3 *db, const Config *config, const MailboxConfig *mbox, ImapSource *src,
           GArray *uids, Batch *b, guint *count, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < uids->len && !source_stop_requested;)
    {
      guint done;
      g_autoptr (GPtrArray) msgs = imap_source_fetch (src, &g_array_index (uids, guint32, i),
                                                      MIN (SOURCE_BATCH, uids->len - i),
                                                      SOURCE_BATCH_BYTES,
                                                      config->limits.message_max, &done, error);
      ok = msgs != NULL && file_fetched (db, config, mbox, msgs, NULL, b, count, error);
      i += done;
      /* What was filed before a failure still leaves the inbox. */
      ok = finish_batch (db, mbox, src, b, ok ? error : NULL) && ok;
    }
  return ok;
}

/* Gives the filed batch to the fetcher, to make durable and move. */
static void
hand_over (Fetcher *f, Batch *b)
{
  if (b->processed->len == 0 && b->rejected->len == 0)
    return;
  fetcher_move (f, b->processed, b->rejected, b->last_done);
  b->processed = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->rejected = g_array_new (FALSE, FALSE, sizeof (guint32));
}

/* The database's write-ahead log made durable, in the fetching thread
 * (FetcherDurableFunc). */
static gboolean
sync_wal (gpointer wal, GError **error)
{
  return db_sync_wal (wal, error);
}

/* Records how far the mailbox is done by the moves the fetcher has made
 * (all of them, ending it, when finish). */
static gboolean
settle_moves (sqlite3 *db, const MailboxConfig *mbox, ImapSource *src, Fetcher *f,
              gboolean finish, GError **error)
{
  gboolean moved;
  guint32 last_done = 0;
  GError *local = NULL;
  gboolean ok = finish ? fetcher_finish (f, &moved, &last_done, &local)
                       : fetcher_moved (f, &moved, &last_done, &local);
  gboolean kept = !moved || db_mailbox_state_set (db, mbox->name, imap_source_uidvalidity (src),
                                                  last_done, ok ? error : NULL);
  if (!ok)
    g_propagate_error (error, local);
  return ok && kept;
}

/* Reads a fetched message in the fetching thread (FetcherPrepareFunc). */
static gpointer
parse_fetched (const ImapMessage *m, gpointer config)
{
  return intake_parse (config, m->raw, m->size);
}

/* A server that refuses a second connection (a limit of connections per
 * user, say), or a system that refuses a thread: the mail is read on the
 * first connection alone. */
static gboolean
one_connection (sqlite3 *db, const Config *config, const MailboxConfig *mbox, ImapSource *src,
                const GError *why, GArray *uids, Batch *b, guint *count, GError **error)
{
  g_autofree char *reason = log_escape (why->message);
  log_warn ("imap", "mailbox=%s second connection failed, reading on one for an hour: %s",
            mbox->name, reason);
  imap_source_set_second_refused (src, g_get_monotonic_time ());
  return take_uids (db, config, mbox, src, uids, b, count, error);
}

/* Files the batches the fetcher brings, handing each over to be moved.
 * When the second connection could not be made, the first batch says so:
 * FALSE with *refused set (and nothing done). */
static gboolean
take_fetched (sqlite3 *db, const Config *config, const MailboxConfig *mbox, ImapSource *src,
              Fetcher *f, GArray *uids, Batch *b, guint *count, GError **refused,
              GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < uids->len && !source_stop_requested;)
    {
      g_autoptr (FetchedBatch) fetched = fetcher_next (f);
      if (fetched->unconnected)
        {
          g_propagate_error (refused, g_steal_pointer (&fetched->error));
          return FALSE;
        }
      if (fetched->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&fetched->error));
          ok = FALSE;
        }
      else
        ok = file_fetched (db, config, mbox, fetched->msgs, fetched->prepared, b, count, error);
      /* The fetcher goes through uids as this loop does: a batch that is
       * done with none of them cannot come before the end. */
      g_assert (!ok || fetched->done > 0);
      i += fetched->done;
      hand_over (f, b);
      ok = settle_moves (db, mbox, src, f, FALSE, ok ? error : NULL) && ok;
    }
  return ok;
}

/* The same for a list longer than a batch: a second connection fetches the
 * next batches, reads them and moves the durable ones while this thread
 * files. */
static gboolean
take_uids_ahead (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                 ImapSource *src, GArray *uids, Batch *b, guint *count, GError **error)
{
  g_autofree char *wal = db_wal_path (db);
  FetcherPlan plan = {
    .uids = (guint32 *) uids->data, .n = uids->len,
    .batch = SOURCE_BATCH, .batch_bytes = SOURCE_BATCH_BYTES,
    .max_message = config->limits.message_max,
    .prepare = parse_fetched, .prepare_data = (gpointer) config,
    .prepared_free = (GDestroyNotify) intake_parsed_free,
    .durable = sync_wal, .durable_data = wal,
  };
  g_autoptr (GError) refused = NULL;
  Fetcher *f = fetcher_start (mbox, imap_source_uidvalidity (src), &plan, &refused);
  if (f == NULL)
    return one_connection (db, config, mbox, src, refused, uids, b, count, error);
  gboolean ok = take_fetched (db, config, mbox, src, f, uids, b, count, &refused, error);
  ok = settle_moves (db, mbox, src, f, TRUE, ok ? error : NULL) && ok;
  if (refused != NULL)
    return one_connection (db, config, mbox, src, refused, uids, b, count, error);
  return ok;
}

/* Files the messages of uids: over one connection, or two for more than a
 * batch unless the server refused the second lately. */
static gboolean
take_all (sqlite3 *db, const Config *config, const MailboxConfig *mbox, ImapSource *src,
          GArray *uids, Batch *b, guint *count, GError **error)
{
  gint64 refused = imap_source_second_refused (src);
  gboolean one = refused != 0 && g_get_monotonic_time () - refused < SOURCE_SECOND_RETRY;
  if (uids->len > SOURCE_BATCH && !one)
    return take_uids_ahead (db, config, mbox, src, uids, b, count, error);
  return take_uids (db, config, mbox, src, uids, b, count, error);
}

/* Searches and files until a search finds nothing and the server announced
 * nothing new meanwhile: a message that arrives during a pass is announced
 * once (in the answer to a MOVE or a SEARCH), and IDLE will not announce it
 * again. */
gboolean
source_imap_pass (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                  ImapSource *src, guint *count, GError **error)
{
  guint32 last;
  *count = 0;
  if (!imap_source_connect (src, error) || !starting_uid (db, mbox, src, &last, error))
    return FALSE;
  Batch b = { g_array_new (FALSE, FALSE, sizeof (guint32)),
              g_array_new (FALSE, FALSE, sizeof (guint32)), last };
  gboolean ok = TRUE, again = TRUE;
  /* Another search after each round that filed something; after one that
   * found nothing only when the server announced mail, a few times. */
  for (guint empty = 0; ok && again && !source_stop_requested;)
    {
      gboolean news;
      guint before = *count;
      g_autoptr (GArray) uids = imap_source_search (src, b.last_done, &news, error);
      ok = uids != NULL && take_all (db, config, mbox, src, uids, &b, count, error);
      empty = ok && uids->len == 0 ? empty + 1 : 0;
      again = ok && (*count > before || (news && empty > 0 && empty < SOURCE_EMPTY_SEARCHES));
    }
  g_array_unref (b.processed);
  g_array_unref (b.rejected);
  return ok;
}

GHashTable *
source_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) imap_source_free);
}

ImapSource *
source_imap (GHashTable *sources, const MailboxConfig *mbox)
{
  if (config_maildir_path (mbox->url) != NULL)
    return NULL;
  ImapSource *src = g_hash_table_lookup (sources, mbox->name);
  if (src == NULL)
    {
      src = imap_source_new (mbox);
      g_hash_table_insert (sources, g_strdup (mbox->name), src);
    }
  return src;
}

/* One pass over one mailbox. */
static gboolean
pass_one (sqlite3 *db, const Config *config, GHashTable *sources, const MailboxConfig *mbox,
          GError **error)
{
  guint count = 0;
  ImapSource *src = source_imap (sources, mbox);
  gboolean ok = src != NULL ? source_imap_pass (db, config, mbox, src, &count, error)
                            : maildir_intake (db, config, mbox, &count, error);
  if (count > 0)
    log_info ("source", "mailbox=%s taken=%u", mbox->name, count);
  return ok;
}

gboolean
source_pass_all (sqlite3 *db, const Config *config, GHashTable *sources, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < config->mailboxes->len && !source_stop_requested; i++)
    {
      GError *local = NULL;
      if (pass_one (db, config, sources, g_ptr_array_index (config->mailboxes, i), &local))
        continue;
      /* One mailbox failing does not keep the others from being read. */
      if (ok)
        g_propagate_error (error, local);
      else
        g_error_free (local);
      ok = FALSE;
    }
  return ok;
}
