/* Field keys as people write them: any case, space - _ alike, accents or
 * not, in any of the six official UN languages (docs/submissions.md
 * sections 2 and 8: the guide lists this table; change both together). */
#include "parsers/form.h"

#include <string.h>

/* Every way of writing a key, and the canonical English key it means.
 * Entries are compared folded (form_fold), so case, accents and the
 * separators need not be listed twice: "Reference" is also "Référence". */
static const struct alias {
  const char *alias;
  const char *key;
  const char *languages;   /* the languages it is a word of: "fr", "en fr" */
} aliases[] = {
  /* Form */
  { "Form", "Form", "en" }, { "Form type", "Form", "en" },
  { "Formulaire", "Form", "fr" }, { "Formulario", "Form", "es" },
  { "Форма", "Form", "ru" }, { "النموذج", "Form", "ar" },
  { "الاستمارة", "Form", "ar" }, { "表格", "Form", "zh" },
  { "表单", "Form", "zh" },
  /* Reference */
  { "Reference", "Reference", "en fr" }, { "Ref", "Reference", "en" },
  { "Reference number", "Reference", "en" },
  { "Referencia", "Reference", "es" },
  { "Número de referencia", "Reference", "es" },
  { "Номер", "Reference", "ru" },
  { "Регистрационный номер", "Reference", "ru" },
  { "Справочный номер", "Reference", "ru" }, { "المرجع", "Reference", "ar" },
  { "الرقم المرجعي", "Reference", "ar" }, { "编号", "Reference", "zh" },
  { "参考编号", "Reference", "zh" }, { "参考号", "Reference", "zh" },
  /* Action */
  { "Action", "Action", "en fr" }, { "Acción", "Action", "es" },
  { "Действие", "Action", "ru" }, { "الإجراء", "Action", "ar" },
  { "操作", "Action", "zh" }, { "行动", "Action", "zh" },
  /* Entity */
  { "Entity", "Entity", "en" }, { "Entité", "Entity", "fr" },
  { "Entidad", "Entity", "es" }, { "Субъект", "Entity", "ru" },
  { "Структура", "Entity", "ru" }, { "الكيان", "Entity", "ar" },
  { "الجهة", "Entity", "ar" }, { "实体", "Entity", "zh" },
  { "单位", "Entity", "zh" },
  /* Name */
  { "Name", "Name", "en" }, { "Full name", "Name", "en" },
  { "Nom", "Name", "fr" }, { "Nom complet", "Name", "fr" },
  { "Nombre", "Name", "es" }, { "Nombre completo", "Name", "es" },
  { "Имя", "Name", "ru" }, { "ФИО", "Name", "ru" },
  { "Фамилия и имя", "Name", "ru" }, { "الاسم", "Name", "ar" },
  { "الاسم الكامل", "Name", "ar" }, { "姓名", "Name", "zh" },
  { "名字", "Name", "zh" },
  /* Email */
  { "Email", "Email", "en" }, { "E-mail", "Email", "en" },
  { "Email address", "Email", "en" }, { "E-mail address", "Email", "en" },
  { "Mail", "Email", "en" }, { "Courriel", "Email", "fr" },
  { "Adresse électronique", "Email", "fr" },
  { "Adresse e-mail", "Email", "fr" }, { "Adresse courriel", "Email", "fr" },
  { "Mél", "Email", "fr" }, { "Correo electrónico", "Email", "es" },
  { "Correo", "Email", "es" },
  { "Dirección de correo electrónico", "Email", "es" },
  { "Электронная почта", "Email", "ru" }, { "Эл. почта", "Email", "ru" },
  { "Адрес электронной почты", "Email", "ru" }, { "Почта", "Email", "ru" },
  { "البريد الإلكتروني", "Email", "ar" }, { "بريد إلكتروني", "Email", "ar" },
  { "电子邮件", "Email", "zh" }, { "电子邮箱", "Email", "zh" },
  { "邮箱", "Email", "zh" }, { "电邮", "Email", "zh" },
  /* Title */
  { "Title", "Title", "en" }, { "Job title", "Title", "en" },
  { "Titre", "Title", "fr" }, { "Intitulé", "Title", "fr" },
  { "Fonction", "Title", "fr" }, { "Título", "Title", "es" },
  { "Cargo", "Title", "es" }, { "Название", "Title", "ru" },
  { "Заголовок", "Title", "ru" }, { "Должность", "Title", "ru" },
  { "العنوان", "Title", "ar" }, { "المسمى الوظيفي", "Title", "ar" },
  { "标题", "Title", "zh" }, { "题目", "Title", "zh" }, { "名称", "Title", "zh" },
  { "职务", "Title", "zh" },
  /* Office */
  { "Office", "Office", "en" }, { "Bureau", "Office", "fr" },
  { "Service", "Office", "fr" }, { "Oficina", "Office", "es" },
  { "Dependencia", "Office", "es" }, { "Отдел", "Office", "ru" },
  { "Офис", "Office", "ru" }, { "Подразделение", "Office", "ru" },
  { "المكتب", "Office", "ar" }, { "办公室", "Office", "zh" },
  { "部门", "Office", "zh" },
  /* Phone */
  { "Phone", "Phone", "en" }, { "Telephone", "Phone", "en" },
  { "Tel", "Phone", "en fr" }, { "Phone number", "Phone", "en" },
  { "Teléfono", "Phone", "es" }, { "Телефон", "Phone", "ru" },
  { "Тел", "Phone", "ru" }, { "الهاتف", "Phone", "ar" },
  { "رقم الهاتف", "Phone", "ar" }, { "电话", "Phone", "zh" },
  { "电话号码", "Phone", "zh" },
  /* Languages */
  { "Languages", "Languages", "en" }, { "Language", "Languages", "en" },
  { "Langues", "Languages", "fr" }, { "Langue", "Languages", "fr" },
  { "Idiomas", "Languages", "es" }, { "Idioma", "Languages", "es" },
  { "Языки", "Languages", "ru" }, { "Язык", "Languages", "ru" },
  { "اللغات", "Languages", "ar" }, { "اللغة", "Languages", "ar" },
  { "语言", "Languages", "zh" }, { "语文", "Languages", "zh" },
  /* Role */
  { "Role", "Role", "en fr" }, { "Función", "Role", "es" },
  { "Papel", "Role", "es" }, { "Rol", "Role", "es" },
  { "Роль", "Role", "ru" }, { "الدور", "Role", "ar" }, { "角色", "Role", "zh" },
  /* Areas */
  { "Areas", "Areas", "en" }, { "Area", "Areas", "en" },
  { "Thematic areas", "Areas", "en" }, { "Domaines", "Areas", "fr" },
  { "Domaine", "Areas", "fr" }, { "Ámbitos", "Areas", "es" },
  { "Ámbito", "Areas", "es" }, { "Области", "Areas", "ru" },
  { "Область", "Areas", "ru" }, { "Направления", "Areas", "ru" },
  { "المجالات", "Areas", "ar" }, { "المجال", "Areas", "ar" },
  { "领域", "Areas", "zh" },
  /* Replaces */
  { "Replaces", "Replaces", "en" }, { "Replace", "Replaces", "en" },
  { "Remplace", "Replaces", "fr" }, { "Reemplaza", "Replaces", "es" },
  { "Sustituye", "Replaces", "es" }, { "Заменяет", "Replaces", "ru" },
  { "يحل محل", "Replaces", "ar" }, { "取代", "Replaces", "zh" },
  { "替换", "Replaces", "zh" },
  /* Provider */
  { "Provider", "Provider", "en" }, { "Providers", "Provider", "en" },
  { "Fournisseur", "Provider", "fr" }, { "Prestataire", "Provider", "fr" },
  { "Prestataires", "Provider", "fr" }, { "Proveedor", "Provider", "es" },
  { "Proveedores", "Provider", "es" }, { "Поставщик", "Provider", "ru" },
  { "Поставщики", "Provider", "ru" }, { "مقدم", "Provider", "ar" },
  { "الجهة المقدمة", "Provider", "ar" }, { "提供方", "Provider", "zh" },
  { "提供者", "Provider", "zh" },
  /* Beneficiaries */
  { "Beneficiaries", "Beneficiaries", "en" },
  { "Beneficiary", "Beneficiaries", "en" },
  { "Bénéficiaires", "Beneficiaries", "fr" },
  { "Bénéficiaire", "Beneficiaries", "fr" },
  { "Beneficiarios", "Beneficiaries", "es" },
  { "Beneficiario", "Beneficiaries", "es" },
  { "Бенефициары", "Beneficiaries", "ru" },
  { "Получатели помощи", "Beneficiaries", "ru" },
  { "المستفيدون", "Beneficiaries", "ar" },
  { "الجهات المستفيدة", "Beneficiaries", "ar" },
  { "受益方", "Beneficiaries", "zh" }, { "受益国", "Beneficiaries", "zh" },
  /* Start */
  { "Start", "Start", "en" }, { "Start date", "Start", "en" },
  { "Begin", "Start", "en" }, { "Début", "Start", "fr" },
  { "Date de début", "Start", "fr" }, { "Inicio", "Start", "es" },
  { "Fecha de inicio", "Start", "es" }, { "Начало", "Start", "ru" },
  { "Дата начала", "Start", "ru" }, { "البداية", "Start", "ar" },
  { "تاريخ البدء", "Start", "ar" }, { "تاريخ البداية", "Start", "ar" },
  { "开始", "Start", "zh" }, { "开始日期", "Start", "zh" },
  /* End */
  { "End", "End", "en" }, { "End date", "End", "en" },
  { "Fin", "End", "fr es" }, { "Date de fin", "End", "fr" },
  { "Fecha de fin", "End", "es" }, { "Fecha de finalización", "End", "es" },
  { "Fecha de término", "End", "es" }, { "Конец", "End", "ru" },
  { "Окончание", "End", "ru" }, { "Дата окончания", "End", "ru" },
  { "النهاية", "End", "ar" }, { "تاريخ الانتهاء", "End", "ar" },
  { "结束", "End", "zh" }, { "结束日期", "End", "zh" },
  /* Status */
  { "Status", "Status", "en" }, { "Statut", "Status", "fr" },
  { "État d'avancement", "Status", "fr" }, { "Situación", "Status", "es" },
  { "Estatus", "Status", "es" }, { "Estado de ejecución", "Status", "es" },
  { "Статус", "Status", "ru" }, { "Состояние", "Status", "ru" },
  { "الحالة", "Status", "ar" }, { "状态", "Status", "zh" },
  /* Objectives */
  { "Objectives", "Objectives", "en" }, { "Objective", "Objectives", "en" },
  { "Objectifs", "Objectives", "fr" }, { "Objectif", "Objectives", "fr" },
  { "Objetivos", "Objectives", "es" }, { "Objetivo", "Objectives", "es" },
  { "Цели", "Objectives", "ru" }, { "Цель", "Objectives", "ru" },
  { "الأهداف", "Objectives", "ar" }, { "الهدف", "Objectives", "ar" },
  { "目标", "Objectives", "zh" },
  /* Description */
  { "Description", "Description", "en fr" },
  { "Descripción", "Description", "es" }, { "Описание", "Description", "ru" },
  { "الوصف", "Description", "ar" }, { "وصف", "Description", "ar" },
  { "说明", "Description", "zh" }, { "描述", "Description", "zh" },
  /* Contacts */
  { "Contacts", "Contacts", "en fr" }, { "Contact", "Contacts", "en fr" },
  { "Contact emails", "Contacts", "en" },
  { "Personnes à contacter", "Contacts", "fr" },
  { "Contactos", "Contacts", "es" }, { "Contacto", "Contacts", "es" },
  { "Контакты", "Contacts", "ru" }, { "Контактные лица", "Contacts", "ru" },
  { "جهات الاتصال", "Contacts", "ar" }, { "جهة الاتصال", "Contacts", "ar" },
  { "联系人", "Contacts", "zh" }, { "联系方式", "Contacts", "zh" },
  /* State */
  { "State", "State", "en" }, { "Member State", "State", "en" },
  { "Country", "State", "en" }, { "État", "State", "fr" },
  { "État membre", "State", "fr" }, { "Pays", "State", "fr" },
  { "Estado", "State", "es" }, { "Estado Miembro", "State", "es" },
  { "País", "State", "es" }, { "Государство", "State", "ru" },
  { "Государство-член", "State", "ru" }, { "Страна", "State", "ru" },
  { "الدولة", "State", "ar" }, { "الدولة العضو", "State", "ar" },
  { "البلد", "State", "ar" }, { "国家", "State", "zh" },
  { "会员国", "State", "zh" },
  /* Priority */
  { "Priority", "Priority", "en" }, { "Priorité", "Priority", "fr" },
  { "Prioridad", "Priority", "es" }, { "Приоритет", "Priority", "ru" },
  { "Приоритетность", "Priority", "ru" }, { "الأولوية", "Priority", "ar" },
  { "优先级", "Priority", "zh" }, { "优先次序", "Priority", "zh" },
  /* Reporter */
  { "Reporter", "Reporter", "en" }, { "Reported by", "Reporter", "en" },
  { "Auteur du rapport", "Reporter", "fr" },
  { "Déclarant", "Reporter", "fr" }, { "Informante", "Reporter", "es" },
  { "Autor del informe", "Reporter", "es" },
  { "Автор отчета", "Reporter", "ru" }, { "Докладчик", "Reporter", "ru" },
  { "مقدم التقرير", "Reporter", "ar" }, { "报告方", "Reporter", "zh" },
  { "报告人", "Reporter", "zh" },
  /* Results */
  { "Results", "Results", "en" }, { "Result", "Results", "en" },
  { "Résultats", "Results", "fr" }, { "Résultat", "Results", "fr" },
  { "Resultados", "Results", "es" }, { "Resultado", "Results", "es" },
  { "Результаты", "Results", "ru" }, { "Результат", "Results", "ru" },
  { "النتائج", "Results", "ar" }, { "النتيجة", "Results", "ar" },
  { "结果", "Results", "zh" }, { "成果", "Results", "zh" },
  /* Result reference */
  { "Result reference", "Result reference", "en" },
  { "Result ref", "Result reference", "en" },
  { "Référence du résultat", "Result reference", "fr" },
  { "Referencia del resultado", "Result reference", "es" },
  { "Номер результата", "Result reference", "ru" },
  { "مرجع النتيجة", "Result reference", "ar" },
  { "结果编号", "Result reference", "zh" },
  /* Difference */
  { "Difference", "Difference", "en" }, { "Impact", "Difference", "en fr" },
  { "Diferencia", "Difference", "es" }, { "Impacto", "Difference", "es" },
  { "Изменения", "Difference", "ru" }, { "Влияние", "Difference", "ru" },
  { "الفرق", "Difference", "ar" }, { "الأثر", "Difference", "ar" },
  { "差异", "Difference", "zh" }, { "影响", "Difference", "zh" },
  /* Problems */
  { "Problems", "Problems", "en" }, { "Problem", "Problems", "en" },
  { "Difficulties", "Problems", "en" }, { "Problèmes", "Problems", "fr" },
  { "Difficultés", "Problems", "fr" }, { "Problemas", "Problems", "es" },
  { "Dificultades", "Problems", "es" }, { "Проблемы", "Problems", "ru" },
  { "Трудности", "Problems", "ru" }, { "المشاكل", "Problems", "ar" },
  { "المشكلات", "Problems", "ar" }, { "الصعوبات", "Problems", "ar" },
  { "问题", "Problems", "zh" }, { "困难", "Problems", "zh" },
  /* Kind */
  { "Kind", "Kind", "en" }, { "Type", "Kind", "en fr" },
  { "Category", "Kind", "en" }, { "Catégorie", "Kind", "fr" },
  { "Tipo", "Kind", "es" }, { "Categoría", "Kind", "es" },
  { "Тип", "Kind", "ru" }, { "Вид", "Kind", "ru" },
  { "Категория", "Kind", "ru" }, { "النوع", "Kind", "ar" },
  { "الفئة", "Kind", "ar" }, { "类型", "Kind", "zh" }, { "类别", "Kind", "zh" },
  { "种类", "Kind", "zh" },
  /* Url */
  { "Url", "Url", "en fr es" }, { "Link", "Url", "en" },
  { "Website", "Url", "en" }, { "Web site", "Url", "en" },
  { "Lien", "Url", "fr" }, { "Site web", "Url", "fr" },
  { "Site Internet", "Url", "fr" }, { "Enlace", "Url", "es" },
  { "Sitio web", "Url", "es" }, { "Ссылка", "Url", "ru" },
  { "Веб-сайт", "Url", "ru" }, { "Сайт", "Url", "ru" },
  { "الرابط", "Url", "ar" }, { "الموقع الإلكتروني", "Url", "ar" },
  { "الموقع الشبكي", "Url", "ar" }, { "网址", "Url", "zh" },
  { "链接", "Url", "zh" }, { "网站", "Url", "zh" },
  /* Issuer */
  { "Issuer", "Issuer", "en" }, { "Issued by", "Issuer", "en" },
  { "Author", "Issuer", "en" }, { "Émetteur", "Issuer", "fr" },
  { "Auteur", "Issuer", "fr" }, { "Organisme émetteur", "Issuer", "fr" },
  { "Emisor", "Issuer", "es" }, { "Autor", "Issuer", "es" },
  { "Entidad emisora", "Issuer", "es" }, { "Издатель", "Issuer", "ru" },
  { "Автор", "Issuer", "ru" }, { "الجهة المصدرة", "Issuer", "ar" },
  { "发布方", "Issuer", "zh" }, { "发布机构", "Issuer", "zh" },
  /* Citation */
  { "Citation", "Citation", "en fr" }, { "Cite as", "Citation", "en" },
  { "Référence bibliographique", "Citation", "fr" },
  { "Cita", "Citation", "es" },
  { "Referencia bibliográfica", "Citation", "es" },
  { "Цитата", "Citation", "ru" },
  { "Библиографическая ссылка", "Citation", "ru" },
  { "الاستشهاد", "Citation", "ar" }, { "引文", "Citation", "zh" },
  { "引用", "Citation", "zh" },
  /* Year */
  { "Year", "Year", "en" }, { "Année", "Year", "fr" },
  { "Año", "Year", "es" }, { "Год", "Year", "ru" }, { "السنة", "Year", "ar" },
  { "العام", "Year", "ar" }, { "年份", "Year", "zh" }, { "年度", "Year", "zh" },
  /* Summary */
  { "Summary", "Summary", "en" }, { "Abstract", "Summary", "en" },
  { "Résumé", "Summary", "fr" }, { "Resumen", "Summary", "es" },
  { "Резюме", "Summary", "ru" }, { "Краткое описание", "Summary", "ru" },
  { "Аннотация", "Summary", "ru" }, { "الملخص", "Summary", "ar" },
  { "موجز", "Summary", "ar" }, { "摘要", "Summary", "zh" },
  { "概要", "Summary", "zh" },
  /* Visit */
  { "Visit", "Visit", "en" }, { "Visite", "Visit", "fr" },
  { "Visita", "Visit", "es" }, { "Визит", "Visit", "ru" },
  { "Посещение", "Visit", "ru" }, { "الزيارة", "Visit", "ar" },
  { "访问", "Visit", "zh" },
  /* Information */
  { "Information", "Information", "en fr" },
  { "Info", "Information", "en fr es" },
  { "Informations", "Information", "fr" },
  { "Renseignements", "Information", "fr" },
  { "Información", "Information", "es" },
  { "Информация", "Information", "ru" }, { "Сведения", "Information", "ru" },
  { "المعلومات", "Information", "ar" }, { "معلومات", "Information", "ar" },
  { "信息", "Information", "zh" }, { "资料", "Information", "zh" },
  /* Publish */
  { "Publish", "Publish", "en" }, { "Publier", "Publish", "fr" },
  { "Publicar", "Publish", "es" }, { "Опубликовать", "Publish", "ru" },
  { "النشر", "Publish", "ar" }, { "公布", "Publish", "zh" },
  /* Consent */
  { "Consent", "Consent", "en" }, { "Consentement", "Consent", "fr" },
  { "Consentimiento", "Consent", "es" }, { "Согласие", "Consent", "ru" },
  { "الموافقة", "Consent", "ar" }, { "同意", "Consent", "zh" },
  /* Recipients */
  { "Recipients", "Recipients", "en" }, { "Recipient", "Recipients", "en" },
  { "Share with", "Recipients", "en" },
  { "Destinataires", "Recipients", "fr" },
  { "Destinataire", "Recipients", "fr" },
  { "Destinatarios", "Recipients", "es" },
  { "Destinatario", "Recipients", "es" },
  { "Получатели", "Recipients", "ru" }, { "Получатель", "Recipients", "ru" },
  { "المستلمون", "Recipients", "ar" },
  { "الجهات المتلقية", "Recipients", "ar" }, { "接收方", "Recipients", "zh" },
  { "收件人", "Recipients", "zh" },
};

