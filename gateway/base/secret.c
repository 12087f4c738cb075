/* Passwords read from their file and wiped after use: see secret.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gateway/base/secret.h"

char *
secret_read_password (const char *path, GError **error)
{
  char buf[SECRET_PASSWORD_MAX + 2];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  int err = errno;
  if (fd >= 0)
    close (fd);
  if (got < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot read %s: %s",
                   path, g_strerror (err));
      return NULL;
    }
  buf[got] = '\0';
  gsize len = strcspn (buf, "\r\n");
  char *password = len > 0 && len <= SECRET_PASSWORD_MAX ? g_strndup (buf, len) : NULL;
  explicit_bzero (buf, sizeof buf);
  if (password == NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: the first line is empty or"
                 " longer than %d bytes", path, SECRET_PASSWORD_MAX);
  return password;
}

void
secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
