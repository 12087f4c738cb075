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

/* The closest candidate: see form.h.  Close enough means at most
 * max(2, length/3) edits, and fewer edits than the word has characters. */
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
      g_autofree gunichar *cand = folded_chars (*c, &lc);
      if (lc > SUGGEST_LEN_MAX || (guint) ABS (lc - lw) >= best_distance)
        continue;
      guint dist = distance (w, lw, cand, lc);
      if (dist < best_distance)
        {
          best = *c;
          best_distance = dist;
        }
    }
  return best;
}