/* Whether c separates words in a key or a code. */
static gboolean
is_separator (gunichar c)
{
  return c == '-' || c == '_' || g_unichar_isspace (c)
         || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR;
}

/* Compatibility-decomposed, case-folded text: the base of form_fold. */
static char *
fold_decomposed (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *folded = g_utf8_casefold (valid, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
}

/* Whether text is plain ASCII, which folds without Unicode tables. */
static gboolean
is_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    if (*p >= 0x80)
      return FALSE;
  return TRUE;
}

/* Folded text for comparisons: see form.h. */
char *
form_fold (const char *text)
{
  text = text ? text : "";
  g_autofree char *decomposed = is_ascii (text) ? g_ascii_strdown (text, -1)
                                                : fold_decomposed (text);
  GString *out = g_string_sized_new (strlen (decomposed));
  gboolean pending = FALSE;
  for (const char *p = decomposed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_ismark (c))
        continue;
      if (is_separator (c))
        {
          pending = out->len > 0;
          continue;
        }
      if (pending)
        g_string_append_c (out, '-');
      pending = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The folded alias table, built once. */
static GHashTable *
alias_table (void)
{
  static gsize once;
  static GHashTable *table;
  if (g_once_init_enter (&once))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal,
                                             g_free, NULL);
      for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
        {
          char *folded = form_fold (aliases[i].alias);
          if (g_hash_table_contains (t, folded))
            g_free (folded);
          else
            g_hash_table_insert (t, folded, (gpointer) &aliases[i]);
        }
      table = t;
      g_once_init_leave (&once, 1);
    }
  return table;
}

