import { t } from '../i18n/index.js'
import { qualPart } from './vocab.js'

export const yuan = (fen) => (fen === undefined || fen === null ? '—' : `¥${(fen / 100).toFixed(2)}`)

export function dateTime(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  if (isNaN(d)) return iso
  // Platform time is UTC+8 whatever the browser's zone.
  const t = new Date(d.getTime() + 8 * 3600e3).toISOString()
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`
}
export const date = (iso) => (iso ? dateTime(iso).slice(0, 10) : '—')

export function countdown(app) {
  const n = app.days_to_close
  if (n === undefined || n === null) return ''
  return n >= 0 ? t('format.daysLeft', { n }) : t('format.daysOver', { n: -n })
}

export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`
}

export const LEVELS = ['初级', '中级', '副高', '正高']
// A qualification's names in the page's language (lib/vocab.js: the catalog's own on Chinese pages).
export const qualName = (q) => (q ? `[${qualPart('level', q.level)}] ${qualPart('series', q.series)} · ${qualPart('specialty', q.specialty)} / ${qualPart('title', q.title)}` : '—')
