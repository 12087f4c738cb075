/* Tests of gateway/mail/invite.c: the calendar of an invitation read back with
 * libical (METHOD, one VEVENT, UID, DTSTAMP in UTC, SEQUENCE, ORGANIZER,
 * the ATTENDEEs), its VTIMEZONE (IANA TZID everywhere, standard and
 * daylight rules, no history), the instants across a daylight-saving
 * change, the SEQUENCE rules, escaping of commas, semicolons and newlines,
 * non-ASCII text and line folding, cancellations, all-day events, the
 * feed, and the MIME structure of the message body. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gmime/gmime.h>
#include <libical/ical.h>

#include "gateway/mail/invite.h"
#include "tests/fixture.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)

static const InviteAttendee attendees[] = {
  { "j.doe@unodc.example", "Doe, Jane", NULL },
  { "m.rossi@osce.example", "Marco Rossi", "OPT-PARTICIPANT" },
};

/* A meeting in Vienna in March 2026, before the change to summer time. */
static InviteEvent
vienna_event (void)
{
  InviteEvent ev = {
    .uid = "0f8e2a4c-1111-2222-3333-444455556666@ctc.example", .sequence = 3,
    .title = "Workshop on terrorist financing", .location = "Vienna International Centre",
    .start = "2026-03-20T10:00:00", .end = "2026-03-20T12:30:00", .tzid = "Europe/Vienna",
    .organizer = "gateway@ctc.example", .organizer_name = "CTC Executive Directorate",
    .attendees = attendees, .n_attendees = G_N_ELEMENTS (attendees),
  };
  return ev;
}

static GDateTime *
stamp (void)
{
  return g_date_time_new_utc (2026, 3, 1, 8, 15, 0);
}

/* The calendar of ev for method, as text and parsed. */
static icalcomponent *
calendar (const InviteEvent *ev, InviteMethod method, char **text)
{
  g_autoptr (GDateTime) now = stamp ();
  g_autoptr (GError) error = NULL;
  *text = invite_calendar (ev, method, now, &error);
  assert_null (error);
  assert_non_null (*text);
  icalcomponent *cal = icalparser_parse_string (*text);
  assert_non_null (cal);
  return cal;
}

static icalcomponent *
only_vevent (icalcomponent *cal)
{
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VEVENT_COMPONENT), 1);
  return icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
}

/* The seconds since the epoch of a DTSTART or DTEND, through the
 * VTIMEZONE that the calendar itself carries. */
static gint64
instant (icalcomponent *cal, icalcomponent *ev, gboolean start)
{
  icalproperty *p = icalcomponent_get_first_property (ev, start ? ICAL_DTSTART_PROPERTY
                                                                : ICAL_DTEND_PROPERTY);
  icalparameter *tzid = icalproperty_get_first_parameter (p, ICAL_TZID_PARAMETER);
  assert_non_null (tzid);
  icaltimezone *zone = icalcomponent_get_timezone (cal, icalparameter_get_tzid (tzid));
  assert_non_null (zone);
  struct icaltimetype t = start ? icalproperty_get_dtstart (p) : icalproperty_get_dtend (p);
  return (gint64) icaltime_as_timet_with_zone (t, zone);
}

static gint64
utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr (GDateTime) t = g_date_time_new_utc (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (t);
}

