/* Who may submit (docs/submissions.md section 6): staff, and the active
 * contact points of the entities the records speak for. */

#include <string.h>

#include "gateway/flows/authorize.h"
#include "gateway/base/log.h"
#include "gateway/store/db.h"
#include "gateway/store/registers.h"
#include "parsers/address.h"
#include "parsers/authres.h"

/* The Authentication-Results headers of auth_results (one a line) that
 * parse (RFC 8601) and whose authserv-id is authserv_id.  A malformed one
 * is left out, and logged when say is TRUE. */
static GPtrArray *
trusted_headers (const char *auth_results, const char *authserv_id, gboolean say)
{
  GPtrArray *trusted = g_ptr_array_new_with_free_func ((GDestroyNotify) authres_free);
  if (auth_results == NULL || authserv_id == NULL)
    return trusted;
  g_auto (GStrv) headers = g_strsplit (auth_results, "\n", -1);
  for (guint i = 0; headers[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      AuthRes *ar = authres_parse (headers[i], &error);
      if (ar == NULL && say)
        {
          g_autofree char *why = log_escape (error->message);
          log_info ("authorize", "ignored=authentication-results reason=%s", why);
        }
      if (ar != NULL && g_ascii_strcasecmp (ar->authserv_id, authserv_id) == 0)
        g_ptr_array_add (trusted, ar);
      else
        authres_free (ar);
    }
  return trusted;
}

gboolean
authorize_auth_failed (const char *auth_results, const char *authserv_id)
{
  g_autoptr (GPtrArray) trusted = trusted_headers (auth_results, authserv_id, FALSE);
  for (guint i = 0; i < trusted->len; i++)
    {
      const AuthRes *ar = g_ptr_array_index (trusted, i);
      if (authres_has (ar, "dmarc", "fail")
          || (authres_has (ar, "dkim", "fail") && authres_has (ar, "spf", "fail")))
        return TRUE;
    }
  return FALSE;
}

gboolean
authorize_dmarc_passed (const char *auth_results, const char *authserv_id)
{
  g_autoptr (GPtrArray) trusted = trusted_headers (auth_results, authserv_id, TRUE);
  gboolean passed = FALSE;
  for (guint i = 0; i < trusted->len; i++)
    passed = passed || authres_has (g_ptr_array_index (trusted, i), "dmarc", "pass");
  return passed && !authorize_auth_failed (auth_results, authserv_id);
}

static gboolean
array_has (GPtrArray *array, const char *s)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), s) == 0)
      return TRUE;
  return FALSE;
}

/* One author (RFC 5322 section 3.6; docs/submissions.md section 6): one
 * From field naming one mailbox, and no Sender other than it.  Why not, or
 * NULL. */
static char *
authors_refusal (const MailMessage *msg)
{
  if (msg->from_fields > 1)
    return g_strdup_printf ("%u From fields: a message has one author"
                            " (RFC 5322 section 3.6)", msg->from_fields);
  if (msg->from_mailboxes > 1)
    return g_strdup_printf ("From names %u mailboxes: a message has one author"
                            " (RFC 5322 section 3.6)", msg->from_mailboxes);
  if (msg->sender_addr != NULL)
    return g_strdup_printf ("Sender %s is not the From address %s: a message has one"
                            " author", msg->sender_addr,
                            msg->from_addr ? msg->from_addr : "(none)");
  return NULL;
}

/* The address of the configuration (the gateway's own, then the staff's)
 * that a sender with this key and skeleton looks like without being it;
 * *is_known when it is one of them. */
static const char *
configured_look_alike (const Config *config, const char *key, const char *skeleton,
                       gboolean *is_known)
{
  g_autoptr (GPtrArray) known = g_ptr_array_new ();
  const char *like = NULL;

  *is_known = FALSE;
  if (config->address != NULL)
    g_ptr_array_add (known, config->address);
  for (char **s = config->staff; s != NULL && *s != NULL; s++)
    g_ptr_array_add (known, *s);
  for (guint i = 0; i < known->len; i++)
    {
      const char *k = g_ptr_array_index (known, i);
      g_autofree char *known_key = address_normalize (k);
      if (key != NULL && g_strcmp0 (key, known_key) == 0)
        *is_known = TRUE;
      g_autofree char *known_skeleton = like == NULL ? address_skeleton (k) : NULL;
      if (known_skeleton != NULL && g_strcmp0 (skeleton, known_skeleton) == 0)
        like = k;
    }
  return *is_known ? NULL : like;
}

