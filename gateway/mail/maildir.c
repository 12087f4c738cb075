/* Maildir: written safely (tmp/, fsync, rename into new/) for the outbox
 * sink, and read as an intake source whose messages move to a Maildir++
 * folder only after their transaction has committed. */

#define _GNU_SOURCE     /* syncfs */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gateway/flows/intake.h"
#include "gateway/base/log.h"
#include "gateway/mail/maildir.h"
#include "gateway/store/db.h"
#include "gateway/flows/source.h"

/* Sets a G_FILE_ERROR from errno value err; returns FALSE. */
static gboolean
errno_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot %s %s: %s",
               what, path, g_strerror (err));
  return FALSE;
}

/* Creates dir/tmp, dir/new and dir/cur (and dir) where they are missing. */
static gboolean
make_maildir (const char *dir, GError **error)
{
  static const char *const subdirs[] = { "tmp", "new", "cur" };
  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (dir, subdirs[i], NULL);
      if (g_mkdir_with_parents (path, 0700) != 0)
        return errno_error (error, errno, "create the Maildir folder", path);
    }
  return TRUE;
}

/* Writes every byte, through short writes and EINTR. */
static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

struct _MaildirBatch {
  char *dir;
  GPtrArray *names;    /* written into tmp/, not yet renamed */
};

/* Writes path (not yet durable: the batch syncs it). */
static gboolean
write_file (const char *path, const char *data, gsize len, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno_error (error, errno, "create", path);
  gboolean ok = write_all (fd, data, len);
  int saved = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (ok)
    return TRUE;
  g_unlink (path);
  return errno_error (error, saved, "write", path);
}

/* fsync of the file or directory at path. */
static gboolean
sync_path (const char *path, int flags, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | flags, 0);
  if (fd < 0)
    return errno_error (error, errno, "open", path);
  /* Some file systems cannot sync a directory: nothing more to do there. */
  gboolean ok = fsync (fd) == 0 || ((flags & O_DIRECTORY) && errno == EINVAL);
  int saved = errno;
  close (fd);
  return ok || errno_error (error, saved, "sync", path);
}

/* Makes every file written into tmp/ durable: one syncfs() of the file
 * system where there is one, else an fsync of each. */
static gboolean
sync_written (MaildirBatch *b, GError **error)
{
#ifdef HAVE_SYNCFS
  g_autofree char *tmp_dir = g_build_filename (b->dir, "tmp", NULL);
  int fd = g_open (tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return errno_error (error, errno, "open", tmp_dir);
  gboolean ok = syncfs (fd) == 0;
  int saved = errno;
  close (fd);
  return ok || errno_error (error, saved, "sync the file system of", tmp_dir);
#else
  for (guint i = 0; i < b->names->len; i++)
    {
      g_autofree char *tmp = g_build_filename (b->dir, "tmp", b->names->pdata[i], NULL);
      if (!sync_path (tmp, 0, error))
        return FALSE;
    }
  return TRUE;
#endif
}

/* A file name that stays inside new/ and is not hidden. */
static gboolean
file_name_valid (const char *name)
{
  return name != NULL && name[0] != '\0' && name[0] != '.' && strchr (name, '/') == NULL;
}

MaildirBatch *
maildir_batch_new (const char *dir, GError **error)
{
  if (!make_maildir (dir, error))
    return NULL;
  MaildirBatch *b = g_new0 (MaildirBatch, 1);
  b->dir = g_strdup (dir);
  b->names = g_ptr_array_new_with_free_func (g_free);
  return b;
}

gboolean
maildir_batch_write (MaildirBatch *b, const char *name, const char *data, gsize len,
                     GError **error)
{
  if (!file_name_valid (name))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "\"%s\" cannot name a file in a Maildir", name ? name : "");
      return FALSE;
    }
  g_autofree char *tmp = g_build_filename (b->dir, "tmp", name, NULL);
  if (!write_file (tmp, data, len, error))
    return FALSE;
  g_ptr_array_add (b->names, g_strdup (name));
  return TRUE;
}

gboolean
maildir_batch_commit (MaildirBatch *b, GError **error)
{
  g_autofree char *new_dir = g_build_filename (b->dir, "new", NULL);
  if (b->names->len == 0)
    return TRUE;
  if (!sync_written (b, error))
    return FALSE;
  while (b->names->len > 0)
    {
      const char *name = b->names->pdata[b->names->len - 1];
      g_autofree char *tmp = g_build_filename (b->dir, "tmp", name, NULL);
      g_autofree char *final = g_build_filename (new_dir, name, NULL);
      if (g_rename (tmp, final) != 0)
        return errno_error (error, errno, "move the message to", final);
      g_ptr_array_remove_index (b->names, b->names->len - 1);
    }
  return sync_path (new_dir, O_DIRECTORY, error);
}

