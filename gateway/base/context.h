/* What most work of the gateway needs, passed as one: the database, the
 * configuration (with its time zone) and the cancellable that asks the
 * work in hand to stop.  The caller owns all three; a Context only borrows
 * them. */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>
#include "gateway/base/config.h"

typedef struct {
  sqlite3 *db;
  const Config *config;
  GCancellable *cancel;   /* may be NULL: never cancelled */
} Context;

/* TRUE when the work in hand was asked to stop. */
static inline gboolean
context_stopping (const Context *ctx)
{
  return ctx->cancel != NULL && g_cancellable_is_cancelled (ctx->cancel);
}
