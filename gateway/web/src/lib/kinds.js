// The application kinds are the applications service's (GET /application-kinds):
// names and policy come from there, never a copy here.
import { reactive } from 'vue'
import { get } from './api.js'
import { kindName as localKindName } from './vocab.js'

export const kinds = reactive({ list: [], byKey: {} })
let loading = null

export function loadKinds() {
  if (!loading) {
    loading = get('/application-kinds', null, { quiet: true }).then((list) => {
      kinds.list = list || []
      kinds.byKey = Object.fromEntries(kinds.list.map((k) => [k.key, k]))
    }).catch(() => { loading = null })
  }
  return loading
}

// The kind's name of an application (its own `kind` object), or of a key.
// In the page's language (lib/vocab.js: the server's name on Chinese pages).
export const kindName = (appOrKey) => {
  if (appOrKey && typeof appOrKey === 'object') {
    const key = appOrKey.kind?.key
    return localKindName({ key, name: appOrKey.kind?.name || kinds.byKey[key]?.name || '' })
  }
  return localKindName({ key: appOrKey, name: kinds.byKey[appOrKey]?.name || '' })
}
// Concluded by the committee's confirmation (认定) rather than a meeting's votes.
export const confirms = (app) => app?.kind?.meeting === false || app?.kind?.conclusion === 'confirm'
