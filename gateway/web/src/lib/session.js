// Who is logged in: the Bearer token and user in sessionStorage (per tab, gone
// when the tab closes), mirrored in a reactive object the pages read.
import { reactive } from 'vue'

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

export const ROLE_NAMES = {
  applicant: '专业技术人员',
  unit_admin: '基层单位管理员',
  department_staff: '主管部门工作人员',
  committee_staff: '评审委员会工作人员',
  platform_admin: '平台管理员',
}

export const homeFor = (role) => ({
  applicant: '/my/applications',
  unit_admin: '/review/tasks',
  department_staff: '/review/tasks',
  committee_staff: '/review/tasks',
  platform_admin: '/admin/organizations',
}[role] || '/')
