// The header bell's unread count: asked when the page opens, on every navigation
// (at most once a minute) and by the inbox page when it reads messages.
import { reactive } from 'vue'
import { get } from './api.js'

export const unread = reactive({ count: 0, at: 0 })

export async function refreshUnread(force = false) {
  if (!force && Date.now() - unread.at < 60000) return
  unread.at = Date.now()
  try { unread.count = (await get('/inbox/unread-count', null, { quiet: true })).unread } catch { /* the bell waits */ }
}
