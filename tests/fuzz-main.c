/* A main() for the fuzz harnesses when libFuzzer is not used: each file
 * argument is run through LLVMFuzzerTestOneInput once; without arguments,
 * FUZZ_ITERATIONS (default 20000) inputs made by mutating a few built-in
 * seeds, from a fixed seed so a run can be repeated, or as many as
 * FUZZ_SECONDS allow when it is set (make fuzz without clang).  A crash is the
 * failure; otherwise the exit status is 0.  With -DFUZZ_LIBFUZZER this file
 * is empty and libFuzzer brings its own main(). */
#ifndef FUZZ_LIBFUZZER

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_INPUT_MAX 65536

/* Seeds: a message with a form body and a CSV attachment, a bare form,
 * a CSV file, an automatic reply, and a calendar reply whose BEGIN lines
 * are folded. */
static const char *const seeds[] = {
  "From: Aigerim <a@mfa.example>\r\nTo: ctc@un.example\r\nSubject: Offer\r\n"
  "Message-ID: <1@mfa.example>\r\nMIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n\r\nDear colleagues,\r\n\r\n"
  "Form: assistance-offer\r\nProvider: UNODC, OSCE\r\nTitle: Workshop\r\n"
  "Areas: terrorist-financing\r\nBeneficiaries: KZ, KG, Central Asia\r\n"
  "Start: 2026-03-02\r\nEnd: 2026-03-06\r\nObjectives: Draft\r\n  amendments\r\n"
  "Contacts: j.doe@unodc.example\r\n-- \r\nAigerim\r\n--b\r\n"
  "Content-Type: text/csv; name=\"inventory.csv\"\r\n"
  "Content-Disposition: attachment; filename=\"inventory.csv\"\r\n\r\n"
  "Entity,Kind,Title,Year\r\nKZ,activity,\"Training, basic\",2026\r\n--b--\r\n",
  "Form: contact-point\nEntity: KZ\nName: A\nEmail: a@b.example\nLanguages: en, ru\n"
  "---\nFormulaire: inventory\nRéférence: CTC-INV-2026-0001\nAction: withdraw\n"
  "> Form: standard\n\nOn Mon, 2 Mar 2026, John <j@x.example> wrote:\n> quoted\n",
  "\xef\xbb\xbf" "Form;Entity;Kind;Title;Areas\ninventory;KZ;mechanism;\"a;b\";other\n"
  "contact-point;KG;;;\n",
  "From: a@b.example\nAuto-Submitted: auto-replied\nSubject: Out of office\n\n"
  "I am away.\n-----Original Message-----\nFrom: ctc\nSent: today\n\nForm: inventory\n",
  "From: a@b.example\r\nSubject: Accepted\r\nMIME-Version: 1.0\r\n"
  "Content-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
  "B\r\n EGIN:VTIMEZONE\r\nTZID:Z\r\nBEG\n\tIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
  "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
  "BEGIN:VEVENT\r\nUID:m-1@ctc.example\r\nDTSTART;TZID=Z:20260310T090000\r\n"
  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
};

/* Fragments inserted by the mutator: the syntax the parsers care about. */
static const char *const tokens[] = {
  "Form:", "Form: contact-point\n", ":", "\n", "\r\n", ",", ";", "\"", "--\n",
  "---\n", ">", "  ", "\t", "\xef\xbb\xbf", "\xc3", "\xff", "=?utf-8?q?x?=",
  "--b\r\n", "Content-Type: text/plain\r\n\r\n", "wrote:\n", "Email: ",
  "CTC-OFF-2026-0001", "\0", "\r\n ", "BEGIN:X\r\n", "B\r\n\tEGIN:X\r\n",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: a small generator whose sequence is the same on every run. */
static uint64_t
rng (void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

/* Inserts n bytes of what at pos, as far as the buffer allows. */
static size_t
insert (uint8_t *buf, size_t len, size_t pos, const void *what, size_t n)
{
  if (len + n > FUZZ_INPUT_MAX)
    return len;
  memmove (buf + pos + n, buf + pos, len - pos);
  memcpy (buf + pos, what, n);
  return len + n;
}

/* One random change to buf: flip, insert a token, delete, duplicate or
 * truncate. */
static size_t
mutate (uint8_t *buf, size_t len)
{
  size_t pos = len ? rng () % (len + 1) : 0;
  switch (rng () % 6)
    {
    case 0:
      if (len)
        buf[rng () % len] ^= (uint8_t) (1u << (rng () % 8));
      return len;
    case 1:
    case 2:
      {
        const char *t = tokens[rng () % (sizeof tokens / sizeof tokens[0])];
        return insert (buf, len, pos, t, *t ? strlen (t) : 1);
      }
    case 3:
      {
        size_t n = len - pos ? rng () % (len - pos) % 64 : 0;
        memmove (buf + pos, buf + pos + n, len - pos - n);
        return len - n;
      }
    case 4:
      {
        size_t n = len - pos ? rng () % (len - pos) % 256 : 0;
        uint8_t copy[256];
        memcpy (copy, buf + pos, n);
        return insert (buf, len, pos, copy, n);
      }
    default:
      return pos;
    }
}

/* Runs each file named on the command line once. */
static int
run_files (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      if (f == NULL)
        {
          perror (argv[i]);
          return 1;
        }
      static uint8_t buf[16 * 1024 * 1024];
      size_t len = fread (buf, 1, sizeof buf, f);
      fclose (f);
      LLVMFuzzerTestOneInput (buf, len);
    }
  return 0;
}

/* Seconds since some fixed point. */
static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Replays files, or runs the seeded random inputs. */
int
main (int argc, char **argv)
{
  if (argc > 1)
    return run_files (argc, argv);
  const char *env = getenv ("FUZZ_ITERATIONS");
  const char *seconds = getenv ("FUZZ_SECONDS");
  long iterations = env ? strtol (env, NULL, 10) : 20000;
  double until = seconds != NULL ? now () + strtod (seconds, NULL) : 0;
  static uint8_t buf[FUZZ_INPUT_MAX];
  if (seconds != NULL)
    iterations = -1;
  long i;
  for (i = 0; iterations < 0 || i < iterations; i++)
    {
      if (seconds != NULL && i % 64 == 0 && now () >= until)
        break;
      const char *seed = seeds[i % (long) (sizeof seeds / sizeof seeds[0])];
      size_t len = strlen (seed);
      memcpy (buf, seed, len);
      for (uint64_t m = 1 + rng () % 8; m > 0; m--)
        len = mutate (buf, len);
      LLVMFuzzerTestOneInput (buf, len);
    }
  printf ("%ld inputs\n", i);
  return 0;
}

#endif /* FUZZ_LIBFUZZER */
