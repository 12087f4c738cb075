/* Fuzz target for the rules and starts of schedules (parsers/recur.c): the
 * bytes as an RRULE, as a start, and spliced into a valid rule; an accepted
 * rule is expanded a few steps as the schedules do.  Nothing may crash, hang
 * or leak, and what is accepted keeps its promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parsers/recur.h"
#include "tests/fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Steps of an accepted rule expanded: enough to pass a BY… part or two
 * (each step of libical's iterator goes through an ICU calendar). */
#define FUZZ_RECUR_STEPS 12

/* An accepted rule: hourly or less often, and its first occurrences in
 * order from a start of 2026. */
static void
expand (const struct icalrecurrencetype *rule)
{
  g_assert (rule->freq != ICAL_SECONDLY_RECURRENCE && rule->freq != ICAL_MINUTELY_RECURRENCE);
  struct icaltimetype start = icaltime_from_string ("20260115T090000");
  icalrecur_iterator *it = icalrecur_iterator_new (*rule, start);
  if (it == NULL)
    return;
  struct icaltimetype prev = icaltime_null_time ();
  for (int i = 0; i < FUZZ_RECUR_STEPS; i++)
    {
      struct icaltimetype t = icalrecur_iterator_next (it);
      if (icaltime_is_null_time (t))
        break;
      g_assert (icaltime_is_null_time (prev) || icaltime_compare (prev, t) < 0);
      prev = t;
    }
  icalrecur_iterator_free (it);
}

/* text as an RRULE. */
static void
rule_one (const char *text)
{
  GError *error = NULL;
  struct icalrecurrencetype rule;

  if (recur_rule_read (text, &rule, &error))
    {
      g_assert (error == NULL && recur_printable_ascii (text));
      expand (&rule);
    }
  else
    g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
}

/* text as a start: "YYYY-MM-DDTHH:MM:SS" within the years, or refused. */
static void
start_one (const char *text)
{
  GError *error = NULL;
  g_autofree char *start = recur_start_parse (text, &error);
  int v[6];

  g_assert ((start == NULL) != (error == NULL));
  if (start != NULL)
    {
      g_assert (strlen (start) == 19 && recur_local_time_read (start, v));
      g_assert (v[0] >= RECUR_YEAR_MIN && v[0] <= RECUR_YEAR_MAX);
    }
  else
    g_assert (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  if (fuzz_way (size, 0, 3))
    rule_one (text);
  if (fuzz_way (size, 1, 3))
    start_one (text);
  if (fuzz_way (size, 2, 3))
    {
      g_autofree char *spliced = g_strconcat ("FREQ=MONTHLY;", text, NULL);
      rule_one (spliced);
    }
  return 0;
}