static void
test_request_structure (void **state)
{
  InviteEvent ev = vienna_event ();
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_int_equal (icalcomponent_get_method (cal), ICAL_METHOD_REQUEST);
  icalcomponent *e = only_vevent (cal);
  assert_string_equal (icalcomponent_get_uid (e), ev.uid);
  assert_int_equal (icalcomponent_get_sequence (e), 3);
  assert_int_equal (icalcomponent_get_status (e), ICAL_STATUS_CONFIRMED);
  assert_non_null (strstr (text, "\r\nDTSTAMP:20260301T081500Z\r\n"));
  assert_non_null (strstr (text, "\r\nMETHOD:REQUEST\r\n"));
  icalproperty *org = icalcomponent_get_first_property (e, ICAL_ORGANIZER_PROPERTY);
  assert_string_equal (icalproperty_get_organizer (org), "mailto:gateway@ctc.example");
  assert_int_equal (icalcomponent_count_properties (e, ICAL_ATTENDEE_PROPERTY), 2);
  icalproperty *a = icalcomponent_get_first_property (e, ICAL_ATTENDEE_PROPERTY);
  for (guint i = 0; a != NULL; i++, a = icalcomponent_get_next_property (e, ICAL_ATTENDEE_PROPERTY))
    {
      g_autofree char *uri = g_strconcat ("mailto:", attendees[i].email, NULL);
      assert_string_equal (icalproperty_get_attendee (a), uri);
      icalparameter *cn = icalproperty_get_first_parameter (a, ICAL_CN_PARAMETER);
      assert_string_equal (icalparameter_get_cn (cn), attendees[i].name);
      icalparameter *role = icalproperty_get_first_parameter (a, ICAL_ROLE_PARAMETER);
      assert_int_equal (icalparameter_get_role (role),
                        i == 0 ? ICAL_ROLE_REQPARTICIPANT : ICAL_ROLE_OPTPARTICIPANT);
      icalparameter *ps = icalproperty_get_first_parameter (a, ICAL_PARTSTAT_PARAMETER);
      assert_int_equal (icalparameter_get_partstat (ps), ICAL_PARTSTAT_NEEDSACTION);
      icalparameter *rsvp = icalproperty_get_first_parameter (a, ICAL_RSVP_PARAMETER);
      assert_int_equal (icalparameter_get_rsvp (rsvp), ICAL_RSVP_TRUE);
    }
}

static void
test_vtimezone (void **state)
{
  InviteEvent ev = vienna_event ();
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VTIMEZONE_COMPONENT), 1);
  icalcomponent *vtz = icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT);
  icalproperty *tzid = icalcomponent_get_first_property (vtz, ICAL_TZID_PROPERTY);
  assert_string_equal (icalproperty_get_tzid (tzid), "Europe/Vienna");
  assert_int_equal (icalcomponent_count_components (vtz, ICAL_XSTANDARD_COMPONENT), 1);
  assert_int_equal (icalcomponent_count_components (vtz, ICAL_XDAYLIGHT_COMPONENT), 1);
  /* No libical prefix anywhere, no local mean time of 1893. */
  assert_null (strstr (text, "freeassociation"));
  assert_null (strstr (text, "LMT"));
  assert_null (strstr (text, "+0105"));
  /* Only what RFC 5545 defines: no TZUNTIL (RFC 7808), no X-LIC-LOCATION. */
  assert_null (strstr (text, "TZUNTIL"));
  assert_null (strstr (text, "X-LIC"));
  /* Every TZID= names the IANA zone. */
  for (const char *p = strstr (text, "TZID="); p != NULL; p = strstr (p + 1, "TZID="))
    assert_int_equal (strncmp (p, "TZID=Europe/Vienna:", 19), 0);
}

/* The same meeting moved past the change to summer time (29 March 2026):
 * 10:00 local is 09:00 UTC before and 08:00 UTC after. */
static void
test_instants_across_dst (void **state)
{
  InviteEvent ev = vienna_event ();
  g_autofree char *before_text = NULL, *after_text = NULL;
  g_autoptr (icalcomponent) before = calendar (&ev, INVITE_REQUEST, &before_text);
  icalcomponent *e = only_vevent (before);
  assert_int_equal (instant (before, e, TRUE), utc (2026, 3, 20, 9, 0));
  assert_int_equal (instant (before, e, FALSE), utc (2026, 3, 20, 11, 30));
  assert_int_equal (invite_event_utc (&ev, TRUE), utc (2026, 3, 20, 9, 0));
  ev.start = "2026-04-02T10:00:00", ev.end = "2026-04-02T12:30:00", ev.sequence = 4;
  g_autoptr (icalcomponent) after = calendar (&ev, INVITE_REQUEST, &after_text);
  e = only_vevent (after);
  assert_int_equal (instant (after, e, TRUE), utc (2026, 4, 2, 8, 0));
  assert_int_equal (instant (after, e, FALSE), utc (2026, 4, 2, 10, 30));
  assert_int_equal (invite_event_utc (&ev, FALSE), utc (2026, 4, 2, 10, 30));
}

