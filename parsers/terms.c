/* The words of values in the six official UN languages: form names, areas,
 * priorities, statuses, roles, kinds, "withdraw", yes and no, "all" and
 * "all-donors", and the names of the six languages themselves
 * (docs/submissions.md section 8, which lists this table: change both
 * together).  Keys have their own table in keys.c. */
#include "parsers/form.h"

#include <string.h>

/* Every way of writing a value other than its English word: its language,
 * and the word it means.  Entries are compared folded (form_fold, with
 * apostrophes as separators), so case, accents and the separators need not
 * be listed twice: "justice pénale" is also "Justice-Penale".  The first
 * entry of a language for a value is how an answer in that language names
 * the value (form_term_name). */
static const struct {
  const char *lang;
  const char *term;
  const char *value;
} terms[] = {
  /* Form names (docs/submissions.md section 5) */
  { "fr", "point focal", "contact-point" }, { "es", "punto focal", "contact-point" },
  { "ru", "координатор", "contact-point" }, { "ar", "جهة تنسيق", "contact-point" },
  { "ar", "جهة التنسيق", "contact-point" }, { "zh", "联络点", "contact-point" },
  { "fr", "offre d'assistance", "assistance-offer" },
  { "es", "oferta de asistencia", "assistance-offer" },
  { "ru", "предложение помощи", "assistance-offer" },
  { "ru", "предложение о помощи", "assistance-offer" },
  { "ar", "عرض مساعدة", "assistance-offer" }, { "ar", "عرض المساعدة", "assistance-offer" },
  { "zh", "援助提议", "assistance-offer" }, { "zh", "提供援助", "assistance-offer" },
  { "fr", "demande d'assistance", "assistance-request" },
  { "es", "solicitud de asistencia", "assistance-request" },
  { "ru", "запрос о помощи", "assistance-request" },
  { "ru", "просьба о помощи", "assistance-request" },
  { "ar", "طلب مساعدة", "assistance-request" },
  { "ar", "طلب المساعدة", "assistance-request" },
  { "zh", "援助请求", "assistance-request" }, { "zh", "请求援助", "assistance-request" },
  { "fr", "résultat de l'assistance", "assistance-result" },
  { "es", "resultado de la asistencia", "assistance-result" },
  { "ru", "результат помощи", "assistance-result" },
  { "ru", "результаты помощи", "assistance-result" },
  { "ar", "نتيجة المساعدة", "assistance-result" },
  { "ar", "نتائج المساعدة", "assistance-result" },
  { "zh", "援助结果", "assistance-result" }, { "zh", "援助成果", "assistance-result" },
  { "fr", "source d'information", "information-source" },
  { "es", "fuente de información", "information-source" },
  { "ru", "источник информации", "information-source" },
  { "ar", "مصدر معلومات", "information-source" },
  { "ar", "مصدر المعلومات", "information-source" },
  { "zh", "信息来源", "information-source" },
  { "fr", "norme", "standard" }, { "es", "norma", "standard" },
  { "ru", "стандарт", "standard" },
  { "ar", "معيار", "standard" }, { "ar", "المعيار", "standard" },
  { "zh", "标准", "standard" },
  { "fr", "inventaire", "inventory" }, { "es", "inventario", "inventory" },
  { "ru", "перечень", "inventory" }, { "ru", "инвентаризация", "inventory" },
  { "ar", "جرد", "inventory" }, { "ar", "الجرد", "inventory" }, { "zh", "清单", "inventory" },
  { "fr", "informations sur la visite", "visit-information" },
  { "es", "información sobre la visita", "visit-information" },
  { "ru", "информация о визите", "visit-information" },
  { "ar", "معلومات الزيارة", "visit-information" },
  { "ar", "معلومات عن الزيارة", "visit-information" },
  { "zh", "访问信息", "visit-information" },
  { "fr", "consentement à la visite", "visit-consent" },
  { "es", "consentimiento a la visita", "visit-consent" },
  { "es", "consentimiento para la visita", "visit-consent" },
  { "ru", "согласие на визит", "visit-consent" },
  { "ar", "الموافقة على الزيارة", "visit-consent" },
  { "zh", "同意访问", "visit-consent" }, { "zh", "访问同意", "visit-consent" },
  /* Areas (docs/submissions.md section 3) */
  { "fr", "financement du terrorisme", "terrorist-financing" },
  { "es", "financiación del terrorismo", "terrorist-financing" },
  { "es", "financiamiento del terrorismo", "terrorist-financing" },
  { "ru", "финансирование терроризма", "terrorist-financing" },
  { "ar", "تمويل الإرهاب", "terrorist-financing" },
  { "zh", "资助恐怖主义", "terrorist-financing" },
  { "zh", "恐怖主义融资", "terrorist-financing" },
  { "fr", "recrutement et armes", "recruitment-and-arms" },
  { "es", "reclutamiento y armas", "recruitment-and-arms" },
  { "ru", "вербовка и оружие", "recruitment-and-arms" },
  { "ar", "التجنيد والأسلحة", "recruitment-and-arms" },
  { "zh", "招募和武器", "recruitment-and-arms" },
  { "fr", "alerte rapide", "early-warning" }, { "es", "alerta temprana", "early-warning" },
  { "ru", "раннее предупреждение", "early-warning" },
  { "ar", "الإنذار المبكر", "early-warning" }, { "zh", "预警", "early-warning" },
  { "zh", "早期预警", "early-warning" },
  { "fr", "refuge", "safe-haven" }, { "fr", "refuge sûr", "safe-haven" },
  { "es", "refugio", "safe-haven" }, { "es", "refugio seguro", "safe-haven" },
  { "ru", "убежище", "safe-haven" }, { "ru", "безопасное убежище", "safe-haven" },
  { "ar", "الملاذ الآمن", "safe-haven" }, { "ar", "ملاذ آمن", "safe-haven" },
  { "zh", "安全避难所", "safe-haven" }, { "zh", "避难所", "safe-haven" },
  { "fr", "justice pénale", "criminal-justice" },
  { "es", "justicia penal", "criminal-justice" },
  { "ru", "уголовное правосудие", "criminal-justice" },
  { "ar", "العدالة الجنائية", "criminal-justice" }, { "zh", "刑事司法", "criminal-justice" },
  { "fr", "entraide judiciaire", "mutual-legal-assistance" },
  { "es", "asistencia judicial recíproca", "mutual-legal-assistance" },
  { "ru", "взаимная правовая помощь", "mutual-legal-assistance" },
  { "ar", "المساعدة القانونية المتبادلة", "mutual-legal-assistance" },
  { "zh", "司法协助", "mutual-legal-assistance" },
  { "fr", "contrôle des frontières", "border-control" },
  { "es", "control de fronteras", "border-control" },
  { "ru", "пограничный контроль", "border-control" },
  { "ar", "مراقبة الحدود", "border-control" }, { "zh", "边境管制", "border-control" },
  { "fr", "échange d'informations", "information-exchange" },
  { "es", "intercambio de información", "information-exchange" },
  { "ru", "обмен информацией", "information-exchange" },
  { "ar", "تبادل المعلومات", "information-exchange" },
  { "zh", "信息交流", "information-exchange" }, { "zh", "信息交换", "information-exchange" },
  { "fr", "instruments internationaux", "international-instruments" },
  { "es", "instrumentos internacionales", "international-instruments" },
  { "ru", "международные документы", "international-instruments" },
  { "ar", "الصكوك الدولية", "international-instruments" },
  { "zh", "国际文书", "international-instruments" },
  { "fr", "protection des réfugiés", "refugee-protection" },
  { "es", "protección de los refugiados", "refugee-protection" },
  { "es", "protección de refugiados", "refugee-protection" },
  { "ru", "защита беженцев", "refugee-protection" },
  { "ar", "حماية اللاجئين", "refugee-protection" }, { "zh", "难民保护", "refugee-protection" },
  { "fr", "criminalité transnationale", "transnational-crime" },
  { "es", "delincuencia transnacional", "transnational-crime" },
  { "ru", "транснациональная преступность", "transnational-crime" },
  { "ar", "الجريمة عبر الوطنية", "transnational-crime" },
  { "zh", "跨国犯罪", "transnational-crime" },
  { "fr", "droits de l'homme", "human-rights" },
  { "es", "derechos humanos", "human-rights" },
  { "ru", "права человека", "human-rights" }, { "ar", "حقوق الإنسان", "human-rights" },
  { "zh", "人权", "human-rights" },
  { "fr", "autre", "other" }, { "es", "otro", "other" }, { "ru", "другое", "other" },
  { "ar", "أخرى", "other" }, { "ar", "غير ذلك", "other" }, { "zh", "其他", "other" },
  /* Priority */
  { "fr", "haute", "high" }, { "fr", "élevée", "high" }, { "es", "alta", "high" },
  { "ru", "высокий", "high" }, { "ru", "высокая", "high" }, { "ar", "عالية", "high" },
  { "ar", "مرتفعة", "high" }, { "zh", "高", "high" },
  { "fr", "moyenne", "medium" }, { "es", "media", "medium" }, { "ru", "средний", "medium" },
  { "ru", "средняя", "medium" }, { "ar", "متوسطة", "medium" }, { "zh", "中", "medium" },
  { "fr", "basse", "low" }, { "fr", "faible", "low" }, { "es", "baja", "low" },
  { "ru", "низкий", "low" }, { "ru", "низкая", "low" }, { "ar", "منخفضة", "low" },
  { "zh", "低", "low" },
  /* Status */
  { "fr", "prévu", "planned" }, { "fr", "prévue", "planned" },
  { "es", "previsto", "planned" },
  { "es", "prevista", "planned" }, { "ru", "запланировано", "planned" },
  { "ar", "مقرر", "planned" }, { "ar", "مخطط له", "planned" }, { "zh", "计划中", "planned" },
  { "fr", "en cours", "ongoing" }, { "es", "en curso", "ongoing" },
  { "ru", "осуществляется", "ongoing" }, { "ru", "в процессе", "ongoing" },
  { "ar", "جار", "ongoing" }, { "ar", "قيد التنفيذ", "ongoing" },
  { "zh", "进行中", "ongoing" },
  { "fr", "achevé", "completed" }, { "fr", "achevée", "completed" },
  { "fr", "terminé", "completed" },
  { "fr", "terminée", "completed" }, { "es", "concluido", "completed" },
  { "es", "concluida", "completed" }, { "es", "terminado", "completed" },
  { "es", "terminada", "completed" }, { "ru", "завершено", "completed" },
  { "ar", "منجز", "completed" }, { "ar", "مكتمل", "completed" },
  { "zh", "已完成", "completed" },
  { "fr", "retiré", "withdrawn" }, { "fr", "retirée", "withdrawn" },
  { "es", "retirado", "withdrawn" },
  { "es", "retirada", "withdrawn" }, { "ru", "отозвано", "withdrawn" },
  { "ar", "مسحوب", "withdrawn" }, { "zh", "已撤回", "withdrawn" },
  /* Role */
  { "fr", "point focal", "focal-point" }, { "es", "punto focal", "focal-point" },
  { "ru", "координатор", "focal-point" }, { "ar", "جهة تنسيق", "focal-point" },
  { "ar", "جهة التنسيق", "focal-point" }, { "zh", "联络点", "focal-point" },
  { "fr", "suppléant", "alternate" }, { "fr", "suppléante", "alternate" },
  { "es", "suplente", "alternate" }, { "ru", "заместитель", "alternate" },
  { "ru", "заместитель координатора", "alternate" }, { "ar", "مناوب", "alternate" },
  { "ar", "بديل", "alternate" }, { "zh", "候补", "alternate" },
  { "zh", "候补联络点", "alternate" },
  { "fr", "technique", "technical" }, { "es", "técnico", "technical" },
  { "es", "técnica", "technical" }, { "ru", "технический специалист", "technical" },
  { "ru", "технический", "technical" }, { "ar", "فني", "technical" },
  { "ar", "تقني", "technical" },
  { "zh", "技术", "technical" }, { "zh", "技术人员", "technical" },
  /* Kind of an information source */
  { "fr", "publication", "publication" }, { "es", "publicación", "publication" },
  { "ru", "публикация", "publication" }, { "ar", "منشور", "publication" },
  { "ar", "مطبوع", "publication" }, { "zh", "出版物", "publication" },
  { "fr", "base de données", "database" }, { "es", "base de datos", "database" },
  { "ru", "база данных", "database" }, { "ar", "قاعدة بيانات", "database" },
  { "ar", "قاعدة البيانات", "database" }, { "zh", "数据库", "database" },
  { "fr", "formation", "training" }, { "es", "capacitación", "training" },
  { "es", "formación", "training" }, { "ru", "обучение", "training" },
  { "ru", "подготовка кадров", "training" }, { "ar", "تدريب", "training" },
  { "ar", "التدريب", "training" }, { "zh", "培训", "training" },
  { "fr", "liste d'experts", "expert-roster" }, { "fr", "fichier d'experts", "expert-roster" },
  { "es", "lista de expertos", "expert-roster" },
  { "es", "registro de expertos", "expert-roster" },
  { "ru", "реестр экспертов", "expert-roster" }, { "ru", "список экспертов", "expert-roster" },
  { "ar", "قائمة الخبراء", "expert-roster" }, { "ar", "قائمة خبراء", "expert-roster" },
  { "zh", "专家名册", "expert-roster" },
  { "fr", "financement", "funding" }, { "es", "financiación", "funding" },
  { "es", "financiamiento", "funding" }, { "ru", "финансирование", "funding" },
  { "ar", "تمويل", "funding" }, { "ar", "التمويل", "funding" }, { "zh", "供资", "funding" },
  { "zh", "资金", "funding" },
  { "fr", "guide législatif", "legislative-guide" },
  { "es", "guía legislativa", "legislative-guide" },
  { "ru", "руководство для законодательных органов", "legislative-guide" },
  { "ru", "законодательное руководство", "legislative-guide" },
  { "ru", "руководство по законодательству", "legislative-guide" },
  { "ar", "دليل تشريعي", "legislative-guide" }, { "ar", "الدليل التشريعي", "legislative-guide" },
  { "zh", "立法指南", "legislative-guide" },
  /* Kind of an inventory entry ("other" is with the areas) */
  { "fr", "activité", "activity" }, { "es", "actividad", "activity" },
  { "ru", "мероприятие", "activity" }, { "ru", "деятельность", "activity" },
  { "ar", "نشاط", "activity" }, { "zh", "活动", "activity" },
  { "fr", "mécanisme", "mechanism" }, { "es", "mecanismo", "mechanism" },
  { "ru", "механизм", "mechanism" }, { "ar", "آلية", "mechanism" }, { "zh", "机制", "mechanism" },
  { "fr", "institution", "institution" }, { "es", "institución", "institution" },
  { "ru", "учреждение", "institution" }, { "ru", "институт", "institution" },
  { "ar", "مؤسسة", "institution" }, { "zh", "机构", "institution" },
  /* Action */
  { "fr", "retirer", "withdraw" }, { "fr", "retrait", "withdraw" },
  { "es", "retirar", "withdraw" }, { "ru", "отозвать", "withdraw" },
  { "ar", "سحب", "withdraw" }, { "zh", "撤回", "withdraw" },
  /* Yes and no: Consent, Active */
  { "fr", "oui", "yes" }, { "es", "sí", "yes" }, { "ru", "да", "yes" },
  { "ar", "نعم", "yes" },
  { "zh", "是", "yes" }, { "zh", "同意", "yes" },
  { "fr", "non", "no" }, { "ru", "нет", "no" }, { "ar", "لا", "no" }, { "zh", "否", "no" },
  { "zh", "不同意", "no" },
  /* Languages: the six by name, and their ISO 639-2 codes */
  { "en", "english", "en" }, { "en", "eng", "en" }, { "fr", "anglais", "en" },
  { "es", "inglés", "en" },
  { "ru", "английский", "en" }, { "ar", "الإنكليزية", "en" }, { "ar", "الإنجليزية", "en" },
  { "zh", "英文", "en" }, { "zh", "英语", "en" },
  { "en", "french", "fr" }, { "en", "fra", "fr" }, { "en", "fre", "fr" },
  { "fr", "français", "fr" },
  { "es", "francés", "fr" }, { "ru", "французский", "fr" }, { "ar", "الفرنسية", "fr" },
  { "zh", "法文", "fr" }, { "zh", "法语", "fr" },
  { "en", "spanish", "es" }, { "en", "spa", "es" }, { "fr", "espagnol", "es" },
  { "es", "español", "es" },
  { "ru", "испанский", "es" }, { "ar", "الإسبانية", "es" }, { "zh", "西班牙文", "es" },
  { "zh", "西班牙语", "es" },
  { "en", "russian", "ru" }, { "en", "rus", "ru" }, { "fr", "russe", "ru" },
  { "es", "ruso", "ru" },
  { "ru", "русский", "ru" }, { "ar", "الروسية", "ru" }, { "zh", "俄文", "ru" },
  { "zh", "俄语", "ru" },
  { "en", "arabic", "ar" }, { "en", "ara", "ar" }, { "fr", "arabe", "ar" },
  { "es", "árabe", "ar" },
  { "ru", "арабский", "ar" }, { "ar", "العربية", "ar" }, { "zh", "阿拉伯文", "ar" },
  { "zh", "阿拉伯语", "ar" },
  { "en", "chinese", "zh" }, { "en", "zho", "zh" }, { "en", "chi", "zh" },
  { "fr", "chinois", "zh" },
  { "es", "chino", "zh" }, { "ru", "китайский", "zh" }, { "ar", "الصينية", "zh" },
  { "zh", "中文", "zh" },
  { "zh", "汉语", "zh" },
  /* Beneficiaries: all; Recipients: all-donors */
  { "fr", "tous", "all" }, { "es", "todos", "all" }, { "ru", "все", "all" },
  { "ar", "الجميع", "all" },
  { "zh", "全部", "all" },
  { "fr", "tous les donateurs", "all-donors" },
  { "es", "todos los donantes", "all-donors" },
  { "ru", "все доноры", "all-donors" }, { "ar", "جميع المانحين", "all-donors" },
  { "zh", "所有捐助方", "all-donors" },
};

