/* The record lines and problems of an answer, in the answer's language
 * (docs/submissions.md section 7): "принято: CTC-OFF-2026-0001 (новая
 * запись)", "строка 4: поле «Области»: неизвестная область «…»".  The log
 * and the command line keep the English of parsers/problem.c.
 *
 * Ownership: the char * returned are new strings owned by the caller; the
 * const char * are static. */
#pragma once

#include <glib.h>
#include "parsers/form.h"
#include "gateway/store/registers.h"
#include "gateway/base/template.h"

/* The languages with lines of their own, NULL-terminated; any other
 * language gets English. */
extern const char *const lines_languages[];

/* p as an answer in lang says it, with its line and file. */
char *lines_problem (const FormProblem *p, const char *lang);

/* The line of a record filed (not refused) as an answer in lang says it. */
char *lines_accepted (const FiledRecord *filed, const char *form, const char *lang);

/* The line of visit information filed for the visit reference to the
 * State named state (in lang): "information received for CTC-VIS-2026-0001
 * (visit to Kazakhstan)". */
char *lines_visit_information (const char *reference, const char *state, const char *lang);

/* The line of a visit-consent filed for the visit reference to the State
 * named state, yes or no: "consent to sharing the needs assessment
 * recorded for CTC-VIS-2026-0001 (visit to Kazakhstan)". */
char *lines_visit_consent (const char *reference, const char *state, gboolean yes,
                           const char *lang);

/* The line of the contact point reference that the one filed as by
 * replaces and that is now inactive: "deactivated CTC-CP-2026-0001
 * (replaced by CTC-CP-2026-0002)". */
char *lines_deactivated (const char *reference, const char *by, const char *lang);

/* line with the mark, in lang, of a record read from a forwarded message
 * ("… [forwarded message]"). */
char *lines_forwarded (const char *line, const char *lang);

/* The name of the field canonical in lang ("Области" for "Areas"), one the
 * gateway reads back as that field; canonical itself when it has none. */
const char *lines_field_name (const char *canonical, const char *form, const char *lang);

/* The answer's note, in lang, that the attachment name (size bytes) was
 * not kept: over the limits of [limits] (ctcgw.conf(5)). */
char *lines_attachment_not_kept (const char *name, gsize size, const char *lang);

/* Sets in data what the blank forms of a circular or a visit's mail name,
 * in lang, as senders may write them back: form_inventory,
 * form_information_source, form_visit_information (form names),
 * inventory_kinds and source_kinds (the choices of Kind) and areas (every
 * area), lists joined as lang joins them. */
void lines_set_vocabulary (TplData *data, const char *lang);

/* The forms named in lang, each on its line with its required fields in a
 * column: the table of the help text (docs/submissions.md section 5). */
char *lines_forms (const char *lang);

/* The wording of code in lang, or NULL when lang has none (for the tests:
 * every language has every code). */
const char *lines_wording (ProblemCode code, const char *lang);
