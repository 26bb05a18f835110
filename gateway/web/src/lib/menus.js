// The side menu per role (the real platform's names where it has them).
const REVIEW = [
  { path: '/review/tasks', title: '申请书审核' },
  { path: '/review/query', title: '申请书查询' },
]
export const MENUS = {
  applicant: [
    { path: '/me', title: '我的主页' },
    { path: '/my/applications', title: '我的申请书' },
    { path: '/my/applications/new', title: '新增申请书' },
    { path: '/my/continuing-education', title: '继续教育' },
    { path: '/my/certificates', title: '我的职称电子证书' },
  ],
  unit_admin: [{ path: '/me', title: '我的主页' }, { path: '/unit', title: '单位信息' }, ...REVIEW],
  department_staff: [{ path: '/me', title: '我的主页' }, ...REVIEW],
  committee_staff: [
    { path: '/me', title: '我的主页' }, ...REVIEW,
    { path: '/committee/settings', title: '评审设置' },
    { path: '/committee/meetings', title: '评审会议与公示' },
    { path: '/committee/objections', title: '异议处理' },
    { path: '/notices', title: '通知发布' },
  ],
  platform_admin: [
    { path: '/admin/organizations', title: '机构与人员' },
    { path: '/admin/qualifications', title: '资格目录' },
    { path: '/admin/settings', title: '评审委员会设置' },
    { path: '/admin/appeals', title: '申诉处理' },
    { path: '/notices', title: '通知发布' },
    { path: '/admin/impersonate', title: '模拟用户' },
    { path: '/admin/audit', title: '审计日志' },
  ],
}
