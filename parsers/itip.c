/* The iTIP METHOD of a calendar, looked at cheaply: see itip.h. */
#include <string.h>

#include "parsers/itip.h"

/* Bytes of a METHOD value looked at. */
#define ITIP_METHOD_MAX 32u

/* See itip.h. */
gboolean
itip_method_is_reply (const char *method)
{
  return g_strcmp0 (method, "REPLY") == 0 || g_strcmp0 (method, "COUNTER") == 0
      || g_strcmp0 (method, "REFRESH") == 0;
}

/* See itip.h. */
char *
itip_method_clean (const char *value, gsize len)
{
  g_autofree char *v = g_strndup (value, len);

  g_strstrip (v);
  if (*v == '\0' || strlen (v) > ITIP_METHOD_MAX
      || strspn (v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") != strlen (v))
    return NULL;
  return g_ascii_strup (v, -1);
}

/* The first max bytes at most of the content line at line, unfolded (a
 * line end before a space or a tab is no end, RFC 5545 3.1), without its
 * line end; their count. */
static gsize
unfolded_line (const char *line, char *out, gsize max)
{
  gsize n = 0;
  const char *p = line;
  while (*p != '\0' && n < max)
    {
      gsize end = p[0] == '\r' && p[1] == '\n' ? 2 : p[0] == '\n' || p[0] == '\r' ? 1 : 0;
      if (end == 0)
        out[n++] = *p++;
      else if (p[end] == ' ' || p[end] == '\t')
        p += end + 1;
      else
        break;
    }
  return n;
}

/* See itip.h. */
char *
itip_text_method (const char *text)
{
  char buf[sizeof "METHOD:" + ITIP_METHOD_MAX + 8];
  for (const char *line = text; line != NULL && *line != '\0';)
    {
      /* A continuation line is read with the line it continues. */
      gsize n = *line == ' ' || *line == '\t' ? 0 : unfolded_line (line, buf, sizeof buf);
      if (n >= 7 && g_ascii_strncasecmp (buf, "METHOD:", 7) == 0)
        return itip_method_clean (buf + 7, n - 7);
      line = strchr (line, '\n');
      line = line != NULL ? line + 1 : NULL;
    }
  return NULL;
}
