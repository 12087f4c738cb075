/* A mailbox the gateway reads, IMAP or Maildir, behind one interface (as
 * isync's driver interface hides both from the sync).  The caller lists
 * what is new, fetches it in batches, files each message, makes what it
 * filed durable, then moves the batch out of the inbox: the order that
 * makes a crash harmless (docs/DESIGN.md, State before acknowledgement).
 * The caller keeps the database; a source never touches it.
 *
 * Ownership: imap_source_new() and maildir_source_new() return a Source
 * owned by the caller (source_free); source_list() and source_fetch() return new arrays owned
 * by the caller, whose free functions are set. */
#pragma once

#include <glib.h>
#include "gateway/base/config.h"

/* One message of a mailbox, as fetched. */
typedef struct {
  guint32 id;       /* IMAP: the UID; Maildir: its place in the listing, from 1 */
  gsize size;       /* the whole message's size (RFC822.SIZE, or the file's) */
  GBytes *raw;      /* the whole message; of one over max_message, only its
                       beginning (IMAP: its header) */
  gboolean truncated;
} SourceMessage;

void source_message_free (SourceMessage *m);

typedef struct _Source Source;

/* How much one fetch takes: about max_bytes of messages, each at most
 * max_message bytes read (of a larger one, its beginning). */
typedef struct {
  gsize max_bytes;
  gsize max_message;
} SourceLimits;

/* What a kind of mailbox does; every function that can fail sets error
 * (IMAP_ERROR or G_FILE_ERROR). */
typedef struct {
  const char *kind;     /* "imap", "maildir": for logs */
  guint batch;          /* messages fetched, filed and made durable together */
  /* Connects, or makes the folders: ready to list.  *validity is the
   * mailbox's UIDVALIDITY: 0 when the mailbox keeps no ids across passes
   * (Maildir), so that nothing of it is recorded. */
  gboolean (*open) (Source *src, guint32 *validity, GError **error);
  /* The ids of the messages in the inbox, ascending (IMAP: those above
   * after; Maildir: every file, after is not used).  *news: the server
   * announced mail meanwhile that may be missing: list again. */
  GArray *(*list) (Source *src, guint32 after, gboolean *news, GError **error);
  /* Messages of ids[0..n) within limits; SourceMessage* in id order.
   * *done is how many of the ids the answer deals with (fetched, or gone
   * meanwhile). */
  GPtrArray *(*fetch) (Source *src, const guint32 *ids, guint n, const SourceLimits *limits,
                       guint *done, GError **error);
  /* Moves the messages out of the inbox into folder, marked seen. */
  gboolean (*move) (Source *src, const guint32 *ids, guint n, const char *folder,
                    GError **error);
  /* The pass is over: what the listing held is let go. */
  void (*done) (Source *src);
  void (*free) (Source *src);
} SourceOps;

/* Every kind's own struct begins with this. */
struct _Source {
  const SourceOps *ops;
  char *name;           /* [mailbox NAME] */
};

void source_free (Source *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Source, source_free)

gboolean source_open (Source *src, guint32 *validity, GError **error);
GArray *source_list (Source *src, guint32 after, gboolean *news, GError **error);
GPtrArray *source_fetch (Source *src, const guint32 *ids, guint n, const SourceLimits *limits,
                         guint *done, GError **error);
gboolean source_move (Source *src, const guint32 *ids, guint n, const char *folder,
                      GError **error);
void source_done (Source *src);
