/* "Did you mean": the closest valid name to what was written, so a reply
 * can say `unknown field "Emial"; did you mean "Email"?`. */
#include "parsers/form.h"

#include <string.h>

/* Words longer than this are not compared: no key or code is that long. */
#define SUGGEST_LEN_MAX 128

/* The case-folded characters of text, at most SUGGEST_LEN_MAX + 1. */
static gunichar *
folded_chars (const char *text, glong *len)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *folded = g_utf8_casefold (valid, -1);
  glong n = g_utf8_strlen (folded, -1);
  *len = MIN (n, SUGGEST_LEN_MAX + 1);
  return g_utf8_to_ucs4_fast (folded, -1, NULL);
}

/* TRUE when text is ASCII: its case folding is then g_ascii_tolower, byte
 * by byte, without a copy.  The candidates mostly are, and a suggestion
 * compares a word with every one of them. */
static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* Damerau-Levenshtein distance (optimal string alignment) of a and b. */
static guint
distance (const gunichar *a, glong la, const gunichar *b, glong lb)
{
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (glong i = 0; i <= la; i++)
    D (i, 0) = i;
  for (glong j = 0; j <= lb; j++)
    D (0, j) = j;
  for (glong i = 1; i <= la; i++)
    for (glong j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
        guint best = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);
        best = MIN (best, D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, D (i - 2, j - 2) + 1);
        D (i, j) = best;
      }
  guint result = D (la, lb);
#undef D
  return result;
}

/* Words shorter than this are not matched by shared_word(): "of", "and". */
#define SUGGEST_WORD_MIN 4

/* The words of text (split at space, '-' and '_'), case-folded, each of
 * SUGGEST_WORD_MIN characters or more.  New NULL-terminated array. */
static char **
words_of (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *folded = g_utf8_casefold (valid, -1);
  g_auto (GStrv) parts = g_strsplit_set (folded, " -_", -1);
  GPtrArray *words = g_ptr_array_new ();

  for (char **p = parts; *p; p++)
    if (g_utf8_strlen (*p, -1) >= SUGGEST_WORD_MIN)
      g_ptr_array_add (words, g_strdup (*p));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

/* TRUE when the ASCII text has word (case-folded) among its words, split
 * as words_of() splits. */
static gboolean
ascii_has_word (const char *text, const char *word)
{
  gsize n = strlen (word);

  for (const char *p = text; *p != '\0';)
    {
      gsize len = strcspn (p, " -_");
      if (len == n && g_ascii_strncasecmp (p, word, n) == 0)
        return TRUE;
      p += len + (p[len] != '\0');
    }
  return FALSE;
}

/* How many words of a are also words of candidate. */
static guint
shared_words (char **a, const char *candidate)
{
  guint n = 0;

  if (is_ascii (candidate))
    {
      for (char **w = a; *w; w++)
        n += ascii_has_word (candidate, *w);
      return n;
    }
  g_auto (GStrv) theirs = words_of (candidate);
  for (char **w = a; *w; w++)
    n += g_strv_contains ((const char *const *) theirs, *w);
  return n;
}

/* When nothing is a few edits away, the one candidate that shares the most
 * words with word: "border-security" is closest to "border-control", far as
 * the edits are.  NULL when none shares a word, or two share as many. */
static const char *
shared_word (const char *word, const char *const *candidates)
{
  g_auto (GStrv) mine = words_of (word);
  const char *best = NULL;
  guint best_count = 0;
  gboolean tie = FALSE;

  if (mine[0] == NULL)
    return NULL;
  for (const char *const *c = candidates; *c; c++)
    {
      guint n = shared_words (mine, *c);
      if (n > best_count)
        {
          best = *c;
          best_count = n;
          tie = FALSE;
        }
      else if (n > 0 && n == best_count)
        tie = TRUE;
    }
  return tie ? NULL : best;
}

/* The closest candidate: see form.h.  Close enough means at most
 * max(2, length/3) edits, and fewer edits than the word has characters;
 * failing that, the one candidate that shares a word with it. */
const char *
form_suggest (const char *word, const char *const *candidates)
{
  if (word == NULL || candidates == NULL || strlen (word) > 4 * SUGGEST_LEN_MAX)
    return NULL;
  glong lw;
  g_autofree gunichar *w = folded_chars (word, &lw);
  if (lw == 0 || lw > SUGGEST_LEN_MAX)
    return NULL;
  guint limit = MAX (2, (guint) lw / 3);
  if (limit >= (guint) lw)
    limit = lw - 1;
  const char *best = NULL;
  guint best_distance = limit + 1;
  for (const char *const *c = candidates; *c; c++)
    {
      glong lc;
      gunichar ascii[SUGGEST_LEN_MAX];
      g_autofree gunichar *folded = NULL;
      const gunichar *cand = ascii;
      if (is_ascii (*c))
        {
          lc = (glong) MIN (strlen (*c), SUGGEST_LEN_MAX + 1);
          for (glong i = 0; i < lc && i < SUGGEST_LEN_MAX; i++)
            ascii[i] = g_ascii_tolower ((*c)[i]);
        }
      else
        cand = folded = folded_chars (*c, &lc);
      if (lc > SUGGEST_LEN_MAX || (guint) ABS (lc - lw) >= best_distance)
        continue;
      guint dist = distance (w, lw, cand, lc);
      if (dist < best_distance)
        {
          best = *c;
          best_distance = dist;
        }
    }
  return best != NULL ? best : shared_word (word, candidates);
}
