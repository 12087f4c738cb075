/* Calendar replies read with libical: the METHOD, the event's UID, SEQUENCE
 * and DTSTAMP, its attendees and what a COUNTER proposes.  The limits are
 * checked on the text before libical sees it, the number of components again
 * on what libical made of it. */
#include <string.h>
#include <libical/ical.h>

#include "parsers/imip.h"
#include "parsers/itip.h"

G_DEFINE_QUARK (imip-error-quark, imip_error)

/* libical aborts on its own errors unless told otherwise; bad input must
 * only ever be an error here. */
static gpointer
imip_init_once (gpointer data)
{
  icalerror_set_errors_are_fatal (0);
  return NULL;
}

static void
imip_init (void)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, imip_init_once, NULL);
}

static void
imip_attendee_free (gpointer data)
{
  ImipAttendee *a = data;

  g_free (a->address);
  g_free (a->partstat);
  g_free (a->delegated_to);
  g_free (a);
}

void
imip_message_free (ImipMessage *m)
{
  if (m == NULL)
    return;
  g_free (m->method);
  g_free (m->uid);
  g_free (m->dtstamp);
  g_free (m->recurrence_id);
  g_clear_pointer (&m->attendees, g_ptr_array_unref);
  g_free (m->dtstart);
  g_free (m->dtend);
  g_free (m->location);
  g_free (m->comment);
  g_free (m);
}

char *
imip_address (const char *cal_address)
{
  if (cal_address == NULL)
    return NULL;
  while (g_ascii_isspace (*cal_address) || *cal_address == '"')
    cal_address++;
  if (g_ascii_strncasecmp (cal_address, "mailto:", 7) == 0)
    cal_address += 7;
  gsize len = strcspn (cal_address, "\" \t\r\n,;<>");
  g_autofree char *addr = g_strndup (cal_address, len);
  const char *at = strchr (addr, '@');
  if (len == 0 || len > 254 || at == NULL || at == addr || at[1] == '\0'
      || strchr (at + 1, '@') != NULL || !g_utf8_validate (addr, -1, NULL))
    return NULL;
  for (const char *p = addr; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return NULL;
  return g_ascii_strdown (addr, -1);
}

/* text with its folded lines joined: a line break (CRLF or LF) followed by
 * a space or a tab is removed (RFC 5545 section 3.1), as libical does, so
 * that a BEGIN split over lines is seen. */
static GString *
unfold (const char *text, gsize len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      gsize brk = 0;
      if (text[i] == '\n')
        brk = 1;
      else if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
        brk = 2;
      if (brk > 0 && i + brk < len && (text[i + brk] == ' ' || text[i + brk] == '\t'))
        i += brk;
      else
        g_string_append_c (out, text[i]);
    }
  return out;
}

/* TRUE for an unfolded line that libical reads as the start of a component:
 * the name BEGIN, then ':' or parameters, blanks allowed before them. */
static gboolean
line_begins_component (const char *line, gsize len)
{
  if (len < 6 || g_ascii_strncasecmp (line, "BEGIN", 5) != 0)
    return FALSE;
  gsize i = 5 + strspn (line + 5, " \t");
  return i < len && (line[i] == ':' || line[i] == ';');
}

/* Counts the lines of the unfolded text that begin a component, stopping
 * past max. */
static guint
count_components (const char *text, gsize len, guint max)
{
  g_autoptr (GString) unfolded = unfold (text, len);
  const char *end = unfolded->str + unfolded->len;
  guint n = 0;

  for (const char *line = unfolded->str; line != NULL && line < end && n <= max;)
    {
      if (line_begins_component (line, end - line))
        n++;
      line = memchr (line, '\n', end - line);
      line = line != NULL ? line + 1 : NULL;
    }
  return n;
}

