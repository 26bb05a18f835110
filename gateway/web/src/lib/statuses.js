// The status vocabulary is the applications service's (GET /statuses): names and
// flags come from there or from the application's own status_info — never a copy here.
import { reactive } from 'vue'
import { get } from './api.js'
import { statusName as localStatusName } from './vocab.js'

export const statuses = reactive({ list: [], byKey: {} })
let loading = null

export function loadStatuses() {
  if (!loading) {
    loading = get('/statuses').then((list) => {
      statuses.list = list
      statuses.byKey = Object.fromEntries(list.map((s) => [s.key, s]))
    }).catch(() => { loading = null })
  }
  return loading
}

// Element Plus tag colour for the owner's tone of a status.
const TONE_TYPE = { neutral: 'info', progress: 'primary', attention: 'danger', success: 'success', failure: 'danger' }

// The info of an application's status: its own status_info when it has one (named after
// the node holding it while in review), else the vocabulary's entry for the key.
export function statusInfo(appOrKey) {
  if (appOrKey && typeof appOrKey === 'object') return appOrKey.status_info || statuses.byKey[appOrKey.status] || {}
  return statuses.byKey[appOrKey] || {}
}
const keyOf = (appOrKey) => (appOrKey && typeof appOrKey === 'object' ? appOrKey.status : appOrKey)
// The server's names_by for a key, when the vocabulary is loaded (an application's own
// status_info does not carry it).
const withNamesBy = (info, key) => ({ names_by: statuses.byKey[key]?.names_by, ...info })
// The status's name in the page's language (lib/vocab.js: the server's on Chinese pages).
export const statusName = (appOrKey) => {
  const key = keyOf(appOrKey)
  const info = statusInfo(appOrKey)
  return localStatusName(key, info.name || key || '', withNamesBy(info, key), typeof appOrKey === 'object' ? appOrKey?.kind : null)
}
export const statusType = (appOrKey) => TONE_TYPE[statusInfo(appOrKey).tone] || 'info'

// The name of a status for a row that carries its application's kind but not its
// status_info (review's lists): named after the node holding it while submitted (the
// row's place: 申请人提交到基层工作单位 …), else the vocabulary's names_by variant
// for that kind.
export function statusNameOf(row) {
  const info = statusInfo(row.status)
  const by = info.names_by || {}
  const name = (info.names_at_node || {})[row.place]
    || (row.kind?.conclusion === 'confirm' && by.confirm)
    || (row.kind && row.kind.fee === false && by.no_fee)
    || info.name || row.status || ''
  return localStatusName(row.status, name, info, row.kind)
}