static void
test_sequence_rules (void **state)
{
  InviteEvent a = vienna_event (), b = vienna_event ();
  assert_false (invite_significant_change (&a, &b));
  b.title = "Another title";
  assert_false (invite_significant_change (&a, &b));
  b = a, b.start = "2026-03-20T11:00:00";
  assert_true (invite_significant_change (&a, &b));
  b = a, b.end = "2026-03-20T13:00:00";
  assert_true (invite_significant_change (&a, &b));
  b = a, b.location = "Room M2";
  assert_true (invite_significant_change (&a, &b));
  b = a, b.location = NULL;
  assert_true (invite_significant_change (&a, &b));
  b = a, b.cancelled = TRUE;
  assert_true (invite_significant_change (&a, &b));
  b = a, b.tzid = "Europe/Paris";
  assert_true (invite_significant_change (&a, &b));
}

static void
test_cancel (void **state)
{
  InviteEvent ev = vienna_event ();
  ev.sequence = 5, ev.cancelled = TRUE;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_CANCEL, &text);
  assert_int_equal (icalcomponent_get_method (cal), ICAL_METHOD_CANCEL);
  icalcomponent *e = only_vevent (cal);
  assert_int_equal (icalcomponent_get_status (e), ICAL_STATUS_CANCELLED);
  assert_int_equal (icalcomponent_get_sequence (e), 5);
  assert_string_equal (icalcomponent_get_uid (e), ev.uid);
  assert_int_equal (icalcomponent_count_properties (e, ICAL_ATTENDEE_PROPERTY), 2);
  assert_null (strstr (text, "RSVP="));
}

/* A CANCEL of an event that goes on uninvites the attendees it lists:
 * no STATUS (RFC 5546 section 3.2.5). */
static void
test_uninvite (void **state)
{
  InviteEvent ev = vienna_event ();
  ev.sequence = 2, ev.n_attendees = 1;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_CANCEL, &text);
  assert_int_equal (icalcomponent_get_method (cal), ICAL_METHOD_CANCEL);
  icalcomponent *e = only_vevent (cal);
  assert_int_equal (icalcomponent_count_properties (e, ICAL_STATUS_PROPERTY), 0);
  assert_int_equal (icalcomponent_count_properties (e, ICAL_ATTENDEE_PROPERTY), 1);
  assert_int_equal (icalcomponent_get_sequence (e), 2);
}

static void
test_escaping (void **state)
{
  InviteEvent ev = vienna_event ();
  ev.title = "Budget, plans; and\nnext steps \\ more";
  ev.location = "Room 1, floor 2; building C";
  ev.description = "First line\nSecond line, with a comma";
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_non_null (strstr (text, "SUMMARY:Budget\\, plans\\; and\\nnext steps \\\\ more\r\n"));
  assert_non_null (strstr (text, "LOCATION:Room 1\\, floor 2\\; building C\r\n"));
  icalcomponent *e = only_vevent (cal);
  assert_string_equal (icalcomponent_get_summary (e), ev.title);
  assert_string_equal (icalcomponent_get_location (e), ev.location);
  assert_string_equal (icalcomponent_get_description (e), ev.description);
}

/* Every physical line of text is valid UTF-8 of at most 75 octets. */
static void
assert_lines_fold_cleanly (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      assert_true (g_utf8_validate (lines[i], -1, NULL));
      assert_true (strlen (lines[i]) <= 75);
    }
}

