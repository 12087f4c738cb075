/* The daemon: one GMainLoop whose sources are the IDLE sockets of the IMAP
 * mailboxes, a poll timer, a back-off timer and a self-pipe for signals.
 * Each wake-up ends any IDLE, runs one pass, and arms the waits again.
 * Signals are taken by a thread of their own (sigwait): SIGTERM and SIGINT
 * cancel the Context's GCancellable at once, so that the work in hand
 * stops after the message it holds, and wake the loop through the pipe. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sysexits.h>
#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "gateway/cli/daemon.h"
#include "gateway/mail/imap.h"
#include "gateway/base/log.h"
#include "gateway/flows/publish.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/schedule.h"
#include "gateway/flows/mailboxes.h"
#include "gateway/flows/visit.h"

typedef struct {
  Context ctx;             /* the database, the current configuration, the stop */
  Config *loaded;          /* the configuration when SIGHUP loaded it (owned) */
  const char *config_path; /* the file SIGHUP loads it from again */
  GHashTable *sources;     /* Source* by mailbox name */
  GMainLoop *loop;
  GPtrArray *waits;        /* GSource ids armed for the next wake-up */
  GPtrArray *idling;       /* ImapSource* in IDLE */
  guint backoff;           /* seconds before the next try after a failure */
  guint watchdog;          /* GSource id of the WATCHDOG=1 timer, or 0 */
} Daemon;

static int signal_pipe[2] = { -1, -1 };
static gint reload_requested = 0;

gboolean
daemon_pass (const Context *ctx, GHashTable *sources, PassCounts *counts, GError **error)
{
  *counts = (PassCounts) { 0 };
  g_autoptr (GError) intake_error = NULL;
  gboolean intake_ok = mailboxes_pass (ctx, sources, &counts->taken, &intake_error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) schedule_error = NULL;
  /* A schedule that cannot run now is tried again at the next pass. */
  if (!schedule_run_due (ctx, now, &schedule_error))
    log_warn ("schedule", "%s", schedule_error->message);
  g_autoptr (GError) remind_error = NULL;
  /* Reminders before a visit's due date, likewise. */
  if (!visit_remind_due (ctx, now, &remind_error))
    log_warn ("visit", "%s", remind_error->message);
  g_autoptr (GError) publish_error = NULL;
  gboolean published = FALSE;
  /* The public site after a change to a public register (publish.h). */
  if (!publish_if_changed (ctx, &published, &publish_error))
    log_warn ("publish", "%s", publish_error->message);
  else if (published)
    log_info ("publish", "dir=%s written", ctx->config->publish_dir);
  /* The outbox goes out even when a mailbox could not be read. */
  if (!outbox_deliver (ctx, &counts->sent, error))
    return FALSE;
  if (!intake_ok)
    g_propagate_error (error, g_steal_pointer (&intake_error));
  return intake_ok;
}

/* The signals the daemon takes: blocked in every thread, waited for by one. */
static sigset_t
daemon_signals (void)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGHUP);
  return set;
}

/* The signal thread: SIGHUP asks for a reload, SIGTERM and SIGINT cancel
 * (and end this thread); each wakes the loop. */
static gpointer
take_signals (gpointer data)
{
  GCancellable *cancel = data;
  sigset_t set = daemon_signals ();
  while (!g_cancellable_is_cancelled (cancel))
    {
      int sig;
      if (sigwait (&set, &sig) != 0)
        continue;
      if (sig == SIGHUP)
        g_atomic_int_set (&reload_requested, 1);
      else
        g_cancellable_cancel (cancel);
      if (write (signal_pipe[1], "x", 1) < 0)
        (void) 0;
    }
  return NULL;
}

/* Blocks the daemon's signals (*saved: the mask before) and starts the
 * thread that takes them. */
static GThread *
install_signals (GCancellable *cancel, sigset_t *saved, GError **error)
{
  sigset_t set = daemon_signals ();
  if (!g_unix_open_pipe (signal_pipe, FD_CLOEXEC, error)
      || !g_unix_set_fd_nonblocking (signal_pipe[0], TRUE, error)
      || !g_unix_set_fd_nonblocking (signal_pipe[1], TRUE, error))
    return NULL;
  pthread_sigmask (SIG_BLOCK, &set, saved);
  GThread *thread = g_thread_try_new ("signals", take_signals, cancel, error);
  if (thread == NULL)
    pthread_sigmask (SIG_SETMASK, saved, NULL);
  return thread;
}

