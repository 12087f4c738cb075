/* The fetching thread of a large pass: one IMAP connection of its own, a
 * queue of jobs from the filing thread, and a queue of moves.  A FETCH job
 * is a credit for one more batch (the filing thread gives one back for
 * each batch it takes, so at most FETCHER_AHEAD wait in memory); every
 * job first lets the thread make the batches queued to move durable and
 * move them, in order, so that a move never waits behind fetches.  A
 * thread, because libetpan's calls block. */

#include "gateway/mail/fetcher.h"
#include "gateway/base/threads.h"

typedef enum { JOB_FETCH, JOB_WAKE, JOB_END } JobKind;

/* A batch the filing thread has committed, to make durable and move. */
typedef struct {
  GArray *processed;   /* guint32 UIDs */
  GArray *rejected;
  guint32 last_done;
} Move;

/* What a move reports back. */
typedef struct {
  guint32 last_done;
  GError *error;
} Moved;

struct _Fetcher {
  ImapSource *src;
  char *processed_folder;
  char *rejected_folder;
  guint32 uidvalidity;      /* the filing thread's */
  GArray *uids;             /* all to fetch, ascending */
  guint next;               /* the first of uids not yet fetched */
  FetcherPlan plan;         /* plan.uids is not kept: see uids */
  GError *connect_error;    /* why the connection could not be made */
  GError *fetch_error;      /* the first fetch that failed: no more are tried */
  gboolean move_failed;     /* no more moves are tried */
  gint cancelled;           /* fetcher_finish began: fetch nothing more */
  GAsyncQueue *jobs;        /* GINT_TO_POINTER (JobKind + 1) */
  GAsyncQueue *moves;       /* Move*, filing thread to fetching thread */
  GAsyncQueue *batches;     /* FetchedBatch*, back */
  GAsyncQueue *moved;       /* Moved*, back */
  GThread *thread;
};

void
fetched_batch_free (FetchedBatch *b)
{
  if (b == NULL)
    return;
  g_clear_pointer (&b->msgs, g_ptr_array_unref);
  g_clear_pointer (&b->prepared, g_ptr_array_unref);
  g_clear_error (&b->error);
  g_free (b);
}

static void
move_free (Move *m)
{
  g_clear_pointer (&m->processed, g_array_unref);
  g_clear_pointer (&m->rejected, g_array_unref);
  g_free (m);
}

static void
moved_free (Moved *m)
{
  g_clear_error (&m->error);
  g_free (m);
}

static void
push_job (Fetcher *f, JobKind kind)
{
  g_async_queue_push (f->jobs, GINT_TO_POINTER (kind + 1));
}

/* Connects, and fetches nothing from a mailbox that changed its
 * UIDVALIDITY since the filing thread selected it: the UIDs to fetch would
 * name other messages. */
static void
connect_checked (Fetcher *f)
{
  if (!imap_source_connect (f->src, &f->connect_error))
    return;
  if (imap_source_uidvalidity (f->src) != f->uidvalidity)
    g_set_error (&f->fetch_error, IMAP_ERROR, IMAP_ERROR_PROTOCOL,
                 "the mailbox's UIDVALIDITY changed from %u to %u during the pass",
                 f->uidvalidity, imap_source_uidvalidity (f->src));
}

/* The work of prepare on each message of b. */
static void
prepare_batch (Fetcher *f, FetchedBatch *b)
{
  b->prepared = g_ptr_array_new_full (b->msgs->len, f->plan.prepared_free);
  for (guint i = 0; i < b->msgs->len; i++)
    g_ptr_array_add (b->prepared,
                     f->plan.prepare (g_ptr_array_index (b->msgs, i), f->plan.prepare_data));
}

/* The next batch of the list: empty once it is exhausted or the filing
 * thread has stopped; after a failure, the same failure without asking the
 * server again. */
static FetchedBatch *
fetch_batch (Fetcher *f)
{
  FetchedBatch *b = g_new0 (FetchedBatch, 1);
  guint n = MIN (f->plan.batch, f->uids->len - f->next);
  b->unconnected = f->connect_error != NULL;
  if (f->connect_error != NULL || f->fetch_error != NULL)
    b->error = g_error_copy (f->connect_error != NULL ? f->connect_error : f->fetch_error);
  else if (n == 0 || g_atomic_int_get (&f->cancelled))
    b->msgs = g_ptr_array_new ();
  else
    {
      SourceLimits limits = { f->plan.batch_bytes, f->plan.max_message };
      b->msgs = imap_source_fetch (f->src, &g_array_index (f->uids, guint32, f->next), n,
                                   &limits, &b->done, &b->error);
    }
  if (b->msgs != NULL)
    prepare_batch (f, b);
  else if (f->fetch_error == NULL && !b->unconnected)
    f->fetch_error = g_error_copy (b->error);
  f->next += b->done;
  return b;
}

