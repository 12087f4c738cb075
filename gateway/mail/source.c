/* The source interface: each call goes to the kind of mailbox (source.h). */
#include "gateway/mail/source.h"

void
source_message_free (SourceMessage *m)
{
  if (m == NULL)
    return;
  g_bytes_unref (m->raw);
  g_free (m);
}

void
source_free (Source *src)
{
  if (src != NULL)
    src->ops->free (src);
}

gboolean
source_open (Source *src, guint32 *validity, GError **error)
{
  return src->ops->open (src, validity, error);
}

GArray *
source_list (Source *src, guint32 after, gboolean *news, GError **error)
{
  return src->ops->list (src, after, news, error);
}

GPtrArray *
source_fetch (Source *src, const guint32 *ids, guint n, const SourceLimits *limits,
              guint *done, GError **error)
{
  return src->ops->fetch (src, ids, n, limits, done, error);
}

gboolean
source_move (Source *src, const guint32 *ids, guint n, const char *folder, GError **error)
{
  return src->ops->move (src, ids, n, folder, error);
}

void
source_done (Source *src)
{
  if (src->ops->done != NULL)
    src->ops->done (src);
}
