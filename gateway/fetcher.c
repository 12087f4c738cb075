/* The fetching thread of a large pass: one IMAP connection of its own and
 * a queue of jobs from the filing thread, done in order.  A FETCH job is a
 * credit for one more batch (the filing thread gives one back for each
 * batch it takes, so at most FETCHER_AHEAD wait in memory); a MOVE job
 * makes a batch the filing thread has committed durable, then moves it. */

#include "gateway/fetcher.h"

typedef enum { JOB_FETCH, JOB_MOVE, JOB_END } JobKind;

typedef struct {
  JobKind kind;
  GArray *processed;   /* guint32 UIDs, for JOB_MOVE */
  GArray *rejected;
  guint32 last_done;
} Job;

/* What a move job reports back. */
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
  FetcherPlan plan;         /* its uids and n unused: see uids */
  GError *connect_error;    /* why the connection could not be made */
  GAsyncQueue *jobs;        /* Job*, filing thread to fetching thread */
  GAsyncQueue *batches;     /* FetchedBatch* */
  GAsyncQueue *moves;       /* Moved* */
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
job_free (Job *job)
{
  g_clear_pointer (&job->processed, g_array_unref);
  g_clear_pointer (&job->rejected, g_array_unref);
  g_free (job);
}

static void
moved_free (Moved *m)
{
  g_clear_error (&m->error);
  g_free (m);
}

static void
push_job (Fetcher *f, JobKind kind, GArray *processed, GArray *rejected, guint32 last_done)
{
  Job *job = g_new0 (Job, 1);
  *job = (Job) { kind, processed, rejected, last_done };
  g_async_queue_push (f->jobs, job);
}

/* Connects, and refuses a mailbox that changed its UIDVALIDITY since the
 * filing thread selected it: the UIDs to fetch would name other messages. */
static void
connect_checked (Fetcher *f)
{
  if (!imap_source_connect (f->src, &f->connect_error))
    return;
  if (imap_source_uidvalidity (f->src) != f->uidvalidity)
    g_set_error (&f->connect_error, IMAP_ERROR, IMAP_ERROR_PROTOCOL,
                 "the mailbox's UIDVALIDITY changed from %u to %u during the pass",
                 f->uidvalidity, imap_source_uidvalidity (f->src));
}

/* The work of prepare on each message of b. */
static void
prepare_batch (Fetcher *f, FetchedBatch *b)
{
  b->prepared = g_ptr_array_new_full (b->msgs->len, f->plan.prepared_free);
  for (guint i = 0; i < b->msgs->len; i++)
    g_ptr_array_add (b->prepared, f->plan.prepare (g_ptr_array_index (b->msgs, i), f->plan.data));
}

/* The next batch of the list (empty once it is exhausted). */
static FetchedBatch *
fetch_batch (Fetcher *f)
{
  FetchedBatch *b = g_new0 (FetchedBatch, 1);
  guint n = MIN (f->plan.batch, f->uids->len - f->next);
  if (f->connect_error != NULL)
    b->error = g_error_copy (f->connect_error);
  else if (n == 0)
    b->msgs = g_ptr_array_new ();
  else
    b->msgs = imap_source_fetch (f->src, &g_array_index (f->uids, guint32, f->next), n,
                                 f->plan.batch_bytes, f->plan.max_message, &b->done,
                                 &b->error);
  if (b->msgs != NULL)
    prepare_batch (f, b);
  f->next += b->done;
  return b;
}

/* Moves one durable batch to its folders. */
static Moved *
move_batch (Fetcher *f, Job *job)
{
  Moved *m = g_new0 (Moved, 1);
  m->last_done = job->last_done;
  if (f->plan.durable (f->plan.durable_data, &m->error)
      && imap_source_move (f->src, (guint32 *) job->processed->data, job->processed->len,
                        f->processed_folder, &m->error))
    imap_source_move (f->src, (guint32 *) job->rejected->data, job->rejected->len,
                      f->rejected_folder, &m->error);
  return m;
}

static gpointer
fetcher_thread (gpointer data)
{
  Fetcher *f = data;
  gboolean end = FALSE, move_failed = FALSE;
  connect_checked (f);
  while (!end)
    {
      Job *job = g_async_queue_pop (f->jobs);
      end = job->kind == JOB_END;
      if (job->kind == JOB_FETCH)
        g_async_queue_push (f->batches, fetch_batch (f));
      /* After a failed move, the later ones would record a last_done
       * beyond messages still in the inbox. */
      else if (job->kind == JOB_MOVE && !move_failed)
        {
          Moved *m = move_batch (f, job);
          move_failed = m->error != NULL;
          g_async_queue_push (f->moves, m);
        }
      job_free (job);
    }
  imap_source_disconnect (f->src);
  return NULL;
}

Fetcher *
fetcher_start (const MailboxConfig *mbox, guint32 uidvalidity, const FetcherPlan *plan)
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
  f->jobs = g_async_queue_new_full ((GDestroyNotify) job_free);
  f->batches = g_async_queue_new_full ((GDestroyNotify) fetched_batch_free);
  f->moves = g_async_queue_new_full ((GDestroyNotify) moved_free);
  for (guint i = 0; i < FETCHER_AHEAD; i++)
    push_job (f, JOB_FETCH, NULL, NULL, 0);
  f->thread = g_thread_new ("fetcher", fetcher_thread, f);
  return f;
}

FetchedBatch *
fetcher_next (Fetcher *f)
{
  FetchedBatch *b = g_async_queue_pop (f->batches);
  push_job (f, JOB_FETCH, NULL, NULL, 0);
  return b;
}

void
fetcher_move (Fetcher *f, GArray *processed, GArray *rejected, guint32 last_done)
{
  push_job (f, JOB_MOVE, processed, rejected, last_done);
}

gboolean
fetcher_moved (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error)
{
  Moved *m;
  gboolean ignored;
  guint32 ignored_uid;
  if (moved == NULL)
    moved = &ignored, last_done = &ignored_uid;
  *moved = FALSE;
  while ((m = g_async_queue_try_pop (f->moves)) != NULL)
    {
      if (m->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&m->error));
          moved_free (m);
          return FALSE;
        }
      *moved = TRUE;
      *last_done = m->last_done;
      moved_free (m);
    }
  return TRUE;
}

gboolean
fetcher_finish (Fetcher *f, gboolean *moved, guint32 *last_done, GError **error)
{
  push_job (f, JOB_END, NULL, NULL, 0);
  g_thread_join (f->thread);
  gboolean ok = fetcher_moved (f, moved, last_done, error);
  g_async_queue_unref (f->jobs);
  g_async_queue_unref (f->batches);
  g_async_queue_unref (f->moves);
  imap_source_free (f->src);
  g_free (f->processed_folder);
  g_free (f->rejected_folder);
  g_array_unref (f->uids);
  g_clear_error (&f->connect_error);
  g_free (f);
  return ok;
}
