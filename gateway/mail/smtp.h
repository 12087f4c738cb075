/* The SMTP sink of the outbox: a few SMTP sessions at once (each a thread
 * with its own libcurl handle), each reusing its connection for many
 * messages.  One message is one transaction with one recipient, so every
 * result belongs to one outbox row.  The outbox (outbox.c) hands messages
 * in and records the results, in the calling thread; this module never
 * touches the database. */
#pragma once

#include <glib.h>
#include "gateway/base/config.h"

typedef enum {
  SMTP_ERROR_CONFIG,   /* the password file or the URL cannot be used */
  SMTP_ERROR_LIBRARY,  /* libcurl could not be set up */
  SMTP_ERROR_UNREACHABLE, /* every session failed before MAIL FROM */
} SmtpError;
#define SMTP_ERROR smtp_error_quark ()
GQuark smtp_error_quark (void);

/* The longest server reply kept (in last_error and the log), in bytes. */
#define SMTP_REPLY_MAX 300

/* One message to send.  The strings and raw belong to the caller until the
 * result of the message is reported. */
typedef struct {
  gint64 id;              /* the outbox row */
  const char *mail_from;  /* envelope sender */
  const char *recipient;
  GBytes *raw;            /* the message, LF or CRLF line ends */
} SmtpMessage;

typedef enum {
  SMTP_SENT,      /* the server accepted the message (250 after the data) */
  SMTP_DEFERRED,  /* 4xx, or no answer: the connection failed */
  SMTP_FAILED,    /* 5xx to MAIL, RCPT, DATA or the data */
  SMTP_UNTRIED,   /* not sent: every session stopped before it (the reason why) */
} SmtpOutcome;

/* Where a transaction stood when it ended. */
typedef enum {
  SMTP_PHASE_SESSION,  /* connecting, greeting, EHLO, STARTTLS, AUTH */
  SMTP_PHASE_MAIL,
  SMTP_PHASE_RCPT,
  SMTP_PHASE_DATA,     /* the DATA command, the data and the final reply */
} SmtpPhase;

/* Fills *msg with the next message to send; FALSE when there is none or
 * no more should be sent now (or with error set: the pass stops). */
typedef gboolean (*SmtpNextFunc) (gpointer data, SmtpMessage *msg, GError **error);
/* The result of message id; detail is the server's last reply or libcurl's
 * reason (valid UTF-8 without control characters, at most SMTP_REPLY_MAX
 * bytes).  FALSE with error set stops the pass. */
typedef gboolean (*SmtpDoneFunc) (gpointer data, gint64 id, SmtpOutcome outcome,
                                  const char *detail, GError **error);

/* Sends every message that next gives to config's [smtp] url, through up
 * to config's smtp_sessions sessions, each closing its connection after
 * messages_per_connection messages, and reports each result through done
 * (in the order the server answers).  next and done are called in the
 * calling thread only; next is asked ahead of the sessions (up to two
 * messages a session: the one it sends and the next).  A message whose
 * addresses are no plain addr-spec (config_address_valid, no CR, LF or
 * angle brackets) is failed without being sent.  A session that fails
 * before MAIL FROM (no connection, TLS, AUTH) takes no more messages.
 * FALSE when next or done fail (their error): nothing more is taken, the
 * messages taken and not yet sent are not reported, and the results of
 * those being sent still are unless done failed; with
 * SMTP_ERROR_CONFIG or SMTP_ERROR_LIBRARY when the sink cannot be used
 * (then nothing was taken from next); with SMTP_ERROR_UNREACHABLE (the
 * server's or libcurl's reason) when every session failed while messages
 * were left: those taken are reported SMTP_UNTRIED, and what next has not
 * given was not tried either. */
gboolean smtp_send (const Config *config, SmtpNextFunc next, SmtpDoneFunc done,
                    gpointer data, GError **error);

/* The VERP envelope sender of row id: "local+ID@domain" for bounce address
 * "local@domain"; NULL when bounce is no address or the result would be
 * none (a local part over 64 bytes).  Owned by the caller. */
char *smtp_verp_address (const char *bounce, gint64 id);

/* The row id in a VERP address made from bounce ("local+ID@domain", any
 * case), or 0 when addr is none. */
gint64 smtp_verp_row_id (const char *bounce, const char *addr);

/* The message with every line ending CRLF: bare LF and bare CR become CRLF
 * (SMTP allows no other line end; libcurl sends the bytes as they are). */
GBytes *smtp_crlf (GBytes *raw);

/* What a transaction's end means: 2xx after the data is SMTP_SENT; a
 * failure in SMTP_PHASE_SESSION, a 4xx or no reply (code 0) is
 * SMTP_DEFERRED; a 5xx after the session began is SMTP_FAILED. */
SmtpOutcome smtp_outcome (gboolean ok, SmtpPhase phase, long code);

/* The URL libcurl is given: url without its "?starttls" query, with the
 * HELO domain as its path when it has none; *starttls is set when url or
 * config_starttls asks for STARTTLS.  NULL when url is no smtp:// or
 * smtps:// URL.  Owned by the caller. */
char *smtp_curl_url (const char *url, const char *helo_domain, gboolean config_starttls,
                     gboolean *starttls);