/* The alias table's entry for raw, or NULL.  A trailing '*' (the mark of a
 * required field on blank forms) is allowed. */
static const struct alias *
alias_find (const char *raw)
{
  if (raw == NULL || strlen (raw) > 256)
    return NULL;
  g_autofree char *key = g_strstrip (g_strdup (raw));
  gsize len = strlen (key);
  while (len > 0 && (key[len - 1] == '*' || g_ascii_isspace (key[len - 1])))
    key[--len] = '\0';
  g_autofree char *folded = form_fold (key);
  if (*folded == '\0')
    return NULL;
  return g_hash_table_lookup (alias_table (), folded);
}

/* The canonical key of raw: see form.h. */
const char *
form_key_canonical (const char *raw)
{
  const struct alias *a = alias_find (raw);
  return a != NULL ? a->key : NULL;
}

/* The languages of the key raw as written: see form.h. */
const char *
form_key_languages (const char *raw)
{
  const struct alias *a = alias_find (raw);
  return a != NULL ? a->languages : NULL;
}

/* The six official languages, in the order of FormParse.key_languages. */
const char *const form_languages[] = { "ar", "en", "es", "fr", "ru", "zh", NULL };

/* Counts the key raw for each language it is a word of. */
void
form_parse_count_key (FormParse *parse, const char *raw)
{
  const char *languages = form_key_languages (raw);
  if (languages == NULL)
    return;
  for (guint i = 0; form_languages[i] != NULL; i++)
    if (strstr (languages, form_languages[i]) != NULL)
      parse->key_languages[i]++;
}

/* The language most keys of parse were written in: see form.h. */
const char *
form_parse_language (const FormParse *parse, const char *prefer)
{
  guint best = 0;
  const char *language = NULL;
  for (guint i = 0; form_languages[i] != NULL; i++)
    {
      guint n = parse->key_languages[i];
      gboolean preferred = g_strcmp0 (prefer, form_languages[i]) == 0;
      if (n > best || (n > 0 && n == best && preferred))
        {
          best = n;
          language = form_languages[i];
        }
    }
  return language;
}
