/* Worker threads with the daemon's signals blocked: a new thread inherits
 * the mask of the thread that makes it, so the mask is set around its
 * creation and then restored. */

#include <pthread.h>
#include <signal.h>

#include "gateway/base/threads.h"

GThread *
threads_start (const char *name, GThreadFunc func, gpointer data, GError **error)
{
  sigset_t blocked, saved;
  sigemptyset (&blocked);
  sigaddset (&blocked, SIGTERM);
  sigaddset (&blocked, SIGINT);
  sigaddset (&blocked, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &blocked, &saved);
  GThread *thread = g_thread_try_new (name, func, data, error);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  return thread;
}
