// Who is logged in: the Bearer token and user in sessionStorage (per tab, gone
// when the tab closes), mirrored in a reactive object the pages read.
import { reactive } from 'vue'
import { t, te } from '../i18n/index.js'

const TOKEN = 'zc_token'
const USER = 'zc_user'

function load() {
  try { return JSON.parse(sessionStorage.getItem(USER) || 'null') } catch { return null }
}

const token = sessionStorage.getItem(TOKEN)
export const session = reactive({ token, user: token ? load() : null })

export function setSession(token, user) {
  if (token) { session.token = token; sessionStorage.setItem(TOKEN, token) }
  // A late reply for a session that has since ended must not bring it back.
  if (!session.token || sessionStorage.getItem(TOKEN) !== session.token) { clearSession(); return }
  session.user = user
  sessionStorage.setItem(USER, JSON.stringify(user))
}

export function clearSession() {
  session.token = null
  session.user = null
  sessionStorage.removeItem(TOKEN)
  sessionStorage.removeItem(USER)
}

/** An administrator issued this account's password: it must be replaced first
 * (an administrator acting as the user is not held back). */
export const mustChangePassword = (user) => !!user?.must_change_password && !user?.impersonated_by

// Role names in the user's language (a lookup inside a template is reactive).
export const ROLE_NAMES = new Proxy({}, { get: (_o, k) => (typeof k === 'string' && te(`role.${k}`) ? t(`role.${k}`) : undefined) })

export const homeFor = (role) => ({
  applicant: '/my/applications',
  unit_admin: '/review/tasks',
  department_staff: '/review/tasks',
  committee_staff: '/review/tasks',
  platform_admin: '/admin/organizations',
  expert: '/expert/panels',
}[role] || '/')
