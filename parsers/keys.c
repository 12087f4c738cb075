/* Field keys as people write them: any case, space - _ alike, accents or
 * not, in any of the six official UN languages (docs/submissions.md
 * sections 2 and 8: the guide lists this table; change both together). */
#include "parsers/form.h"

#include <string.h>

/* Every way of writing a key, and the canonical English key it means.
 * Entries are compared folded (form_fold), so case, accents and the
 * separators need not be listed twice: "Reference" is also "Référence". */
static const struct {
  const char *alias;
  const char *key;
} aliases[] = {
  /* Form */
  { "Form", "Form" }, { "Form type", "Form" }, { "Formulaire", "Form" },
  { "Formulario", "Form" }, { "Форма", "Form" }, { "النموذج", "Form" },
  { "الاستمارة", "Form" }, { "表格", "Form" }, { "表单", "Form" },
  /* Reference */
  { "Reference", "Reference" }, { "Ref", "Reference" },
  { "Reference number", "Reference" },
  { "Referencia", "Reference" }, { "Número de referencia", "Reference" },
  { "Номер", "Reference" }, { "Регистрационный номер", "Reference" },
  { "Справочный номер", "Reference" }, { "المرجع", "Reference" },
  { "الرقم المرجعي", "Reference" }, { "编号", "Reference" },
  { "参考编号", "Reference" }, { "参考号", "Reference" },
  /* Action */
  { "Action", "Action" }, { "Acción", "Action" }, { "Действие", "Action" },
  { "الإجراء", "Action" }, { "操作", "Action" }, { "行动", "Action" },
  /* Entity */
  { "Entity", "Entity" }, { "Entité", "Entity" }, { "Entidad", "Entity" },
  { "Субъект", "Entity" }, { "Структура", "Entity" }, { "الكيان", "Entity" },
  { "الجهة", "Entity" }, { "实体", "Entity" }, { "单位", "Entity" },
  /* Name */
  { "Name", "Name" }, { "Full name", "Name" }, { "Nom", "Name" },
  { "Nom complet", "Name" }, { "Nombre", "Name" },
  { "Nombre completo", "Name" }, { "Имя", "Name" }, { "ФИО", "Name" },
  { "Фамилия и имя", "Name" }, { "الاسم", "Name" },
  { "الاسم الكامل", "Name" }, { "姓名", "Name" }, { "名字", "Name" },
  /* Email */
  { "Email", "Email" }, { "E-mail", "Email" }, { "Email address", "Email" },
  { "E-mail address", "Email" }, { "Mail", "Email" },
  { "Courriel", "Email" }, { "Adresse électronique", "Email" },
  { "Adresse e-mail", "Email" }, { "Adresse courriel", "Email" },
  { "Mél", "Email" }, { "Correo electrónico", "Email" },
  { "Correo", "Email" }, { "Dirección de correo electrónico", "Email" },
  { "Электронная почта", "Email" }, { "Эл. почта", "Email" },
  { "Адрес электронной почты", "Email" }, { "Почта", "Email" },
  { "البريد الإلكتروني", "Email" }, { "بريد إلكتروني", "Email" },
  { "电子邮件", "Email" }, { "电子邮箱", "Email" }, { "邮箱", "Email" },
  { "电邮", "Email" },
  /* Title */
  { "Title", "Title" }, { "Job title", "Title" }, { "Titre", "Title" },
  { "Intitulé", "Title" }, { "Fonction", "Title" }, { "Título", "Title" },
  { "Cargo", "Title" }, { "Название", "Title" }, { "Заголовок", "Title" },
  { "Должность", "Title" }, { "العنوان", "Title" },
  { "المسمى الوظيفي", "Title" }, { "标题", "Title" }, { "题目", "Title" },
  { "名称", "Title" }, { "职务", "Title" },
  /* Office */
  { "Office", "Office" }, { "Bureau", "Office" }, { "Service", "Office" },
  { "Oficina", "Office" }, { "Dependencia", "Office" },
  { "Отдел", "Office" }, { "Офис", "Office" }, { "Подразделение", "Office" },
  { "المكتب", "Office" }, { "办公室", "Office" }, { "部门", "Office" },
  /* Phone */
  { "Phone", "Phone" }, { "Telephone", "Phone" }, { "Tel", "Phone" },
  { "Phone number", "Phone" },
  { "Teléfono", "Phone" }, { "Телефон", "Phone" }, { "Тел", "Phone" },
  { "الهاتف", "Phone" }, { "رقم الهاتف", "Phone" }, { "电话", "Phone" },
  { "电话号码", "Phone" },
  /* Languages */
  { "Languages", "Languages" }, { "Language", "Languages" },
  { "Langues", "Languages" }, { "Langue", "Languages" },
  { "Idiomas", "Languages" }, { "Idioma", "Languages" },
  { "Языки", "Languages" }, { "Язык", "Languages" },
  { "اللغات", "Languages" }, { "اللغة", "Languages" },
  { "语言", "Languages" }, { "语文", "Languages" },
  /* Role */
  { "Role", "Role" }, { "Función", "Role" }, { "Papel", "Role" },
  { "Rol", "Role" }, { "Роль", "Role" }, { "الدور", "Role" },
  { "角色", "Role" },
  /* Areas */
  { "Areas", "Areas" }, { "Area", "Areas" }, { "Thematic areas", "Areas" },
  { "Domaines", "Areas" }, { "Domaine", "Areas" }, { "Ámbitos", "Areas" },
  { "Ámbito", "Areas" }, { "Области", "Areas" }, { "Область", "Areas" },
  { "Направления", "Areas" }, { "المجالات", "Areas" },
  { "المجال", "Areas" }, { "领域", "Areas" },
  /* Replaces */
  { "Replaces", "Replaces" }, { "Replace", "Replaces" },
  { "Remplace", "Replaces" }, { "Reemplaza", "Replaces" },
  { "Sustituye", "Replaces" }, { "Заменяет", "Replaces" },
  { "يحل محل", "Replaces" }, { "取代", "Replaces" }, { "替换", "Replaces" },
  /* Provider */
  { "Provider", "Provider" }, { "Providers", "Provider" },
  { "Fournisseur", "Provider" }, { "Prestataire", "Provider" },
  { "Prestataires", "Provider" }, { "Proveedor", "Provider" },
  { "Proveedores", "Provider" }, { "Поставщик", "Provider" },
  { "Поставщики", "Provider" }, { "مقدم", "Provider" },
  { "الجهة المقدمة", "Provider" }, { "提供方", "Provider" },
  { "提供者", "Provider" },
  /* Beneficiaries */
  { "Beneficiaries", "Beneficiaries" }, { "Beneficiary", "Beneficiaries" },
  { "Bénéficiaires", "Beneficiaries" }, { "Bénéficiaire", "Beneficiaries" },
  { "Beneficiarios", "Beneficiaries" }, { "Beneficiario", "Beneficiaries" },
  { "Бенефициары", "Beneficiaries" },
  { "Получатели помощи", "Beneficiaries" },
  { "المستفيدون", "Beneficiaries" }, { "الجهات المستفيدة", "Beneficiaries" },
  { "受益方", "Beneficiaries" }, { "受益国", "Beneficiaries" },
  /* Start */
  { "Start", "Start" }, { "Start date", "Start" }, { "Begin", "Start" },
  { "Début", "Start" }, { "Date de début", "Start" }, { "Inicio", "Start" },
  { "Fecha de inicio", "Start" }, { "Начало", "Start" },
  { "Дата начала", "Start" }, { "البداية", "Start" },
  { "تاريخ البدء", "Start" }, { "تاريخ البداية", "Start" },
  { "开始", "Start" }, { "开始日期", "Start" },
  /* End */
  { "End", "End" }, { "End date", "End" }, { "Fin", "End" },
  { "Date de fin", "End" }, { "Fecha de fin", "End" },
  { "Fecha de finalización", "End" }, { "Fecha de término", "End" },
  { "Конец", "End" }, { "Окончание", "End" }, { "Дата окончания", "End" },
  { "النهاية", "End" }, { "تاريخ الانتهاء", "End" }, { "结束", "End" },
  { "结束日期", "End" },
  /* Status */
  { "Status", "Status" }, { "Statut", "Status" },
  { "État d'avancement", "Status" }, { "Situación", "Status" },
  { "Estatus", "Status" }, { "Estado de ejecución", "Status" },
  { "Статус", "Status" }, { "Состояние", "Status" }, { "الحالة", "Status" },
  { "状态", "Status" },
  /* Objectives */
  { "Objectives", "Objectives" }, { "Objective", "Objectives" },
  { "Objectifs", "Objectives" }, { "Objectif", "Objectives" },
  { "Objetivos", "Objectives" }, { "Objetivo", "Objectives" },
  { "Цели", "Objectives" }, { "Цель", "Objectives" },
  { "الأهداف", "Objectives" }, { "الهدف", "Objectives" },
  { "目标", "Objectives" },
  /* Description */
  { "Description", "Description" }, { "Descripción", "Description" },
  { "Описание", "Description" }, { "الوصف", "Description" },
  { "وصف", "Description" }, { "说明", "Description" },
  { "描述", "Description" },
  /* Contacts */
  { "Contacts", "Contacts" }, { "Contact", "Contacts" },
  { "Contact emails", "Contacts" }, { "Personnes à contacter", "Contacts" },
  { "Contactos", "Contacts" }, { "Contacto", "Contacts" },
  { "Контакты", "Contacts" }, { "Контактные лица", "Contacts" },
  { "جهات الاتصال", "Contacts" }, { "جهة الاتصال", "Contacts" },
  { "联系人", "Contacts" }, { "联系方式", "Contacts" },
  /* State */
  { "State", "State" }, { "Member State", "State" }, { "Country", "State" },
  { "État", "State" }, { "État membre", "State" }, { "Pays", "State" },
  { "Estado", "State" }, { "Estado Miembro", "State" }, { "País", "State" },
  { "Государство", "State" }, { "Государство-член", "State" },
  { "Страна", "State" }, { "الدولة", "State" }, { "الدولة العضو", "State" },
  { "البلد", "State" }, { "国家", "State" }, { "会员国", "State" },
  /* Priority */
  { "Priority", "Priority" }, { "Priorité", "Priority" },
  { "Prioridad", "Priority" }, { "Приоритет", "Priority" },
  { "Приоритетность", "Priority" }, { "الأولوية", "Priority" },
  { "优先级", "Priority" }, { "优先次序", "Priority" },
  /* Reporter */
  { "Reporter", "Reporter" }, { "Reported by", "Reporter" },
  { "Auteur du rapport", "Reporter" }, { "Déclarant", "Reporter" },
  { "Informante", "Reporter" }, { "Autor del informe", "Reporter" },
  { "Автор отчета", "Reporter" }, { "Докладчик", "Reporter" },
  { "مقدم التقرير", "Reporter" }, { "报告方", "Reporter" },
  { "报告人", "Reporter" },
  /* Results */
  { "Results", "Results" }, { "Result", "Results" },
  { "Résultats", "Results" }, { "Résultat", "Results" },
  { "Resultados", "Results" }, { "Resultado", "Results" },
  { "Результаты", "Results" }, { "Результат", "Results" },
  { "النتائج", "Results" }, { "النتيجة", "Results" }, { "结果", "Results" },
  { "成果", "Results" },
  /* Difference */
  { "Difference", "Difference" }, { "Impact", "Difference" },
  { "Diferencia", "Difference" },
  { "Impacto", "Difference" }, { "Изменения", "Difference" },
  { "Влияние", "Difference" }, { "الفرق", "Difference" },
  { "الأثر", "Difference" }, { "差异", "Difference" },
  { "影响", "Difference" },
  /* Problems */
  { "Problems", "Problems" }, { "Problem", "Problems" },
  { "Difficulties", "Problems" }, { "Problèmes", "Problems" },
  { "Difficultés", "Problems" }, { "Problemas", "Problems" },
  { "Dificultades", "Problems" }, { "Проблемы", "Problems" },
  { "Трудности", "Problems" }, { "المشاكل", "Problems" },
  { "المشكلات", "Problems" }, { "الصعوبات", "Problems" },
  { "问题", "Problems" }, { "困难", "Problems" },
  /* Kind */
  { "Kind", "Kind" }, { "Type", "Kind" }, { "Category", "Kind" },
  { "Catégorie", "Kind" }, { "Tipo", "Kind" }, { "Categoría", "Kind" },
  { "Тип", "Kind" }, { "Вид", "Kind" }, { "Категория", "Kind" },
  { "النوع", "Kind" }, { "الفئة", "Kind" }, { "类型", "Kind" },
  { "类别", "Kind" }, { "种类", "Kind" },
  /* Url */
  { "Url", "Url" }, { "Link", "Url" }, { "Website", "Url" },
  { "Web site", "Url" }, { "Lien", "Url" }, { "Site web", "Url" },
  { "Site Internet", "Url" }, { "Enlace", "Url" }, { "Sitio web", "Url" },
  { "Ссылка", "Url" }, { "Веб-сайт", "Url" }, { "Сайт", "Url" },
  { "الرابط", "Url" }, { "الموقع الإلكتروني", "Url" },
  { "الموقع الشبكي", "Url" }, { "网址", "Url" }, { "链接", "Url" },
  { "网站", "Url" },
  /* Issuer */
  { "Issuer", "Issuer" }, { "Issued by", "Issuer" }, { "Author", "Issuer" },
  { "Émetteur", "Issuer" }, { "Auteur", "Issuer" },
  { "Organisme émetteur", "Issuer" }, { "Emisor", "Issuer" },
  { "Autor", "Issuer" }, { "Entidad emisora", "Issuer" },
  { "Издатель", "Issuer" }, { "Автор", "Issuer" },
  { "الجهة المصدرة", "Issuer" }, { "发布方", "Issuer" },
  { "发布机构", "Issuer" },
  /* Citation */
  { "Citation", "Citation" }, { "Cite as", "Citation" },
  { "Référence bibliographique", "Citation" }, { "Cita", "Citation" },
  { "Referencia bibliográfica", "Citation" }, { "Цитата", "Citation" },
  { "Библиографическая ссылка", "Citation" }, { "الاستشهاد", "Citation" },
  { "引文", "Citation" }, { "引用", "Citation" },
  /* Year */
  { "Year", "Year" }, { "Année", "Year" }, { "Año", "Year" },
  { "Год", "Year" }, { "السنة", "Year" }, { "العام", "Year" },
  { "年份", "Year" }, { "年度", "Year" },
  /* Summary */
  { "Summary", "Summary" }, { "Abstract", "Summary" },
  { "Résumé", "Summary" }, { "Resumen", "Summary" }, { "Резюме", "Summary" },
  { "Краткое описание", "Summary" }, { "Аннотация", "Summary" },
  { "الملخص", "Summary" }, { "موجز", "Summary" }, { "摘要", "Summary" },
  { "概要", "Summary" },
  /* Visit */
  { "Visit", "Visit" }, { "Visite", "Visit" }, { "Visita", "Visit" },
  { "Визит", "Visit" }, { "Посещение", "Visit" }, { "الزيارة", "Visit" },
  { "访问", "Visit" },
  /* Information */
  { "Information", "Information" }, { "Info", "Information" },
  { "Informations", "Information" }, { "Renseignements", "Information" },
  { "Información", "Information" }, { "Информация", "Information" },
  { "Сведения", "Information" }, { "المعلومات", "Information" },
  { "معلومات", "Information" }, { "信息", "Information" },
  { "资料", "Information" },
  /* Consent */
  { "Consent", "Consent" }, { "Consentement", "Consent" },
  { "Consentimiento", "Consent" }, { "Согласие", "Consent" },
  { "الموافقة", "Consent" }, { "同意", "Consent" },
  /* Recipients */
  { "Recipients", "Recipients" }, { "Recipient", "Recipients" },
  { "Share with", "Recipients" }, { "Destinataires", "Recipients" },
  { "Destinataire", "Recipients" }, { "Destinatarios", "Recipients" },
  { "Destinatario", "Recipients" }, { "Получатели", "Recipients" },
  { "Получатель", "Recipients" }, { "المستلمون", "Recipients" },
  { "الجهات المتلقية", "Recipients" }, { "接收方", "Recipients" },
  { "收件人", "Recipients" },
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
            g_hash_table_insert (t, folded, (gpointer) aliases[i].key);
        }
      table = t;
      g_once_init_leave (&once, 1);
    }
  return table;
}

/* The canonical key of raw: see form.h.  A trailing '*' (the mark of a
 * required field on blank forms) is allowed. */
const char *
form_key_canonical (const char *raw)
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
