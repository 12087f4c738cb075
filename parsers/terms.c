/* The words of values in the six official UN languages: form names, areas,
 * priorities, statuses, roles, yes and no, "all" and "all-donors", and the
 * names of the six languages themselves
 * (docs/submissions.md section 8, which lists this table: change both
 * together).  Keys have their own table in keys.c. */
#include "parsers/form.h"

#include <string.h>

/* Every way of writing a value other than its English word, and the word
 * it means.  Entries are compared folded (form_fold, with apostrophes as
 * separators), so case, accents and the separators need not be listed
 * twice: "justice pénale" is also "Justice-Penale". */
static const struct {
  const char *term;
  const char *value;
} terms[] = {
  /* Form names (docs/submissions.md section 5) */
  { "point focal", "contact-point" }, { "punto focal", "contact-point" },
  { "координатор", "contact-point" }, { "جهة تنسيق", "contact-point" },
  { "جهة التنسيق", "contact-point" }, { "联络点", "contact-point" },
  { "offre d'assistance", "assistance-offer" },
  { "oferta de asistencia", "assistance-offer" },
  { "предложение помощи", "assistance-offer" },
  { "предложение о помощи", "assistance-offer" },
  { "عرض مساعدة", "assistance-offer" }, { "عرض المساعدة", "assistance-offer" },
  { "援助提议", "assistance-offer" }, { "提供援助", "assistance-offer" },
  { "demande d'assistance", "assistance-request" },
  { "solicitud de asistencia", "assistance-request" },
  { "запрос о помощи", "assistance-request" },
  { "просьба о помощи", "assistance-request" },
  { "طلب مساعدة", "assistance-request" }, { "طلب المساعدة", "assistance-request" },
  { "援助请求", "assistance-request" }, { "请求援助", "assistance-request" },
  { "résultat de l'assistance", "assistance-result" },
  { "resultado de la asistencia", "assistance-result" },
  { "результат помощи", "assistance-result" },
  { "результаты помощи", "assistance-result" },
  { "نتيجة المساعدة", "assistance-result" }, { "نتائج المساعدة", "assistance-result" },
  { "援助结果", "assistance-result" }, { "援助成果", "assistance-result" },
  { "source d'information", "information-source" },
  { "fuente de información", "information-source" },
  { "источник информации", "information-source" },
  { "مصدر معلومات", "information-source" }, { "مصدر المعلومات", "information-source" },
  { "信息来源", "information-source" },
  { "norme", "standard" }, { "norma", "standard" }, { "стандарт", "standard" },
  { "معيار", "standard" }, { "المعيار", "standard" }, { "标准", "standard" },
  { "inventaire", "inventory" }, { "inventario", "inventory" },
  { "перечень", "inventory" }, { "инвентаризация", "inventory" },
  { "جرد", "inventory" }, { "الجرد", "inventory" }, { "清单", "inventory" },
  { "informations sur la visite", "visit-information" },
  { "información sobre la visita", "visit-information" },
  { "информация о визите", "visit-information" },
  { "معلومات الزيارة", "visit-information" },
  { "معلومات عن الزيارة", "visit-information" },
  { "访问信息", "visit-information" },
  { "consentement à la visite", "visit-consent" },
  { "consentimiento a la visita", "visit-consent" },
  { "consentimiento para la visita", "visit-consent" },
  { "согласие на визит", "visit-consent" },
  { "الموافقة على الزيارة", "visit-consent" },
  { "同意访问", "visit-consent" }, { "访问同意", "visit-consent" },
  /* Areas (docs/submissions.md section 3) */
  { "financement du terrorisme", "terrorist-financing" },
  { "financiación del terrorismo", "terrorist-financing" },
  { "financiamiento del terrorismo", "terrorist-financing" },
  { "финансирование терроризма", "terrorist-financing" },
  { "تمويل الإرهاب", "terrorist-financing" },
  { "资助恐怖主义", "terrorist-financing" },
  { "恐怖主义融资", "terrorist-financing" },
  { "recrutement et armes", "recruitment-and-arms" },
  { "reclutamiento y armas", "recruitment-and-arms" },
  { "вербовка и оружие", "recruitment-and-arms" },
  { "التجنيد والأسلحة", "recruitment-and-arms" },
  { "招募和武器", "recruitment-and-arms" },
  { "alerte rapide", "early-warning" }, { "alerta temprana", "early-warning" },
  { "раннее предупреждение", "early-warning" },
  { "الإنذار المبكر", "early-warning" }, { "预警", "early-warning" },
  { "早期预警", "early-warning" },
  { "refuge", "safe-haven" }, { "refuge sûr", "safe-haven" },
  { "refugio", "safe-haven" }, { "refugio seguro", "safe-haven" },
  { "убежище", "safe-haven" }, { "безопасное убежище", "safe-haven" },
  { "الملاذ الآمن", "safe-haven" }, { "ملاذ آمن", "safe-haven" },
  { "安全避难所", "safe-haven" }, { "避难所", "safe-haven" },
  { "justice pénale", "criminal-justice" }, { "justicia penal", "criminal-justice" },
  { "уголовное правосудие", "criminal-justice" },
  { "العدالة الجنائية", "criminal-justice" }, { "刑事司法", "criminal-justice" },
  { "entraide judiciaire", "mutual-legal-assistance" },
  { "asistencia judicial recíproca", "mutual-legal-assistance" },
  { "взаимная правовая помощь", "mutual-legal-assistance" },
  { "المساعدة القانونية المتبادلة", "mutual-legal-assistance" },
  { "司法协助", "mutual-legal-assistance" },
  { "contrôle des frontières", "border-control" },
  { "control de fronteras", "border-control" },
  { "пограничный контроль", "border-control" },
  { "مراقبة الحدود", "border-control" }, { "边境管制", "border-control" },
  { "échange d'informations", "information-exchange" },
  { "intercambio de información", "information-exchange" },
  { "обмен информацией", "information-exchange" },
  { "تبادل المعلومات", "information-exchange" },
  { "信息交流", "information-exchange" }, { "信息交换", "information-exchange" },
  { "instruments internationaux", "international-instruments" },
  { "instrumentos internacionales", "international-instruments" },
  { "международные документы", "international-instruments" },
  { "الصكوك الدولية", "international-instruments" },
  { "国际文书", "international-instruments" },
  { "protection des réfugiés", "refugee-protection" },
  { "protección de los refugiados", "refugee-protection" },
  { "protección de refugiados", "refugee-protection" },
  { "защита беженцев", "refugee-protection" },
  { "حماية اللاجئين", "refugee-protection" }, { "难民保护", "refugee-protection" },
  { "criminalité transnationale", "transnational-crime" },
  { "delincuencia transnacional", "transnational-crime" },
  { "транснациональная преступность", "transnational-crime" },
  { "الجريمة عبر الوطنية", "transnational-crime" },
  { "跨国犯罪", "transnational-crime" },
  { "droits de l'homme", "human-rights" }, { "derechos humanos", "human-rights" },
  { "права человека", "human-rights" }, { "حقوق الإنسان", "human-rights" },
  { "人权", "human-rights" },
  { "autre", "other" }, { "otro", "other" }, { "другое", "other" },
  { "أخرى", "other" }, { "其他", "other" },
  /* Priority */
  { "haute", "high" }, { "élevée", "high" }, { "alta", "high" },
  { "высокий", "high" }, { "высокая", "high" }, { "عالية", "high" },
  { "مرتفعة", "high" }, { "高", "high" },
  { "moyenne", "medium" }, { "media", "medium" }, { "средний", "medium" },
  { "средняя", "medium" }, { "متوسطة", "medium" }, { "中", "medium" },
  { "basse", "low" }, { "faible", "low" }, { "baja", "low" },
  { "низкий", "low" }, { "низкая", "low" }, { "منخفضة", "low" },
  { "低", "low" },
  /* Status */
  { "prévu", "planned" }, { "prévue", "planned" }, { "previsto", "planned" },
  { "prevista", "planned" }, { "запланировано", "planned" },
  { "مقرر", "planned" }, { "مخطط له", "planned" }, { "计划中", "planned" },
  { "en cours", "ongoing" }, { "en curso", "ongoing" },
  { "осуществляется", "ongoing" }, { "в процессе", "ongoing" },
  { "جار", "ongoing" }, { "قيد التنفيذ", "ongoing" }, { "进行中", "ongoing" },
  { "achevé", "completed" }, { "achevée", "completed" }, { "terminé", "completed" },
  { "terminée", "completed" }, { "concluido", "completed" },
  { "concluida", "completed" }, { "terminado", "completed" },
  { "terminada", "completed" }, { "завершено", "completed" },
  { "منجز", "completed" }, { "مكتمل", "completed" }, { "已完成", "completed" },
  { "retiré", "withdrawn" }, { "retirée", "withdrawn" }, { "retirado", "withdrawn" },
  { "retirada", "withdrawn" }, { "отозвано", "withdrawn" },
  { "مسحوب", "withdrawn" }, { "已撤回", "withdrawn" },
  /* Role */
  { "point focal", "focal-point" }, { "punto focal", "focal-point" },
  { "координатор", "focal-point" }, { "جهة تنسيق", "focal-point" },
  { "جهة التنسيق", "focal-point" }, { "联络点", "focal-point" },
  { "suppléant", "alternate" }, { "suppléante", "alternate" },
  { "suplente", "alternate" }, { "заместитель", "alternate" },
  { "заместитель координатора", "alternate" }, { "مناوب", "alternate" },
  { "بديل", "alternate" }, { "候补", "alternate" }, { "候补联络点", "alternate" },
  { "technique", "technical" }, { "técnico", "technical" },
  { "técnica", "technical" }, { "технический специалист", "technical" },
  { "технический", "technical" }, { "فني", "technical" }, { "تقني", "technical" },
  { "技术", "technical" }, { "技术人员", "technical" },
  /* Yes and no: Consent, Active */
  { "oui", "yes" }, { "sí", "yes" }, { "да", "yes" }, { "نعم", "yes" },
  { "是", "yes" }, { "同意", "yes" },
  { "non", "no" }, { "нет", "no" }, { "لا", "no" }, { "否", "no" },
  { "不同意", "no" },
  /* Languages: the six by name, and their ISO 639-2 codes */
  { "english", "en" }, { "eng", "en" }, { "anglais", "en" }, { "inglés", "en" },
  { "английский", "en" }, { "الإنكليزية", "en" }, { "الإنجليزية", "en" },
  { "英文", "en" }, { "英语", "en" },
  { "french", "fr" }, { "fra", "fr" }, { "fre", "fr" }, { "français", "fr" },
  { "francés", "fr" }, { "французский", "fr" }, { "الفرنسية", "fr" },
  { "法文", "fr" }, { "法语", "fr" },
  { "spanish", "es" }, { "spa", "es" }, { "espagnol", "es" }, { "español", "es" },
  { "испанский", "es" }, { "الإسبانية", "es" }, { "西班牙文", "es" },
  { "西班牙语", "es" },
  { "russian", "ru" }, { "rus", "ru" }, { "russe", "ru" }, { "ruso", "ru" },
  { "русский", "ru" }, { "الروسية", "ru" }, { "俄文", "ru" }, { "俄语", "ru" },
  { "arabic", "ar" }, { "ara", "ar" }, { "arabe", "ar" }, { "árabe", "ar" },
  { "арабский", "ar" }, { "العربية", "ar" }, { "阿拉伯文", "ar" },
  { "阿拉伯语", "ar" },
  { "chinese", "zh" }, { "zho", "zh" }, { "chi", "zh" }, { "chinois", "zh" },
  { "chino", "zh" }, { "китайский", "zh" }, { "الصينية", "zh" }, { "中文", "zh" },
  { "汉语", "zh" },
  /* Beneficiaries: all; Recipients: all-donors */
  { "tous", "all" }, { "todos", "all" }, { "все", "all" }, { "الجميع", "all" },
  { "全部", "all" },
  { "tous les donateurs", "all-donors" }, { "todos los donantes", "all-donors" },
  { "все доноры", "all-donors" }, { "جميع المانحين", "all-donors" },
  { "所有捐助方", "all-donors" },
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
