/* Maildir written safely: each file through tmp/, made durable, renamed
 * into new/ (the outbox sink, and the folders of the Maildir source). */
#pragma once

#include <glib.h>

/* Creates dir/tmp, dir/new and dir/cur (and dir) where they are missing. */
gboolean maildir_make (const char *dir, GError **error);

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
