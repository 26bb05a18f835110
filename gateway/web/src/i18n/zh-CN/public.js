// The public pages: portal, certificate check, notices.
export default {
  portal: {
    intro: '专业技术人员职称申报、单位审核、评审委员会评审与电子证书查验，一站办理。',
    loginApply: '登录申报', workbench: '进入工作台', certNo: '证书编号', check: '查验',
    tabNotices: '通知公告', noNotices: '暂无通知公告', tabPaper: '纸质材料报送要求', noPaper: '暂无纸质材料报送要求',
    tabCommittees: '评审委员会', allRegions: '全部地区', noCommittees: '暂无评审委员会', committee: '评审委员会',
    address: '地址', contactPerson: '联系人',
    tabQuals: '任职资格条件', qualFilter: '按系列、专业或资格名称筛选',
    noConditions: '该资格尚未公布任职资格条件，请咨询评审委员会。', noQuals: '该地区暂无可申报的资格',
    tabPublicity: '评审结果公示', noPublicity: '当前没有正在公示的评审结果', unit: '工作单位', qualification: '资格',
    publicityEnds: '公示截止', object: '提出异议',
    objTitle: '对公示结果提出异议', objTarget: '异议对象：{name}（{title}）', appNo: '申请书编号', reason: '异议理由',
    contact: '联系方式（实名反映，便于核实）', submitObj: '提交异议',
    needNoName: '请输入证书编号和姓名', needAppNo: '请输入被异议人的申请书编号', needReason: '请写明异议理由',
    needContact: '请留下联系方式', objSent: '异议已提交，评审委员会将核实处理',
  },
  verify: {
    title: '职称电子证书查验', holder: '持证人姓名', valid: '证书真实有效', titleName: '资格名称', level: '级别',
    approvedOn: '批准日期', documentNo: '批准文号', notFound: '未查到该证书', notFoundHint: '请核对证书编号与姓名是否与证书一致。',
    needNo: '请输入证书编号', needName: '请输入姓名',
  },
  login: {
    title: '登录职称评审申报平台', expired: '登录已过期，请重新登录，登录后将回到刚才的页面。',
    entryTip: '请选择正确的登录入口：本人所在地州、县、市有评审权须在当地评审的，选择“地州评审”；在自治区各行业主管局评审的，选择“自治区本级”。',
    entry: '登录入口', entryRoot: '自治区本级', entryPrefecture: '地州评审', prefecture: '所在地州', pickPrefecture: '请选择地州',
    usernameHint: '个人用户名或单位账号', needUsername: '请输入用户名', needPassword: '请输入密码',
  },
  register: {
    applicantTitle: '专业技术人员注册', applicantTip: '一名专业技术人员（即一个身份证号）只能注册一个账号，且必须用本人身份证号注册、申报职称。',
    done: '注册成功', yourUsername: '您的用户名是 {username}，请牢记。', toLogin: '去登录', idHint: '18位居民身份证号', mobile: '手机号',
    region: '所在地区', password2: '确认密码', submit: '注册', haveAccount: '已有账号？', mismatch: '两次输入的密码不一致',
    unitTitle: '基层单位注册', unitTip: '一个单位只能注册一次，请使用单位全称和统一社会信用代码注册。注册后系统分配单位账号，请牢记。',
    unitAccount: '单位账号：{username}。请用此账号登录并完善单位信息。', unitName: '单位全称', creditCode: '统一社会信用代码', unitAddress: '单位地址',
  },
  notices: { pinned: '置顶', confirmDelete: '确定删除该通知？', empty: '暂无通知' },
}