static void
test_non_ascii (void **state)
{
  InviteEvent ev = vienna_event ();
  InviteAttendee people[] = { { "a.sultanova@mfa.kz.example", "Айгерим Султанова", NULL },
                              { "chen@un.example", "陈晓明 (UN-CTED)", NULL } };
  ev.title = "Réunion régionale — Встреча по финансированию терроризма — 反恐融资会议 2026";
  ev.location = "Almaty, Қазақстан";
  ev.attendees = people, ev.n_attendees = G_N_ELEMENTS (people);
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_lines_fold_cleanly (text);
  icalcomponent *e = only_vevent (cal);
  assert_string_equal (icalcomponent_get_summary (e), ev.title);
  assert_string_equal (icalcomponent_get_location (e), ev.location);
  icalproperty *a = icalcomponent_get_first_property (e, ICAL_ATTENDEE_PROPERTY);
  icalparameter *cn = icalproperty_get_first_parameter (a, ICAL_CN_PARAMETER);
  assert_string_equal (icalparameter_get_cn (cn), "Айгерим Султанова");
}

static void
test_refused (void **state)
{
  g_autoptr (GDateTime) now = stamp ();
  InviteEvent ev = vienna_event ();
  const char *bad_zones[] = { "Europe/Vienne", "", "../etc/passwd", NULL };
  for (guint i = 0; bad_zones[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      ev.tzid = bad_zones[i];
      assert_null (invite_calendar (&ev, INVITE_REQUEST, now, &error));
      assert_true (g_error_matches (error, INVITE_ERROR, INVITE_ERROR_INVALID));
    }
  ev = vienna_event ();
  ev.end = "2026-03-20T09:00:00";
  g_autoptr (GError) error = NULL;
  assert_false (invite_event_check (&ev, &error));
  assert_non_null (strstr (error->message, "not after"));
  g_clear_error (&error);
  ev = vienna_event ();
  ev.start = "2026-02-30T10:00:00";
  assert_false (invite_event_check (&ev, &error));
  g_clear_error (&error);
  ev = vienna_event ();
  ev.end = "2026-03-21";
  assert_false (invite_event_check (&ev, &error));
  g_clear_error (&error);
  ev = vienna_event ();
  ev.location = "two\nlines";
  assert_false (invite_event_check (&ev, &error));
  g_clear_error (&error);
  /* 02:30 on 29 March 2026 does not exist in Vienna. */
  ev = vienna_event ();
  ev.start = "2026-03-29T02:30:00", ev.end = "2026-03-29T04:00:00";
  assert_false (invite_event_check (&ev, &error));
  assert_non_null (strstr (error->message, "does not exist"));
  g_clear_error (&error);
  ev.start = "2026-03-29T03:00:00";
  assert_true (invite_event_check (&ev, &error));
}

/* A visit: whole days, no zone. */
static void
test_all_day (void **state)
{
  InviteEvent ev = vienna_event ();
  ev.start = "2026-05-04", ev.end = "2026-05-08", ev.tzid = NULL;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VTIMEZONE_COMPONENT), 0);
  assert_non_null (strstr (text, "DTSTART;VALUE=DATE:20260504\r\n"));
  assert_non_null (strstr (text, "DTEND;VALUE=DATE:20260509\r\n"));
}

/* UTC has no VTIMEZONE in libical's data: its times end in Z. */
static void
test_utc (void **state)
{
  InviteEvent ev = vienna_event ();
  ev.tzid = "UTC";
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) cal = calendar (&ev, INVITE_REQUEST, &text);
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VTIMEZONE_COMPONENT), 0);
  assert_null (strstr (text, "TZID"));
  assert_non_null (strstr (text, "DTSTART:20260320T100000Z\r\n"));
  assert_int_equal (invite_event_utc (&ev, TRUE), utc (2026, 3, 20, 10, 0));
  g_autoptr (GDateTime) now = stamp ();
  g_autofree char *feed = invite_feed (&ev, 1, now, NULL);
  assert_null (strstr (feed, "TZID"));
}