/* Text checked against the limits and copied NUL-terminated, or NULL. */
static char *
bounded_text (const char *text, gssize len, GError **error)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len;

  if (n > CTC_CALENDAR_MAX)
    {
      g_set_error (error, IMIP_ERROR, IMIP_ERROR_TOO_LARGE,
                   "the calendar is %" G_GSIZE_FORMAT " bytes, over the limit of %u",
                   n, CTC_CALENDAR_MAX);
      return NULL;
    }
  if (memchr (text, '\0', n) != NULL || !g_utf8_validate (text, n, NULL))
    {
      g_set_error_literal (error, IMIP_ERROR, IMIP_ERROR_INVALID,
                           "the calendar is not UTF-8 text");
      return NULL;
    }
  if (count_components (text, n, CTC_CALENDAR_COMPONENTS_MAX) > CTC_CALENDAR_COMPONENTS_MAX)
    {
      g_set_error (error, IMIP_ERROR, IMIP_ERROR_TOO_MANY,
                   "the calendar has more than %u components", CTC_CALENDAR_COMPONENTS_MAX);
      return NULL;
    }
  return g_strndup (text, n);
}

/* The components under c, counted until past budget: a check of what
 * libical made against the limit, whatever the text looked like.  The
 * budget shrinks with depth, so the recursion is as deep as the limit. */
static int
components_under (icalcomponent *c, int budget)
{
  int n = 0;

  for (icalcomponent *k = icalcomponent_get_first_component (c, ICAL_ANY_COMPONENT);
       k != NULL && n <= budget; k = icalcomponent_get_next_component (c, ICAL_ANY_COMPONENT))
    n += 1 + components_under (k, budget - n - 1);
  return n;
}

/* FALSE, with the error, when root holds more components than allowed. */
static gboolean
tree_within_limit (icalcomponent *root, GError **error)
{
  int n = components_under (root, CTC_CALENDAR_COMPONENTS_MAX)
      + (icalcomponent_isa (root) == ICAL_XROOT_COMPONENT ? 0 : 1);

  if (n <= (int) CTC_CALENDAR_COMPONENTS_MAX)
    return TRUE;
  g_set_error (error, IMIP_ERROR, IMIP_ERROR_TOO_MANY,
               "the calendar has more than %u components", CTC_CALENDAR_COMPONENTS_MAX);
  return FALSE;
}

/* The value of p when it is of kind: a VALUE= parameter can give a property
 * another kind, and libical's getters read whatever the value holds. */
static icalvalue *
value_of (icalproperty *p, icalvalue_kind kind)
{
  icalvalue *v = p != NULL ? icalproperty_get_value (p) : NULL;

  return v != NULL && icalvalue_isa (v) == kind ? v : NULL;
}

/* The event's UID, or NULL. */
static const char *
event_uid (icalcomponent *ev)
{
  icalvalue *v = value_of (icalcomponent_get_first_property (ev, ICAL_UID_PROPERTY),
                           ICAL_TEXT_VALUE);

  return v != NULL ? icalvalue_get_text (v) : NULL;
}

/* The VCALENDAR of a parse: the root, or the first one under an XROOT
 * (several calendars in one part). */
static icalcomponent *
find_calendar (icalcomponent *root)
{
  if (root == NULL)
    return NULL;
  if (icalcomponent_isa (root) == ICAL_VCALENDAR_COMPONENT)
    return root;
  if (icalcomponent_isa (root) != ICAL_XROOT_COMPONENT)
    return NULL;
  return icalcomponent_get_first_component (root, ICAL_VCALENDAR_COMPONENT);
}

/* Entries of a BY… list of a recurrence rule. */
static guint
by_count (const short *by, guint size)
{
  guint n = 0;

  while (n < size && by[n] != ICAL_RECURRENCE_ARRAY_MAX)
    n++;
  return n;
}

/* TRUE for a zone rule that changes the offset a few times a year at most,
 * as real zones do (FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU, with BYHOUR=2 from
 * Lotus Notes; every Sunday of the year only until a near UNTIL).  libical expands a
 * zone's rules from their start to the year of the time it converts, so a
 * rule of every minute would never end. */
