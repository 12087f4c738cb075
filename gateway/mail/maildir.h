/* Maildir as an intake source: files in new/ and cur/ are processed in name
 * order and, once what was filed from them is durable, moved to the
 * processed (or rejected) folder, a Maildir++ subfolder ".Processed". */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "gateway/base/config.h"

/* One pass over the mailbox; *count is the number of messages taken in.
 * Of a file over limits.message_max only the first limit + 1 bytes are read:
 * enough for intake to answer that it is too large.  Messages are moved
 * batch by batch, each batch after the database made it durable.  FALSE when
 * intake_process failed (temporarily: the file stays for the next pass) or
 * a file cannot be read or moved. */
gboolean maildir_intake (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                         guint *count, GError **error);

/* Writes data into the Maildir dir (creating tmp/new/cur): tmp name, sync,
 * rename into new/, sync new/.  Returns the final path (a new string); errors are
 * G_FILE_ERROR. */
char *maildir_store (const char *dir, const char *data, gsize len, GError **error);

/* maildir_store with the file name chosen by the caller (no '/', no leading
 * dot): a file of that name in new/ is replaced, so storing the same thing
 * twice leaves one file. */
char *maildir_store_named (const char *dir, const char *name, const char *data,
                           gsize len, GError **error);

/* Files stored together and made durable once (the outbox sink): each is
 * written into tmp/; commit makes all of them durable with one syncfs()
 * (an fsync of each where there is none), renames each into new/ (replacing
 * a file of the same name) and syncs new/ once.  Free removes from tmp/
 * what was written and not committed.  Errors are G_FILE_ERROR. */
typedef struct _MaildirBatch MaildirBatch;
MaildirBatch *maildir_batch_new (const char *dir, GError **error);
gboolean maildir_batch_write (MaildirBatch *b, const char *name, const char *data,
                              gsize len, GError **error);
gboolean maildir_batch_commit (MaildirBatch *b, GError **error);
void maildir_batch_free (MaildirBatch *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MaildirBatch, maildir_batch_free)
