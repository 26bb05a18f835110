// The server's vocabulary (kinds, statuses, route places) in the page's language: on
// Chinese pages the server's own name as sent; on Uyghur pages the catalog's name for
// the server's stable key (i18n/ug-CN/vocab.js), or the server's name when the catalog
// does not know the key. The names themselves stay the server's — never a copy here.
import { i18n, locale, t } from '../i18n/index.js'

/** The catalog's name at vocab.<path> in a language other than Chinese, else serverName. */
export function localName(path, serverName) {
  if (locale.value === 'zh-CN' || !path) return serverName
  const key = `vocab.${path}`
  return i18n.global.te(key, locale.value) ? t(key) : serverName
}

/** A kind ({key, name}) by its name. */
export const kindName = (kind) => localName(kind?.key && `kind.${kind.key}`, kind?.name || '')

/** A route node ({place, label}) by its label. */
export const placeLabel = (step) => localName(step?.place && `place.${step.place}`, step?.label || '')

/** A status (its key and the server's name for it) by that name. The server names some
 * statuses after the node holding the application (info.names_at_node) or after the
 * application's kind (info.names_by; or the kind's policy when given): the Uyghur name
 * is the one for the variant the server's name is (the kind's policy only guesses it
 * when the vocabulary's names_by is not at hand). */
export function statusName(key, name, info = {}, kind = null) {
  if (locale.value === 'zh-CN') return name
  const atNode = Object.entries(info.names_at_node || {}).find(([, n]) => n === name)
  if (atNode) return localName(`submittedAt.${atNode[0]}`, name)
  const by = Object.entries(info.names_by || {}).find(([, n]) => n === name)
  if (by) return localName(`statusBy.${by[0]}.${key}`, name)
  if (kind && !info.names_by) {
    const te = (v) => i18n.global.te(`vocab.statusBy.${v}.${key}`, locale.value)
    if ((kind.conclusion === 'confirm' || kind.meeting === false) && te('confirm')) return localName(`statusBy.confirm.${key}`, name)
    if (kind.fee === false && te('no_fee')) return localName(`statusBy.no_fee.${key}`, name)
  }
  return localName(key && `status.${key}`, name)
}

/** The catalog's text at vocab.<...keys> in a language other than Chinese, else serverText.
 * Walks the catalog by the keys themselves (not a dotted path), so a key may be any text —
 * a choice option is keyed by the Chinese option, which holds （、） — and the text is shown
 * as written, never read as a message format. */
export function dataName(keys, serverText) {
  if (locale.value === 'zh-CN') return serverText
  let node = i18n.global.getLocaleMessage(locale.value)?.vocab
  for (const k of keys) node = node && typeof node === 'object' && k != null ? node[k] : undefined
  return typeof node === 'string' ? node : serverText
}

/** A kind's description ({key, description}). */
export const kindDescription = (kind) => dataName(['kindDescription', kind?.key], kind?.description || '')

/** A choice option as shown; the option itself (Chinese) stays the value saved. */
export const optionName = (option) => dataName(['option', option], option)

/** A template field (or a table's column, given its table's key) with its label — and a
 * table's columns' labels — in the page's language; options stay the server's values. */
function localField(sectionKey, f, tableKey = null) {
  const label = tableKey ? dataName(['column', sectionKey, tableKey, f.key], f.label) : dataName(['field', sectionKey, f.key], f.label)
  const out = { ...f, label }
  if (!tableKey && Array.isArray(f.columns)) out.columns = f.columns.map((c) => localField(sectionKey, c, f.key))
  return out
}

/** The application form's sections (its frozen template's, as a list with keys) in the
 * page's language: titles, attachment hints, field and column labels. */
export function localSections(sections) {
  if (locale.value === 'zh-CN') return sections
  return sections.map((s) => ({
    ...s,
    title: dataName(['section', s.key], s.title),
    attachments_hint: s.attachments_hint && dataName(['hint', s.key], s.attachments_hint),
    fields: (s.fields || []).map((f) => localField(s.key, f)),
  }))
}

/** A qualification catalog name (part: series, specialty, level or title) as shown; the
 * Chinese name stays the catalog's (the value picked, filtered and sent). */
export const qualPart = (part, name) => dataName(['qual', part, name], name)