/* "looks like a.nurlanova@mfa.kz.example" when the sender's address has the
 * confusable skeleton of a known one without being it (docs/submissions.md
 * section 6): a contact point's, found through the index of skeletons, or
 * the gateway's or a staff member's; else NULL. */
static char *
look_alike_refusal (sqlite3 *db, const Config *config, const char *sender, GError **error)
{
  g_autofree char *key = address_normalize (sender);
  g_autofree char *skeleton = address_skeleton (sender);
  gboolean configured = FALSE, contact = FALSE;
  const char *configured_like = configured_look_alike (config, key, skeleton, &configured);
  g_autofree char *like = NULL;

  if (configured
      || !registers_contact_look_alike (db, key, skeleton, &contact, &like, error)
      || contact)
    return NULL;
  if (like == NULL && configured_like == NULL)
    return NULL;
  return g_strdup_printf ("looks like %s: the sender %s is another address",
                          like != NULL ? like : configured_like, sender);
}

/* Why the author of msg is nobody the registers could know: several
 * authors, a look-alike, or an address that is not plain; NULL with error
 * set on a database failure. */
static char *
author_refusal (sqlite3 *db, const Config *config, const MailMessage *msg, GError **error)
{
  char *refusal = authors_refusal (msg);
  if (refusal != NULL || msg->from_addr == NULL)
    return refusal;
  refusal = look_alike_refusal (db, config, msg->from_addr, error);
  g_autofree char *plain = address_normalize (msg->from_addr);
  if (refusal == NULL && plain == NULL)
    refusal = g_strdup_printf ("%s is not a plain email address", msg->from_addr);
  return refusal;
}

/* A record that names nobody (a result without Reporter, information without
 * Entity) speaks for the sender's first entity. */
static void
default_owner (FormRecord *rec, GPtrArray *entities)
{
  const FormFieldSpec *spec = form_kind_field (rec->kind, rec->kind->owner_field);
  if (spec == NULL || spec->column == NULL || entities->len == 0)
    return;
  const char *code = g_ptr_array_index (entities, 0);
  g_hash_table_replace (rec->columns, g_strdup (spec->column), g_strdup (code));
  g_ptr_array_add (rec->owners, g_strdup (code));
  g_free (rec->owner);
  rec->owner = g_strdup (code);
}

/* Why the sender, who speaks for entities, may not speak for owners: a
 * problem of rec, which an answer says in its own language. */
static FormProblem *
owners_refusal (const char *sender, const FormRecord *rec, GPtrArray *owners,
                GPtrArray *entities)
{
  const char *field = rec->kind->owner_field;
  for (guint i = 0; i < owners->len; i++)
    if (array_has (entities, g_ptr_array_index (owners, i)))
      return NULL;
  if (owners->len == 0)
    return problem_new_args (rec->source, rec->line, rec->csv, field,
                             PROBLEM_SPEAKS_FOR_NO_ENTITY, NULL, sender, NULL);
  return problem_new_args (rec->source, rec->line, rec->csv, field,
                           PROBLEM_NOT_CONTACT_POINT_OF, NULL, sender,
                           (const char *) g_ptr_array_index (owners, 0), NULL);
}

/* A visit form speaks for the visited State; one naming no known visit is
 * refused when it is filed. */
