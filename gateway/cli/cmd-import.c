/* `ctcgw import REGISTER FILE.csv`: records from CSV, with the checks of
 * email (intake.c) or of the directory (directory.c). */
#include <errno.h>
#include <stdio.h>
#include <sqlite3.h>

#include "gateway/cli/command.h"
#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/store/directory.h"
#include "gateway/flows/intake.h"
#include "parsers/form.h"

/* Reads the whole of path; more than max bytes is G_FILE_ERROR_FAILED. */
static char *
read_bounded (const char *path, gsize max, gsize *len, GError **error)
{
  FILE *f = fopen (path, "rb");
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  char chunk[65536];
  size_t n;

  if (f == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot read %s: %s", path, g_strerror (errno));
      return NULL;
    }
  while ((n = fread (chunk, 1, sizeof chunk, f)) > 0 && buf->len + n <= max)
    g_byte_array_append (buf, (const guint8 *) chunk, n);
  int read_errno = ferror (f) ? (errno != 0 ? errno : EIO) : 0;
  fclose (f);
  if (read_errno != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s: %s", path,
                   g_strerror (read_errno));
      return NULL;
    }
  if (n > 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s is larger than %" G_GSIZE_FORMAT " bytes", path, max);
      return NULL;
    }
  *len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
}

/* What `import` takes: the registers that a form files into, then the
 * entities and groups that staff keep. */
static GPtrArray *
import_registers (void)
{
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; form_kinds[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) form_kinds[i]->register_name);
  g_ptr_array_add (names, (gpointer) form_entity.register_name);
  g_ptr_array_add (names, (gpointer) form_group.register_name);
  g_ptr_array_add (names, NULL);
  return names;
}

/* Prints the problems of the refused rows and the summary line on
 * standard output (ctcgw(8), import); 65 when anything was refused. */
static int
import_report (GPtrArray *problems, const ImportCount *count)
{
  guint refused = count->rows - count->filed;

  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = command_printable (problems->pdata[i], FALSE);
      printf ("%s\n", line);
    }
  printf ("imported %u of %u %s", count->filed, count->rows, count->rows == 1 ? "row" : "rows");
  if (refused > 0)
    printf ("; %u refused", refused);
  printf ("\n");
  return problems->len > 0 || refused > 0 ? EX_DATAERR : EX_OK;
}

/* Files the records of data and reports what became of them. */
static int
import_data (const Config *config, const char *register_name, const char *path,
             const char *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = g_path_get_basename (path);
  ImportCount count = { 0 };
  int status = EX_OK;
  sqlite3 *db = command_open_db (config, &status);

  if (db == NULL)
    return status;
  Context ctx = { db, config, NULL };
  ImportFile file = { register_name, name, data, len };
  gboolean ok = directory_register (register_name)
                ? directory_import (&ctx, &file, problems, &count, &error)
                : intake_import (&ctx, &file, problems, &count, &error);
  db_close (db);
  if (!ok)
    return command_failed ("import", error);
  return import_report (problems, &count);
}

/* `ctcgw import REGISTER FILE.csv` */
int
cmd_import (const Config *config, const char *config_path, int argc, char **argv)
{
  g_autoptr (GPtrArray) names = import_registers ();
  g_autofree char *list = g_strjoinv (", ", (char **) names->pdata);
  g_autofree char *summary = g_strdup_printf ("Import records from CSV (a header row of the "
                                              "form's fields), with the checks of email.\n"
                                              "entities: Code,Name,Kind,Active,Require; groups: "
                                              "Group,Members,Description.\n"
                                              "Registers: %s", list);
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };
  gsize len = 0;

  if (!command_parse_options ("import", "REGISTER FILE.csv", summary, entries, &argc, &argv))
    return EX_USAGE;
  if (argc != 3)
    return command_usage_error ("import", "name a register and a CSV file");
  if (!g_strv_contains ((const char *const *) names->pdata, argv[1]))
    return command_unknown_word ("import", "register", argv[1], (const char *const *) names->pdata);
  g_autofree char *data = read_bounded (argv[2], config->limits.message_max, &len, &error);
  if (data == NULL)
    {
      g_printerr ("ctcgw import: %s\n", error->message);
      return g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_FAILED) ? EX_DATAERR : EX_NOINPUT;
    }
  return import_data (config, argv[1], argv[2], data, len);
}