static void
test_feed (void **state)
{
  g_autoptr (GDateTime) now = stamp ();
  g_autoptr (GError) error = NULL;
  InviteEvent events[3] = { vienna_event (), vienna_event (), vienna_event () };
  events[1].uid = "second@ctc.example", events[1].start = "2027-06-01T09:00:00";
  events[1].end = "2027-06-01T10:00:00";
  events[2].uid = "visit@ctc.example", events[2].start = "2026-05-04";
  events[2].end = "2026-05-08", events[2].tzid = NULL;
  g_autofree char *text = invite_feed (events, 3, now, &error);
  assert_non_null (text);
  g_autoptr (icalcomponent) cal = icalparser_parse_string (text);
  assert_int_equal (icalcomponent_get_method (cal), ICAL_METHOD_NONE);
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VEVENT_COMPONENT), 3);
  assert_int_equal (icalcomponent_count_components (cal, ICAL_VTIMEZONE_COMPONENT), 1);
  assert_null (strstr (text, "ATTENDEE"));
  assert_null (strstr (text, "mailto:j.doe"));
  /* The zone covers 2027 too: the second event's instant is right. */
  icalcomponent *e = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
  e = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT);
  assert_int_equal (instant (cal, e, TRUE), utc (2027, 6, 1, 7, 0));
}

static void
test_mime_body (void **state)
{
  InviteEvent ev = vienna_event ();
  g_autoptr (GDateTime) now = stamp ();
  g_autofree char *cal = invite_calendar (&ev, INVITE_REQUEST, now, NULL);
  GMimeObject *body = invite_mime_body (cal, INVITE_REQUEST, "Dear colleague,\n", "<p>Dear</p>");
  GMimeContentType *ct = g_mime_object_get_content_type (body);
  assert_true (g_mime_content_type_is_type (ct, "multipart", "mixed"));
  GMimeMultipart *mixed = GMIME_MULTIPART (body);
  assert_int_equal (g_mime_multipart_get_count (mixed), 2);
  GMimeObject *alt = g_mime_multipart_get_part (mixed, 0);
  assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (alt),
                                            "multipart", "alternative"));
  GMimeMultipart *alternative = GMIME_MULTIPART (alt);
  assert_int_equal (g_mime_multipart_get_count (alternative), 3);
  const char *subtypes[] = { "plain", "html", "calendar" };
  for (int i = 0; i < 3; i++)
    assert_true (g_mime_content_type_is_type (
        g_mime_object_get_content_type (g_mime_multipart_get_part (alternative, i)),
        "text", subtypes[i]));
  GMimeObject *inline_cal = g_mime_multipart_get_part (alternative, 2);
  assert_string_equal (g_mime_object_get_content_type_parameter (inline_cal, "method"), "REQUEST");
  assert_string_equal (g_mime_object_get_content_type_parameter (inline_cal, "charset"), "UTF-8");
  assert_null (g_mime_object_get_header (inline_cal, "Content-Disposition"));
  GMimeObject *ics = g_mime_multipart_get_part (mixed, 1);
  assert_string_equal (g_mime_part_get_filename (GMIME_PART (ics)), "invite.ics");
  assert_string_equal (g_mime_object_get_disposition (ics), "attachment");
  g_autofree char *attached = fixture_part_text (ics);
  assert_string_equal (attached, cal);
  g_autofree char *shown = fixture_part_text (inline_cal);
  g_autoptr (icalcomponent) parsed = icalparser_parse_string (shown);
  assert_int_equal (icalcomponent_get_method (parsed), ICAL_METHOD_REQUEST);
  g_object_unref (body);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_request_structure),
    cmocka_unit_test (test_vtimezone),
    cmocka_unit_test (test_instants_across_dst),
    cmocka_unit_test (test_sequence_rules),
    cmocka_unit_test (test_cancel),
    cmocka_unit_test (test_uninvite),
    cmocka_unit_test (test_escaping),
    cmocka_unit_test (test_non_ascii),
    cmocka_unit_test (test_refused),
    cmocka_unit_test (test_all_day),
    cmocka_unit_test (test_utc),
    cmocka_unit_test (test_feed),
    cmocka_unit_test (test_mime_body),
  };
  g_mime_init ();
  int failed = cmocka_run_group_tests_name ("invite", tests, NULL, NULL);
  g_mime_shutdown ();
  icaltimezone_free_builtin_timezones ();
  return failed;
}
