/* Limits on everything that comes from outside: the defaults of
 * docs/submissions.md section 5. */
#include "parsers/limits.h"

/* The defaults, for callers with no configuration (tests, the fuzzers). */
CtcLimits
ctc_limits_default (void)
{
  return (CtcLimits) {
    .value_max = CTC_VALUE_MAX_DEFAULT,
    .fields_max = CTC_FIELDS_MAX_DEFAULT,
    .records_max = CTC_RECORDS_MAX_DEFAULT,
    .message_max = CTC_MESSAGE_MAX_DEFAULT,
    .attachment_max = CTC_ATTACHMENT_MAX_DEFAULT,
    .attachments_max = CTC_MESSAGE_MAX_DEFAULT,
  };
}