static gboolean
zone_rule_bounded (icalproperty *p)
{
  icalvalue *v = value_of (p, ICAL_RECUR_VALUE);

  if (v == NULL)
    return FALSE;
  struct icalrecurrencetype r = icalvalue_get_recur (v);
  guint months = by_count (r.by_month, ICAL_BY_MONTH_SIZE);
  guint days = by_count (r.by_day, ICAL_BY_DAY_SIZE);
  guint monthdays = by_count (r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
  gboolean ends = (r.count > 0 && r.count <= 1000)
      || (!icaltime_is_null_time (r.until) && r.until.year <= 2100);
  return r.freq == ICAL_YEARLY_RECURRENCE && r.interval >= 1
      && by_count (r.by_second, ICAL_BY_SECOND_SIZE) <= 1
      && by_count (r.by_minute, ICAL_BY_MINUTE_SIZE) <= 1
      && by_count (r.by_hour, ICAL_BY_HOUR_SIZE) <= 1
      && by_count (r.by_year_day, ICAL_BY_YEARDAY_SIZE) == 0
      && by_count (r.by_week_no, ICAL_BY_WEEKNO_SIZE) == 0
      && by_count (r.by_set_pos, ICAL_BY_SETPOS_SIZE) <= 1
      && months <= 1 && days <= 1 && monthdays <= 7
      && (months == 1 || ends || (days == 0 && monthdays == 0));
}

/* The number of RRULEs of zone, or -1 when one of them is not bounded or
 * starts before 1600 (Outlook's zones start in 1601). */
static int
zone_rules (icalcomponent *zone)
{
  int rules = 0;

  for (icalcomponent *obs = icalcomponent_get_first_component (zone, ICAL_ANY_COMPONENT);
       obs != NULL; obs = icalcomponent_get_next_component (zone, ICAL_ANY_COMPONENT))
    {
      /* read before the loop: a get_first resets the component's iterator */
      icalvalue *start = value_of (icalcomponent_get_first_property (obs, ICAL_DTSTART_PROPERTY),
                                   ICAL_DATETIME_VALUE);
      gboolean early = start == NULL || icalvalue_get_datetime (start).year < 1600;
      for (icalproperty *p = icalcomponent_get_first_property (obs, ICAL_RRULE_PROPERTY);
           p != NULL; p = icalcomponent_get_next_property (obs, ICAL_RRULE_PROPERTY))
        {
          if (early || !zone_rule_bounded (p))
            return -1;
          rules++;
        }
    }
  return rules;
}

/* Drops the VTIMEZONEs of cal whose rules are not bounded, and those past
 * CTC_CALENDAR_ZONE_RULES_MAX rules in all: libical expands every rule
 * year by year, slowly.  Times in a dropped zone are read as local times. */
static void
drop_unbounded_zones (icalcomponent *cal)
{
  g_autoptr (GPtrArray) bad = g_ptr_array_new ();
  int total = 0;

  for (icalcomponent *z = icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT);
       z != NULL; z = icalcomponent_get_next_component (cal, ICAL_VTIMEZONE_COMPONENT))
    {
      int rules = zone_rules (z);
      if (rules < 0 || total + rules > (int) CTC_CALENDAR_ZONE_RULES_MAX)
        g_ptr_array_add (bad, z);
      else
        total += rules;
    }
  for (guint i = 0; i < bad->len; i++)
    {
      icalcomponent_remove_component (cal, g_ptr_array_index (bad, i));
      icalcomponent_free (g_ptr_array_index (bad, i));
    }
}

/* The event an answer is about: the first VEVENT with a UID that has no
 * RECURRENCE-ID (the whole series), else the first with one. */
static icalcomponent *
find_event (icalcomponent *cal)
{
  icalcomponent *first = NULL;

  for (icalcomponent *c = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
       c != NULL; c = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT))
    {
      const char *uid = event_uid (c);
      if (uid == NULL || *uid == '\0')
        continue;
      if (icalcomponent_get_first_property (c, ICAL_RECURRENCEID_PROPERTY) == NULL)
        return c;
      if (first == NULL)
        first = c;
    }
  return first;
}

