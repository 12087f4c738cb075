/* A received message taken apart with GMime: headers the gateway needs, the
 * texts that records are read from (docs/submissions.md section 1), and its
 * class.
 * Pure code: it reads bytes in memory, never a file or a socket.
 *
 * Ownership: mail_message_parse() returns a new MailMessage owned by the
 * caller (mail_message_free / g_autoptr); its strings and arrays belong to it. */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>
#include "parsers/limits.h"

typedef enum {
  MAIL_SUBMISSION,       /* a person's message: parsed for records, answered */
  MAIL_CALENDAR_REPLY,   /* iMIP METHOD:REPLY or COUNTER: processed, not answered */
  MAIL_DELIVERY_REPORT,  /* bounce or delay notice: processed, not answered */
  MAIL_AUTO_REPLY,       /* out-of-office, RFC 3834 auto-reply: never answered */
  MAIL_OTHER,            /* other automatic mail (lists, bulk, read receipts) */
} MailClass;

typedef enum {
  MAIL_ERROR_TOO_LARGE,  /* over limits->message_max */
  MAIL_ERROR_STRUCTURE,  /* MIME deeper or with more parts than allowed */
  MAIL_ERROR_UNREADABLE, /* not a message at all */
  MAIL_ERROR_HEADERS,    /* headers over CTC_HEADER_MAX bytes */
} MailError;
#define MAIL_ERROR mail_error_quark ()
GQuark mail_error_quark (void);

typedef struct {
  char *name;       /* NULL for the body, else the attachment's file name */
  char *text;       /* UTF-8 */
  gsize length;
  gboolean csv;     /* a .csv attachment (read by form_parse_csv) */
  gboolean forwarded; /* the body of an attached message (message/rfc822) */
  GArray *soft_lines; /* guint: lines an HTML <br> inside a paragraph began
                       * (mail_html_to_text_soft), or NULL */
} MailText;

typedef struct {
  char *name;          /* file name (ctc_file_name_clean), or a generated one */
  char *content_type;  /* "application/pdf" */
  gsize size;          /* bytes of its decoded content */
  GBytes *data;        /* decoded content; NULL when over [limits]
                        * attachment_size or attachments_size (ctcgw.conf(5)) */
} MailAttachment;

typedef struct {
  GMimeMessage *mime;
  char *message_id;      /* without <>; NULL when the message has none */
  char *subject;         /* decoded, UTF-8, "" when absent */
  char *from_addr;       /* addr-spec, ASCII lower-cased, or NULL */
  char *from_name;       /* display name, or NULL */
  guint from_fields;     /* From header fields: one author has one */
  guint from_mailboxes;  /* mailboxes in them together: one author has one */
  char *sender_addr;     /* Sender when it is not the From address, else NULL */
  char *reply_to_addr;   /* Reply-To addr-spec, or NULL */
  char *return_path;     /* Return-Path addr-spec; "" for <>; NULL when absent */
  char *in_reply_to;     /* first id of In-Reply-To, without <>, or NULL */
  char *references;      /* References as written, or NULL */
  char *auth_results;    /* Authentication-Results headers joined by '\n', or NULL */
  GPtrArray *texts;      /* MailText*: the body first (if any), then .txt/.csv,
                          * then the bodies of attached messages */
  GPtrArray *attachments;/* MailAttachment*: every attachment, .txt and .csv
                          * ones too, in the order of the message */
  char *calendar;        /* the calendar part (text/calendar, application/ics or
                          * *.ics) that is a reply, else the first one; UTF-8, or NULL */
  char *calendar_method; /* its METHOD (upper case), or NULL */
  MailClass klass;
  char *class_reason;    /* why: "Auto-Submitted: auto-replied" */
  gboolean automatic;    /* RFC 3834: no reply may go to it */
  gsize size;            /* bytes of the raw message */
} MailMessage;

void mail_message_free (MailMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MailMessage, mail_message_free)

/* Parses raw (an RFC 5322 message) and classifies it.  own_address is the
 * gateway's own address (mail from it is automatic); may be NULL.  Fails only
 * for MAIL_ERROR_*; every other oddity is tolerated. */
MailMessage *mail_message_parse (GBytes *raw, const char *own_address,
                                 const CtcLimits *limits, GError **error);

/* Text of an HTML document: block elements become line breaks, entities
 * decoded, scripts and styles dropped. */
char *mail_html_to_text (const char *html, gsize len);

/* mail_html_to_text, and in *soft_lines (a new array of guint, ascending)
 * the lines of the text that a <br> began inside a paragraph: a line that
 * may continue the value of the line before it (docs/submissions.md
 * section 1). */
char *mail_html_to_text_soft (const char *html, gsize len, GArray **soft_lines);

/* UTF-8 text from bytes in charset (may be NULL or wrong): the declared
 * charset, then UTF-8, then windows-1252. */
char *mail_decode_text (const char *data, gsize len, const char *charset);

const char *mail_class_name (MailClass klass);  /* "submission", ... */

/* Sets msg->klass, class_reason and automatic from msg's headers, parts and
 * calendar (classify.c; called by mail_message_parse).  own_address may be
 * NULL. */
void mail_message_classify (MailMessage *msg, const char *own_address);
