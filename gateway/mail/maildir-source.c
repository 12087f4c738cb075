/* A Maildir read as an intake source: list, read, move (maildir-source.h).
 * Ids are places in the latest listing, from 1; a listing is kept until
 * the next one or the end of the pass. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gateway/mail/maildir-source.h"
#include "gateway/mail/maildir.h"
#include "gateway/base/log.h"

/* One message file of the mailbox. */
typedef struct {
  char *path;
  char *name;
} Entry;

typedef struct {
  Source base;
  char *url;
  GPtrArray *entries;  /* Entry*: the latest listing, or NULL */
} MaildirSource;

/* Sets a G_FILE_ERROR from errno value err; returns FALSE. */
static gboolean
errno_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot %s %s: %s",
               what, path, g_strerror (err));
  return FALSE;
}

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

/* The directory of the mailbox, from its maildir: URL. */
static const char *
mailbox_dir (MaildirSource *src, GError **error)
{
  const char *dir = config_maildir_path (src->url);
  if (dir == NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "[mailbox %s] url: not a maildir: URL", src->base.name);
  return dir;
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

/* Reads the file of e: at most max_message + 1 bytes (past the limit only
 * the size counts: one byte more is enough).  NULL without error when the
 * file is gone. */
static SourceMessage *
read_entry (const Entry *e, guint32 id, gsize max_message, GError **error)
{
  GStatBuf st = { 0 };
  GError *local = NULL;
  g_autoptr (GBytes) raw = g_stat (e->path, &st) == 0
      ? read_bounded (e->path, max_message + 1, &local) : NULL;
  if (raw == NULL && local == NULL)
    local = g_error_new (G_FILE_ERROR, g_file_error_from_errno (errno), "cannot read %s: %s",
                         e->path, g_strerror (errno));
  if (raw == NULL)
    {
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, local);
      else
        g_error_free (local);
      return NULL;
    }
  SourceMessage *m = g_new0 (SourceMessage, 1);
  m->id = id;
  m->size = MAX ((gsize) st.st_size, g_bytes_get_size (raw));
  m->truncated = m->size > max_message;
  m->raw = g_steal_pointer (&raw);
  return m;
}

/* Creates the Maildir++ folder DIR/.FOLDER, with its maildirfolder mark. */
static char *
make_folder (const char *dir, const char *folder, GError **error)
{
  g_autofree char *sub = g_strconcat (".", folder, NULL);
  g_autofree char *path = g_build_filename (dir, sub, NULL);
  if (!maildir_make (path, error))
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

/* The entry of id in the latest listing, or NULL. */
static const Entry *
entry_of (MaildirSource *src, guint32 id)
{
  if (src->entries == NULL || id == 0 || id > src->entries->len)
    return NULL;
  return g_ptr_array_index (src->entries, id - 1);
}

/* --- the Source operations ------------------------------------------------ */

static gboolean
op_open (Source *base, guint32 *validity, GError **error)
{
  const char *dir = mailbox_dir ((MaildirSource *) base, error);
  *validity = 0;
  return dir != NULL && maildir_make (dir, error);
}

static GArray *
op_list (Source *base, guint32 after, gboolean *news, GError **error)
{
  MaildirSource *src = (MaildirSource *) base;
  const char *dir = mailbox_dir (src, error);
  *news = FALSE;
  if (dir == NULL)
    return NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  if (!list_subdir (dir, "new", entries, error) || !list_subdir (dir, "cur", entries, error))
    return NULL;
  g_ptr_array_sort (entries, entry_compare);
  g_clear_pointer (&src->entries, g_ptr_array_unref);
  src->entries = g_steal_pointer (&entries);
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), src->entries->len);
  for (guint32 id = 1; id <= src->entries->len; id++)
    g_array_append_val (ids, id);
  return ids;
}

static GPtrArray *
op_fetch (Source *base, const guint32 *ids, guint n, const SourceLimits *limits, guint *done,
          GError **error)
{
  MaildirSource *src = (MaildirSource *) base;
  g_autoptr (GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) source_message_free);
  gsize total = 0;
  for (*done = 0; *done < n && (*done == 0 || total < limits->max_bytes); (*done)++)
    {
      const Entry *e = entry_of (src, ids[*done]);
      GError *local = NULL;
      SourceMessage *m = e != NULL ? read_entry (e, ids[*done], limits->max_message, &local) : NULL;
      if (local != NULL)
        {
          /* Left where it is, for staff to mend (ctcgw(8), MAILBOXES): the
           * messages after it are still filed. */
          g_autofree char *why = log_escape (local->message);
          log_warn ("maildir", "mailbox=%s message left unread: %s; make it readable by the"
                    " gateway's user and it is filed at the next pass", base->name, why);
          g_error_free (local);
          continue;
        }
      if (m == NULL)
        continue;
      total += g_bytes_get_size (m->raw);
      g_ptr_array_add (msgs, m);
    }
  return g_steal_pointer (&msgs);
}

static gboolean
op_move (Source *base, const guint32 *ids, guint n, const char *folder, GError **error)
{
  MaildirSource *src = (MaildirSource *) base;
  const char *dir = mailbox_dir (src, error);
  if (dir == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const Entry *e = entry_of (src, ids[i]);
      if (e != NULL && !move_to_folder (dir, folder, e, error))
        return FALSE;
    }
  return TRUE;
}

static void
op_done (Source *base)
{
  g_clear_pointer (&((MaildirSource *) base)->entries, g_ptr_array_unref);
}

static void
op_free (Source *base)
{
  MaildirSource *src = (MaildirSource *) base;
  op_done (base);
  g_free (src->url);
  g_free (src->base.name);
  g_free (src);
}

static const SourceOps maildir_source_ops = {
  .kind = "maildir", .batch = MAILDIR_BATCH,
  .open = op_open, .list = op_list, .fetch = op_fetch, .move = op_move,
  .done = op_done, .free = op_free,
};

Source *
maildir_source_new (const MailboxConfig *mbox)
{
  MaildirSource *src = g_new0 (MaildirSource, 1);
  src->base.ops = &maildir_source_ops;
  src->base.name = g_strdup (mbox->name);
  src->url = g_strdup (mbox->url);
  return &src->base;
}
