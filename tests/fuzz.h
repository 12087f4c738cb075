/* What the fuzz harnesses share: the ways one input is read.
 *
 * A harness reads each input in several ways (as a text, spliced into a
 * valid calendar, under tiny limits...).  Under libFuzzer one way a run,
 * chosen by the input's size, so that a run costs one parse and the fuzzer
 * learns which way an input takes; the replay programs (tests/fuzz-main.c)
 * take every way with each file. */
#pragma once

#include <glib.h>

/* TRUE when the input of size bytes is read in way i of n. */
static inline gboolean
fuzz_way (size_t size, guint i, guint n)
{
#ifdef FUZZ_LIBFUZZER
  return size % n == i;
#else
  (void) size, (void) i, (void) n;
  return TRUE;
#endif
}
