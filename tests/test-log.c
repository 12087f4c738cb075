/* Tests of gateway/base/log.c: the journal fields of a line, and when the
 * lines go to the journal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/base/log.h"

/* TRUE when fields holds the string field. */
static gboolean
has_field (GPtrArray *fields, const char *field)
{
  for (guint i = 0; i < fields->len; i++)
    if (strcmp (g_ptr_array_index (fields, i), field) == 0)
      return TRUE;
  return FALSE;
}

static void
test_message_and_priority (void **state)
{
  g_autoptr (GPtrArray) f = log_journal_fields (LOG_WARNING, "outbox", "id=4 state=failed");
  assert_string_equal (g_ptr_array_index (f, 0), "MESSAGE=outbox: id=4 state=failed");
  assert_true (has_field (f, "PRIORITY=4"));
  assert_true (has_field (f, "SYSLOG_IDENTIFIER=ctcgw"));
  assert_true (has_field (f, "CTCGW_MODULE=outbox"));
}

static void
test_pairs_are_fields (void **state)
{
  g_autoptr (GPtrArray) f = log_journal_fields (
      LOG_INFO, "intake",
      "mailbox=intake msgid=<a@b> from=\"Ana \\\"A\\\" <a@kz>\" class=submission"
      " submission=CTC-SUB-2026-0001 outcome=accepted");
  assert_true (has_field (f, "MAILBOX=intake"));
  assert_true (has_field (f, "SUBMISSION=CTC-SUB-2026-0001"));
  assert_true (has_field (f, "OUTCOME=accepted"));
  assert_true (has_field (f, "FROM=\"Ana \\\"A\\\" <a@kz>\""));
  assert_true (has_field (f, "MSGID=<a@b>"));
}

static void
test_odd_keys (void **state)
{
  g_autoptr (GPtrArray) f = log_journal_fields (LOG_INFO, "intake",
                                                "retrying in 4 s no-answer=rate-limit =x 9k=1 e=");
  assert_true (has_field (f, "NO_ANSWER=rate-limit"));
  /* MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, CTCGW_MODULE and that one. */
  assert_int_equal (f->len, 5);
}

static void
test_journal_only_when_stderr_is_its_stream (void **state)
{
  struct stat st;
  assert_int_equal (fstat (STDERR_FILENO, &st), 0);
  g_autofree char *mine = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                           (guint64) st.st_dev, (guint64) st.st_ino);
  g_unsetenv ("JOURNAL_STREAM");
  assert_false (log_stderr_is_journal ());
  g_setenv ("JOURNAL_STREAM", "1:2", TRUE);
  assert_false (log_stderr_is_journal ());
  g_setenv ("JOURNAL_STREAM", mine, TRUE);
  assert_true (log_stderr_is_journal ());
  g_unsetenv ("JOURNAL_STREAM");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_message_and_priority),
    cmocka_unit_test (test_pairs_are_fields),
    cmocka_unit_test (test_odd_keys),
    cmocka_unit_test (test_journal_only_when_stderr_is_its_stream),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
