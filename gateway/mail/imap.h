/* An IMAP mailbox as an intake source, with libetpan: the protocol side
 * only.  An ImapSource is a Source (source.h); what is filed, and when a
 * message may be moved, is decided by the caller (gateway/flows/mailboxes.c).
 * The functions below are what IDLE and the second connection
 * (fetcher.h) need beyond the Source interface.
 *
 * Ownership: imap_source_new() returns a new ImapSource owned by the caller;
 * imap_source_fetch() returns a new array of SourceMessage owned by the
 * caller (free function set). */
#pragma once

#include <glib.h>
#include "gateway/base/config.h"
#include "gateway/mail/source.h"

typedef enum {
  IMAP_ERROR_CONNECT,   /* cannot connect or the connection broke: retry later */
  IMAP_ERROR_AUTH,      /* login refused: a configuration problem */
  IMAP_ERROR_PROTOCOL,  /* the server said NO/BAD to a command */
  IMAP_ERROR_CONFIG,    /* bad URL, unreadable password file */
} ImapError;
#define IMAP_ERROR imap_error_quark ()
GQuark imap_error_quark (void);

typedef struct _ImapSource ImapSource;

ImapSource *imap_source_new (const MailboxConfig *mbox);
/* src as an ImapSource, or NULL when it reads another kind of mailbox. */
ImapSource *imap_source_of (Source *src);
void imap_source_free (ImapSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImapSource, imap_source_free)

/* Connects when not connected: TCP or TLS (imaps://), STARTTLS when the
 * mailbox asks, LOGIN or AUTHENTICATE PLAIN with the password from the
 * password file, SELECT of the URL's mailbox (default INBOX), and CREATE of
 * the processed and rejected folders when missing.  Idempotent. */
gboolean imap_source_connect (ImapSource *src, GError **error);
gboolean imap_source_connected (ImapSource *src);
void imap_source_disconnect (ImapSource *src);

/* The selected mailbox's UIDVALIDITY (valid after connect). */
guint32 imap_source_uidvalidity (ImapSource *src);

/* When a second connection to the same mailbox was last refused
 * (g_get_monotonic_time), 0 when never: kept here for the caller, which
 * decides when to ask again (gateway/flows/mailboxes.c). */
gint64 imap_source_second_refused (ImapSource *src);
void imap_source_set_second_refused (ImapSource *src, gint64 when);

/* The UIDs above after_uid (ascending; UID SEARCH UID after_uid+1:*,
 * filtered: the server returns the highest UID even when it is lower).
 * *news is TRUE when the server's answer announced messages that arrived
 * while it searched (they may be missing from the result, and IDLE will
 * not announce them again): search again. */
GArray *imap_source_search (ImapSource *src, guint32 after_uid, gboolean *news,
                            GError **error);

/* Fetches messages of uids[0..n) (ascending): about limits->max_bytes of
 * them (RFC822.SIZE first, then BODY.PEEK[] for those that fit; those over
 * limits->max_message get only their header).  Never sets \Seen.  Returns
 * SourceMessage* in UID order; *done is how many of the UIDs the answer
 * deals with (fetched, or gone from the server meanwhile). */
GPtrArray *imap_source_fetch (ImapSource *src, const guint32 *uids, guint n,
                              const SourceLimits *limits, guint *done, GError **error);

/* Moves the messages to folder: UID MOVE where the server has MOVE, else
 * UID COPY, UID STORE +FLAGS (\Deleted) and UID EXPUNGE (UIDPLUS) or
 * EXPUNGE. */
gboolean imap_source_move (ImapSource *src, const guint32 *uids, guint n,
                           const char *folder, GError **error);

/* IDLE (RFC 2177).  has_idle: the server advertises it.  idle_start sends
 * IDLE and returns the socket to watch; idle_buffered: there is something
 * to read already (in libetpan's buffer, or announced as IDLE began), so
 * wake at once; idle_done sends DONE and reads the tagged answer (what the
 * server sent meanwhile included).  Any wake-up ends the IDLE and searches. */
gboolean imap_source_has_idle (ImapSource *src);
gboolean imap_source_idle_start (ImapSource *src, int *fd, GError **error);
gboolean imap_source_idle_buffered (ImapSource *src);
gboolean imap_source_idle_done (ImapSource *src, GError **error);
