/* Intake from the mailboxes: the order of steps that makes a crash
 * harmless, written once for every kind of mailbox.  File a batch (one
 * transaction, a savepoint per message), make it durable once, then move it out of the
 * inbox; a message filed but not moved is seen again and recognized as a
 * duplicate (docs/DESIGN.md, State before acknowledgement). */
#include <string.h>

#include "gateway/base/log.h"
#include "gateway/flows/intake.h"
#include "gateway/flows/mailboxes.h"
#include "gateway/mail/fetcher.h"
#include "gateway/mail/maildir-source.h"
#include "gateway/store/db.h"

/* One pass over one mailbox, and where each message of the batch in hand
 * goes once the batch is durable. */
typedef struct {
  const Context *ctx;
  const MailboxConfig *mbox;
  Source *src;
  guint32 validity;    /* IMAP UIDVALIDITY; 0: nothing recorded (Maildir) */
  GArray *processed;   /* guint32 ids */
  GArray *rejected;
  guint32 last_done;   /* highest id done with no failure before it */
  guint count;         /* messages taken in */
} Pass;

/* How far the mailbox is done, recorded for an IMAP mailbox. */
static gboolean
record_done (Pass *p, guint32 last_done, GError **error)
{
  return p->validity == 0
      || db_mailbox_state_set (p->ctx->db, p->mbox->name, p->validity, last_done, error);
}

/* Moves the ids of one folder out of the inbox. */
static gboolean
move_ids (Pass *p, GArray *ids, const char *folder, GError **error)
{
  return ids->len == 0
      || source_move (p->src, (guint32 *) ids->data, ids->len, folder, error);
}

/* Makes the batch durable, moves it, and records how far the mailbox is
 * done: the group commit. */
static gboolean
finish_batch (Pass *p, GError **error)
{
  if (p->processed->len == 0 && p->rejected->len == 0)
    return TRUE;
  gboolean ok = db_sync (p->ctx->db, error)
      && move_ids (p, p->processed, p->mbox->processed_folder, error)
      && move_ids (p, p->rejected, p->mbox->rejected_folder, error)
      && record_done (p, p->last_done, error);
  g_array_set_size (p->processed, 0);
  g_array_set_size (p->rejected, 0);
  return ok;
}

/* Files one message, read beforehand, and notes where it goes. */
static gboolean
take_message (Pass *p, guint32 id, IntakeParsed *parsed, GError **error)
{
  IntakeResult result = { 0 };
  if (!intake_file (p->ctx, parsed, p->mbox->name, &result, error))
    return FALSE;
  /* A duplicate (filed before a crash, never moved) goes where its
   * recorded outcome sends it. */
  GArray *to = result.recorded == INTAKE_REJECTED ? p->rejected : p->processed;
  g_array_append_val (to, id);
  p->last_done = id;
  log_debug ("source", "mailbox=%s id=%u outcome=%s", p->mbox->name, id,
             intake_outcome_name (result.outcome));
  intake_result_clear (&result);
  p->count++;
  return TRUE;
}

/* Files the fetched messages (SourceMessage*), each read by intake_parse
 * here or, when prepared is not NULL, beforehand. */
static gboolean
file_each (Pass *p, GPtrArray *msgs, GPtrArray *prepared, GError **error)
{
  for (guint i = 0; i < msgs->len && !context_stopping (p->ctx); i++)
    {
      const SourceMessage *m = g_ptr_array_index (msgs, i);
      IntakeParsed *parsed = prepared != NULL ? g_steal_pointer (&prepared->pdata[i])
                                              : intake_parse (p->ctx->config, m->raw, m->size);
      if (!take_message (p, m->id, parsed, error))
        return FALSE;
    }
  return TRUE;
}

/* How far a pass was before a batch, to forget the batch by. */
typedef struct {
  guint processed, rejected;
  guint32 last_done;
  guint count;
} Mark;

/* Forgets the messages of a batch whose transaction was lost: none of
 * them is moved, each is read again next time. */
static void
forget_batch (Pass *p, const Mark *before)
{
  g_array_set_size (p->processed, before->processed);
  g_array_set_size (p->rejected, before->rejected);
  p->last_done = before->last_done;
  p->count = before->count;
}

/* file_each in one transaction, a savepoint per message (group commit):
 * a message that fails is undone alone, and those before it are kept. */
static gboolean
file_fetched (Pass *p, GPtrArray *msgs, GPtrArray *prepared, GError **error)
{
  Mark before = { p->processed->len, p->rejected->len, p->last_done, p->count };
  if (!db_begin (p->ctx->db, error))
    return FALSE;
  gboolean ok = file_each (p, msgs, prepared, error);
  if (db_commit (p->ctx->db, ok ? error : NULL))
    return ok;
  db_rollback (p->ctx->db);
  forget_batch (p, &before);
  return FALSE;
}

