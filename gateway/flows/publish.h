/* The public site (ctcgw(8), publish; ctcgw.conf(5), [publish]): the
 * registers that are public, written as static HTML pages in the six
 * official languages with CSV, JSON, Atom and iCalendar downloads.
 *
 * What is public is one list, publish-registers.c; nothing else of the
 * database is read.  The site is written into a new directory beside the
 * previous one, under DIR, and DIR/site, a symbolic link, is switched to it
 * by one rename: a reader sees the old site or the new one, never half of
 * one.  A page whose bytes did not change is the previous version's file,
 * hard-linked, so it keeps its modification time. */
#pragma once

#include <glib.h>
#include "gateway/base/context.h"

/* The name of the symbolic link under DIR that the web server serves. */
#define PUBLISH_LINK "site"

typedef enum {
  PUBLISH_ERROR_WRITE,      /* a file or directory could not be written */
  PUBLISH_ERROR_NOT_FOUND,  /* no such meeting */
} PublishError;
#define PUBLISH_ERROR publish_error_quark ()
GQuark publish_error_quark (void);

/* Writes the site into dir (created if need be) and switches dir/site to
 * it; url is the address dir/site is read at (NULL: the feeds' links are
 * relative).  Clears the database's mark of a change.  *files and *kept
 * (may be NULL) get how many files it has and how many were the previous
 * version's. */
gboolean publish_write (const Context *ctx, const char *dir, const char *url,
                        guint *files, guint *kept, GError **error);

/* When [publish] dir is set and a public register changed since the site
 * was last written, writes it there; *written (may be NULL) says whether
 * it did. */
gboolean publish_if_changed (const Context *ctx, gboolean *written, GError **error);

/* Marks the meeting ref public (in the site's calendar) or not. */
gboolean publish_set_meeting (const Context *ctx, const char *ref, gboolean public,
                              GError **error);
