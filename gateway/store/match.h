/* Offers that could meet a request, and offers that overlap (action plan
 * D 5 b, F 7 d-f): the rules of the Matrix, shared by `list requests
 * --candidates`, `list offers --overlaps` and the digest.
 *
 * A request and an offer are candidates when the request is active, they
 * share an area, the offer's beneficiaries include the requesting State
 * (by its code, through a group it is a member of, or "all"), the offer is
 * neither withdrawn nor completed (record or status) and its period has
 * not ended (no end date, or one on or after the day asked about).
 *
 * Two offers overlap when both are open in that sense, they have no
 * provider in common, share an area and at least one beneficiary ("all"
 * shares every one; a group shares its members) and their periods meet
 * (a missing start or end is open on that side).
 *
 * The rules are SQL over the term tables of schema/008-digest.sql, which
 * triggers keep in step with the offers and requests: every query starts
 * from an index, so the digest never reads a whole register. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef struct {
  char *first;        /* the request (candidates) or the first offer (overlaps) */
  char *first_who;    /* the requesting State, or the first offer's providers */
  char *second;       /* the offer (candidates) or the second offer (overlaps) */
  char *second_who;   /* that offer's providers, space separated */
  char *areas;        /* the areas they share, space separated */
} MatchPair;

void match_pair_free (MatchPair *pair);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MatchPair, match_pair_free)

/* A window of change: only the pairs of which a record was filed, updated
 * or withdrawn at or after since and before until (ISO 8601 UTC text). */
typedef struct {
  const char *since;
  const char *until;
} MatchWindow;

/* The candidate pairs, ordered by request then offer, as new MatchPairs in
 * an array that frees them.  day ("YYYY-MM-DD") is the day whose end has
 * not passed; window NULL: every pair, else only the pairs in it; limit 0:
 * no limit.  NULL with error when the database fails. */
GPtrArray *match_candidates (sqlite3 *db, const char *day, const MatchWindow *window,
                             guint limit, GError **error);

/* The overlapping pairs of offers, each once (first < second by
 * reference), likewise. */
GPtrArray *match_overlaps (sqlite3 *db, const char *day, const MatchWindow *window,
                           guint limit, GError **error);