/* A text value cut to CTC_CALENDAR_VALUE_MAX characters, its control
 * characters (a "\n" of iCalendar text is one) made spaces, or NULL.  The
 * text was UTF-8, but libical's unescaping can split a character (a
 * backslash before a non-ASCII letter drops the letter's first byte):
 * invalid bytes become U+FFFD. */
static char *
clip (const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  glong n = g_utf8_strlen (valid, -1);
  char *text = g_utf8_substring (valid, 0, MIN (n, (glong) CTC_CALENDAR_VALUE_MAX));
  for (char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return text;
}

/* A parameter of prop, newly allocated with g_malloc, or NULL. */
static char *
param_string (icalproperty *prop, const char *name)
{
  char *raw = icalproperty_get_parameter_as_string_r (prop, name);
  char *copy = raw != NULL ? clip (raw) : NULL;

  icalmemory_free_buffer (raw);
  return copy;
}

/* A time as text: UTC "…Z" when its zone is known, a date, or local time
 * (also past CTC_CALENDAR_YEAR_MAX, where converting costs too much). */
static char *
time_text (struct icaltimetype t)
{
  if (icaltime_is_null_time (t) || !icaltime_is_valid_time (t))
    return NULL;
  if (t.is_date)
    return g_strdup_printf ("%04d-%02d-%02d", t.year, t.month, t.day);
  gboolean zoned = icaltime_is_utc (t) || (t.zone != NULL && t.year <= CTC_CALENDAR_YEAR_MAX);
  if (zoned && !icaltime_is_utc (t))
    t = icaltime_convert_to_zone (t, icaltimezone_get_utc_timezone ());
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%s", t.year, t.month, t.day,
                          t.hour, t.minute, t.second, zoned ? "Z" : "");
}

/* The time value of the first property of kind in ev, or NULL. */
static char *
property_time (icalcomponent *ev, icalproperty_kind kind)
{
  icalproperty *p = icalcomponent_get_first_property (ev, kind);

  if (value_of (p, ICAL_DATETIME_VALUE) == NULL && value_of (p, ICAL_DATE_VALUE) == NULL)
    return NULL;
  switch (kind)
    {
    case ICAL_DTSTART_PROPERTY:
      return time_text (icalcomponent_get_dtstart (ev));
    case ICAL_DTEND_PROPERTY:
      return time_text (icalcomponent_get_dtend (ev));
    case ICAL_RECURRENCEID_PROPERTY:
      return time_text (icalproperty_get_recurrenceid (p));
    default:
      return time_text (icalproperty_get_dtstamp (p));
    }
}

/* The text value of the first property of kind in ev, or NULL. */
static char *
property_text (icalcomponent *ev, icalproperty_kind kind)
{
  icalvalue *v = value_of (icalcomponent_get_first_property (ev, kind), ICAL_TEXT_VALUE);

  return v != NULL ? clip (icalvalue_get_text (v)) : NULL;
}

/* One ATTENDEE, or NULL when its value is no mail address. */
static ImipAttendee *
read_attendee (icalproperty *p)
{
  icalvalue *v = value_of (p, ICAL_CALADDRESS_VALUE);
  char *address = v != NULL ? imip_address (icalvalue_get_caladdress (v)) : NULL;

  if (address == NULL)
    return NULL;
  ImipAttendee *a = g_new0 (ImipAttendee, 1);
  a->address = address;
  g_autofree char *partstat = param_string (p, "PARTSTAT");
  a->partstat = partstat != NULL && *partstat != '\0'
      ? g_ascii_strup (partstat, -1) : g_strdup ("NEEDS-ACTION");
  g_autofree char *delegated = param_string (p, "DELEGATED-TO");
  a->delegated_to = imip_address (delegated);
  return a;
}

