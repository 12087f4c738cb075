/* See lines.h.  One table a language: the wording of every problem code
 * of parsers/problem.h, the place of a problem (line, row, file), the
 * record lines; and the field and register names.  UN terminology: a
 * focal point is a point focal, punto focal, координатор, جهة تنسيق, 联络点. */
#include <string.h>

#include "gateway/flows/lines.h"
#include "gateway/base/text.h"

/* French quotes and colon, with the no-break space French puts inside. */
#define FR_OPEN "«\u00a0"
#define FR_CLOSE "\u00a0»"
#define FR_COLON "\u00a0:"

typedef struct {
  const char *lang;
  const char *problems[PROBLEM_COUNT];
  const char *suggestion;        /* {s}: the suggestion */
  /* The place of a problem: {1} the line or row, {2} the file. */
  const char *at_line, *at_row, *in_file, *in_file_line, *in_file_row;
  /* Record lines: {1} the reference, {2} the fields that changed. */
  const char *accepted[FILED_REFUSED];
  const char *updated_fields;
  const char *list_separator;
  const char *forwarded;         /* the mark of a line about a forwarded record */
  /* Visit information filed: {1} the visit's reference, {2} its State. */
  const char *visit_information;
  /* A contact point that Replaces: made inactive: {1} its reference, {2}
   * the reference of the one that replaces it. */
  const char *deactivated;
  /* A visit-consent filed, yes and no: {1} the visit, {2} its State. */
  const char *consent_yes, *consent_no;
} Catalogue;

