/* Passwords: read from a password file (ctcgw.conf(5), password_file) by
 * the IMAP sources and the SMTP sink alike, and wiped before they are
 * freed.  Never logged. */
#pragma once

#include <glib.h>

/* Longest password: the first line of the password file. */
#define SECRET_PASSWORD_MAX 1024

/* The first line of the file at path, without its line end: a new string
 * to free with secret_free.  NULL with a G_FILE_ERROR ("cannot read PATH:
 * why", or "PATH: the first line is empty or longer than N bytes"), which
 * the caller prefixes with the key it read the path from. */
char *secret_read_password (const char *path, GError **error);

/* Overwrites secret (NUL-terminated; may be NULL), then frees it. */
void secret_free (char *secret);
