/* Maildir written safely (tmp/, fsync, rename into new/): the outbox sink,
 * and the folders of the Maildir source (maildir-source.c). */

#define _GNU_SOURCE     /* syncfs */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gateway/mail/maildir.h"

/* Sets a G_FILE_ERROR from errno value err; returns FALSE. */
static gboolean
errno_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot %s %s: %s",
               what, path, g_strerror (err));
  return FALSE;
}

/* See maildir.h. */
gboolean
maildir_make (const char *dir, GError **error)
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
  if (!maildir_make (dir, error))
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
