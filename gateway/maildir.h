/* Maildir as an intake source: files in new/ and cur/ are processed in name
 * order and, after their transaction commits, moved to the processed (or
 * rejected) folder, a Maildir++ subfolder ".Processed". */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "config.h"

/* One pass over the mailbox; *count is the number of messages taken in. */
gboolean maildir_intake (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                         guint *count, GError **error);

/* Writes data into the Maildir dir (creating tmp/new/cur): tmp name, fsync,
 * rename into new/.  Returns the final path. */
char *maildir_store (const char *dir, const char *data, gsize len, GError **error);
