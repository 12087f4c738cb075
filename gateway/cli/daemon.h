/* `ctcgw run`: the daemon's one main loop. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"
#include "gateway/base/context.h"

/* Upper bound of the wait between reconnection attempts, in seconds. */
#define DAEMON_BACKOFF_MAX 300u
/* IDLE is re-issued this often (RFC 2177: before 29 minutes). */
#define DAEMON_IDLE_REFRESH (25u * 60u)

/* What one pass did, for the status the service manager shows. */
typedef struct {
  guint taken;   /* messages taken in from the mailboxes */
  guint sent;    /* messages of the outbox delivered */
} PassCounts;

/* One pass over every mailbox (sources: mailboxes_table_new), the due
 * schedules and reminders, and the outbox; counts: what it did. */
gboolean daemon_pass (const Context *ctx, GHashTable *sources, PassCounts *counts,
                      GError **error);

/* Runs until SIGTERM or SIGINT (the message in hand is finished first);
 * SIGHUP loads the configuration from config_path again (config, which came
 * from there, is kept when that fails).  Under systemd (NOTIFY_SOCKET) it
 * says READY=1 after the first pass, a STATUS= after each, and WATCHDOG=1
 * from the loop when the unit has WatchdogSec= (ctcgw(8), SERVICE).
 * Returns a sysexits status. */
int daemon_run (sqlite3 *db, const Config *config, const char *config_path);
