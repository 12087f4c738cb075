/* The configuration file (ctcgw.conf(5)), read with GKeyFile.
 * config_load() returns a new Config owned by the caller. */
#pragma once

#include <glib.h>
#include "parsers/limits.h"

typedef enum {
  CONFIG_ERROR_READ,     /* the file cannot be read or is no INI file */
  CONFIG_ERROR_INVALID,  /* a key is missing, unknown or has a bad value */
} ConfigError;
#define CONFIG_ERROR config_error_quark ()

/* [smtp] sessions: SMTP sessions that send at the same time. */
#define SMTP_SESSIONS_DEFAULT 4
#define SMTP_SESSIONS_MAX 16
GQuark config_error_quark (void);

typedef struct {
  char *name;             /* from [mailbox NAME] */
  char *url;              /* imap://, imaps:// or maildir:PATH */
  char *user;
  char *password_file;
  char *processed_folder; /* default "Processed" */
  char *rejected_folder;  /* default "Rejected" */
  gboolean idle;
  guint poll_interval;    /* seconds */
  gboolean starttls;
} MailboxConfig;

typedef struct {
  char *name;             /* from [schedule NAME] */
  char *kind;             /* "circular" (default), "distribute-contacts" or "digest" */
  char *circular;         /* kind circular: the template of the circular sent */
  char *audience;         /* default "all" */
  char *subject;          /* NULL: the template's */
  char *rrule;            /* an RRULE that recur_rule_check() accepts */
  char *start;            /* DTSTART, local time in [gateway] timezone: 2026-01-15T09:00:00 */
  gboolean enabled;       /* default true */
} ScheduleConfig;

/* [authentication] require (ctcgw.conf(5)): what a contact point's
 * submission that nothing authenticated needs before it is filed. */
typedef enum {
  AUTH_REQUIRE_CONFIRM,        /* "confirm": a reply to a confirmation request (default) */
  AUTH_REQUIRE_AUTHENTICATED,  /* "authenticated": DKIM or DMARC, else quarantine */
  AUTH_REQUIRE_NONE,           /* "none": filed at once */
} AuthRequire;

typedef struct {
  char *path;               /* the file read */
  /* [gateway] */
  char *database;
  char *address;            /* From of everything sent */
  char *name;               /* display name with address */
  char *reference_prefix;   /* "CTC" */
  char **staff;             /* NULL-terminated, lower case */
  char *timezone;           /* IANA name, "UTC" when none is configured */
  GTimeZone *zone;          /* timezone resolved once (UTC when GLib does not know it):
                             * the zone of Date headers and of local dates */
  char *trusted_authserv_id;/* NULL: Authentication-Results ignored */
  char *language;           /* default language of answers, "en" */
  /* [mailbox NAME] */
  GPtrArray *mailboxes;     /* MailboxConfig* */
  /* [smtp] */
  char *smtp_url;           /* smtp://, smtps:// or maildir:PATH */
  char *smtp_user;
  char *smtp_password_file;
  char *bounce_address;
  guint messages_per_connection;
  guint smtp_sessions;      /* SMTP sessions sending at once, 1..SMTP_SESSIONS_MAX */
  guint smtp_rate;          /* messages an hour at most, 0: no limit */
  gboolean smtp_starttls;   /* STARTTLS required (key, or "?starttls" on the url) */
  guint hard_bounces;       /* hard bounces before a contact point is bouncing */
  /* [limits] */
  CtcLimits limits;
  guint replies_per_sender_per_hour;
  guint calendar_clock_skew_hours; /* how far a calendar reply's DTSTAMP may be ahead */
  /* [authentication] */
  char *dkim_keys;          /* file of DKIM keys read instead of DNS, or NULL */
  AuthRequire auth_require; /* what an unauthenticated contact point's submission needs */
  guint confirm_days;       /* days a submission waits for its confirmation, default 7 */
  /* [schedule NAME], then the digest's schedule "digest" when there is [digest] */
  GPtrArray *schedules;     /* ScheduleConfig*, in file order */
  /* [digest] */
  char **digest_to;         /* NULL-terminated, lower case; default the staff */
  guint digest_stale_months;   /* requests with no change or result (F 7 e) */
  guint digest_silent_months;  /* entities that sent nothing (F 7 b) */
  guint digest_visit_days;     /* read and unused: a request's due date decides now */
  guint digest_items;          /* items a section shows at most */
  /* [publish] */
  char *publish_dir;        /* absolute; NULL: the site is only written by hand */
  char *publish_url;        /* without its last '/'; NULL with publish_dir */
} Config;

Config *config_load (const char *path, GError **error);
void config_free (Config *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Config, config_free)

/* Every problem of the file, one a line ("[smtp] url: ..."), or an empty
 * array when there is none: what `ctcgw check-config` prints. */
GPtrArray *config_check (const char *path);

/* TRUE when addr (any case) is a staff address. */
gboolean config_is_staff (const Config *config, const char *addr);

/* "confirm", "authenticated" or "none": the name of a policy. */
const char *config_require_name (AuthRequire require);

/* The folder of a maildir: URL ("maildir:/var/x" -> "/var/x"), or NULL. */
const char *config_maildir_path (const char *url);

/* TRUE when addr is a plain addr-spec: a dot-atom local part (UTF-8
 * allowed), "@", a domain of dot-separated labels; no quotes, comments,
 * spaces or control characters; at most 254 bytes. */
gboolean config_address_valid (const char *addr);
