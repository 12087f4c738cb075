/* A Maildir as an intake source (source.h): the files of new/ and cur/ in
 * name order; each moves to a Maildir++ folder (".Processed") once the
 * caller has made what it filed from it durable. */
#pragma once

#include "gateway/base/config.h"
#include "gateway/mail/source.h"

/* Messages fetched, filed and made durable together. */
#define MAILDIR_BATCH 256

/* The source of mbox, whose URL is maildir:PATH.  Owned by the caller
 * (source_free). */
Source *maildir_source_new (const MailboxConfig *mbox);
