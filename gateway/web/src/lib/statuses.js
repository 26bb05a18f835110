// The status vocabulary is the applications service's (GET /statuses): names and
// flags come from there or from the application's own status_info — never a copy here.
import { reactive } from 'vue'
import { get } from './api.js'

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
export const statusName = (appOrKey) => statusInfo(appOrKey).name || (typeof appOrKey === 'object' ? appOrKey?.status : appOrKey) || ''
export const statusType = (appOrKey) => TONE_TYPE[statusInfo(appOrKey).tone] || 'info'

// The name of a status for a row that carries its application's kind but not its
// status_info (review's lists): named after the node holding it while submitted (the
// row's place: 申请人提交到基层工作单位 …), else the vocabulary's names_by variant
// for that kind.
export function statusNameOf(row) {
  const info = statusInfo(row.status)
  const atNode = (info.names_at_node || {})[row.place]
  if (atNode) return atNode
  const by = info.names_by || {}
  if (row.kind?.conclusion === 'confirm' && by.confirm) return by.confirm
  if (row.kind && row.kind.fee === false && by.no_fee) return by.no_fee
  return info.name || row.status || ''
}
