// The applicant's pages and the account pages.
export default {
  password: {
    forced: '您的密码由平台管理员重置（账号申诉），为保护账号安全，须先设置您自己的新密码，之后才能继续使用平台。',
    temporary: '管理员发放的临时密码', current: '当前密码', new: '新密码', again: '再次输入新密码',
    tip: '密码至少8位，须同时包含字母和数字；修改后，本账号在其他设备上的登录将失效。',
    submit: '确认修改', logout: '退出登录', same: '新密码不能与原密码相同', mismatch: '两次输入的新密码不一致', done: '密码已修改',
  },
  home: {
    role: '角色', region: '当前地区', org: '所属机构', email: '邮箱', editContact: '修改手机号或邮箱',
    noContactWhileImpersonating: '模拟用户期间不能修改手机号或邮箱（找回账号的途径）。',
    contactTip: '手机号和邮箱用于找回账号，修改须输入当前密码。留空的项不修改。', newPhone: '新手机号', newEmail: '新邮箱',
    shortcuts: '快捷入口', need11: '请输入11位手机号', needCurrent: '请输入当前密码', needOne: '请填写新手机号或新邮箱', changed: '已修改',
  },
  apps: {
    onceAYear: '在本系统中，同一个资格在同一年度只可以申请一次（包括评审、初次确定、授予等）。',
    onceAYearPick: '在本系统中，同一个资格在同一年度只可以申请一次（包括评审、初次确定、授予等）。请对照任职资格条件选择。',
    submissionsCount: '每次提交（含退回后再次提交）都计入提交次数，超过评审委员会规定的次数后本年度不能再提交。',
    none: '您还没有申请书，点击“新增申请书”开始申报',
    number: '申请书编号：', year: '年度：', qualification: '资格：', specialtySuffix: '专业', unit: '基层工作单位：',
    committee: '评审机构：', status: '状态：', submissions: '提交次数：', editSubmit: '编辑申请书/提交', view: '查看信息',
    unitLabel: '基层工作单位', unitSearch: '输入单位名称搜索', yearLabel: '申报年度', create: '创建申请书',
    noUnit: '没有找到单位。单位按登录地区查找，您当前登录在「{region}」：若单位在其他地州，请退出后在登录时选择该地州，或用页面顶部（手机上在左上角菜单中）的地区切换。',
    created: '申请书 {number} 已创建，请逐栏填写',
  },
}