void
maildir_batch_free (MaildirBatch *b)
{
  if (b == NULL)
    return;
  for (guint i = 0; i < b->names->len; i++)
    {
      g_autofree char *tmp = g_build_filename (b->dir, "tmp", b->names->pdata[i], NULL);
      g_unlink (tmp);
    }
  g_ptr_array_unref (b->names);
  g_free (b->dir);
  g_free (b);
}

/* See maildir.h: a batch of one. */
char *
maildir_store_named (const char *dir, const char *name, const char *data, gsize len,
                     GError **error)
{
  g_autoptr (MaildirBatch) b = maildir_batch_new (dir, error);
  if (b == NULL || !maildir_batch_write (b, name, data, len, error)
      || !maildir_batch_commit (b, error))
    return NULL;
  return g_build_filename (dir, "new", name, NULL);
}

/* The host name for a Maildir file name: '/' and ':' written as \057 and
 * \072. */
static char *
maildir_host (void)
{
  GString *host = g_string_new (NULL);
  for (const char *p = g_get_host_name (); *p != '\0'; p++)
    if (*p == '/' || *p == ':')
      g_string_append_printf (host, "\\%03o", (guchar) *p);
    else
      g_string_append_c (host, *p);
  return g_string_free (host, FALSE);
}

/* time.MusecPpidQn.host: the usual unique Maildir file name. */
static char *
unique_name (void)
{
  static gint counter;
  gint64 now = g_get_real_time ();
  g_autofree char *host = maildir_host ();
  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06dP%dQ%d.%s", now / G_USEC_PER_SEC,
                          (int) (now % G_USEC_PER_SEC), (int) getpid (),
                          g_atomic_int_add (&counter, 1) + 1, host);
}

/* See maildir.h: a unique name. */
char *
maildir_store (const char *dir, const char *data, gsize len, GError **error)
{
  g_autofree char *name = unique_name ();
  return maildir_store_named (dir, name, data, len, error);
}

/* --- intake -------------------------------------------------------------- */

/* Messages filed between two syncs of the database. */
#define MAILDIR_BATCH 256

/* One message file of the mailbox. */
typedef struct {
  char *path;
  char *name;
} Entry;

/* Frees one listed file. */
static void
entry_free (Entry *e)
{
  g_free (e->path);
  g_free (e->name);
  g_free (e);
}

/* Name order: Maildir names start with the time of delivery. */
static gint
entry_compare (gconstpointer a, gconstpointer b)
{
  const Entry *ea = *(const Entry *const *) a;
  const Entry *eb = *(const Entry *const *) b;
  return strcmp (ea->name, eb->name);
}

