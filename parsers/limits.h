/* Limits on everything that comes from outside.  Each has a configuration key
 * in [limits] (ctcgw.conf(5)); these are the defaults of docs/submissions.md
 * section 5. */
#pragma once

#include <glib.h>

#define CTC_VALUE_MAX_DEFAULT      10000u          /* characters in one value */
#define CTC_FIELDS_MAX_DEFAULT     64u             /* fields in one record */
#define CTC_RECORDS_MAX_DEFAULT    500u            /* records in one message */
#define CTC_MESSAGE_MAX_DEFAULT    (25u * 1024u * 1024u) /* bytes in one message */
#define CTC_MIME_DEPTH_MAX         16u             /* nesting of MIME parts */
#define CTC_MIME_PARTS_MAX         256u            /* MIME parts in one message */
#define CTC_LINE_MAX               20000u          /* bytes in one text line */
#define CTC_HEADER_MAX             (1024u * 1024u) /* bytes of all headers */
#define CTC_REPLIES_PER_HOUR_DEFAULT 10u
#define CTC_CALENDAR_SKEW_HOURS_DEFAULT 24u        /* a reply's DTSTAMP ahead of the clock */
#define CTC_CALENDAR_MAX           (512u * 1024u)  /* bytes of one calendar part */
#define CTC_CALENDAR_COMPONENTS_MAX 100u           /* BEGINs of one calendar, unfolded */
#define CTC_CALENDAR_ATTENDEES_MAX 500u            /* ATTENDEEs of one event */
#define CTC_CALENDAR_VALUE_MAX     1000u           /* characters kept of a calendar value */
#define CTC_CALENDAR_ZONE_RULES_MAX 8u             /* VTIMEZONE RRULEs of one calendar */
#define CTC_CALENDAR_YEAR_MAX      2100            /* last year converted to UTC */
#define CTC_FILE_NAME_MAX          200u            /* characters of an attachment's name */
#define CTC_FILE_NAME_BYTES_MAX    240u            /* its bytes: what file systems take */
#define CTC_ATTACHMENT_MAX_DEFAULT (10u * 1024u * 1024u) /* bytes kept of one attachment */

typedef struct {
  guint value_max;
  guint fields_max;
  guint records_max;
  gsize message_max;
  gsize attachment_max;   /* decoded bytes kept of one attachment */
  gsize attachments_max;  /* decoded bytes kept of one message's attachments */
} CtcLimits;

/* The defaults above, as a struct. */
CtcLimits ctc_limits_default (void);
