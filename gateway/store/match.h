/* Offers that could meet a request, and offers that overlap (action plan
 * D 5 b, F 7 d-f): the rules of the Matrix, shared by `list requests
 * --candidates`, `list offers --overlaps` and the digest.
 *
 * A request and an offer are candidates when the request is active, they
 * share an area, the offer's beneficiaries include the requesting State
 * (by its code, through a group it is a member of, or "all"), the offer is
 * neither withdrawn nor completed (record or status) and its period has
 * not ended (no end date, or one on or after the day asked about).  Each
 * request keeps its best few offers by score (match_score), the offer's
 * reference breaking ties.
 *
 * Two offers overlap when both are open in that sense, they have no
 * provider in common, share an area and at least one beneficiary ("all"
 * shares every one; a group shares its members) and their periods meet
 * (a missing start or end is open on that side).
 *
 * The rules are SQL over the term tables of schema/008-digest.sql, which
 * triggers keep in step with the offers and requests, asked one request or
 * one offer at a time: each question starts from an index and reads the
 * few offers or requests that could match, so the cost grows with what is
 * found, never with offers times requests. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

/* How an offer reaches the requesting State, from the least to the best. */
typedef enum {
  MATCH_REACH_ALL = 1,      /* it names "all" */
  MATCH_REACH_GROUP = 2,    /* it names a group the State is a member of */
  MATCH_REACH_STATE = 3,    /* it names the State */
} MatchReach;

typedef struct {
  char *first;        /* the request (candidates) or the first offer (overlaps) */
  char *first_who;    /* the requesting State, or the first offer's providers */
  char *second;       /* the offer (candidates) or the second offer (overlaps) */
  char *second_who;   /* that offer's providers, space separated */
  char *areas;        /* the areas they share, space separated */
  char *first_title;  /* the request's first line, or the first offer's title */
  char *first_name;   /* the requesting State's name (candidates), or NULL */
  char *second_title; /* the offer's title */
  /* Candidates only (0 or NULL for overlaps): */
  int score;          /* match_score: higher is better */
  MatchReach reach;   /* how the offer reaches the State */
  char *reach_name;   /* the State's or the group's name, or "all States" */
  char *start;        /* the offer's start date, or NULL */
  guint results;      /* results reported by the offer's providers */
  char *reason;       /* the score in words: "shares border-control; for Central
                       * Asia; under way; UNODC reported 2 results" */
} MatchPair;

void match_pair_free (MatchPair *pair);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MatchPair, match_pair_free)

/* The best offers kept for each request when no number is given. */
#define MATCH_TOP 5

/* The score of a candidate: twelve points an area shared (more than all
 * the rest together), then how the offer reaches the State (3 named, 2
 * through a group, 1 through "all"), 3 when it is under way on the day
 * (started, or no start date), and a point for each result its providers
 * reported, five at most (ctcgw(8), list requests --candidates). */
int match_score (guint shared_areas, MatchReach reach, gboolean under_way, guint results);

/* The reason of pair in words, a new string; under_way as for match_score. */
char *match_reason (const MatchPair *pair, gboolean under_way);

/* A window of change: only the pairs of which a record was filed, updated
 * or withdrawn at or after since and before until (ISO 8601 UTC text). */
typedef struct {
  const char *since;
  const char *until;
} MatchWindow;

/* The candidate pairs as new MatchPairs in an array that frees them.  day
 * ("YYYY-MM-DD") is the day whose end has not passed; limit 0: no limit.
 * Window NULL: every active request by reference, each with its best top
 * offers by score.  Else, first each request changed in the window with
 * its best top offers, then each offer changed in it with the best top
 * requests, not changed themselves, that it could meet, the records taken
 * in the order they changed until limit pairs are found (so the first
 * are found without reading the others).  NULL with error when the
 * database fails. */
GPtrArray *match_candidates_top (sqlite3 *db, const char *day, const MatchWindow *window,
                                 guint top, guint limit, GError **error);

/* match_candidates_top with MATCH_TOP. */
GPtrArray *match_candidates (sqlite3 *db, const char *day, const MatchWindow *window,
                             guint limit, GError **error);

/* The overlapping pairs of offers, each once (first < second by
 * reference), ordered by first then second.  Window NULL: every pair;
 * else the pairs of the offers changed in it, taken in the order they
 * changed until limit pairs are found (limit 0: no limit). */
GPtrArray *match_overlaps (sqlite3 *db, const char *day, const MatchWindow *window,
                           guint limit, GError **error);

/* One offer of an overlap group. */
typedef struct {
  char *reference;
  char *providers;    /* space separated */
  char *title;
  char *start;        /* or NULL */
  char *end;          /* or NULL */
  gboolean reaches_all;
} MatchOffer;

/* The open offers of one area that reach one State (or "all") and overlap
 * another of them: for each State, the offers that reach it by name or
 * group and overlap another of the group, with the offers for "all" that
 * overlap one of those; then, under "all", the offers for "all" that
 * overlap one another. */
typedef struct {
  char *area;
  char *beneficiary;  /* the State's code, or "all" */
  char *name;         /* the State's name, or "all States" */
  GPtrArray *offers;  /* of MatchOffer, by reference */
} MatchGroup;

void match_group_free (MatchGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MatchGroup, match_group_free)

/* The overlap groups on day, by area then State ("all" last), as new
 * MatchGroups in an array that frees them; NULL with error when the
 * database fails. */
GPtrArray *match_overlap_groups (sqlite3 *db, const char *day, GError **error);
