/* The daemon: one GMainLoop whose sources are the IDLE sockets of the IMAP
 * mailboxes, a poll timer, a back-off timer and a self-pipe for signals.
 * Each wake-up ends any IDLE, runs one pass, and arms the waits again. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sysexits.h>
#include <glib-unix.h>

#include "gateway/cli/daemon.h"
#include "gateway/mail/imap.h"
#include "gateway/base/log.h"
#include "gateway/flows/outbox.h"
#include "gateway/flows/schedule.h"
#include "gateway/flows/source.h"
#include "gateway/flows/visit.h"

typedef struct {
  sqlite3 *db;
  const Config *config;    /* the current configuration */
  Config *loaded;          /* the same when SIGHUP loaded it (owned) */
  const char *config_path; /* the file SIGHUP loads it from again */
  GHashTable *sources;     /* ImapSource* by mailbox name */
  GMainLoop *loop;
  GPtrArray *waits;        /* GSource ids armed for the next wake-up */
  GPtrArray *idling;       /* ImapSource* in IDLE */
  guint backoff;           /* seconds before the next try after a failure */
} Daemon;

static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t reload_requested = 0;

gboolean
daemon_pass (sqlite3 *db, const Config *config, GHashTable *sources, GError **error)
{
  guint sent = 0;
  g_autoptr (GError) intake_error = NULL;
  gboolean intake_ok = source_pass_all (db, config, sources, &intake_error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) schedule_error = NULL;
  /* A schedule that cannot run now is tried again at the next pass. */
  if (!schedule_run_due (db, config, now, &schedule_error))
    log_warn ("schedule", "%s", schedule_error->message);
  g_autoptr (GError) remind_error = NULL;
  /* Reminders before a visit's due date, likewise. */
  if (!visit_remind_due (db, config, now, &remind_error))
    log_warn ("visit", "%s", remind_error->message);
  /* The outbox goes out even when a mailbox could not be read. */
  if (!outbox_deliver (db, config, &sent, error))
    return FALSE;
  if (!intake_ok)
    g_propagate_error (error, g_steal_pointer (&intake_error));
  return intake_ok;
}

static void
on_signal (int sig)
{
  int saved = errno;
  if (sig == SIGHUP)
    reload_requested = 1;
  else
    source_stop_requested = 1;
  if (write (signal_pipe[1], "x", 1) < 0)
    (void) 0;
  errno = saved;
}

static gboolean
install_signals (GError **error)
{
  if (!g_unix_open_pipe (signal_pipe, FD_CLOEXEC, error)
      || !g_unix_set_fd_nonblocking (signal_pipe[0], TRUE, error)
      || !g_unix_set_fd_nonblocking (signal_pipe[1], TRUE, error))
    return FALSE;
  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  return TRUE;
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
  for (guint i = 0; i < d->config->mailboxes->len; i++)
    {
      const MailboxConfig *mbox = g_ptr_array_index (d->config->mailboxes, i);
      ImapSource *src = source_imap (d->sources, mbox);
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
      seconds = poll_seconds (d->config, arm_idles (d));
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      seconds = MIN (seconds, schedule_seconds_until_due (d->db, now));
      seconds = MIN (seconds, visit_seconds_until_due (d->db, now));
      seconds = MIN (seconds, outbox_seconds_until_due (d->db));
    }
  add_wait (d, g_timeout_add_seconds (seconds, on_wake, d));
}

/* SIGTERM or SIGINT: the loop ends (the message in hand was finished). */
static void
stop (Daemon *d)
{
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
  disarm (d);
  if (source_stop_requested)
    return;
  gboolean ok = daemon_pass (d->db, d->config, d->sources, &error);
  if (!ok)
    {
      log_warn ("daemon", "pass failed: %s", error->message);
      if (g_error_matches (error, IMAP_ERROR, IMAP_ERROR_CONNECT))
        g_hash_table_remove_all (d->sources);
    }
  if (source_stop_requested)
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
  d->config = d->loaded = config;
  log_info ("daemon", "configuration reloaded from %s", d->config_path);
}

static gboolean
on_signal_pipe (gint fd, GIOCondition condition, gpointer data)
{
  Daemon *d = data;
  char buf[64];
  while (read (fd, buf, sizeof buf) > 0)
    ;
  if (source_stop_requested)
    {
      stop (d);
      return G_SOURCE_CONTINUE;
    }
  if (reload_requested)
    {
      reload_requested = 0;
      reload (d);
      wake (d);
    }
  return G_SOURCE_CONTINUE;
}

int
daemon_run (sqlite3 *db, const Config *config, const char *config_path)
{
  g_autoptr (GError) error = NULL;
  if (!install_signals (&error))
    {
      g_printerr ("ctcgw: run: %s\n", error->message);
      return EX_OSERR;
    }
  Daemon d = { .db = db, .config = config, .config_path = config_path,
               .sources = source_table_new (),
               .loop = g_main_loop_new (NULL, FALSE), .waits = g_ptr_array_new (),
               .idling = g_ptr_array_new (), .backoff = 1 };
  guint pipe_watch = g_unix_fd_add (signal_pipe[0], G_IO_IN, on_signal_pipe, &d);
  log_info ("daemon", "started: %u mailboxes", config->mailboxes->len);
  wake (&d);
  if (!source_stop_requested)
    g_main_loop_run (d.loop);
  disarm (&d);
  g_source_remove (pipe_watch);
  g_hash_table_unref (d.sources);
  g_ptr_array_unref (d.waits);
  g_ptr_array_unref (d.idling);
  g_main_loop_unref (d.loop);
  g_clear_pointer (&d.loaded, config_free);
  return EX_OK;
}
