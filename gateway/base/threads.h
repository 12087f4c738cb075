/* Worker threads of the daemon.  SIGTERM, SIGINT and SIGHUP belong to the
 * main loop: a worker that took one would see its blocking call fail with
 * EINTR, which libetpan and libcurl report as a broken connection. */
#pragma once

#include <glib.h>

/* Starts func (data) in a new thread with those signals blocked; NULL with
 * error set when the system refuses a thread (the caller does without). */
GThread *threads_start (const char *name, GThreadFunc func, gpointer data, GError **error);