static FormProblem *
visit_refusal (sqlite3 *db, const char *sender, const FormRecord *rec, GPtrArray *entities)
{
  const char *visit = g_hash_table_lookup (rec->columns, "visit");
  char *state = visit ? registers_visit_state (db, visit) : NULL;
  if (state == NULL)
    return NULL;
  g_autoptr (GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (owners, state);
  return owners_refusal (sender, rec, owners, entities);
}

/* An update or withdrawal: the sender must speak for the record as stored,
 * and for the owners it gives it, if any.  A reference that names no record
 * is refused when it is filed. */
static FormProblem *
update_refusal (sqlite3 *db, const char *sender, const FormRecord *rec, GPtrArray *entities)
{
  g_autoptr (GPtrArray) stored = registers_record_owners (db, rec);
  FormProblem *refusal = stored != NULL ? owners_refusal (sender, rec, stored, entities) : NULL;
  if (refusal == NULL && stored != NULL && rec->owners->len > 0)
    refusal = owners_refusal (sender, rec, rec->owners, entities);
  return refusal;
}

/* Why the sender may not file rec, or NULL. */
static FormProblem *
record_refusal (sqlite3 *db, const char *sender, FormRecord *rec, GPtrArray *entities)
{
  if (rec->kind->owner_field == NULL)
    return visit_refusal (db, sender, rec, entities);
  if (rec->reference != NULL)
    return update_refusal (db, sender, rec, entities);
  return owners_refusal (sender, rec, rec->owners, entities);
}

/* The reason of a quarantine for the records refused, one after the
 * other: "assistance-offer line 6: … is not a contact point of KZ;
 * contact-point line 11: …". */
static char *
records_reason (const FormParse *parse, GPtrArray *refused)
{
  GString *reason = g_string_new (NULL);
  for (guint i = 0; i < refused->len; i++)
    {
      const FormProblem *p = refused->pdata[i];
      const FormRecord *rec = parse->records->pdata[i];
      if (p != NULL)
        g_string_append_printf (reason, "%s%s line %u: %s", reason->len ? "; " : "",
                                rec->kind->name, rec->line, p->message);
    }
  return g_string_free (reason, reason->len == 0);
}

void
authorize_defaults (sqlite3 *db, const MailMessage *msg, FormParse *parse)
{
  /* The author is From; whether a differing Sender may send for it is
   * authorize_submission's question. */
  g_autoptr (GPtrArray) entities = registers_sender_entities (db, msg->from_addr);
  if (entities == NULL)
    return;
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = g_ptr_array_index (parse->records, i);
      if (rec->kind != NULL && rec->problems->len == 0 && rec->kind->owner_field != NULL
          && rec->reference == NULL && rec->owners->len == 0)
        default_owner (rec, entities);
    }
}

char *
authorize_submission (sqlite3 *db, const Config *config, const MailMessage *msg,
                      MailAuth auth, FormParse *parse, GError **error)
{
  const char *sender = msg->from_addr ? msg->from_addr : "(no sender)";
  if (auth != MAIL_AUTH_DKIM && auth != MAIL_AUTH_DMARC
      && authorize_auth_failed (msg->auth_results, config->trusted_authserv_id))
    return g_strdup_printf ("Authentication-Results from %s reports a failure",
                            config->trusted_authserv_id);
  GError *local = NULL;
  char *author = author_refusal (db, config, msg, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      g_free (author);
      return NULL;
    }
  if (author != NULL)
    return author;
  /* Staff rights by mail need an authenticated sender, unless the policy
   * is none (ctcgw(8), AUTHENTICATION): else staff's address is one more
   * unknown sender. */
  if (config_is_staff (config, msg->from_addr)
      && (auth != MAIL_AUTH_NONE || config->auth_require == AUTH_REQUIRE_NONE))
    return NULL;
  g_autoptr (GPtrArray) entities = registers_sender_entities (db, msg->from_addr);
  if (entities->len == 0)
    return g_strdup_printf ("%s is not an active contact point of any entity", sender);
  g_autoptr (GPtrArray) refused = authorize_records (db, msg, parse);
  return records_reason (parse, refused);
}