/* The first id not yet done: after a changed UIDVALIDITY, the beginning. */
static gboolean
starting_id (Pass *p, GError **error)
{
  guint32 validity;
  p->last_done = 0;
  if (p->validity == 0)
    return TRUE;
  if (!db_mailbox_state (p->ctx->db, p->mbox->name, &validity, &p->last_done, error))
    return FALSE;
  if (validity != p->validity)
    {
      if (validity != 0)
        log_warn ("imap", "mailbox=%s uidvalidity changed from %u to %u: scanning again",
                  p->mbox->name, validity, p->validity);
      p->last_done = 0;
    }
  return TRUE;
}

/* Files the messages of ids in batches on the one connection. */
static gboolean
take_ids (Pass *p, GArray *ids, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ids->len && !context_stopping (p->ctx);)
    {
      guint done;
      SourceLimits limits = { MAILBOXES_BATCH_BYTES, p->ctx->config->limits.message_max };
      g_autoptr (GPtrArray) msgs = source_fetch (p->src, &g_array_index (ids, guint32, i),
                                                 MIN (p->src->ops->batch, ids->len - i),
                                                 &limits, &done, error);
      ok = msgs != NULL && file_fetched (p, msgs, NULL, error);
      i += done;
      /* What was filed before a failure still leaves the inbox. */
      ok = finish_batch (p, ok ? error : NULL) && ok;
    }
  return ok;
}

/* --- IMAP: the next batches fetched ahead over a second connection ------- */

/* Gives the filed batch to the fetcher, to make durable and move. */
static void
hand_over (Pass *p, Fetcher *f)
{
  if (p->processed->len == 0 && p->rejected->len == 0)
    return;
  fetcher_move (f, p->processed, p->rejected, p->last_done);
  p->processed = g_array_new (FALSE, FALSE, sizeof (guint32));
  p->rejected = g_array_new (FALSE, FALSE, sizeof (guint32));
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
settle_moves (Pass *p, Fetcher *f, gboolean finish, GError **error)
{
  gboolean moved;
  guint32 last_done = 0;
  GError *local = NULL;
  gboolean ok = finish ? fetcher_finish (f, &moved, &last_done, &local)
                       : fetcher_moved (f, &moved, &last_done, &local);
  gboolean kept = !moved || record_done (p, last_done, ok ? error : NULL);
  if (!ok)
    g_propagate_error (error, local);
  return ok && kept;
}

/* Reads a fetched message in the fetching thread (FetcherPrepareFunc). */
static gpointer
parse_fetched (const SourceMessage *m, gpointer config)
{
  return intake_parse (config, m->raw, m->size);
}

/* A server that refuses a second connection (a limit of connections per
 * user, say), or a system that refuses a thread: the mail is read on the
 * first connection alone. */
static gboolean
one_connection (Pass *p, const GError *why, GArray *ids, GError **error)
{
  g_autofree char *reason = log_escape (why->message);
  log_warn ("imap", "mailbox=%s second connection failed, reading on one for an hour: %s",
            p->mbox->name, reason);
  imap_source_set_second_refused (imap_source_of (p->src), g_get_monotonic_time ());
  return take_ids (p, ids, error);
}

/* Files the batches the fetcher brings, handing each over to be moved.
 * When the second connection could not be made, the first batch says so:
 * FALSE with *refused set (and nothing done). */
static gboolean
take_fetched (Pass *p, Fetcher *f, GArray *ids, GError **refused, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ids->len && !context_stopping (p->ctx);)
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
        ok = file_fetched (p, fetched->msgs, fetched->prepared, error);
      /* The fetcher goes through ids as this loop does: a batch that is
       * done with none of them cannot come before the end. */
      g_assert (!ok || fetched->done > 0);
      i += fetched->done;
      hand_over (p, f);
      ok = settle_moves (p, f, FALSE, ok ? error : NULL) && ok;
    }
  return ok;
}

/* The same for a list longer than a batch: a second connection fetches the
 * next batches, reads them and moves the durable ones while this thread
 * files (the fetcher keeps the order: durable, then moved). */