static const Catalogue french = {
  .lang = "fr",
  .problems = {
    [PROBLEM_OTHER] = "{1}",
    [PROBLEM_MORE_PROBLEMS] = "d'autres problèmes ont été trouvés et ne sont pas énumérés",
    [PROBLEM_RECORDS_MAX] = "plus de {1} enregistrements dans un même message\u00a0;"
                            " les suivants n'ont pas été lus",
    [PROBLEM_EXPECTED_KEY] = "ligne attendue sous la forme " FR_OPEN "Champ" FR_COLON " valeur"
                             FR_CLOSE,
    [PROBLEM_VALUE_TOO_LONG] = "le champ " FR_OPEN "{field}" FR_CLOSE " dépasse {1} caractères",
    [PROBLEM_FIELDS_MAX] = "plus de {1} champs dans un même enregistrement",
    [PROBLEM_LINE_TOO_LONG] = "ligne de plus de {1} octets",
    [PROBLEM_FIELD_NOT_IN_FORM] = "le champ " FR_OPEN "{1}" FR_CLOSE " ne fait pas partie du"
                                  " formulaire " FR_OPEN "{2}" FR_CLOSE,
    [PROBLEM_UNKNOWN_FIELD] = "champ inconnu " FR_OPEN "{1}" FR_CLOSE,
    [PROBLEM_REPEATED_AT_LINE] = "le champ " FR_OPEN "{field}" FR_CLOSE " figure plus d'une fois"
                                 " (d'abord à la ligne {1})",
    [PROBLEM_REPEATED_AT_ROW] = "le champ " FR_OPEN "{field}" FR_CLOSE " figure plus d'une fois"
                                " (d'abord à la ligne {1} du tableau)",
    [PROBLEM_NO_FORM] = "aucun formulaire indiqué" FR_COLON " les formulaires sont" FR_COLON " {1}",
    [PROBLEM_UNKNOWN_FORM] = "formulaire inconnu " FR_OPEN "{1}" FR_CLOSE,
    [PROBLEM_UNKNOWN_FORM_LIST] = "formulaire inconnu " FR_OPEN "{1}" FR_CLOSE
                                  "\u00a0; les formulaires sont" FR_COLON " {2}",
    [PROBLEM_REFERENCE_WRONG_KIND] = "la référence " FR_OPEN "{1}" FR_CLOSE " n'est pas une"
                                     " référence du formulaire " FR_OPEN "{2}" FR_CLOSE
                                     " (PRÉFIXE-{3}-ANNÉE-NUMÉRO)",
    [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = FR_OPEN "Action" FR_COLON " retirer" FR_CLOSE " exige la"
                                         " référence de l'enregistrement à retirer (champ "
                                         FR_OPEN "Référence" FR_CLOSE ")",
    [PROBLEM_REQUIRED] = "le champ " FR_OPEN "{field}" FR_CLOSE " est obligatoire",
    [PROBLEM_CSV_COLUMNS_MAX] = "plus de {1} colonnes",
    [PROBLEM_CSV_NO_FORM_COLUMN] = "aucune colonne " FR_OPEN "Formulaire" FR_CLOSE ", et le nom du"
                                   " fichier ne désigne aucun formulaire",
    [PROBLEM_CSV_UNNAMED_COLUMN] = "la colonne {1} n'a pas de nom dans la ligne d'en-tête",
    [PROBLEM_CSV_CELLS] = "{1} cellules alors que l'en-tête en compte {2}",
    [PROBLEM_CSV_INVALID] = "fichier CSV non valide\u00a0; la suite du fichier n'a pas été lue",
    [PROBLEM_CSV_NO_HEADER] = "pas de ligne d'en-tête",
    [PROBLEM_NOT_DATE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                         " n'est pas une date comme 2026-03-02",
    [PROBLEM_NOT_YEAR] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                         " n'est pas une année comme 2026",
    [PROBLEM_NOT_EMAIL] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                          " n'est pas une adresse électronique",
    [PROBLEM_NOT_URL] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                        " n'est pas une adresse http ou https",
    [PROBLEM_NOT_PHONE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                          " n'est pas un numéro de téléphone",
    [PROBLEM_NOT_CHOICE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                           " ne figure pas parmi les valeurs suivantes" FR_COLON " {2}",
    [PROBLEM_NOT_REFERENCE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}"
                              FR_CLOSE " n'est pas une référence comme CTC-OFF-2026-0042",
    [PROBLEM_NOT_ACTION] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                           " n'est pas une action\u00a0; la seule est " FR_OPEN "retirer" FR_CLOSE,
    [PROBLEM_UNKNOWN_ENTITY] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " État ou"
                               " organisation inconnus " FR_OPEN "{1}" FR_CLOSE,
    [PROBLEM_NOT_STATE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                          " n'est pas un État",
    [PROBLEM_UNKNOWN_AREA] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " domaine inconnu "
                             FR_OPEN "{1}" FR_CLOSE,
    [PROBLEM_UNKNOWN_LANGUAGE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " code de langue"
                                 " inconnu (ISO 639-1) " FR_OPEN "{1}" FR_CLOSE,
    [PROBLEM_LIST_TOO_LONG] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " plus de {1} éléments",
    [PROBLEM_NO_VALUE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " aucune valeur indiquée",
    [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN
                                          "{1}" FR_CLOSE " n'est ni une demande (REQ) ni une"
                                          " offre (OFF)",
    [PROBLEM_END_BEFORE_START] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " la date {1} est"
                                 " antérieure à la date de début ({2})",
    [PROBLEM_NOT_ENTITY_CODE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}"
                                FR_CLOSE " n'est pas un code" FR_COLON " de 2 à {2} lettres,"
                                " chiffres et " FR_OPEN "-" FR_CLOSE ", comme UNODC ou CIS-ATC",
    [PROBLEM_NOT_STATE_CODE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}"
                               FR_CLOSE " n'est pas un code d'État" FR_COLON " deux lettres"
                               " (ISO 3166-1 alpha-2)",
    [PROBLEM_REPLACES_OWN_ADDRESS] = "le champ " FR_OPEN "{field}" FR_CLOSE " indique l'adresse"
                                     " du point focal lui-même",
    [PROBLEM_NOT_VISIT] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " " FR_OPEN "{1}" FR_CLOSE
                          " n'est pas une référence de visite (VIS)",
    [PROBLEM_MESSAGE_TOO_LARGE] = "le message fait {1} octets, au-delà de la limite de {2}"
                                  " octets" FR_COLON " rien n'en a été lu\u00a0; envoyez les"
                                  " enregistrements dans des messages plus petits",
    [PROBLEM_HEADERS_TOO_LARGE] = "le message n'a pas pu être lu (ses en-têtes dépassent la"
                                  " limite de {1} octets)" FR_COLON " rien n'en a été lu\u00a0;"
                                  " envoyez les enregistrements en texte brut",
    [PROBLEM_MIME_TOO_DEEP] = "le message n'a pas pu être lu (structure MIME au-delà des"
                              " limites" FR_COLON " {1} niveaux, {2} parties)" FR_COLON " rien"
                              " n'en a été lu\u00a0; envoyez les enregistrements en texte brut",
    [PROBLEM_NOT_FILED] = "non enregistré" FR_COLON " {1}",
    [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} n'est la référence ni d'une"
                                               " demande ni d'une offre",
    [PROBLEM_NOT_VISIT_REFERENCE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} n'est pas la référence d'une visite",
    [PROBLEM_NOT_IN_REGISTER] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} ne figure pas dans le registre " FR_OPEN "{2}"
                                FR_CLOSE,
    [PROBLEM_NEEDS_VALUE] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " un nouvel enregistrement exige une valeur",
    [PROBLEM_WITHDRAWN] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} a été retiré",
    [PROBLEM_SEND_WITH_FORM] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} est une référence du registre " FR_OPEN "{2}"
                               FR_CLOSE FR_COLON " envoyez-la avec " FR_OPEN "Formulaire" FR_COLON
                               " {3}" FR_CLOSE,
    [PROBLEM_OTHER_REGISTER] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} est une référence du registre " FR_OPEN "{2}"
                               FR_CLOSE ", non du registre " FR_OPEN "{3}" FR_CLOSE,
    [PROBLEM_NOT_OF_REGISTER] = "champ " FR_OPEN "{field}" FR_CLOSE FR_COLON " {1} n'est pas une référence du registre " FR_OPEN
                                "{2}" FR_CLOSE,
    [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} n'est pas un point focal de {2}",
    [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "l'enregistrement ne désigne aucune entité au nom de"
                                     " laquelle {1} peut écrire",
    [PROBLEM_NOT_REVIEWED] = "non enregistré" FR_COLON " lorsque le secrétariat a examiné le"
                             " message, cet enregistrement ne pouvait pas être enregistré\u00a0;"
                             " veuillez le renvoyer",
  },
  .suggestion = "\u00a0; vouliez-vous dire " FR_OPEN "{s}" FR_CLOSE "\u00a0?",
  .at_line = "ligne {1}" FR_COLON " ",
  .at_row = "ligne {1}" FR_COLON " ",
  .in_file = "{2}" FR_COLON " ",
  .in_file_line = "{2}, ligne {1}" FR_COLON " ",
  .in_file_row = "{2}, ligne {1}" FR_COLON " ",
  .accepted = {
    [FILED_NEW] = "accepté" FR_COLON " {1} (nouveau)",
    [FILED_UPDATED] = "accepté" FR_COLON " {1} (mis à jour)",
    [FILED_UNCHANGED] = "accepté" FR_COLON " {1} (inchangé)",
    [FILED_WITHDRAWN] = "accepté" FR_COLON " {1} (retiré)",
  },
  .updated_fields = "accepté" FR_COLON " {1} (mis à jour" FR_COLON " {2})",
  .list_separator = ", ",
  .forwarded = " [message transféré]",
  .visit_information = "informations reçues pour la visite {1} (pays visité" FR_COLON " {2})",
  .deactivated = "désactivé" FR_COLON " {1} (remplacé par {2})",
  .consent_yes = "consentement à la communication de l'évaluation des besoins enregistré pour la visite {1} (pays visité" FR_COLON " {2})",
  .consent_no = "refus de la communication de l'évaluation des besoins enregistré pour la visite {1} (pays visité" FR_COLON " {2})",
};

static const Catalogue spanish = {
  .lang = "es",
  .problems = {
    [PROBLEM_OTHER] = "{1}",
    [PROBLEM_MORE_PROBLEMS] = "se encontraron otros problemas, que no se enumeran",
    [PROBLEM_RECORDS_MAX] = "más de {1} registros en un mismo mensaje; los demás no se leyeron",
    [PROBLEM_EXPECTED_KEY] = "se esperaba «Campo: valor»",
    [PROBLEM_VALUE_TOO_LONG] = "el campo «{field}» supera los {1} caracteres",
    [PROBLEM_FIELDS_MAX] = "más de {1} campos en un mismo registro",
    [PROBLEM_LINE_TOO_LONG] = "línea de más de {1} bytes",
    [PROBLEM_FIELD_NOT_IN_FORM] = "el campo «{1}» no forma parte del formulario «{2}»",
    [PROBLEM_UNKNOWN_FIELD] = "campo desconocido «{1}»",
    [PROBLEM_REPEATED_AT_LINE] = "el campo «{field}» aparece más de una vez (primero en la"
                                 " línea {1})",
    [PROBLEM_REPEATED_AT_ROW] = "el campo «{field}» aparece más de una vez (primero en la"
                                " fila {1})",
    [PROBLEM_NO_FORM] = "no se indica ningún formulario; los formularios son: {1}",
    [PROBLEM_UNKNOWN_FORM] = "formulario desconocido «{1}»",
    [PROBLEM_UNKNOWN_FORM_LIST] = "formulario desconocido «{1}»; los formularios son: {2}",
    [PROBLEM_REFERENCE_WRONG_KIND] = "la referencia «{1}» no es una referencia del formulario"
                                     " «{2}» (PREFIJO-{3}-AÑO-NÚMERO)",
    [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = "«Acción: retirar» requiere indicar la referencia del"
                                         " registro que se retira (campo «Referencia»)",
    [PROBLEM_REQUIRED] = "el campo «{field}» es obligatorio",
    [PROBLEM_CSV_COLUMNS_MAX] = "más de {1} columnas",
    [PROBLEM_CSV_NO_FORM_COLUMN] = "no hay columna «Formulario» y el nombre del archivo no"
                                   " indica ningún formulario",
    [PROBLEM_CSV_UNNAMED_COLUMN] = "la columna {1} no tiene nombre en el encabezado",
    [PROBLEM_CSV_CELLS] = "{1} celdas, pero el encabezado tiene {2}",
    [PROBLEM_CSV_INVALID] = "archivo CSV no válido; el resto del archivo no se leyó",
    [PROBLEM_CSV_NO_HEADER] = "falta la fila de encabezado",
    [PROBLEM_NOT_DATE] = "campo «{field}»: «{1}» no es una fecha como 2026-03-02",
    [PROBLEM_NOT_YEAR] = "campo «{field}»: «{1}» no es un año como 2026",
    [PROBLEM_NOT_EMAIL] = "campo «{field}»: «{1}» no es una dirección de correo electrónico",
    [PROBLEM_NOT_URL] = "campo «{field}»: «{1}» no es una dirección http o https",
    [PROBLEM_NOT_PHONE] = "campo «{field}»: «{1}» no es un número de teléfono",
    [PROBLEM_NOT_CHOICE] = "campo «{field}»: «{1}» no es ninguno de los valores siguientes: {2}",
    [PROBLEM_NOT_REFERENCE] = "campo «{field}»: «{1}» no es una referencia como"
                              " CTC-OFF-2026-0042",
    [PROBLEM_NOT_ACTION] = "campo «{field}»: «{1}» no es una acción; la única es «retirar»",
    [PROBLEM_UNKNOWN_ENTITY] = "campo «{field}»: Estado u organización desconocidos «{1}»",
    [PROBLEM_NOT_STATE] = "campo «{field}»: «{1}» no es un Estado",
    [PROBLEM_UNKNOWN_AREA] = "campo «{field}»: ámbito desconocido «{1}»",
    [PROBLEM_UNKNOWN_LANGUAGE] = "campo «{field}»: código de idioma desconocido (ISO 639-1)"
                                 " «{1}»",
    [PROBLEM_LIST_TOO_LONG] = "campo «{field}»: más de {1} elementos",
    [PROBLEM_NO_VALUE] = "campo «{field}»: no se indica ningún valor",
    [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "campo «{field}»: «{1}» no es ni una solicitud (REQ)"
                                          " ni una oferta (OFF)",
    [PROBLEM_END_BEFORE_START] = "campo «{field}»: la fecha {1} es anterior a la fecha de inicio ({2})",
    [PROBLEM_NOT_ENTITY_CODE] = "campo «{field}»: «{1}» no es un código: de 2 a {2} letras,"
                                " cifras y «-», como UNODC o CIS-ATC",
    [PROBLEM_NOT_STATE_CODE] = "campo «{field}»: «{1}» no es un código de Estado: dos letras"
                               " (ISO 3166-1 alfa-2)",
    [PROBLEM_REPLACES_OWN_ADDRESS] = "el campo «{field}» indica la propia dirección del punto"
                                     " focal",
    [PROBLEM_NOT_VISIT] = "campo «{field}»: «{1}» no es una referencia de visita (VIS)",
    [PROBLEM_MESSAGE_TOO_LARGE] = "el mensaje ocupa {1} bytes y supera el límite de {2} bytes:"
                                  " no se leyó nada de su contenido; envíe los registros en"
                                  " mensajes más pequeños",
    [PROBLEM_HEADERS_TOO_LARGE] = "no se pudo leer el mensaje (sus encabezados superan el límite"
                                  " de {1} bytes): no se leyó nada de su contenido; envíe los"
                                  " registros como texto sin formato",
    [PROBLEM_MIME_TOO_DEEP] = "no se pudo leer el mensaje (estructura MIME por encima de los"
                              " límites: {1} niveles, {2} partes): no se leyó nada de su"
                              " contenido; envíe los registros como texto sin formato",
    [PROBLEM_NOT_FILED] = "no registrado: {1}",
    [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "campo «{field}»: {1} no es la referencia de una"
                                               " solicitud ni de una oferta",
    [PROBLEM_NOT_VISIT_REFERENCE] = "campo «{field}»: {1} no es la referencia de una visita",
    [PROBLEM_NOT_IN_REGISTER] = "campo «{field}»: {1} no figura en el registro «{2}»",
    [PROBLEM_NEEDS_VALUE] = "campo «{field}»: un registro nuevo requiere un valor",
    [PROBLEM_WITHDRAWN] = "campo «{field}»: {1} ha sido retirado",
    [PROBLEM_SEND_WITH_FORM] = "campo «{field}»: {1} es una referencia del registro «{2}»:"
                               " envíela con «Formulario: {3}»",
    [PROBLEM_OTHER_REGISTER] = "campo «{field}»: {1} es una referencia del registro «{2}», no"
                               " del registro «{3}»",
    [PROBLEM_NOT_OF_REGISTER] = "campo «{field}»: {1} no es una referencia del registro «{2}»",
    [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} no es punto focal de {2}",
    [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "el registro no nombra ninguna entidad en cuyo nombre"
                                     " pueda escribir {1}",
    [PROBLEM_NOT_REVIEWED] = "no registrado: cuando la secretaría examinó el mensaje, este"
                             " registro no podía registrarse; envíelo de nuevo",
  },
  .suggestion = "; ¿quiso decir «{s}»?",
  .at_line = "línea {1}: ",
  .at_row = "fila {1}: ",
  .in_file = "{2}: ",
  .in_file_line = "{2}, línea {1}: ",
  .in_file_row = "{2}, fila {1}: ",
  .accepted = {
    [FILED_NEW] = "aceptado {1} (nuevo)",
    [FILED_UPDATED] = "aceptado {1} (actualizado)",
    [FILED_UNCHANGED] = "aceptado {1} (sin cambios)",
    [FILED_WITHDRAWN] = "aceptado {1} (retirado)",
  },
  .updated_fields = "aceptado {1} (actualizado: {2})",
  .list_separator = ", ",
  .forwarded = " [mensaje reenviado]",
  .visit_information = "información recibida para la visita {1} (visita a {2})",
  .deactivated = "desactivado {1} (sustituido por {2})",
  .consent_yes = "consentimiento para comunicar la evaluación de necesidades registrado para la visita {1} (visita a {2})",
  .consent_no = "negativa a comunicar la evaluación de necesidades registrada para la visita {1} (visita a {2})",
};

static const Catalogue russian = {
  .lang = "ru",
  .problems = {
    [PROBLEM_OTHER] = "{1}",
    [PROBLEM_MORE_PROBLEMS] = "обнаружены и другие ошибки, которые здесь не перечислены",
    [PROBLEM_RECORDS_MAX] = "в одном сообщении более {1} записей; остальные не обработаны",
    [PROBLEM_EXPECTED_KEY] = "ожидалась строка вида «Поле: значение»",
    [PROBLEM_VALUE_TOO_LONG] = "поле «{field}» длиннее {1} символов",
    [PROBLEM_FIELDS_MAX] = "в одной записи более {1} полей",
    [PROBLEM_LINE_TOO_LONG] = "строка длиннее {1} байт",
    [PROBLEM_FIELD_NOT_IN_FORM] = "поле «{1}» не входит в форму «{2}»",
    [PROBLEM_UNKNOWN_FIELD] = "неизвестное поле «{1}»",
    [PROBLEM_REPEATED_AT_LINE] = "поле «{field}» указано более одного раза (впервые в строке {1})",
    [PROBLEM_REPEATED_AT_ROW] = "поле «{field}» указано более одного раза (впервые в строке"
                                " таблицы {1})",
    [PROBLEM_NO_FORM] = "форма не указана; допустимые формы: {1}",
    [PROBLEM_UNKNOWN_FORM] = "неизвестная форма «{1}»",
    [PROBLEM_UNKNOWN_FORM_LIST] = "неизвестная форма «{1}»; допустимые формы: {2}",
    [PROBLEM_REFERENCE_WRONG_KIND] = "номер «{1}» не относится к форме «{2}»"
                                     " (ПРЕФИКС-{3}-ГОД-НОМЕР)",
    [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = "для «Действие: отозвать» необходимо указать номер"
                                         " отзываемой записи в поле «Номер»",
    [PROBLEM_REQUIRED] = "поле «{field}» обязательно для заполнения",
    [PROBLEM_CSV_COLUMNS_MAX] = "более {1} столбцов",
    [PROBLEM_CSV_NO_FORM_COLUMN] = "нет столбца «Форма», и имя файла не называет форму",
    [PROBLEM_CSV_UNNAMED_COLUMN] = "у столбца {1} нет названия в заголовке",
    [PROBLEM_CSV_CELLS] = "число ячеек ({1}) не совпадает с числом столбцов в"
                          " заголовке ({2})",
    [PROBLEM_CSV_INVALID] = "недопустимый файл CSV; остальная часть файла не"
                            " обработана",
    [PROBLEM_CSV_NO_HEADER] = "нет строки заголовка",
    [PROBLEM_NOT_DATE] = "поле «{field}»: «{1}» не является датой в формате 2026-03-02",
    [PROBLEM_NOT_YEAR] = "поле «{field}»: «{1}» не является годом в формате 2026",
    [PROBLEM_NOT_EMAIL] = "поле «{field}»: «{1}» не является адресом электронной почты",
    [PROBLEM_NOT_URL] = "поле «{field}»: «{1}» не является адресом http или https",
    [PROBLEM_NOT_PHONE] = "поле «{field}»: «{1}» не является номером телефона",
    [PROBLEM_NOT_CHOICE] = "поле «{field}»: «{1}» не является одним из значений: {2}",
    [PROBLEM_NOT_REFERENCE] = "поле «{field}»: «{1}» не является номером в формате"
                              " CTC-OFF-2026-0042",
    [PROBLEM_NOT_ACTION] = "поле «{field}»: «{1}» не является действием;"
                           " допустимо только «отозвать»",
    [PROBLEM_UNKNOWN_ENTITY] = "поле «{field}»: неизвестное государство или организация «{1}»",
    [PROBLEM_NOT_STATE] = "поле «{field}»: «{1}» не является государством",
    [PROBLEM_UNKNOWN_AREA] = "поле «{field}»: неизвестная область «{1}»",
    [PROBLEM_UNKNOWN_LANGUAGE] = "поле «{field}»: неизвестный код языка (ISO 639-1) «{1}»",
    [PROBLEM_LIST_TOO_LONG] = "поле «{field}»: более {1} элементов",
    [PROBLEM_NO_VALUE] = "поле «{field}»: не указано ни одного значения",
    [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "поле «{field}»: «{1}» не является ни запросом (REQ),"
                                          " ни предложением (OFF)",
    [PROBLEM_END_BEFORE_START] = "поле «{field}»: {1} предшествует дате начала ({2})",
    [PROBLEM_NOT_ENTITY_CODE] = "поле «{field}»: «{1}» не является кодом: от 2 до {2}"
                                " букв, цифр и знаков «-», например UNODC или CIS-ATC",
    [PROBLEM_NOT_STATE_CODE] = "поле «{field}»: «{1}» не является кодом государства:"
                               " две буквы (ISO 3166-1 alpha-2)",
    [PROBLEM_REPLACES_OWN_ADDRESS] = "в поле «{field}» указан собственный адрес координатора",
    [PROBLEM_NOT_VISIT] = "поле «{field}»: «{1}» не является номером визита (VIS)",
    [PROBLEM_MESSAGE_TOO_LARGE] = "размер сообщения ({1} байт) превышает предел в {2} байт:"
                                  " ничего из него не прочитано; отправьте записи в сообщениях"
                                  " меньшего размера",
    [PROBLEM_HEADERS_TOO_LARGE] = "сообщение не удалось прочитать (его заголовки превышают предел"
                                  " в {1} байт): ничего из него не прочитано; отправьте записи"
                                  " обычным текстом",
    [PROBLEM_MIME_TOO_DEEP] = "сообщение не удалось прочитать (структура MIME превышает пределы:"
                              " уровней — {1}, частей — {2}): ничего из него не прочитано;"
                              " отправьте записи обычным текстом",
    [PROBLEM_NOT_FILED] = "не зарегистрировано: {1}",
    [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "поле «{field}»: {1} не является номером запроса"
                                               " или предложения",
    [PROBLEM_NOT_VISIT_REFERENCE] = "поле «{field}»: {1} не является номером визита",
    [PROBLEM_NOT_IN_REGISTER] = "поле «{field}»: записи {1} нет в реестре «{2}»",
    [PROBLEM_NEEDS_VALUE] = "поле «{field}»: для новой записи необходимо указать значение",
    [PROBLEM_WITHDRAWN] = "поле «{field}»: запись {1} отозвана",
    [PROBLEM_SEND_WITH_FORM] = "поле «{field}»: {1} является номером записи реестра «{2}»:"
                               " направьте его со строкой «Форма: {3}»",
    [PROBLEM_OTHER_REGISTER] = "поле «{field}»: {1} является номером записи реестра"
                               " «{2}», а не реестра «{3}»",
    [PROBLEM_NOT_OF_REGISTER] = "поле «{field}»: {1} не является номером записи"
                                " реестра «{2}»",
    [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} не является координатором от {2}",
    [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "в записи не указана ни одна организация или"
                                     " государство, от имени которых может писать {1}",
    [PROBLEM_NOT_REVIEWED] = "не зарегистрировано: когда секретариат рассматривал сообщение,"
                             " эту запись нельзя было зарегистрировать; отправьте ее еще раз",
  },
  .suggestion = "; возможно, имелось в виду «{s}»?",
  .at_line = "строка {1}: ",
  .at_row = "строка таблицы {1}: ",
  .in_file = "{2}: ",
  .in_file_line = "{2}, строка {1}: ",
  .in_file_row = "{2}, строка таблицы {1}: ",
  .accepted = {
    [FILED_NEW] = "принято: {1} (новая запись)",
    [FILED_UPDATED] = "принято: {1} (обновлено)",
    [FILED_UNCHANGED] = "принято: {1} (без изменений)",
    [FILED_WITHDRAWN] = "принято: {1} (отозвано)",
  },
  .updated_fields = "принято: {1} (обновлено: {2})",
  .list_separator = ", ",
  .forwarded = " [пересланное сообщение]",
  .visit_information = "получена информация по визиту {1} (страна посещения: {2})",
  .deactivated = "деактивировано: {1} (заменено записью {2})",
  .consent_yes = "согласие на передачу оценки потребностей зарегистрировано по визиту {1} (страна посещения: {2})",
  .consent_no = "отказ в передаче оценки потребностей зарегистрирован по визиту {1} (страна посещения: {2})",
};

static const Catalogue arabic = {
  .lang = "ar",
  .problems = {
    [PROBLEM_OTHER] = "{1}",
    [PROBLEM_MORE_PROBLEMS] = "وُجدت مشكلات أخرى لم تُدرج هنا",
    [PROBLEM_RECORDS_MAX] = "عدد السجلات في رسالة واحدة يتجاوز {1}؛ لم تُقرأ السجلات"
                            " المتبقية",
    [PROBLEM_EXPECTED_KEY] = "كان المتوقع سطرًا بالصيغة «الحقل: القيمة»",
    [PROBLEM_VALUE_TOO_LONG] = "عدد أحرف الحقل «{field}» يتجاوز {1}",
    [PROBLEM_FIELDS_MAX] = "عدد الحقول في سجل واحد يتجاوز {1}",
    [PROBLEM_LINE_TOO_LONG] = "طول السطر يتجاوز {1} بايت",
    [PROBLEM_FIELD_NOT_IN_FORM] = "الحقل «{1}» ليس من حقول النموذج «{2}»",
    [PROBLEM_UNKNOWN_FIELD] = "حقل غير معروف «{1}»",
    [PROBLEM_REPEATED_AT_LINE] = "الحقل «{field}» مذكور أكثر من مرة (أول مرة في السطر {1})",
    [PROBLEM_REPEATED_AT_ROW] = "الحقل «{field}» مذكور أكثر من مرة (أول مرة في الصف {1})",
    [PROBLEM_NO_FORM] = "لم يُذكر أي نموذج؛ النماذج المتاحة هي: {1}",
    [PROBLEM_UNKNOWN_FORM] = "نموذج غير معروف «{1}»",
    [PROBLEM_UNKNOWN_FORM_LIST] = "نموذج غير معروف «{1}»؛ النماذج المتاحة هي: {2}",
    [PROBLEM_REFERENCE_WRONG_KIND] = "المرجع «{1}» ليس مرجعًا للنموذج «{2}»"
                                     " (البادئة-{3}-السنة-الرقم)",
    [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = "«الإجراء: سحب» يتطلب ذكر المرجع الخاص بالسجل المراد"
                                         " سحبه",
    [PROBLEM_REQUIRED] = "الحقل «{field}» إلزامي",
    [PROBLEM_CSV_COLUMNS_MAX] = "عدد الأعمدة يتجاوز {1}",
    [PROBLEM_CSV_NO_FORM_COLUMN] = "لا يوجد عمود «النموذج»، واسم الملف لا يدل على أي نموذج",
    [PROBLEM_CSV_UNNAMED_COLUMN] = "العمود {1} ليس له اسم في صف العناوين",
    [PROBLEM_CSV_CELLS] = "عدد الخلايا {1} بينما عدد أعمدة صف العناوين {2}",
    [PROBLEM_CSV_INVALID] = "ملف CSV غير صالح؛ لم يُقرأ باقي الملف",
    [PROBLEM_CSV_NO_HEADER] = "لا يوجد صف عناوين",
    [PROBLEM_NOT_DATE] = "الحقل «{field}»: «{1}» ليس تاريخًا بالصيغة 2026-03-02",
    [PROBLEM_NOT_YEAR] = "الحقل «{field}»: «{1}» ليس سنة بالصيغة 2026",
    [PROBLEM_NOT_EMAIL] = "الحقل «{field}»: «{1}» ليس عنوان بريد إلكتروني",
    [PROBLEM_NOT_URL] = "الحقل «{field}»: «{1}» ليس عنوانًا يبدأ بـ http أو https",
    [PROBLEM_NOT_PHONE] = "الحقل «{field}»: «{1}» ليس رقم هاتف",
    [PROBLEM_NOT_CHOICE] = "الحقل «{field}»: «{1}» ليس من القيم التالية: {2}",
    [PROBLEM_NOT_REFERENCE] = "الحقل «{field}»: «{1}» ليس مرجعًا بالصيغة CTC-OFF-2026-0042",
    [PROBLEM_NOT_ACTION] = "الحقل «{field}»: «{1}» ليس إجراءً؛ الإجراء الوحيد هو «سحب»",
    [PROBLEM_UNKNOWN_ENTITY] = "الحقل «{field}»: دولة أو منظمة غير معروفة «{1}»",
    [PROBLEM_NOT_STATE] = "الحقل «{field}»: «{1}» لا يدل على دولة",
    [PROBLEM_UNKNOWN_AREA] = "الحقل «{field}»: مجال غير معروف «{1}»",
    [PROBLEM_UNKNOWN_LANGUAGE] = "الحقل «{field}»: رمز لغة غير معروف (ISO 639-1) «{1}»",
    [PROBLEM_LIST_TOO_LONG] = "الحقل «{field}»: عدد العناصر يتجاوز {1}",
    [PROBLEM_NO_VALUE] = "الحقل «{field}»: لم تُذكر أي قيمة",
    [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "الحقل «{field}»: «{1}» ليس طلبًا (REQ) ولا عرضًا (OFF)",
    [PROBLEM_END_BEFORE_START] = "الحقل «{field}»: التاريخ {1} يسبق تاريخ البدء ({2})",
    [PROBLEM_NOT_ENTITY_CODE] = "الحقل «{field}»: «{1}» ليس رمزًا: من 2 إلى {2} من الحروف"
                                " والأرقام و«-»، مثل UNODC أو CIS-ATC",
    [PROBLEM_NOT_STATE_CODE] = "الحقل «{field}»: «{1}» ليس رمز دولة: حرفان"
                               " (ISO 3166-1 alpha-2)",
    [PROBLEM_REPLACES_OWN_ADDRESS] = "الحقل «{field}» يذكر عنوان جهة التنسيق نفسها",
    [PROBLEM_NOT_VISIT] = "الحقل «{field}»: «{1}» ليس مرجع زيارة (VIS)",
    [PROBLEM_MESSAGE_TOO_LARGE] = "حجم الرسالة {1} بايت، وهو يتجاوز الحد الأقصى البالغ {2} بايت:"
                                  " لم يُقرأ شيء منها؛ يرجى إرسال السجلات في رسائل أصغر",
    [PROBLEM_HEADERS_TOO_LARGE] = "تعذرت قراءة الرسالة (تتجاوز ترويساتها الحد الأقصى البالغ {1}"
                                  " بايت): لم يُقرأ شيء منها؛ يرجى إرسال السجلات نصًا عاديًا",
    [PROBLEM_MIME_TOO_DEEP] = "تعذرت قراءة الرسالة (بنية MIME تتجاوز الحدود: {1} مستوى، {2}"
                              " جزءًا): لم يُقرأ شيء منها؛ يرجى إرسال السجلات نصًا عاديًا",
    [PROBLEM_NOT_FILED] = "لم يُسجَّل: {1}",
    [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "الحقل «{field}»: {1} ليس مرجع طلب أو عرض",
    [PROBLEM_NOT_VISIT_REFERENCE] = "الحقل «{field}»: {1} ليس مرجع زيارة",
    [PROBLEM_NOT_IN_REGISTER] = "الحقل «{field}»: {1} غير موجود في السجل «{2}»",
    [PROBLEM_NEEDS_VALUE] = "الحقل «{field}»: السجل الجديد يتطلب قيمة",
    [PROBLEM_WITHDRAWN] = "الحقل «{field}»: تم سحب {1}",
    [PROBLEM_SEND_WITH_FORM] = "الحقل «{field}»: {1} مرجع في السجل «{2}»: أرسله مع"
                               " «النموذج: {3}»",
    [PROBLEM_OTHER_REGISTER] = "الحقل «{field}»: {1} مرجع في السجل «{2}» وليس في السجل «{3}»",
    [PROBLEM_NOT_OF_REGISTER] = "الحقل «{field}»: {1} ليس مرجعًا في السجل «{2}»",
    [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} ليس جهة تنسيق لـ {2}",
    [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "لا يذكر السجل أي جهة يحق لـ {1} الكتابة باسمها",
    [PROBLEM_NOT_REVIEWED] = "لم يُسجَّل: عندما راجعت الأمانة الرسالة، تعذّر تسجيل هذا السجل؛"
                             " يرجى إرساله مرة أخرى",
  },
  .suggestion = "؛ هل تقصدون «{s}»؟",
  .at_line = "السطر {1}: ",
  .at_row = "الصف {1}: ",
  .in_file = "{2}: ",
  .in_file_line = "{2}، السطر {1}: ",
  .in_file_row = "{2}، الصف {1}: ",
  .accepted = {
    [FILED_NEW] = "قُبل {1} (سجل جديد)",
    [FILED_UPDATED] = "قُبل {1} (حُدِّث)",
    [FILED_UNCHANGED] = "قُبل {1} (دون تغيير)",
    [FILED_WITHDRAWN] = "قُبل {1} (سُحب)",
  },
  .updated_fields = "قُبل {1} (حُدِّثت الحقول: {2})",
  .list_separator = "، ",
  .forwarded = " [الرسالة المعاد توجيهها]",
  .visit_information = "وردت المعلومات الخاصة بالزيارة {1} (زيارة إلى {2})",
  .deactivated = "عُطِّل {1} (حلّ محله {2})",
  .consent_yes = "سُجلت الموافقة على إطلاع الجهات على تقييم الاحتياجات الخاص بالزيارة {1} (زيارة إلى {2})",
  .consent_no = "سُجل رفض إطلاع الجهات على تقييم الاحتياجات الخاص بالزيارة {1} (زيارة إلى {2})",
};

static const Catalogue chinese = {
  .lang = "zh",
  .problems = {
    [PROBLEM_OTHER] = "{1}",
    [PROBLEM_MORE_PROBLEMS] = "另有其他问题，未予列出",
    [PROBLEM_RECORDS_MAX] = "一封邮件中的记录超过 {1} 条；其余记录未读取",
    [PROBLEM_EXPECTED_KEY] = "应为“字段：值”的格式",
    [PROBLEM_VALUE_TOO_LONG] = "字段“{field}”超过 {1} 个字符",
    [PROBLEM_FIELDS_MAX] = "一条记录中的字段超过 {1} 个",
    [PROBLEM_LINE_TOO_LONG] = "该行超过 {1} 字节",
    [PROBLEM_FIELD_NOT_IN_FORM] = "字段“{1}”不属于表格“{2}”",
    [PROBLEM_UNKNOWN_FIELD] = "未知字段“{1}”",
    [PROBLEM_REPEATED_AT_LINE] = "字段“{field}”出现不止一次（首次出现在第 {1} 行）",
    [PROBLEM_REPEATED_AT_ROW] = "字段“{field}”出现不止一次（首次出现在表格第 {1} 行）",
    [PROBLEM_NO_FORM] = "未注明表格；可用的表格有：{1}",
    [PROBLEM_UNKNOWN_FORM] = "未知表格“{1}”",
    [PROBLEM_UNKNOWN_FORM_LIST] = "未知表格“{1}”；可用的表格有：{2}",
    [PROBLEM_REFERENCE_WRONG_KIND] = "编号“{1}”不是表格“{2}”的编号（前缀-{3}-年份-序号）",
    [PROBLEM_WITHDRAW_NEEDS_REFERENCE] = "“操作：撤回”须注明要撤回的记录的编号",
    [PROBLEM_REQUIRED] = "字段“{field}”为必填项",
    [PROBLEM_CSV_COLUMNS_MAX] = "超过 {1} 列",
    [PROBLEM_CSV_NO_FORM_COLUMN] = "没有“表格”列，文件名也未指明表格",
    [PROBLEM_CSV_UNNAMED_COLUMN] = "第 {1} 列在标题行中没有名称",
    [PROBLEM_CSV_CELLS] = "有 {1} 个单元格，而标题行有 {2} 列",
    [PROBLEM_CSV_INVALID] = "CSV 格式无效；文件其余部分未读取",
    [PROBLEM_CSV_NO_HEADER] = "没有标题行",
    [PROBLEM_NOT_DATE] = "字段“{field}”：“{1}”不是 2026-03-02 这样的日期",
    [PROBLEM_NOT_YEAR] = "字段“{field}”：“{1}”不是 2026 这样的年份",
    [PROBLEM_NOT_EMAIL] = "字段“{field}”：“{1}”不是电子邮件地址",
    [PROBLEM_NOT_URL] = "字段“{field}”：“{1}”不是 http 或 https 网址",
    [PROBLEM_NOT_PHONE] = "字段“{field}”：“{1}”不是电话号码",
    [PROBLEM_NOT_CHOICE] = "字段“{field}”：“{1}”不是以下值之一：{2}",
    [PROBLEM_NOT_REFERENCE] = "字段“{field}”：“{1}”不是 CTC-OFF-2026-0042 这样的编号",
    [PROBLEM_NOT_ACTION] = "字段“{field}”：“{1}”不是有效操作；唯一的操作是“撤回”",
    [PROBLEM_UNKNOWN_ENTITY] = "字段“{field}”：未知的国家或组织“{1}”",
    [PROBLEM_NOT_STATE] = "字段“{field}”：“{1}”不是国家",
    [PROBLEM_UNKNOWN_AREA] = "字段“{field}”：未知领域“{1}”",
    [PROBLEM_UNKNOWN_LANGUAGE] = "字段“{field}”：未知语言代码（ISO 639-1）“{1}”",
    [PROBLEM_LIST_TOO_LONG] = "字段“{field}”：超过 {1} 项",
    [PROBLEM_NO_VALUE] = "字段“{field}”：未填写任何值",
    [PROBLEM_NEITHER_REQUEST_NOR_OFFER] = "字段“{field}”：“{1}”既不是请求（REQ）也不是提议（OFF）",
    [PROBLEM_END_BEFORE_START] = "字段“{field}”：{1} 早于开始日期 {2}",
    [PROBLEM_NOT_ENTITY_CODE] = "字段“{field}”：“{1}”不是代码：应为 2 至 {2} 个字母、数字和“-”，"
                                "如 UNODC 或 CIS-ATC",
    [PROBLEM_NOT_STATE_CODE] = "字段“{field}”：“{1}”不是国家代码：应为两个字母（ISO 3166-1 alpha-2）",
    [PROBLEM_REPLACES_OWN_ADDRESS] = "字段“{field}”填写的是联络点本人的地址",
    [PROBLEM_NOT_VISIT] = "字段“{field}”：“{1}”不是访问编号（VIS）",
    [PROBLEM_MESSAGE_TOO_LARGE] = "邮件大小为 {1} 字节，超过 {2} 字节的上限：其内容均未读取；"
                                  "请分成较小的邮件发送记录",
    [PROBLEM_HEADERS_TOO_LARGE] = "无法读取邮件（邮件头超过 {1} 字节的上限）：其内容均未读取；"
                                  "请以纯文本发送记录",
    [PROBLEM_MIME_TOO_DEEP] = "无法读取邮件（MIME 结构超出限制：{1} 层、{2} 个部分）："
                              "其内容均未读取；请以纯文本发送记录",
    [PROBLEM_NOT_FILED] = "未登记：{1}",
    [PROBLEM_NOT_REQUEST_OR_OFFER_REFERENCE] = "字段“{field}”：{1} 不是请求或提议的编号",
    [PROBLEM_NOT_VISIT_REFERENCE] = "字段“{field}”：{1} 不是访问的编号",
    [PROBLEM_NOT_IN_REGISTER] = "字段“{field}”：{1} 不在“{2}”登记册中",
    [PROBLEM_NEEDS_VALUE] = "字段“{field}”：新记录须填写此项",
    [PROBLEM_WITHDRAWN] = "字段“{field}”：{1} 已撤回",
    [PROBLEM_SEND_WITH_FORM] = "字段“{field}”：{1} 是“{2}”登记册的编号：请以“表格：{3}”发送",
    [PROBLEM_OTHER_REGISTER] = "字段“{field}”：{1} 是“{2}”登记册的编号，不是“{3}”登记册的编号",
    [PROBLEM_NOT_OF_REGISTER] = "字段“{field}”：{1} 不是“{2}”登记册的编号",
    [PROBLEM_NOT_CONTACT_POINT_OF] = "{1} 不是 {2} 的联络点",
    [PROBLEM_SPEAKS_FOR_NO_ENTITY] = "该记录未指明 {1} 可代表的任何实体",
    [PROBLEM_NOT_REVIEWED] = "未登记：秘书处审查该邮件时，此记录无法登记；请重新发送",
  },
  .suggestion = "；您是否要填写“{s}”？",
  .at_line = "第 {1} 行：",
  .at_row = "表格第 {1} 行：",
  .in_file = "{2}：",
  .in_file_line = "{2} 第 {1} 行：",
  .in_file_row = "{2} 表格第 {1} 行：",
  .accepted = {
    [FILED_NEW] = "已接受 {1}（新记录）",
    [FILED_UPDATED] = "已接受 {1}（已更新）",
    [FILED_UNCHANGED] = "已接受 {1}（无变化）",
    [FILED_WITHDRAWN] = "已接受 {1}（已撤回）",
  },
  .updated_fields = "已接受 {1}（已更新：{2}）",
  .list_separator = "、",
  .forwarded = " [转发的邮件]",
  .visit_information = "已收到访问 {1} 的信息（访问{2}）",
  .deactivated = "已停用 {1}（由 {2} 取代）",
  .consent_yes = "已记录同意分享访问 {1}（访问{2}）的需求评估",
  .consent_no = "已记录不同意分享访问 {1}（访问{2}）的需求评估",
};

const char *const lines_languages[] = { "ar", "en", "es", "fr", "ru", "zh", NULL };

/* The field names of each language, in the order of lines_languages; each
 * one a key of parsers/keys.c for that field. */
static const struct {
  const char *key;
  const char *names[6];
} field_names[] = {
  { "Form", { "النموذج", "Form", "Formulario", "Formulaire", "Форма", "表格" } },
  { "Reference", { "المرجع", "Reference", "Referencia", "Référence", "Номер", "编号" } },
  { "Action", { "الإجراء", "Action", "Acción", "Action", "Действие", "操作" } },
  { "Entity", { "الكيان", "Entity", "Entidad", "Entité", "Структура", "实体" } },
  { "Name", { "الاسم", "Name", "Nombre", "Nom", "ФИО", "姓名" } },
  { "Email", { "البريد الإلكتروني", "Email", "Correo electrónico", "Courriel",
               "Электронная почта", "电子邮件" } },
  { "Title", { "المسمى الوظيفي", "Title", "Cargo", "Fonction", "Должность", "职务" } },
  { "Office", { "المكتب", "Office", "Oficina", "Service", "Подразделение", "部门" } },
  { "Phone", { "الهاتف", "Phone", "Teléfono", "Téléphone", "Телефон", "电话" } },
  { "Languages", { "اللغات", "Languages", "Idiomas", "Langues", "Языки", "语言" } },
  { "Role", { "الدور", "Role", "Función", "Rôle", "Роль", "角色" } },
  { "Areas", { "المجالات", "Areas", "Ámbitos", "Domaines", "Области", "领域" } },
  { "Replaces", { "يحل محل", "Replaces", "Sustituye", "Remplace", "Заменяет", "取代" } },
  { "Publish", { "النشر", "Publish", "Publicar", "Publier", "Опубликовать", "公布" } },
  { "Provider", { "الجهة المقدمة", "Provider", "Proveedor", "Prestataire", "Поставщик",
                  "提供方" } },
  { "Beneficiaries", { "الجهات المستفيدة", "Beneficiaries", "Beneficiarios", "Bénéficiaires",
                       "Бенефициары", "受益方" } },
  { "Start", { "تاريخ البدء", "Start", "Fecha de inicio", "Date de début", "Дата начала",
               "开始日期" } },
  { "End", { "تاريخ الانتهاء", "End", "Fecha de finalización", "Date de fin",
             "Дата окончания", "结束日期" } },
  { "Status", { "الحالة", "Status", "Situación", "Statut", "Статус", "状态" } },
  { "Objectives", { "الأهداف", "Objectives", "Objetivos", "Objectifs", "Цели", "目标" } },
  { "Description", { "الوصف", "Description", "Descripción", "Description", "Описание",
                     "说明" } },
  { "Contacts", { "جهات الاتصال", "Contacts", "Contactos", "Personnes à contacter",
                  "Контактные лица", "联系人" } },
  { "State", { "الدولة", "State", "Estado", "État", "Государство", "国家" } },
  { "Priority", { "الأولوية", "Priority", "Prioridad", "Priorité", "Приоритет", "优先级" } },
  { "Reporter", { "مقدم التقرير", "Reporter", "Autor del informe", "Auteur du rapport",
                  "Автор отчета", "报告方" } },
  { "Results", { "النتائج", "Results", "Resultados", "Résultats", "Результаты", "结果" } },
  { "Result reference", { "مرجع النتيجة", "Result reference", "Referencia del resultado",
                          "Référence du résultat", "Номер результата", "结果编号" } },
  { "Difference", { "الأثر", "Difference", "Impacto", "Impact", "Влияние", "影响" } },
  { "Problems", { "الصعوبات", "Problems", "Dificultades", "Difficultés", "Трудности",
                  "困难" } },
  { "Kind", { "النوع", "Kind", "Tipo", "Catégorie", "Тип", "类型" } },
  { "Url", { "الرابط", "Url", "Enlace", "Lien", "Ссылка", "网址" } },
  { "Issuer", { "الجهة المصدرة", "Issuer", "Entidad emisora", "Organisme émetteur",
                "Издатель", "发布机构" } },
  { "Citation", { "الاستشهاد", "Citation", "Referencia bibliográfica",
                  "Référence bibliographique", "Библиографическая ссылка", "引文" } },
  { "Year", { "السنة", "Year", "Año", "Année", "Год", "年份" } },
  { "Summary", { "الملخص", "Summary", "Resumen", "Résumé", "Краткое описание", "摘要" } },
  { "Visit", { "الزيارة", "Visit", "Visita", "Visite", "Визит", "访问" } },
  { "Information", { "المعلومات", "Information", "Información", "Informations",
                     "Информация", "信息" } },
  { "Consent", { "الموافقة", "Consent", "Consentimiento", "Consentement", "Согласие",
                 "同意" } },
  { "Recipients", { "الجهات المتلقية", "Recipients", "Destinatarios", "Destinataires",
                    "Получатели", "接收方" } },
};

static const Catalogue *const catalogues[] = { &french, &spanish, &russian, &arabic, &chinese };

/* The catalogue of lang, or NULL for English (and any language without one). */
static const Catalogue *
catalogue (const char *lang)
{
  for (guint i = 0; lang != NULL && i < G_N_ELEMENTS (catalogues); i++)
    if (strcmp (catalogues[i]->lang, lang) == 0)
      return catalogues[i];
  return NULL;
}

/* The title of the thing a record describes (an activity, a source, a
 * standard), where field_names gives a contact point's job title; each a
 * key of parsers/keys.c for Title. */
static const char *const thing_title[] = {
  "العنوان", "Title", "Título", "Titre", "Название", "标题",
};

/* The column of lang in lines_languages, or the NULL at its end. */
static guint
language_column (const char *lang)
{
  guint column = 0;
  while (lines_languages[column] != NULL && g_strcmp0 (lines_languages[column], lang) != 0)
    column++;
  return column;
}

const char *
lines_field_name (const char *canonical, const char *form, const char *lang)
{
  guint column = language_column (lang);
  if (canonical == NULL || lines_languages[column] == NULL)
    return canonical;
  if (strcmp (canonical, "Title") == 0 && form != NULL
      && strcmp (form, form_contact_point.name) != 0)
    return thing_title[column];
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    if (strcmp (field_names[i].key, canonical) == 0)
      return field_names[i].names[column];
  return canonical;
}

const char *
lines_wording (ProblemCode code, const char *lang)
{
  g_assert ((guint) code < PROBLEM_COUNT);
  const Catalogue *c = catalogue (lang);
  return c != NULL ? c->problems[code] : problem_english (code);
}

/* pattern with {1} and {2} replaced by one and two. */
static char *
fill (const char *pattern, const char *one, const char *two)
{
  FormProblem args = { .args = { (char *) one, (char *) two } };
  return problem_render (pattern, &args, NULL);
}

/* The registers by their names in lang (columns of lines_languages). */
static const struct {
  const char *name;
  const char *names[6];
} register_names[] = {
  { "offers", { "عروض المساعدة", "offers", "ofertas de asistencia", "offres d'assistance",
                "предложения помощи", "援助提议" } },
  { "requests", { "طلبات المساعدة", "requests", "solicitudes de asistencia",
                  "demandes d'assistance", "запросы о помощи", "援助请求" } },
  { "results", { "نتائج المساعدة", "results", "resultados de la asistencia",
                 "résultats de l'assistance", "результаты помощи", "援助结果" } },
  { "contacts", { "جهات التنسيق", "contacts", "puntos focales", "points focaux",
                  "координаторы", "联络点" } },
  { "sources", { "مصادر المعلومات", "sources", "fuentes de información",
                 "sources d'information", "источники информации", "信息来源" } },
  { "standards", { "المعايير", "standards", "normas", "normes", "стандарты", "标准" } },
  { "inventory", { "الجرد", "inventory", "inventario", "inventaire", "перечень", "清单" } },
  { "visits", { "الزيارات", "visits", "visitas", "visites", "визиты", "访问" } },
  { "meetings", { "الاجتماعات", "meetings", "reuniones", "réunions", "совещания", "会议" } },
  { "circulars", { "التعاميم", "circulars", "circulares", "circulaires", "циркуляры",
                   "通函" } },
  { "submissions", { "الرسائل الواردة", "submissions", "envíos", "soumissions",
                     "поступившие материалы", "提交材料" } },
  { "entities", { "الكيانات", "entities", "entidades", "entités", "структуры", "实体" } },
  { "groups", { "المجموعات", "groups", "grupos", "groupes", "группы", "组别" } },
};

/* The register name in lang, or name itself when it has none there. */
static const char *
register_name (const char *name, const char *lang)
{
  guint column = language_column (lang);
  for (guint i = 0; lines_languages[column] != NULL && i < G_N_ELEMENTS (register_names); i++)
    if (strcmp (register_names[i].name, name) == 0)
      return register_names[i].names[column];
  return name;
}

/* The English values of list (one, or several joined with ", ") named in
 * lang and joined with separator: "haute, moyenne, basse", "高、中、低". */
static char *
values_named (const char *list, const char *lang, const char *separator)
{
  g_auto (GStrv) items = g_strsplit (list, ", ", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; items[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i ? separator : "", form_term_name (items[i], lang));
  return g_string_free (out, FALSE);
}

/* What p says, without its place, in the catalogue c. */
static char *
problem_text (const FormProblem *p, const Catalogue *c, const char *lang)
{
  if (c == NULL || p->code == PROBLEM_OTHER)
    return g_strdup (p->message);
  const char *suggestion = p->suggestion;
  if (p->code == PROBLEM_UNKNOWN_FIELD && suggestion != NULL)
    suggestion = lines_field_name (suggestion, p->form, lang);
  FormProblem shown = *p;
  shown.suggestion = (char *) suggestion;
  char *named[PROBLEM_ARGS_MAX] = { NULL };
  for (guint i = 0; i < PROBLEM_ARGS_MAX && p->args[i] != NULL; i++)
    if (problem_arg (p->code, i) == PROBLEM_ARG_VALUES)
      shown.args[i] = named[i] = values_named (p->args[i], lang, c->list_separator);
    else if (problem_arg (p->code, i) == PROBLEM_ARG_REGISTER)
      shown.args[i] = (char *) register_name (p->args[i], lang);
  g_autofree char *text = problem_render (c->problems[p->code], &shown,
                                          lines_field_name (p->field, p->form, lang));
  for (guint i = 0; i < PROBLEM_ARGS_MAX; i++)
    g_free (named[i]);
  if (suggestion == NULL)
    return g_steal_pointer (&text);
  g_autofree char *suffix = problem_render (c->suggestion, &shown, NULL);
  return g_strconcat (text, suffix, NULL);
}

char *
lines_problem (const FormProblem *p, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  if (c == NULL)
    return form_problem_format (p);
  g_autofree char *text = problem_text (p, c, lang);
  const char *place = p->source == NULL ? (p->line == 0 ? NULL : p->csv ? c->at_row : c->at_line)
                      : p->line == 0 ? c->in_file
                      : p->csv ? c->in_file_row : c->in_file_line;
  if (place == NULL)
    return g_steal_pointer (&text);
  char number[PROBLEM_NUMBER_LEN];
  g_autofree char *where = fill (place, problem_number (number, p->line), p->source);
  return g_strconcat (where, text, NULL);
}

/* The fields of an update of a record of form in lang, joined. */
static char *
changed_fields (const GPtrArray *changed, const char *form, const char *lang,
                const char *separator)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < changed->len; i++)
    g_string_append_printf (out, "%s%s", i ? separator : "",
                            lines_field_name (changed->pdata[i], form, lang));
  return g_string_free (out, FALSE);
}

char *
lines_accepted (const FiledRecord *filed, const char *form, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  gboolean fields = filed->how == FILED_UPDATED && filed->changed != NULL
                    && filed->changed->len > 0;
  g_autofree char *list = fields ? changed_fields (filed->changed, form, lang,
                                                   c ? c->list_separator : ", ") : NULL;
  g_assert ((guint) filed->how < FILED_REFUSED);
  if (c == NULL && fields)
    return g_strdup_printf ("accepted %s (updated: %s)", filed->reference, list);
  if (c == NULL)
    return g_strdup_printf ("accepted %s (%s)", filed->reference, filed_how_name (filed->how));
  return fill (fields ? c->updated_fields : c->accepted[filed->how], filed->reference, list);
}

/* The required fields of kind named in lang, joined with separator. */
static void
append_required (GString *out, const struct form_kind *kind, const char *lang,
                 const char *separator)
{
  gboolean first = TRUE;
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].required)
      {
        g_string_append_printf (out, "%s%s", first ? "" : separator,
                                lines_field_name (kind->fields[i].name, kind->name, lang));
        first = FALSE;
      }
}

char *
lines_forms (const char *lang)
{
  const Catalogue *c = catalogue (lang);
  guint width = 0;
  for (guint i = 0; form_kinds[i] != NULL; i++)
    width = MAX (width, text_width (form_term_name (form_kinds[i]->name, lang)));
  GString *out = g_string_new (NULL);
  for (guint i = 0; form_kinds[i] != NULL; i++)
    {
      const char *name = form_term_name (form_kinds[i]->name, lang);
      g_string_append_printf (out, "%s%s", i ? "\n" : "", name);
      for (guint w = text_width (name); w < width + 2; w++)
        g_string_append_c (out, ' ');
      append_required (out, form_kinds[i], lang, c ? c->list_separator : ", ");
    }
  return g_string_free (out, FALSE);
}

char *
lines_forwarded (const char *line, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  return g_strconcat (line, c != NULL ? c->forwarded : " [forwarded message]", NULL);
}

/* The choices of field of kind named in lang, joined as lang joins a list. */
static char *
choices_named (const struct form_kind *kind, const char *field, const char *separator,
               const char *lang)
{
  const FormFieldSpec *spec = form_kind_field (kind, field);
  GString *out = g_string_new (NULL);
  for (guint i = 0; spec != NULL && spec->choices[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i ? separator : "",
                            form_term_name (spec->choices[i], lang));
  return g_string_free (out, FALSE);
}

void
lines_set_vocabulary (TplData *data, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  const char *separator = c != NULL ? c->list_separator : ", ";
  const struct form_kind *forms[] = { &form_inventory, &form_information_source,
                                      &form_visit_information };
  const char *names[] = { "form_inventory", "form_information_source",
                          "form_visit_information" };
  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    tpl_set (data, names[i], form_term_name (forms[i]->name, lang));
  g_autofree char *inventory = choices_named (&form_inventory, "Kind", separator, lang);
  g_autofree char *sources = choices_named (&form_information_source, "Kind", separator, lang);
  GString *areas = g_string_new (NULL);
  for (guint i = 0; form_areas[i] != NULL; i++)
    g_string_append_printf (areas, "%s%s", i ? separator : "", form_term_name (form_areas[i], lang));
  tpl_set (data, "inventory_kinds", inventory);
  tpl_set (data, "source_kinds", sources);
  tpl_set (data, "areas", areas->str);
  g_string_free (areas, TRUE);
}

/* The note on an attachment not kept, in the languages of lines_languages:
 * {1} its name, {2} its size in bytes. */
static const char *const not_kept[] = {
  "لم يُحفظ المرفق «{1}» ({2} بايت) لأن حجمه يتجاوز الحد الذي تقبله البوابة؛"
  " يرجى إعادة إرساله في ملف أصغر حجمًا",
  "the attachment \"{1}\" ({2} bytes) was not kept: it is larger than the gateway"
  " accepts; send it again in a smaller file",
  "el archivo adjunto «{1}» ({2} bytes) no se ha conservado: supera el tamaño que admite"
  " la pasarela; vuelva a enviarlo en un archivo más pequeño",
  "la pièce jointe «\u00a0{1}\u00a0» ({2} octets) n'a pas été conservée\u00a0: elle dépasse"
  " la taille admise par la passerelle\u00a0; renvoyez-la dans un fichier plus petit",
  "вложение «{1}» ({2} байт) не сохранено: его размер превышает допустимый;"
  " направьте его повторно в файле меньшего размера",
  "附件“{1}”（{2} 字节）未予保存：其大小超过系统接受的上限；请以较小的文件重新发送",
};

char *
lines_attachment_not_kept (const char *name, gsize size, const char *lang)
{
  guint column = language_column (lang);
  if (lines_languages[column] == NULL)
    column = language_column ("en");
  g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
  return fill (not_kept[column], name, bytes);
}

char *
lines_visit_information (const char *reference, const char *state, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  if (c == NULL)
    return g_strdup_printf ("information received for %s (visit to %s)", reference, state);
  return fill (c->visit_information, reference, state);
}

char *
lines_deactivated (const char *reference, const char *by, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  if (c == NULL)
    return g_strdup_printf ("deactivated %s (replaced by %s)", reference, by);
  return fill (c->deactivated, reference, by);
}

char *
lines_visit_consent (const char *reference, const char *state, gboolean yes, const char *lang)
{
  const Catalogue *c = catalogue (lang);
  if (c == NULL)
    return g_strdup_printf (yes ? "consent to sharing the needs assessment recorded for %s"
                                  " (visit to %s)"
                                : "refusal to share the needs assessment recorded for %s"
                                  " (visit to %s)", reference, state);
  return fill (yes ? c->consent_yes : c->consent_no, reference, state);
}
