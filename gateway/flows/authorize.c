/* Who may submit (docs/submissions.md section 6): staff, and the active
 * contact points of the entities the records speak for. */

#include <string.h>

#include "gateway/flows/authorize.h"
#include "gateway/base/log.h"
#include "gateway/store/db.h"
#include "gateway/store/registers.h"
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

/* The entities the sender speaks for: those of From, and where a Sender
 * differs, only those it shares with it. */
static GPtrArray *
sender_entities (sqlite3 *db, const MailMessage *msg)
{
  GPtrArray *from = registers_sender_entities (db, msg->from_addr);
  if (from == NULL)
    from = g_ptr_array_new_with_free_func (g_free);
  if (msg->sender_addr == NULL)
    return from;
  g_autoptr (GPtrArray) sender = registers_sender_entities (db, msg->sender_addr);
  for (guint i = from->len; i > 0; i--)
    if (!array_has (sender, g_ptr_array_index (from, i - 1)))
      g_ptr_array_remove_index (from, i - 1);
  return from;
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

/* Why the sender, who speaks for entities, may not speak for owners. */
static char *
owners_refusal (const char *sender, const FormRecord *rec, GPtrArray *owners,
                GPtrArray *entities)
{
  for (guint i = 0; i < owners->len; i++)
    if (array_has (entities, g_ptr_array_index (owners, i)))
      return NULL;
  if (owners->len == 0)
    return g_strdup_printf ("%s line %u: the record names no entity that %s speaks for",
                            rec->kind->name, rec->line, sender);
  return g_strdup_printf ("%s line %u: %s is not a contact point of %s",
                          rec->kind->name, rec->line, sender,
                          (const char *) g_ptr_array_index (owners, 0));
}

/* A visit form speaks for the visited State; one naming no known visit is
 * refused when it is filed. */
static char *
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
static char *
update_refusal (sqlite3 *db, const char *sender, const FormRecord *rec, GPtrArray *entities)
{
  g_autoptr (GPtrArray) stored = registers_record_owners (db, rec);
  char *refusal = stored != NULL ? owners_refusal (sender, rec, stored, entities) : NULL;
  if (refusal == NULL && stored != NULL && rec->owners->len > 0)
    refusal = owners_refusal (sender, rec, rec->owners, entities);
  return refusal;
}

/* Why the sender may not file rec, or NULL. */
static char *
record_refusal (sqlite3 *db, const char *sender, FormRecord *rec, GPtrArray *entities)
{
  if (rec->kind->owner_field == NULL)
    return visit_refusal (db, sender, rec, entities);
  if (rec->reference != NULL)
    return update_refusal (db, sender, rec, entities);
  return owners_refusal (sender, rec, rec->owners, entities);
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
  if (config_is_staff (config, msg->from_addr)
      && (msg->sender_addr == NULL || config_is_staff (config, msg->sender_addr)))
    return NULL;
  g_autoptr (GPtrArray) entities = sender_entities (db, msg);
  if (entities->len == 0)
    return g_strdup_printf ("%s is not an active contact point of any entity", sender);
  for (guint i = 0; i < parse->records->len; i++)
    {
      FormRecord *rec = g_ptr_array_index (parse->records, i);
      if (rec->kind == NULL || rec->problems->len > 0)
        continue;
      char *refusal = record_refusal (db, sender, rec, entities);
      if (refusal != NULL)
        return refusal;
    }
  return NULL;
}