/* Adds the regular files of dir/sub (no dot files) to entries. */
static gboolean
list_subdir (const char *dir, const char *sub, GPtrArray *entries, GError **error)
{
  g_autofree char *path = g_build_filename (dir, sub, NULL);
  g_autoptr (GDir) d = g_dir_open (path, 0, error);
  if (d == NULL)
    return FALSE;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      GStatBuf st;
      g_autofree char *file = g_build_filename (path, name, NULL);
      if (name[0] == '.' || g_lstat (file, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      Entry *e = g_new0 (Entry, 1);
      e->path = g_steal_pointer (&file);
      e->name = g_strdup (name);
      g_ptr_array_add (entries, e);
    }
  return TRUE;
}

/* The messages of new/ and cur/ together, in name order. */
static GPtrArray *
list_messages (const char *dir, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  if (!list_subdir (dir, "new", entries, error) || !list_subdir (dir, "cur", entries, error))
    return NULL;
  g_ptr_array_sort (entries, entry_compare);
  return g_steal_pointer (&entries);
}

/* The first cap bytes of path (all of it when it is smaller). */
static GBytes *
read_bounded (const char *path, gsize cap, GError **error)
{
  guint8 chunk[64 * 1024];
  ssize_t n = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      errno_error (error, errno, "open", path);
      return NULL;
    }
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  while (buf->len < cap && (n = read (fd, chunk, MIN (sizeof chunk, cap - buf->len))) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
    }
  int saved = errno;
  close (fd);
  if (n < 0)
    {
      errno_error (error, saved, "read", path);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* Creates the Maildir++ folder DIR/.FOLDER, with its maildirfolder mark. */
static char *
make_folder (const char *dir, const char *folder, GError **error)
{
  g_autofree char *sub = g_strconcat (".", folder, NULL);
  g_autofree char *path = g_build_filename (dir, sub, NULL);
  if (!make_maildir (path, error))
    return NULL;
  g_autofree char *mark = g_build_filename (path, "maildirfolder", NULL);
  if (!g_file_test (mark, G_FILE_TEST_EXISTS) && !g_file_set_contents (mark, "", 0, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* Moves the message into DIR/.FOLDER/cur, marked seen. */
static gboolean
move_to_folder (const char *dir, const char *folder, const Entry *e, GError **error)
{
  g_autofree char *path = make_folder (dir, folder, error);
  if (path == NULL)
    return FALSE;
  g_autofree char *name = strstr (e->name, ":2,") != NULL ? g_strdup (e->name)
                                                          : g_strconcat (e->name, ":2,S", NULL);
  g_autofree char *target = g_build_filename (path, "cur", name, NULL);
  if (g_rename (e->path, target) != 0)
    return errno_error (error, errno, "move the message to", target);
  return TRUE;
}

/* Processes one file; *folder is where it goes once the batch is durable,
 * NULL when the file vanished meanwhile. */
static gboolean
take_in (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
         const Entry *e, const char **folder, GError **error)
{
  GError *local = NULL;
  GStatBuf st = { 0 };
  /* Past the limit only the size counts: one byte more is enough. */
  g_autoptr (GBytes) raw = g_stat (e->path, &st) == 0
      ? read_bounded (e->path, config->limits.message_max + 1, &local) : NULL;
  if (raw == NULL && local == NULL)
    local = g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno), "cannot read %s: %s",
                         e->path, g_strerror (errno));
  *folder = NULL;
  if (raw == NULL)
    {
      gboolean gone = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      if (!gone)
        g_propagate_error (error, local);
      else
        g_error_free (local);
      return gone;
    }
  IntakeResult result = { 0 };
  if (!intake_process_sized (db, config, raw, MAX ((gsize) st.st_size, g_bytes_get_size (raw)),
                             mbox->name, &result, error))
    return FALSE;
  *folder = result.outcome == INTAKE_REJECTED ? mbox->rejected_folder
                                              : mbox->processed_folder;
  g_autofree char *file = log_escape (e->name);
  log_debug ("maildir", "mailbox=%s file=%s outcome=%s folder=%s", mbox->name, file,
             intake_outcome_name (result.outcome), *folder);
  intake_result_clear (&result);
  return TRUE;
}

/* Group commit: the batch's transactions are made durable once, and only
 * then are its files moved out of the inbox (docs/DESIGN.md, State before
 * acknowledgement). */
static gboolean
finish_batch (sqlite3 *db, const char *dir, GPtrArray *taken, GPtrArray *folders,
              GError **error)
{
  if (taken->len > 0 && !db_sync (db, error))
    return FALSE;
  for (guint i = 0; i < taken->len; i++)
    if (!move_to_folder (dir, g_ptr_array_index (folders, i), g_ptr_array_index (taken, i), error))
      return FALSE;
  g_ptr_array_set_size (taken, 0);
  g_ptr_array_set_size (folders, 0);
  return TRUE;
}

/* Takes in every listed file, batch by batch. */
static gboolean
take_in_all (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
             const char *dir, GPtrArray *entries, guint *count, GError **error)
{
  g_autoptr (GPtrArray) taken = g_ptr_array_new ();
  g_autoptr (GPtrArray) folders = g_ptr_array_new ();
  for (guint i = 0; i < entries->len && !source_stop_requested; i++)
    {
      const char *folder;
      Entry *e = g_ptr_array_index (entries, i);
      if (!take_in (db, config, mbox, e, &folder, error))
        {
          /* What was filed before the failure still leaves the inbox. */
          finish_batch (db, dir, taken, folders, NULL);
          return FALSE;
        }
      if (folder == NULL)
        continue;
      g_ptr_array_add (taken, e);
      g_ptr_array_add (folders, (gpointer) folder);
      (*count)++;
      if (taken->len >= MAILDIR_BATCH && !finish_batch (db, dir, taken, folders, error))
        return FALSE;
    }
  return finish_batch (db, dir, taken, folders, error);
}

/* See maildir.h: one pass over new/ and cur/. */
gboolean
maildir_intake (sqlite3 *db, const Config *config, const MailboxConfig *mbox,
                guint *count, GError **error)
{
  const char *dir = config_maildir_path (mbox->url);
  *count = 0;
  if (dir == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "[mailbox %s] url: not a maildir: URL", mbox->name);
      return FALSE;
    }
  if (!make_maildir (dir, error))
    return FALSE;
  g_autoptr (GPtrArray) entries = list_messages (dir, error);
  if (entries == NULL)
    return FALSE;
  return take_in_all (db, config, mbox, dir, entries, count, error);
}
