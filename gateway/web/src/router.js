import { createRouter, createWebHistory } from 'vue-router'
import { session, setSession, homeFor, mustChangePassword } from './lib/session.js'
import { setUnauthorizedHandler, setPasswordChangeHandler } from './lib/api.js'

const pages = import.meta.glob('./views/**/*.vue')
const v = (p) => pages[`./views/${p}.vue`]
const REVIEWERS = ['unit_admin', 'department_staff', 'committee_staff']

const routes = [
  { path: '/', name: 'home', component: v('public/Portal'), meta: { public: true, title: '首页' } },
  { path: '/verify', name: 'verify', component: v('public/Verify'), meta: { public: true, title: '证书查验' } },
  { path: '/login', name: 'login', component: v('public/Login'), meta: { public: true, bare: true, title: '登录' } },
  { path: '/register/applicant', component: v('public/RegisterApplicant'), meta: { public: true, bare: true, title: '个人注册' } },
  { path: '/register/unit', component: v('public/RegisterUnit'), meta: { public: true, bare: true, title: '单位注册' } },
  { path: '/recovery', component: v('public/Recovery'), meta: { public: true, bare: true, title: '找回用户名和密码' } },
  { path: '/appeal', component: v('public/Appeal'), meta: { public: true, bare: true, title: '账号申诉' } },

  { path: '/me', component: v('applicant/MyHome'), meta: { roles: [], title: '我的主页' } },
  { path: '/password', name: 'password', component: v('account/ChangePassword'), meta: { roles: [], title: '修改密码' } },
  { path: '/my/applications', component: v('applicant/MyApplications'), meta: { roles: ['applicant'], title: '我的申请书' } },
  { path: '/my/applications/new', component: v('applicant/NewApplication'), meta: { roles: ['applicant'], title: '新增申请书' } },
  { path: '/my/applications/:id', component: v('applicant/ApplicationEdit'), meta: { roles: ['applicant'], title: '申请书' } },
  { path: '/my/certificates', component: v('applicant/Certificates'), meta: { roles: ['applicant'], title: '我的职称电子证书' } },
  { path: '/my/continuing-education', component: v('applicant/ContinuingEducation'), meta: { roles: ['applicant'], title: '继续教育' } },

  { path: '/unit', component: v('review/UnitInfo'), meta: { roles: ['unit_admin'], title: '单位信息' } },
  { path: '/review/tasks', component: v('review/Tasks'), meta: { roles: REVIEWERS, title: '申请书审核' } },
  { path: '/review/query', component: v('review/Query'), meta: { roles: REVIEWERS, title: '申请书查询' } },
  { path: '/review/applications/:id', component: v('review/Handle'), meta: { roles: REVIEWERS, title: '办理' } },

  { path: '/committee/settings', component: v('committee/Settings'), meta: { roles: ['committee_staff'], title: '评审设置' } },
  { path: '/committee/meetings', component: v('committee/Meetings'), meta: { roles: ['committee_staff'], title: '评审会议与公示' } },
  { path: '/committee/objections', component: v('committee/Objections'), meta: { roles: ['committee_staff'], title: '异议处理' } },

  { path: '/admin/organizations', component: v('admin/Organizations'), meta: { roles: ['platform_admin'], title: '机构与人员' } },
  { path: '/admin/qualifications', component: v('admin/Qualifications'), meta: { roles: ['platform_admin'], title: '资格目录' } },
  { path: '/admin/settings', component: v('committee/Settings'), meta: { roles: ['platform_admin'], title: '评审委员会设置' } },
  { path: '/admin/appeals', component: v('admin/Appeals'), meta: { roles: ['platform_admin'], title: '申诉处理' } },
  { path: '/admin/impersonate', component: v('admin/Impersonate'), meta: { roles: ['platform_admin'], title: '模拟用户' } },
  { path: '/notices', component: v('admin/Notices'), meta: { roles: ['platform_admin', 'committee_staff'], title: '通知发布' } },
  { path: '/admin/audit', component: v('admin/Audit'), meta: { roles: ['platform_admin'], title: '审计日志' } },

  { path: '/:rest(.*)*', component: v('public/NotFound'), meta: { public: true, title: '页面不存在' } },
]

const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: () => ({ top: 0 }) })

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!session.token || !session.user) return { name: 'login', query: { redirect: to.fullPath } }
  // An administrator-issued password: nothing else until the owner replaces it.
  if (mustChangePassword(session.user) && to.name !== 'password') return { name: 'password', query: { redirect: to.fullPath } }
  const roles = to.meta.roles
  if (roles && roles.length && !roles.includes(session.user.role)) return homeFor(session.user.role)
  return true
})
router.afterEach((to) => { document.title = `${to.meta.title || ''} - 职称评审申报平台` })

// An expired session: back to login, and afterwards back to where the user was.
setUnauthorizedHandler(() => {
  // Before the first navigation settles currentRoute is still "/": the address bar knows better.
  const here = router.currentRoute.value
  const back = here.matched.length ? here.fullPath : window.location.pathname + window.location.search
  if (!back.startsWith('/login')) router.push({ name: 'login', query: { redirect: back, expired: '1' } })
})

// The server says the password must be changed first (e.g. the flag was set while
// this tab was open): remember it and go to the change page.
setPasswordChangeHandler(() => {
  if (session.user) setSession(null, { ...session.user, must_change_password: true })
  if (router.currentRoute.value.name !== 'password') router.push({ name: 'password' })
})

export default router
