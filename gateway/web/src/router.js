import { watch } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import { locale, t } from './i18n/index.js'
import { session, setSession, homeFor, mustChangePassword } from './lib/session.js'
import { setUnauthorizedHandler, setPasswordChangeHandler } from './lib/api.js'

const pages = import.meta.glob('./views/**/*.vue')
const v = (p) => pages[`./views/${p}.vue`]
const REVIEWERS = ['unit_admin', 'department_staff', 'committee_staff']

const routes = [
  { path: '/', name: 'home', component: v('public/Portal'), meta: { public: true, title: '首页', key: 'route.home' } },
  { path: '/faq', component: v('public/Faq'), meta: { public: true, title: '常见问题', key: 'route.faq' } },
  { path: '/verify', name: 'verify', component: v('public/Verify'), meta: { public: true, title: '证书查验', key: 'route.verify' } },
  { path: '/login', name: 'login', component: v('public/Login'), meta: { public: true, bare: true, title: '登录', key: 'route.login' } },
  { path: '/register/applicant', component: v('public/RegisterApplicant'), meta: { public: true, bare: true, title: '个人注册', key: 'route.registerApplicant' } },
  { path: '/register/unit', component: v('public/RegisterUnit'), meta: { public: true, bare: true, title: '单位注册', key: 'route.registerUnit' } },
  { path: '/recovery', component: v('public/Recovery'), meta: { public: true, bare: true, title: '找回用户名和密码', key: 'route.recovery' } },
  { path: '/appeal', component: v('public/Appeal'), meta: { public: true, bare: true, title: '账号申诉', key: 'route.appeal' } },

  { path: '/me', component: v('applicant/MyHome'), meta: { roles: [], title: '我的主页', key: 'route.me' } },
  { path: '/inbox', component: v('account/Inbox'), meta: { roles: [], title: '站内信', key: 'route.inbox' } },
  { path: '/password', name: 'password', component: v('account/ChangePassword'), meta: { roles: [], title: '修改密码', key: 'route.password' } },
  { path: '/my/applications', component: v('applicant/MyApplications'), meta: { roles: ['applicant'], title: '我的申请书', key: 'route.myApplications' } },
  { path: '/my/kinds/:kind', component: v('applicant/MyApplications'), props: (r) => ({ kind: r.params.kind }), meta: { roles: ['applicant'], title: '申请书', key: 'route.myApplications' } },
  { path: '/my/applications/new', component: v('applicant/NewApplication'), meta: { roles: ['applicant'], title: '新增申请书', key: 'route.newApplication' } },
  { path: '/my/applications/:id', component: v('applicant/ApplicationEdit'), meta: { roles: ['applicant'], title: '申请书', key: 'route.application' } },
  { path: '/my/certificates', component: v('applicant/Certificates'), meta: { roles: ['applicant'], title: '我的职称电子证书', key: 'route.certificates' } },
  { path: '/my/continuing-education', component: v('applicant/ContinuingEducation'), meta: { roles: ['applicant'], title: '继续教育', key: 'route.continuingEducation' } },

  { path: '/questions', component: v('questions/Questions'), meta: { roles: ['applicant', ...REVIEWERS], title: '在线问答', key: 'route.questions' } },
  { path: '/unit', component: v('review/UnitInfo'), meta: { roles: ['unit_admin'], title: '单位信息', key: 'route.unit' } },
  { path: '/review/tasks', component: v('review/Tasks'), meta: { roles: REVIEWERS, title: '申请书审核', key: 'route.reviewTasks' } },
  { path: '/review/query', component: v('review/Query'), meta: { roles: REVIEWERS, title: '申请书查询', key: 'route.reviewQuery' } },
  { path: '/review/applications/:id', component: v('review/Handle'), meta: { roles: REVIEWERS, title: '办理', key: 'route.handle' } },

  { path: '/committee/settings', component: v('committee/Settings'), meta: { roles: ['committee_staff'], title: '评审设置', key: 'route.committeeSettings' } },
  { path: '/committee/meetings', component: v('committee/Meetings'), meta: { roles: ['committee_staff'], title: '评审会议与公示', key: 'route.meetings' } },
  { path: '/committee/exceptions', component: v('committee/Exceptions'), meta: { roles: ['committee_staff'], title: '破格申报', key: 'route.exceptions' } },
  { path: '/committee/objections', component: v('committee/Objections'), meta: { roles: ['committee_staff'], title: '异议处理', key: 'route.objections' } },

  { path: '/committee/experts', component: v('committee/Experts'), meta: { roles: ['committee_staff'], title: '评审专家库', key: 'experts.route.pool' } },
  { path: '/committee/panels', component: v('committee/Panels'), meta: { roles: ['committee_staff'], title: '专家抽取与表决', key: 'experts.route.panels' } },
  { path: '/committee/panels/:id', component: v('committee/Panel'), meta: { roles: ['committee_staff'], title: '评审会议', key: 'experts.route.panel' } },
  { path: '/expert/panels', component: v('expert/MyPanels'), meta: { roles: ['expert'], title: '我的评审会议', key: 'experts.route.myPanels' } },
  { path: '/expert/panels/:id', component: v('expert/Panel'), meta: { roles: ['expert'], title: '评审会议', key: 'experts.route.myPanel' } },
  { path: '/admin/experts', component: v('admin/Experts'), meta: { roles: ['platform_admin'], title: '评审专家', key: 'experts.route.admin' } },
  { path: '/expert/history', component: v('expert/History'), meta: { roles: ['expert'], title: '参评记录', key: 'experts.route.history' } },

  { path: '/admin/organizations', component: v('admin/Organizations'), meta: { roles: ['platform_admin'], title: '机构与人员', key: 'route.organizations' } },
  { path: '/admin/qualifications', component: v('admin/Qualifications'), meta: { roles: ['platform_admin'], title: '资格目录', key: 'route.qualifications' } },
  { path: '/admin/settings', component: v('committee/Settings'), meta: { roles: ['platform_admin'], title: '评审委员会设置', key: 'route.adminSettings' } },
  { path: '/admin/appeals', component: v('admin/Appeals'), meta: { roles: ['platform_admin'], title: '申诉处理', key: 'route.appeals' } },
  { path: '/admin/impersonate', component: v('admin/Impersonate'), meta: { roles: ['platform_admin'], title: '模拟用户', key: 'route.impersonate' } },
  { path: '/notices', component: v('admin/Notices'), meta: { roles: ['platform_admin', 'committee_staff'], title: '通知发布', key: 'route.notices' } },
  { path: '/admin/audit', component: v('admin/Audit'), meta: { roles: ['platform_admin'], title: '审计日志', key: 'route.audit' } },

  { path: '/statistics', component: v('stats/Statistics'), meta: { roles: ['platform_admin', 'committee_staff', 'department_staff'], title: '统计', key: 'route.statistics' } },

  { path: '/:rest(.*)*', component: v('public/NotFound'), meta: { public: true, title: '页面不存在', key: 'route.notFound' } },
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
// The tab's title in the user's language (meta.key names the catalog entry; meta.title is
// the Chinese fallback for pages without one), and again when the language changes.
const pageTitle = (to) => `${(to.meta.key && t(to.meta.key)) || to.meta.title || ''} - ${t('app.name')}`
router.afterEach((to) => { document.title = pageTitle(to) })
watch(locale, () => { document.title = pageTitle(router.currentRoute.value) })

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
