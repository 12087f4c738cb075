/* Fuzz target for calendar replies: the bytes as a calendar, the bytes
 * spliced into a valid REPLY (so that libical sees mutated properties of a
 * real event), and the bytes as a message whose calendar is read.  Nothing
 * may crash or leak, and every reply read keeps its promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/imip.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A REPLY cut where the input is spliced in: into the zone's rules, and
 * into the event. */
static const char zone_head[] =
  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:COUNTER\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Vienna\r\n"
  "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n";
static const char zone_tail[] =
  "\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
  "BEGIN:VEVENT\r\nUID:m-1@ctc.example\r\nSEQUENCE:2\r\nDTSTAMP:20260302T090000Z\r\n"
  "DTSTART;TZID=Europe/Vienna:20260310T090000\r\nDTEND;TZID=Europe/Vienna:20260310T170000\r\n"
  "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:d@e.example\":mailto:a@b.example\r\n";
static const char reply_tail[] = "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/* A text of a reply: absent, or UTF-8. */
static void
check_text (const char *text)
{
  g_assert (text == NULL || g_utf8_validate (text, -1, NULL));
}

/* What a reply read promises: a UID, a method, attendees with addresses,
 * every text UTF-8. */
static void
check (ImipMessage *m, GError *error)
{
  g_assert ((m == NULL) != (error == NULL));
  if (m == NULL)
    {
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert (m->uid != NULL && g_utf8_validate (m->uid, -1, NULL));
  const char *const texts[] = {
    m->method, m->dtstamp, m->dtstart, m->dtend, m->location, m->comment,
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_text (texts[i]);
  g_assert (m->sequence >= 0);
  g_assert (m->attendees->len <= CTC_CALENDAR_ATTENDEES_MAX);
  for (guint i = 0; i < m->attendees->len; i++)
    {
      ImipAttendee *a = g_ptr_array_index (m->attendees, i);
      g_assert (a->address != NULL && strchr (a->address, '@') != NULL);
      g_assert (a->partstat != NULL);
      check_text (a->address);
      check_text (a->partstat);
      check_text (a->delegated_to);
    }
}

static void
parse_text (const char *text, gsize len)
{
  GError *error = NULL;
  ImipMessage *m = imip_parse_text (text, len, "REPLY", &error);

  check (m, error);
  imip_message_free (m);
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (fuzz_way (size, 0, 4))
    parse_text ((const char *) data, size);

  if (fuzz_way (size, 1, 4))
    {
      g_autoptr (GString) event = g_string_new (zone_head);
      g_string_append (event, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10");
      g_string_append (event, zone_tail);
      g_string_append_len (event, (const char *) data, size);
      g_string_append (event, reply_tail);
      parse_text (event->str, event->len);
    }

  if (fuzz_way (size, 2, 4))
    {
      g_autoptr (GString) zone = g_string_new (zone_head);
      g_string_append (zone, "RRULE:");
      g_string_append_len (zone, (const char *) data, size);
      g_string_append (zone, zone_tail);
      g_string_append (zone, reply_tail);
      parse_text (zone->str, zone->len);
    }

  if (!fuzz_way (size, 3, 4))
    return 0;
  g_autoptr (GBytes) raw = g_bytes_new (data, size);
  g_autoptr (MailMessage) msg = mail_message_parse (raw, "gateway@ctc.example", NULL, NULL);
  if (msg != NULL && msg->calendar != NULL)
    {
      GError *error = NULL;
      ImipMessage *m = imip_parse (msg, &error);
      check (m, error);
      g_assert (msg->klass != MAIL_CALENDAR_REPLY || m != NULL
                || !g_error_matches (error, IMIP_ERROR, IMIP_ERROR_NO_CALENDAR));
      imip_message_free (m);
      g_clear_error (&error);
    }
  return 0;
}