/* Makes one committed batch durable and moves it to its folders. */
static Moved *
move_batch (Fetcher *f, Move *move)
{
  Moved *m = g_new0 (Moved, 1);
  m->last_done = move->last_done;
  gboolean ok = f->plan.durable (f->plan.durable_data, &m->error)
      && imap_source_move (f->src, (guint32 *) move->processed->data, move->processed->len,
                           f->processed_folder, &m->error)
      && imap_source_move (f->src, (guint32 *) move->rejected->data, move->rejected->len,
                           f->rejected_folder, &m->error);
  f->move_failed = !ok;
  return m;
}

/* Every move queued so far, in order.  After a failed one, the later ones
 * would record a last_done beyond messages still in the inbox. */
static void
run_moves (Fetcher *f)
{
  Move *move;
  while ((move = g_async_queue_try_pop (f->moves)) != NULL)
    {
      if (!f->move_failed)
        g_async_queue_push (f->moved, move_batch (f, move));
      move_free (move);
    }
}

static gpointer
fetcher_thread (gpointer data)
{
  Fetcher *f = data;
  JobKind kind;
  connect_checked (f);
  do
    {
      kind = GPOINTER_TO_INT (g_async_queue_pop (f->jobs)) - 1;
      run_moves (f);
      if (kind == JOB_FETCH)
        g_async_queue_push (f->batches, fetch_batch (f));
    }
  while (kind != JOB_END);
  imap_source_disconnect (f->src);
  return NULL;
}

/* Frees what fetcher_start made. */
static void
fetcher_free (Fetcher *f)
{
  g_async_queue_unref (f->jobs);
  g_async_queue_unref (f->moves);
  g_async_queue_unref (f->batches);
  g_async_queue_unref (f->moved);
  imap_source_free (f->src);
  g_free (f->processed_folder);
  g_free (f->rejected_folder);
  g_array_unref (f->uids);
  g_clear_error (&f->connect_error);
  g_clear_error (&f->fetch_error);
  g_free (f);
}

Fetcher *
fetcher_start (const MailboxConfig *mbox, guint32 uidvalidity, const FetcherPlan *plan,
               GError **error)
{
  Fetcher *f = g_new0 (Fetcher, 1);
  f->src = imap_source_new (mbox);
  f->processed_folder = g_strdup (mbox->processed_folder);
  f->rejected_folder = g_strdup (mbox->rejected_folder);
  f->uidvalidity = uidvalidity;
  f->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), plan->n);
  g_array_append_vals (f->uids, plan->uids, plan->n);
  f->plan = *plan;
  f->plan.uids = NULL;
  f->plan.batch = MAX (plan->batch, 1);
  f->jobs = g_async_queue_new ();
  f->moves = g_async_queue_new_full ((GDestroyNotify) move_free);
  f->batches = g_async_queue_new_full ((GDestroyNotify) fetched_batch_free);
  f->moved = g_async_queue_new_full ((GDestroyNotify) moved_free);
  for (guint i = 0; i < FETCHER_AHEAD; i++)
    push_job (f, JOB_FETCH);
  f->thread = threads_start ("ctcgw-fetch", fetcher_thread, f, error);
  if (f->thread != NULL)
    return f;
  fetcher_free (f);
  return NULL;
}

FetchedBatch *
fetcher_next (Fetcher *f)
{
  FetchedBatch *b = g_async_queue_pop (f->batches);
  push_job (f, JOB_FETCH);
  return b;
}

void
fetcher_move (Fetcher *f, GArray *processed, GArray *rejected, guint32 last_done)
{
  Move *move = g_new0 (Move, 1);
  *move = (Move) { processed, rejected, last_done };
  g_async_queue_push (f->moves, move);
  push_job (f, JOB_WAKE);
}

gboolean
fetcher_moved (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error)
{
  Moved *m;
  gboolean any = FALSE;
  guint32 last = 0;
  gboolean ok = TRUE;
  while (ok && (m = g_async_queue_try_pop (f->moved)) != NULL)
    {
      ok = m->error == NULL;
      if (ok)
        {
          any = TRUE;
          last = m->last_done;
        }
      else
        g_propagate_error (error, g_steal_pointer (&m->error));
      moved_free (m);
    }
  if (moved != NULL)
    *moved = any;
  if (last_done != NULL && any)
    *last_done = last;
  return ok;
}

gboolean
fetcher_finish (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error)
{
  g_atomic_int_set (&f->cancelled, 1);
  push_job (f, JOB_END);
  g_thread_join (f->thread);
  gboolean ok = fetcher_moved (f, moved, last_done, error);
  fetcher_free (f);
  return ok;
}