/* text folded as the table is: form_fold, and an apostrophe (' or ’) read
 * as a separator, so "d'assistance", "d’assistance" and "d assistance" are
 * one word. */
static char *
term_fold (const char *text)
{
  g_autofree char *folded = form_fold (text);
  GString *out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean sep = c == '\'' || c == 0x2019 || c == '-';
      if (sep && out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
      else if (!sep)
        g_string_append_unichar (out, c);
    }
  if (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* Folded term -> GPtrArray of the values it may mean (one word may be a
 * form name and a role: "point focal"), built once. */
static GHashTable *
term_table (void)
{
  static gsize once;
  static GHashTable *table;
  if (g_once_init_enter (&once))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
      for (gsize i = 0; i < G_N_ELEMENTS (terms); i++)
        {
          char *folded = term_fold (terms[i].term);
          GPtrArray *values = g_hash_table_lookup (t, folded);
          if (values == NULL)
            {
              values = g_ptr_array_new ();
              g_hash_table_insert (t, g_strdup (folded), values);
            }
          g_ptr_array_add (values, (gpointer) terms[i].value);
          g_free (folded);
        }
      table = t;
      g_once_init_leave (&once, 1);
    }
  return table;
}

/* Whether words (NULL-terminated) holds word. */
static gboolean
has_word (const char *const *words, const char *word)
{
  for (guint i = 0; words[i]; i++)
    if (strcmp (words[i], word) == 0)
      return TRUE;
  return FALSE;
}

/* The value of values that text means: see form.h. */
const char *
form_term_value (const char *text, const char *const *values)
{
  if (text == NULL || values == NULL || strlen (text) > 256)
    return NULL;
  g_autofree char *folded = term_fold (text);
  for (guint i = 0; values[i]; i++)
    if (strcmp (folded, values[i]) == 0)
      return values[i];
  GPtrArray *meant = g_hash_table_lookup (term_table (), folded);
  for (guint i = 0; meant && i < meant->len; i++)
    if (has_word (values, meant->pdata[i]))
      return meant->pdata[i];
  return NULL;
}

/* How an answer in lang names value: see form.h. */
const char *
form_term_name (const char *value, const char *lang)
{
  if (value == NULL || lang == NULL || strcmp (lang, "en") == 0)
    return value;
  for (gsize i = 0; i < G_N_ELEMENTS (terms); i++)
    if (strcmp (terms[i].lang, lang) == 0 && strcmp (terms[i].value, value) == 0)
      return terms[i].term;
  return value;
}

/* See form.h. */
GUnicodeScript
form_script_of (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      GUnicodeScript s = g_unichar_get_script (g_utf8_get_char (p));
      if (s != G_UNICODE_SCRIPT_COMMON && s != G_UNICODE_SCRIPT_INHERITED)
        return s;
    }
  return G_UNICODE_SCRIPT_COMMON;
}

/* The closest way of writing one of values to text, in text's alphabet:
 * see form.h. */
const char *
form_term_suggest (const char *text, const char *const *values)
{
  if (text == NULL || values == NULL)
    return NULL;
  GUnicodeScript script = form_script_of (text);
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  if (script == G_UNICODE_SCRIPT_LATIN || script == G_UNICODE_SCRIPT_COMMON)
    for (guint i = 0; values[i]; i++)
      g_ptr_array_add (candidates, (gpointer) values[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (terms); i++)
    if (has_word (values, terms[i].value) && form_script_of (terms[i].term) == script)
      g_ptr_array_add (candidates, (gpointer) terms[i].term);
  g_ptr_array_add (candidates, NULL);
  return form_suggest (text, (const char *const *) candidates->pdata);
}
