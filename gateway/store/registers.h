/* Filing checked records into the registers, with their history.
 * Each call runs inside the caller's transaction. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "parsers/form.h"

typedef enum {
  FILED_NEW,        /* a new record with a new reference */
  FILED_UPDATED,    /* Reference: named an existing record; fields changed */
  FILED_UNCHANGED,  /* Reference: named it, nothing changed */
  FILED_WITHDRAWN,  /* Action: withdraw */
  FILED_REFUSED,    /* not filed: rec->problems says why */
} FiledHow;

typedef struct {
  FiledHow how;
  char *reference;        /* the record's reference, or NULL when refused;
                           * for visit-information and visit-consent, which
                           * have none of their own, the visit's */
  GPtrArray *changed;     /* canonical field names that changed (updates) */
  GPtrArray *deactivated; /* references of the contact points that its
                           * Replaces: made inactive, or NULL */
} FiledRecord;

void filed_record_clear (FiledRecord *out);

/* "new", "updated", "unchanged", "withdrawn", "refused": the word of the
 * acknowledgement and of submission_records.how. */
const char *filed_how_name (FiledHow how);

/* Files one checked record (no problems) for the submission submission_id
 * (0: none, e.g. staff tools): insert, update (Reference:) or withdraw, and
 * a history row for every field that changed.  An update changes only the
 * fields the record names.  A contact-point without Reference for an email
 * its entity already has updates that contact; Replaces: marks the named
 * contact of the entity inactive.  A reference that does not exist or
 * belongs to another register, a result's target or a Visit that does not
 * exist, or a value the register refuses becomes a problem of rec and
 * out->how = FILED_REFUSED, with nothing written (TRUE is still returned).
 * Whether the sender speaks for the record is the caller's check (see
 * registers_record_owners).  FALSE only for a database failure.  out is
 * overwritten: clear it with filed_record_clear. */
gboolean registers_file (sqlite3 *db, const char *prefix, FormRecord *rec,
                         gint64 submission_id, FiledRecord *out, GError **error);

/* registers_file for a row of a staff import (ctcgw(8), import), which
 * may be imported again: a Reference that is not in the register files a
 * new record under that reference (withdrawn at once with Action
 * withdraw), and a row without Reference that has every value of an
 * active record of the register is that record, unchanged (a contact
 * point still goes by its entity and email). */
gboolean registers_import (sqlite3 *db, const char *prefix, FormRecord *rec,
                           gint64 submission_id, FiledRecord *out, GError **error);

/* The lookup table of form.h backed by the entities and groups registers;
 * data is db, which must outlive it. */
FormLookup registers_lookup (sqlite3 *db);

/* The codes of the entities for which email (compared as an address,
 * parsers/address.h) is a contact point
 * neither withdrawn nor inactive (a bouncing one still counts), sorted: a
 * new array of new strings, empty when there is none. */
GPtrArray *registers_sender_entities (sqlite3 *db, const char *email);

/* The contact point not withdrawn that an address (its address(), key, and
 * its skeleton, parsers/address.h) is or looks like, each one lookup of an
 * index: *is_contact is TRUE when key is a contact point's address; else
 * *like is the address as written of the first contact point (by address)
 * with the same skeleton, a new string, or NULL.  FALSE with error set on
 * a database failure. */
gboolean registers_contact_look_alike (sqlite3 *db, const char *key, const char *skeleton,
                                       gboolean *is_contact, char **like, GError **error);

/* The code of the State that the visit visit_reference is to (the owner of
 * a visit-consent), or NULL when there is no such visit. */
char *registers_visit_state (sqlite3 *db, const char *visit_reference);

/* The name of the entity code in the entities register ("Kazakhstan"), or
 * NULL when there is none. */
char *registers_entity_name (sqlite3 *db, const char *code);

/* Who the existing record that rec updates (rec->reference) speaks for:
 * the codes in its owner field, several for a joint offer.  The caller
 * checks that the sender speaks for one of them before filing an update
 * (rec->owners holds only who the update itself names).  A new array of new
 * strings, or NULL when rec updates no existing record. */
GPtrArray *registers_record_owners (sqlite3 *db, const FormRecord *rec);