GPtrArray *
authorize_records (sqlite3 *db, const MailMessage *msg, FormParse *parse)
{
  const char *sender = msg->from_addr ? msg->from_addr : "(no sender)";
  g_autoptr (GPtrArray) entities = registers_sender_entities (db, msg->from_addr);
  GPtrArray *refused = g_ptr_array_new_with_free_func ((GDestroyNotify) form_problem_free);
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = g_ptr_array_index (parse->records, i);
      gboolean checked = rec->kind != NULL && rec->problems->len == 0;
      g_ptr_array_add (refused, checked && entities != NULL
                       ? record_refusal (db, sender, rec, entities) : NULL);
    }
  return refused;
}

/* How strict a policy is: authenticated, then confirm, then none. */
static int
policy_rank (AuthRequire require)
{
  switch (require)
    {
    case AUTH_REQUIRE_AUTHENTICATED: return 2;
    case AUTH_REQUIRE_CONFIRM: return 1;
    default: return 0;
    }
}

/* The policy of entity code: its entities.require, or fallback when NULL
 * (schema/013-entity-policy.sql). */
static gboolean
entity_policy (sqlite3 *db, const char *code, AuthRequire fallback, AuthRequire *require,
               GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT require FROM entities WHERE code = ?1 AND require IS NOT NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  *require = fallback;
  if (rc == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (st, 0);
      *require = g_strcmp0 (value, "authenticated") == 0 ? AUTH_REQUIRE_AUTHENTICATED
               : g_strcmp0 (value, "none") == 0 ? AUTH_REQUIRE_NONE : AUTH_REQUIRE_CONFIRM;
    }
  else if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading an entity's policy");
      return FALSE;
    }
  return TRUE;
}

/* Adds the entities rec names, and those of the record it updates. */
static void
add_named (sqlite3 *db, const FormRecord *rec, GPtrArray *named)
{
  for (guint i = 0; i < rec->owners->len; i++)
    if (!array_has (named, rec->owners->pdata[i]))
      g_ptr_array_add (named, g_strdup (rec->owners->pdata[i]));
  g_autoptr (GPtrArray) stored = rec->reference != NULL ? registers_record_owners (db, rec) : NULL;
  for (guint i = 0; stored != NULL && i < stored->len; i++)
    if (!array_has (named, stored->pdata[i]))
      g_ptr_array_add (named, g_strdup (stored->pdata[i]));
}

/* The entities the checked records of parse name (newly allocated). */
static GPtrArray *
named_entities (sqlite3 *db, const FormParse *parse)
{
  GPtrArray *named = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < parse->records->len; i++)
    {
      const FormRecord *rec = g_ptr_array_index (parse->records, i);
      if (rec->kind != NULL && rec->problems->len == 0)
        add_named (db, rec, named);
    }
  return named;
}

gboolean
authorize_policy (sqlite3 *db, const Config *config, const FormParse *parse,
                  AuthRequire *require, GError **error)
{
  g_autoptr (GPtrArray) named = named_entities (db, parse);
  *require = config->auth_require;
  for (guint i = 0; i < named->len; i++)
    {
      AuthRequire own;
      if (!entity_policy (db, named->pdata[i], config->auth_require, &own, error))
        return FALSE;
      if (i == 0 || policy_rank (own) > policy_rank (*require))
        *require = own;
    }
  return TRUE;
}

/* Sets *strict when entity code has dkim_alignment 'strict'. */
static gboolean
entity_strict (sqlite3 *db, const char *code, gboolean *strict, GError **error)
{
  g_autoptr (sqlite3_stmt) st = db_prepare (db,
      "SELECT 1 FROM entities WHERE code = ?1 AND dkim_alignment = 'strict'", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, code, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *strict = TRUE;
  else if (rc != SQLITE_DONE)
    {
      db_set_error (db, error, "reading an entity's DKIM alignment");
      return FALSE;
    }
  return TRUE;
}

gboolean
authorize_strict (sqlite3 *db, const FormParse *parse, gboolean *strict, GError **error)
{
  g_autoptr (GPtrArray) named = named_entities (db, parse);
  *strict = FALSE;
  for (guint i = 0; i < named->len && !*strict; i++)
    if (!entity_strict (db, named->pdata[i], strict, error))
      return FALSE;
  return TRUE;
}