/* The ATTENDEEs of ev into m; FALSE over the limit. */
static gboolean
read_attendees (icalcomponent *ev, ImipMessage *m, GError **error)
{
  guint seen = 0;

  for (icalproperty *p = icalcomponent_get_first_property (ev, ICAL_ATTENDEE_PROPERTY);
       p != NULL; p = icalcomponent_get_next_property (ev, ICAL_ATTENDEE_PROPERTY))
    {
      if (++seen > CTC_CALENDAR_ATTENDEES_MAX)
        {
          g_set_error (error, IMIP_ERROR, IMIP_ERROR_TOO_MANY,
                       "the event has more than %u attendees", CTC_CALENDAR_ATTENDEES_MAX);
          return FALSE;
        }
      ImipAttendee *a = read_attendee (p);
      if (a != NULL)
        g_ptr_array_add (m->attendees, a);
    }
  return TRUE;
}

/* The calendar's METHOD, else fallback. */
static char *
calendar_method (icalcomponent *cal, const char *fallback)
{
  icalproperty *p = icalcomponent_get_first_property (cal, ICAL_METHOD_PROPERTY);
  char *value = p != NULL ? icalproperty_get_value_as_string_r (p) : NULL;
  char *method = value != NULL ? itip_method_clean (value, strlen (value)) : NULL;

  icalmemory_free_buffer (value);
  if (method == NULL && fallback != NULL)
    method = itip_method_clean (fallback, strlen (fallback));
  return method;
}

/* The fields of ev into a new message, or NULL over a limit. */
static ImipMessage *
read_event (icalcomponent *cal, icalcomponent *ev, const char *fallback, GError **error)
{
  ImipMessage *m = g_new0 (ImipMessage, 1);
  icalvalue *seq = value_of (icalcomponent_get_first_property (ev, ICAL_SEQUENCE_PROPERTY),
                            ICAL_INTEGER_VALUE);

  m->attendees = g_ptr_array_new_with_free_func (imip_attendee_free);
  m->method = calendar_method (cal, fallback);
  m->uid = clip (event_uid (ev));
  m->sequence = seq != NULL ? MAX (icalvalue_get_integer (seq), 0) : 0;
  m->dtstamp = property_time (ev, ICAL_DTSTAMP_PROPERTY);
  m->recurrence_id = property_time (ev, ICAL_RECURRENCEID_PROPERTY);
  m->dtstart = property_time (ev, ICAL_DTSTART_PROPERTY);
  m->dtend = property_time (ev, ICAL_DTEND_PROPERTY);
  m->location = property_text (ev, ICAL_LOCATION_PROPERTY);
  m->comment = property_text (ev, ICAL_COMMENT_PROPERTY);
  if (!read_attendees (ev, m, error))
    g_clear_pointer (&m, imip_message_free);
  return m;
}

/* The reply of a parsed calendar (root may be NULL), or NULL with the error. */
static ImipMessage *
read_root (icalcomponent *root, const char *fallback, GError **error)
{
  if (root != NULL && !tree_within_limit (root, error))
    return NULL;
  icalcomponent *cal = find_calendar (root);
  icalcomponent *ev = cal != NULL ? find_event (cal) : NULL;
  if (cal == NULL)
    {
      g_set_error_literal (error, IMIP_ERROR, IMIP_ERROR_INVALID,
                           "the calendar part holds no VCALENDAR");
      return NULL;
    }
  if (ev == NULL)
    {
      g_set_error_literal (error, IMIP_ERROR, IMIP_ERROR_INVALID,
                           "the calendar holds no event with a UID");
      return NULL;
    }
  drop_unbounded_zones (cal);
  return read_event (cal, ev, fallback, error);
}

ImipMessage *
imip_parse_text (const char *text, gssize len, const char *fallback, GError **error)
{
  g_autofree char *copy = bounded_text (text, len, error);

  if (copy == NULL)
    return NULL;
  imip_init ();
  icalcomponent *root = icalparser_parse_string (copy);
  ImipMessage *m = read_root (root, fallback, error);
  if (root != NULL)
    icalcomponent_free (root);
  return m;
}

ImipMessage *
imip_parse (const MailMessage *msg, GError **error)
{
  if (msg->calendar == NULL)
    {
      g_set_error_literal (error, IMIP_ERROR, IMIP_ERROR_NO_CALENDAR,
                           "the message carries no calendar");
      return NULL;
    }
  return imip_parse_text (msg->calendar, -1, msg->calendar_method, error);
}
