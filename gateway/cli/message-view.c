/* A received message as staff read it: the one printer of `show` and
 * `quarantine show` (ctcgw(8)). */
#include <stdio.h>
#include <string.h>

#include "gateway/cli/command.h"
#include "gateway/cli/message-view.h"
#include "gateway/store/db.h"
#include "parsers/message.h"

void
message_view_print_lines (const char *text)
{
  const char *p = text != NULL ? text : "";
  guint number = 0;

  while (*p != '\0')
    {
      gsize len = strcspn (p, "\r\n");
      g_autofree char *line = g_strndup (p, len);
      g_autofree char *clean = command_printable (line, FALSE);
      printf ("  %4u  %s\n", ++number, clean);
      p += len;
      if (*p == '\r' && p[1] == '\n')
        p++;
      if (*p != '\0')
        p++;
    }
}

/* Prints a header of the parsed message, decoded, when it has it. */
static void
print_header (GMimeMessage *mime, const char *name)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (mime), name);
  if (value == NULL)
    return;
  g_autofree char *decoded = g_mime_utils_header_decode_text (NULL, value);
  g_autofree char *clean = command_printable (decoded, FALSE);
  printf ("  %s: %s\n", name, clean);
}

/* Prints every text the records were read from: the body, then each .txt
 * and .csv attachment under its name. */
static void
print_texts (const MailMessage *msg)
{
  for (guint i = 0; i < msg->texts->len; i++)
    {
      const MailText *t = msg->texts->pdata[i];
      if (t->name != NULL)
        {
          g_autofree char *name = command_printable (t->name, FALSE);
          printf ("\n  %s:\n", name);
        }
      message_view_print_lines (t->text);
    }
  if (msg->texts->len == 0)
    printf ("  (no text)\n");
}

/* Prints the attachments, numbered as `show --attachment` takes them. */
static void
print_attachments (const MailMessage *msg)
{
  if (msg->attachments->len > 0)
    printf ("\nattachments:\n");
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      const MailAttachment *a = msg->attachments->pdata[i];
      g_autofree char *name = command_printable (a->name, FALSE);
      g_autofree char *type = command_printable (a->content_type, FALSE);
      printf ("  %u  %s (%s, %" G_GSIZE_FORMAT " bytes%s)\n", i + 1, name, type, a->size,
              a->data == NULL ? ", over the limits: not kept" : "");
    }
}

/* Prints the message as staff need it: headers, texts, attachments. */
static void
print_message (const MailMessage *msg, MessageViewParts parts)
{
  static const char *const headers[] = { "From", "Sender", "To", "Cc", "Date", "Subject" };

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    print_header (msg->mime, headers[i]);
  printf ("\n");
  print_texts (msg);
  if (parts == MESSAGE_VIEW_WITH_ATTACHMENTS)
    print_attachments (msg);
}

/* The stored message of the submission. */
static GBytes *
stored_message (sqlite3 *db, gint64 submission_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = db_prepare (db, "SELECT raw FROM submissions WHERE id = ?1",
                                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, submission_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_set_error (db, error, "reading the message");
      return NULL;
    }
  return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
}

gboolean
message_view_print_stored (sqlite3 *db, const Config *config, gint64 submission_id,
                           MessageViewParts parts, GError **error)
{
  g_autoptr (GBytes) raw = stored_message (db, submission_id, error);
  g_autoptr (GError) parse_error = NULL;

  if (raw == NULL)
    return FALSE;
  printf ("\nmessage:\n");
  g_autoptr (MailMessage) msg = mail_message_parse (raw, config->address, &config->limits,
                                                    &parse_error);
  if (msg != NULL)
    {
      print_message (msg, parts);
      return TRUE;
    }
  g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_autofree char *why = command_printable (parse_error->message, FALSE);
  printf ("  (%s; the message as received:)\n", why);
  message_view_print_lines (text);
  return TRUE;
}
