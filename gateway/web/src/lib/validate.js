// Client-side checks mirroring the server's (GB 11643 ID numbers, GB 32100 credit
// codes), so a mistake shows while typing; the server checks again.
import { t } from '../i18n/index.js'

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** '' when valid, else the reason in the user's language. */
export function idNumberProblem(raw) {
  const v = (raw || '').trim().toUpperCase()
  if (!v) return t('validate.idEmpty')
  if (!/^\d{17}[\dX]$/.test(v)) return t('validate.idShape')
  if (!/^[1-8]\d{5}$/.test(v.slice(0, 6))) return t('validate.idRegion')
  const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14)
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date > new Date()) {
    return t('validate.idBirth')
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * +v[i], 0)
  if (ID_CHECK[sum % 11] !== v[17]) return t('validate.idCheck')
  return ''
}

const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCodeProblem(raw) {
  const v = (raw || '').trim().toUpperCase()
  if (!v) return t('validate.ccEmpty')
  if (v.length !== 18) return t('validate.ccLength')
  for (const c of v) if (!CC_CHARS.includes(c)) return t('validate.ccChar', { c })
  const sum = CC_WEIGHTS.reduce((s, w, i) => s + w * CC_CHARS.indexOf(v[i]), 0)
  const check = CC_CHARS[(31 - (sum % 31)) % 31]
  if (check !== v[17]) return t('validate.ccCheck')
  return ''
}

export function phoneProblem(raw) {
  const v = (raw || '').trim()
  if (!v) return t('validate.phoneEmpty')
  if (!/^(1\d{10}|0\d{2,3}-?\d{7,8})$/.test(v)) return t('validate.phoneShape')
  return ''
}

export function passwordProblem(raw) {
  const v = raw || ''
  if (v.length < 8) return t('validate.pwShort')
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return t('validate.pwMix')
  return ''
}

/** An Element Plus form rule from a problem function. */
export const rule = (fn, trigger = ['change', 'blur']) => ({
  trigger,
  validator: (_r, value, cb) => { const p = fn(value); p ? cb(new Error(p)) : cb() },
})

/** One template field's problem with a value ('' = fine). */
export function fieldProblem(f, value) {
  // A yes/no switch shows 否 until turned on: unset is an answer (否), never "unfilled".
  if (f.type === 'boolean') return ''
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  if (empty) return f.required ? t('validate.fieldRequired', { label: f.label }) : ''
  switch (f.type) {
    case 'text':
      if (f.max_length && String(value).length > f.max_length) return t('validate.fieldTooLong', { label: f.label, n: f.max_length })
      return ''
    case 'integer':
      if (!Number.isInteger(Number(value))) return t('validate.fieldInteger', { label: f.label })
      if (f.min !== undefined && f.min !== null && value < f.min) return t('validate.fieldMin', { label: f.label, n: f.min })
      if (f.max !== undefined && f.max !== null && value > f.max) return t('validate.fieldMax', { label: f.label, n: f.max })
      return ''
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? '' : t('validate.fieldDate', { label: f.label })
    case 'choice':
      return !f.options || f.options.includes(value) ? '' : t('validate.fieldChoice', { label: f.label })
    case 'table': {
      for (const [i, row] of value.entries()) {
        for (const c of f.columns || []) {
          const p = fieldProblem(c, row?.[c.key])
          if (p) return t('validate.tableRow', { n: i + 1, problem: p })
        }
      }
      return ''
    }
    default:
      return ''
  }
}
