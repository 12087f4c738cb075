/* Audiences of circulars and distributions: who gets a message.
 *
 *   all                    every active contact point
 *   states                 the contact points of States
 *   organizations          the contact points of organizations
 *   group:NAME             the contact points of the States of a group
 *   entities:CODE,CODE     the contact points of the listed entities
 *   providers:AREA         the contact points of entities with an active
 *                          offer or information source in the area
 *
 * Only active contact points that are not bouncing are included; each
 * address once. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

typedef enum {
  AUDIENCE_ERROR_INVALID,   /* the audience cannot be read: the message says why */
  AUDIENCE_ERROR_DB,
} AudienceError;
#define AUDIENCE_ERROR audience_error_quark ()
GQuark audience_error_quark (void);

typedef struct {
  char *entity;      /* canonical code */
  char *entity_name; /* its name */
  char *name;        /* the contact point's name */
  char *email;
  char *language;    /* first language, the configured one when none */
  char *reference;   /* the contact point's CP reference */
} Recipient;

void recipient_free (Recipient *r);

/* The recipients of audience, sorted by entity then name, with language for
 * those whose contact point names none (the configured default: ctcgw.conf(5)
 * language); NULL with error
 * (AUDIENCE_ERROR_INVALID naming the closest valid form) when the audience
 * is not one of the forms above or names an unknown group, entity or area. */
GPtrArray *audience_resolve (sqlite3 *db, const char *audience, const char *language,
                             GError **error);

/* The audience without the entities of an entities: form that are
 * registered but no longer active (a visit or a meeting may name one that
 * was deactivated since); their codes are added to inactive, once each.
 * Any other audience is returned as it is.  NULL with error when every
 * entity it names is inactive (AUDIENCE_ERROR_INVALID, naming them) or the
 * database fails (AUDIENCE_ERROR_DB). */
char *audience_without_inactive (sqlite3 *db, const char *audience, GPtrArray *inactive,
                                 GError **error);
