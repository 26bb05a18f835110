// 申报条件自查 in the page's language. The applications service words each condition's
// label and reason in Chinese and says the same as a code with values (item.said); on
// Chinese pages the server's words show as sent, on others the catalog's vocab.elig.<code>
// with the values' names in the page's language (a rules file's own label by its Chinese
// words, vocab.condition). A code the catalog does not know shows the server's Chinese.
import { i18n, locale, t } from '../i18n/index.js'
import { dataName, optionName, qualPart } from './vocab.js'

const LTR = (v) => `\u2066${v}\u2069`   // a date or a span of years keeps its order in RTL text

function values(v = {}) {
  const out = { ...v }
  for (const k of ['education', 'best']) if (k in out) out[k] = optionName(out[k])
  for (const k of ['level', 'held']) if (k in out) out[k] = qualPart('level', out[k])
  if ('field' in out) out.field = dataName(['field', out.section, out.field], out.field)
  if ('section' in out) out.section = dataName(['section', out.section], out.section)
  if ('unit' in out) out.unit = out.unit ? dataName(['unit', out.unit], out.unit) : ''
  if ('since' in out) out.since = LTR(out.since)
  if ('first' in out) out.span = LTR(out.first === out.last ? `${out.last}` : `${out.first}—${out.last}`)
  return out
}

function render(kind, said, serverText) {
  const key = `vocab.elig.${kind}.${said?.code}`
  return said && i18n.global.te(key, locale.value) ? t(key, values(said.values)) : serverText
}

/** A checklist item's label. */
export function conditionLabel(item) {
  if (locale.value === 'zh-CN') return item.label
  const said = item.said?.label
  return said ? render('label', said, item.label) : dataName(['condition', item.label], item.label)
}

/** A checklist item's reason (met or not). */
export function conditionReason(item) {
  if (locale.value === 'zh-CN') return item.reason
  const said = item.said?.reason
  const option = item.options?.[(said?.values?.option || 0) - 1]
  if (said?.code === 'any_of_met' && option) {
    return t('vocab.elig.reason.any_of_met', { labels: option.items.map(conditionLabel).join(t('punct.comma')) })
  }
  if (said?.code === 'any_of_unmet' && option) {
    const reasons = option.items.filter((i) => !i.met).map((i) => t('punct.colon', { a: conditionLabel(i), b: conditionReason(i) })).join(t('punct.semi'))
    return said.values.count > 1 ? t('vocab.elig.reason.any_of_unmet', { count: said.values.count, n: said.values.option, reasons }) : reasons
  }
  return render('reason', said, item.reason)
}

/** The checklist's note (no rules to check for this qualification). */
export const checklistNote = (checklist) => (locale.value === 'zh-CN' || !checklist.note_said
  ? checklist.note : render('note', checklist.note_said, checklist.note))