static gboolean
take_ids_ahead (Pass *p, GArray *ids, GError **error)
{
  g_autofree char *wal = db_wal_path (p->ctx->db);
  FetcherPlan plan = {
    .uids = (guint32 *) ids->data, .n = ids->len,
    .batch = p->src->ops->batch, .batch_bytes = MAILBOXES_BATCH_BYTES,
    .max_message = p->ctx->config->limits.message_max,
    .prepare = parse_fetched, .prepare_data = (gpointer) p->ctx->config,
    .prepared_free = (GDestroyNotify) intake_parsed_free,
    .durable = sync_wal, .durable_data = wal,
  };
  g_autoptr (GError) refused = NULL;
  Fetcher *f = fetcher_start (p->mbox, p->validity, &plan, &refused);
  if (f == NULL)
    return one_connection (p, refused, ids, error);
  gboolean ok = take_fetched (p, f, ids, &refused, error);
  ok = settle_moves (p, f, TRUE, ok ? error : NULL) && ok;
  if (refused != NULL)
    return one_connection (p, refused, ids, error);
  return ok;
}

/* Files the messages of ids: over one connection, or for IMAP over two for
 * more than a batch unless the server refused the second lately. */
static gboolean
take_all (Pass *p, GArray *ids, GError **error)
{
  ImapSource *imap = imap_source_of (p->src);
  if (imap == NULL || ids->len <= p->src->ops->batch)
    return take_ids (p, ids, error);
  gint64 refused = imap_source_second_refused (imap);
  if (refused != 0 && g_get_monotonic_time () - refused < MAILBOXES_SECOND_RETRY)
    return take_ids (p, ids, error);
  return take_ids_ahead (p, ids, error);
}

/* Lists and files until a listing finds nothing new and the server
 * announced nothing meanwhile: a message that arrives during a pass is
 * announced once (in the answer to a MOVE or a SEARCH), and IDLE will not
 * announce it again. */
static gboolean
take_until_empty (Pass *p, GError **error)
{
  gboolean ok = TRUE, again = TRUE;
  /* Another listing after each round that filed something; after one that
   * found nothing only when the server announced mail, a few times. */
  for (guint empty = 0; ok && again && !context_stopping (p->ctx);)
    {
      gboolean news;
      guint before = p->count;
      g_autoptr (GArray) ids = source_list (p->src, p->last_done, &news, error);
      ok = ids != NULL && take_all (p, ids, error);
      empty = ok && ids->len == 0 ? empty + 1 : 0;
      again = ok && (p->count > before
                     || (news && empty > 0 && empty < MAILBOXES_EMPTY_SEARCHES));
    }
  return ok;
}

gboolean
mailbox_pass (const Context *ctx, const MailboxConfig *mbox, Source *src, guint *count,
              GError **error)
{
  Pass p = { .ctx = ctx, .mbox = mbox, .src = src };
  *count = 0;
  if (!source_open (src, &p.validity, error) || !starting_id (&p, error))
    return FALSE;
  p.processed = g_array_new (FALSE, FALSE, sizeof (guint32));
  p.rejected = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean ok = take_until_empty (&p, error);
  source_done (src);
  g_array_unref (p.processed);
  g_array_unref (p.rejected);
  *count = p.count;
  return ok;
}

Source *
mailbox_source_new (const MailboxConfig *mbox)
{
  if (config_maildir_path (mbox->url) != NULL)
    return maildir_source_new (mbox);
  return (Source *) imap_source_new (mbox);
}

GHashTable *
mailboxes_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) source_free);
}

Source *
mailboxes_source (GHashTable *sources, const MailboxConfig *mbox)
{
  Source *src = g_hash_table_lookup (sources, mbox->name);
  if (src == NULL)
    {
      src = mailbox_source_new (mbox);
      g_hash_table_insert (sources, g_strdup (mbox->name), src);
    }
  return src;
}

ImapSource *
mailboxes_imap (GHashTable *sources, const MailboxConfig *mbox)
{
  if (config_maildir_path (mbox->url) != NULL)
    return NULL;
  return imap_source_of (mailboxes_source (sources, mbox));
}

/* One pass over one mailbox, logged when it took mail in (*taken: added to). */
static gboolean
pass_one (const Context *ctx, GHashTable *sources, const MailboxConfig *mbox, guint *taken,
          GError **error)
{
  guint count = 0;
  gboolean ok = mailbox_pass (ctx, mbox, mailboxes_source (sources, mbox), &count, error);
  if (count > 0)
    log_info ("source", "mailbox=%s taken=%u", mbox->name, count);
  *taken += count;
  return ok;
}

gboolean
mailboxes_pass (const Context *ctx, GHashTable *sources, guint *taken, GError **error)
{
  gboolean ok = TRUE;
  const Config *config = ctx->config;
  *taken = 0;
  for (guint i = 0; i < config->mailboxes->len && !context_stopping (ctx); i++)
    {
      GError *local = NULL;
      if (pass_one (ctx, sources, g_ptr_array_index (config->mailboxes, i), taken, &local))
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
