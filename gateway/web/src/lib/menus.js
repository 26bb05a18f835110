// The side menu per role (the real platform's names where it has them). `key` names the
// catalog entry shown in the user's language; `title` is the Chinese fallback.
const REVIEW = [
  { path: '/review/tasks', title: '申请书审核', key: 'route.reviewTasks' },
  { path: '/review/query', title: '申请书查询', key: 'route.reviewQuery' },
]
export const MENUS = {
  applicant: [
    { path: '/me', title: '我的主页', key: 'route.me' },
    { path: '/my/applications', title: '我的申请书', key: 'route.myApplications' },
    { path: '/my/applications/new', title: '新增申请书', key: 'route.newApplication' },
    { path: '/my/continuing-education', title: '继续教育', key: 'route.continuingEducation' },
    { path: '/my/certificates', title: '我的职称电子证书', key: 'route.certificates' },
  ],
  unit_admin: [{ path: '/me', title: '我的主页', key: 'route.me' }, { path: '/unit', title: '单位信息', key: 'route.unit' }, ...REVIEW],
  department_staff: [{ path: '/me', title: '我的主页', key: 'route.me' }, ...REVIEW, { path: '/statistics', title: '统计', key: 'route.statistics' }],
  committee_staff: [
    { path: '/me', title: '我的主页', key: 'route.me' }, ...REVIEW,
    { path: '/committee/settings', title: '评审设置', key: 'route.committeeSettings' },
    { path: '/committee/meetings', title: '评审会议与公示', key: 'route.meetings' },
    { path: '/committee/objections', title: '异议处理', key: 'route.objections' },
    { path: '/committee/experts', title: '评审专家库', key: 'experts.route.pool' },
    { path: '/committee/panels', title: '专家抽取与表决', key: 'experts.route.panels' },
    { path: '/committee/exceptions', title: '破格申报', key: 'route.exceptions' },
    { path: '/statistics', title: '统计', key: 'route.statistics' },
    { path: '/notices', title: '通知发布', key: 'route.notices' },
  ],
  platform_admin: [
    { path: '/admin/organizations', title: '机构与人员', key: 'route.organizations' },
    { path: '/admin/qualifications', title: '资格目录', key: 'route.qualifications' },
    { path: '/admin/settings', title: '评审委员会设置', key: 'route.adminSettings' },
    { path: '/admin/appeals', title: '申诉处理', key: 'route.appeals' },
    { path: '/admin/experts', title: '评审专家', key: 'experts.route.admin' },
    { path: '/notices', title: '通知发布', key: 'route.notices' },
    { path: '/admin/impersonate', title: '模拟用户', key: 'route.impersonate' },
    { path: '/admin/audit', title: '审计日志', key: 'route.audit' },
    { path: '/statistics', title: '统计', key: 'route.statistics' },
  ],
  expert: [
    { path: '/expert/panels', title: '我的评审会议', key: 'experts.route.myPanels' },
    { path: '/expert/history', title: '参评记录', key: 'experts.route.history' },
    { path: '/password', title: '修改密码', key: 'route.password' },
  ],
}

// Links of the top bar beside the application kinds (App.vue), per role ('*': every
// logged-in role without its own list). 在线问答 belongs here.
const QUESTIONS = [{ path: '/questions', title: '在线问答', key: 'route.questions', test: 'top-questions' }]
const FAQ = [{ path: '/faq', title: '常见问题', key: 'route.faq', test: 'top-questions' }]
export const TOP_LINKS = {
  applicant: QUESTIONS, unit_admin: QUESTIONS, department_staff: QUESTIONS, committee_staff: QUESTIONS,
  '*': FAQ,
}