/* Ends every IDLE; a connection that broke is dropped (the pass reconnects). */
static void
end_idles (Daemon *d)
{
  for (guint i = 0; i < d->idling->len; i++)
    {
      ImapSource *src = g_ptr_array_index (d->idling, i);
      g_autoptr (GError) error = NULL;
      if (!imap_source_idle_done (src, &error))
        {
          log_warn ("daemon", "ending IDLE failed, reconnecting: %s", error->message);
          imap_source_disconnect (src);
        }
    }
  g_ptr_array_set_size (d->idling, 0);
}

static void
disarm (Daemon *d)
{
  for (guint i = 0; i < d->waits->len; i++)
    g_source_remove (GPOINTER_TO_UINT (g_ptr_array_index (d->waits, i)));
  g_ptr_array_set_size (d->waits, 0);
  end_idles (d);
}

static void wake (Daemon *d);

/* Every wait calls this; wake() removes them all, this one included. */
static gboolean
on_wake (gpointer data)
{
  wake (data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_fd (gint fd, GIOCondition condition, gpointer data)
{
  wake (data);
  return G_SOURCE_REMOVE;
}

static void
add_wait (Daemon *d, guint id)
{
  g_ptr_array_add (d->waits, GUINT_TO_POINTER (id));
}

/* Puts every IMAP mailbox that can IDLE into IDLE; TRUE when all of them
 * can (then no poll is needed for IMAP). */
static gboolean
arm_idles (Daemon *d)
{
  gboolean all = TRUE;
  for (guint i = 0; i < d->ctx.config->mailboxes->len; i++)
    {
      const MailboxConfig *mbox = g_ptr_array_index (d->ctx.config->mailboxes, i);
      ImapSource *src = mailboxes_imap (d->sources, mbox);
      int fd = -1;
      g_autoptr (GError) error = NULL;
      if (src == NULL)
        continue;
      if (!mbox->idle || !imap_source_connected (src) || !imap_source_has_idle (src)
          || !imap_source_idle_start (src, &fd, &error))
        {
          if (error != NULL)
            log_warn ("daemon", "mailbox=%s IDLE failed, polling: %s", mbox->name, error->message);
          all = FALSE;
          continue;
        }
      g_ptr_array_add (d->idling, src);
      add_wait (d, g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_fd, d));
      /* The server's answer may already sit in libetpan's buffer. */
      if (imap_source_idle_buffered (src))
        add_wait (d, g_idle_add_full (G_PRIORITY_DEFAULT, on_wake, d, NULL));
    }
  return all;
}

/* The poll interval: the shortest of the mailboxes that are polled. */
static guint
poll_seconds (const Config *config, gboolean imap_idles)
{
  guint interval = DAEMON_IDLE_REFRESH;
  for (guint i = 0; i < config->mailboxes->len; i++)
    {
      const MailboxConfig *mbox = g_ptr_array_index (config->mailboxes, i);
      gboolean idles = imap_idles && config_maildir_path (mbox->url) == NULL && mbox->idle;
      if (!idles)
        interval = MIN (interval, MAX (mbox->poll_interval, 1u));
    }
  return interval;
}

static void
arm (Daemon *d, gboolean failed)
{
  guint seconds;
  if (failed)
    {
      seconds = d->backoff;
      d->backoff = MIN (d->backoff * 2, DAEMON_BACKOFF_MAX);
      log_info ("daemon", "retrying in %u s", seconds);
    }
  else
    {
      d->backoff = 1;
      seconds = poll_seconds (d->ctx.config, arm_idles (d));
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      seconds = MIN (seconds, schedule_seconds_until_due (d->ctx.db, now));
      seconds = MIN (seconds, visit_seconds_until_due (d->ctx.db, now));
      seconds = MIN (seconds, outbox_seconds_until_due (d->ctx.db));
    }
  add_wait (d, g_timeout_add_seconds (seconds, on_wake, d));
}

/* Tells systemd what the last pass did (sd_notify(3): nothing when systemd
 * did not start the daemon). */
static void
notify_pass (const PassCounts *counts, const GError *error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *at = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  if (error == NULL)
    {
      sd_notifyf (0, "STATUS=last pass %s: %u taken in, %u sent", at, counts->taken,
                  counts->sent);
      return;
    }
  /* One line: the protocol separates its assignments by newlines. */
  g_autofree char *why = g_strdelimit (g_strdup (error->message), "\r\n", ' ');
  sd_notifyf (0, "STATUS=last pass %s failed: %s", at, why);
}

static gboolean
on_watchdog (gpointer data)
{
  sd_notify (0, "WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

/* WATCHDOG=1 at half the unit's WatchdogSec= (0: none is asked for).  A
 * pass runs on the loop, so a pass that hangs stops the pings. */
static guint
start_watchdog (void)
{
  uint64_t usec = 0;
  if (sd_watchdog_enabled (0, &usec) <= 0 || usec == 0)
    return 0;
  return g_timeout_add (MAX (usec / 2000, 1u), on_watchdog, NULL);
}

/* SIGTERM or SIGINT: the loop ends (the message in hand was finished). */
static void
stop (Daemon *d)
{
  sd_notify (0, "STOPPING=1");
  log_info ("daemon", "stopping");
  disarm (d);
  g_main_loop_quit (d->loop);
}

/* A connection failure is retried with back-off; anything else at the
 * next poll. */
static void
wake (Daemon *d)
{
  g_autoptr (GError) error = NULL;
  PassCounts counts;
  disarm (d);
  if (context_stopping (&d->ctx))
    return;
  gboolean ok = daemon_pass (&d->ctx, d->sources, &counts, &error);
  notify_pass (&counts, error);
  if (!ok)
    {
      log_warn ("daemon", "pass failed: %s", error->message);
      if (g_error_matches (error, IMAP_ERROR, IMAP_ERROR_CONNECT))
        g_hash_table_remove_all (d->sources);
    }
  if (context_stopping (&d->ctx))
    stop (d);
  else
    arm (d, !ok);
}

/* SIGHUP: a configuration that loads replaces the current one. */
static void
reload (Daemon *d)
{
  g_autoptr (GError) error = NULL;
  Config *config = config_load (d->config_path, &error);
  if (config == NULL)
    {
      log_warn ("daemon", "reload failed, keeping the configuration: %s", error->message);
      return;
    }
  disarm (d);
  g_hash_table_remove_all (d->sources);
  g_clear_pointer (&d->loaded, config_free);
  d->ctx.config = d->loaded = config;
  log_info ("daemon", "configuration reloaded from %s", d->config_path);
}

static gboolean
on_signal_pipe (gint fd, GIOCondition condition, gpointer data)
{
  Daemon *d = data;
  char buf[64];
  while (read (fd, buf, sizeof buf) > 0)
    ;
  if (context_stopping (&d->ctx))
    {
      stop (d);
      return G_SOURCE_CONTINUE;
    }
  if (g_atomic_int_compare_and_exchange (&reload_requested, 1, 0))
    {
      sd_notify (0, "RELOADING=1");
      reload (d);
      wake (d);
      sd_notify (0, "READY=1");
    }
  return G_SOURCE_CONTINUE;
}

int
daemon_run (sqlite3 *db, const Config *config, const char *config_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  sigset_t saved;
  GThread *signals = install_signals (cancel, &saved, &error);
  if (signals == NULL)
    {
      g_printerr ("ctcgw: run: %s\n", error->message);
      return EX_OSERR;
    }
  Daemon d = { .ctx = { db, config, cancel }, .config_path = config_path,
               .sources = mailboxes_table_new (),
               .loop = g_main_loop_new (NULL, FALSE), .waits = g_ptr_array_new (),
               .idling = g_ptr_array_new (), .backoff = 1 };
  guint pipe_watch = g_unix_fd_add (signal_pipe[0], G_IO_IN, on_signal_pipe, &d);
  log_info ("daemon", "started: %u mailboxes", config->mailboxes->len);
  d.watchdog = start_watchdog ();
  wake (&d);
  sd_notify (0, "READY=1");
  if (!context_stopping (&d.ctx))
    g_main_loop_run (d.loop);
  disarm (&d);
  if (d.watchdog != 0)
    g_source_remove (d.watchdog);
  g_source_remove (pipe_watch);
  /* The loop ends only once cancelled, which ends the signal thread too.
   * The signals stay blocked: one more SIGTERM or a SIGHUP while the
   * database closes must not end the process by its default action. */
  g_thread_join (signals);
  g_hash_table_unref (d.sources);
  g_ptr_array_unref (d.waits);
  g_ptr_array_unref (d.idling);
  g_main_loop_unref (d.loop);
  g_clear_pointer (&d.loaded, config_free);
  return EX_OK;
}
