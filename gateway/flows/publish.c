/* The public site written and switched (publish.h): a new directory
 * beside the previous one, its unchanged files hard links to the
 * previous version's, then one rename of the symbolic link. */
#define _GNU_SOURCE     /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gateway/store/db.h"
#include "gateway/flows/publish.h"
#include "gateway/flows/publish-site.h"

G_DEFINE_QUARK (ctcgw-publish-error-quark, publish_error)

void
site_add (Site *site, const char *path, char *text)
{
  g_hash_table_replace (site->files, g_strdup (path),
                        g_bytes_new_take (text, strlen (text)));
}

static gboolean
write_failed (GError **error, const char *what, const char *path)
{
  int saved = errno;
  g_set_error (error, PUBLISH_ERROR, PUBLISH_ERROR_WRITE, "%s %s: %s", what, path,
               g_strerror (saved));
  return FALSE;
}

/* TRUE when the file at path holds exactly bytes. */
static gboolean
same_bytes (const char *path, GBytes *bytes)
{
  g_autofree char *old = NULL;
  gsize len;
  if (!g_file_get_contents (path, &old, &len, NULL))
    return FALSE;
  return len == g_bytes_get_size (bytes)
      && memcmp (old, g_bytes_get_data (bytes, NULL), len) == 0;
}

/* Writes one file of the new version: the previous version's, linked, when
 * its bytes are the same, so that it keeps its time. */
static gboolean
write_one (const char *dir, const char *previous, const char *rel, GBytes *bytes,
           guint *kept, GError **error)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    return write_failed (error, "cannot make the directory", parent);
  g_autofree char *old = previous != NULL ? g_build_filename (previous, rel, NULL) : NULL;
  if (old != NULL && same_bytes (old, bytes) && link (old, path) == 0)
    {
      (*kept)++;
      return TRUE;
    }
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  /* Written in place: nobody reads the new version before sync_tree()
   * and the switch of the link. */
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_NONE, 0644, error);
}

/* Removes a previous version's directory, its files first. */
static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Removes the versions under dir other than current and previous (a
 * reader may still be reading the previous one). */
static void
remove_old (const char *dir, const char *current, const char *previous)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, PUBLISH_LINK ".") && g_strcmp0 (name, current) != 0
        && g_strcmp0 (name, previous) != 0)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        remove_tree (path);
      }
}

/* Makes the new version durable before the link points at it: one
 * syncfs(2) of its file system rather than one fsync a file. */
static gboolean
sync_tree (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  gboolean ok = fd >= 0 && syncfs (fd) == 0;
  if (!ok)
    write_failed (error, "cannot sync", path);
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Points dir/site at version by renaming a new link over it. */
static gboolean
switch_link (const char *dir, const char *version, GError **error)
{
  g_autofree char *link_path = g_build_filename (dir, PUBLISH_LINK, NULL);
  g_autofree char *tmp = g_strconcat (link_path, ".new-link", NULL);
  g_unlink (tmp);
  if (symlink (version, tmp) != 0)
    return write_failed (error, "cannot make the link", tmp);
  if (g_rename (tmp, link_path) != 0)
    return write_failed (error, "cannot switch the link", link_path);
  return TRUE;
}

/* Writes every file of site into a new version under dir and switches
 * the link to it. */
static gboolean
write_version (Site *site, const char *dir, guint *kept, GError **error)
{
  g_autofree char *link_path = g_build_filename (dir, PUBLISH_LINK, NULL);
  g_autofree char *previous = g_file_read_link (link_path, NULL);
  g_autofree char *previous_path = previous != NULL && strchr (previous, '/') == NULL
      ? g_build_filename (dir, previous, NULL) : NULL;
  g_autofree char *template = g_build_filename (dir, PUBLISH_LINK ".XXXXXX", NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return write_failed (error, "cannot make the directory", dir);
  if (g_mkdtemp_full (template, 0755) == NULL)
    return write_failed (error, "cannot make a directory in", dir);
  GHashTableIter it;
  gpointer rel, bytes;
  g_hash_table_iter_init (&it, site->files);
  while (g_hash_table_iter_next (&it, &rel, &bytes))
    if (!write_one (template, previous_path, rel, bytes, kept, error))
      {
        remove_tree (template);
        return FALSE;
      }
  g_autofree char *version = g_path_get_basename (template);
  if (!sync_tree (template, error) || !switch_link (dir, version, error))
    return FALSE;
  remove_old (dir, version, previous);
  return TRUE;
}

/* Makes the site's files and writes them as a new version of dir. */
static gboolean
make_and_write (const Context *ctx, const char *dir, const char *url, guint *files,
                guint *kept, GError **error)
{
  g_autoptr (PublicData) data = public_data_read (ctx->db, error);
  if (data == NULL)
    return FALSE;
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_bytes_unref);
  Site site = { table, url, ctx->db, ctx->config->address };
  guint linked = 0;
  if (!publish_pages (&site, data, error) || !publish_feeds (&site, data, error)
      || !write_version (&site, dir, &linked, error))
    return FALSE;
  if (files != NULL)
    *files = g_hash_table_size (table);
  if (kept != NULL)
    *kept = linked;
  return TRUE;
}

/* Holds dir's lock (an open file, -1 on failure): a daemon's pass and a
 * staff command writing at once would remove each other's new version. */
static int
lock_dir (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, PUBLISH_LINK "-lock", NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return write_failed (error, "cannot make the directory", dir), -1;
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      write_failed (error, "cannot lock", path);
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

gboolean
publish_write (const Context *ctx, const char *dir, const char *url, guint *files,
               guint *kept, GError **error)
{
  /* The mark is cleared first: a change made while the site is written
   * marks it again, for the next time. */
  if (!db_exec (ctx->db, "UPDATE publish_state SET changed = 0", error))
    return FALSE;
  int lock = lock_dir (dir, error);
  gboolean ok = lock >= 0 && make_and_write (ctx, dir, url, files, kept, error);
  if (lock >= 0)
    close (lock);
  if (!ok)
    db_exec (ctx->db, "UPDATE publish_state SET changed = 1", NULL);
  return ok;
}

gboolean
publish_if_changed (const Context *ctx, gboolean *written, GError **error)
{
  if (written != NULL)
    *written = FALSE;
  if (ctx->config->publish_dir == NULL)
    return TRUE;
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db, "SELECT changed FROM publish_state", error);
  if (st == NULL)
    return FALSE;
  gboolean changed = sqlite3_step (st) == SQLITE_ROW && sqlite3_column_int (st, 0) != 0;
  g_clear_pointer (&st, db_release);
  if (!changed)
    return TRUE;
  if (written != NULL)
    *written = TRUE;
  return publish_write (ctx, ctx->config->publish_dir, ctx->config->publish_url, NULL, NULL,
                        error);
}

gboolean
publish_set_meeting (const Context *ctx, const char *ref, gboolean public, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (ctx->db, "UPDATE meetings SET public = ?2"
                                            " WHERE reference = ?1 AND kind = 'meeting'", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, ref, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st, 2, public ? 1 : 0);
  if (!db_step_done (ctx->db, st, "marking the meeting", error))
    return FALSE;
  if (sqlite3_changes (ctx->db) == 0)
    {
      g_set_error (error, PUBLISH_ERROR, PUBLISH_ERROR_NOT_FOUND, "no meeting %s", ref);
      return FALSE;
    }
  return TRUE;
}
