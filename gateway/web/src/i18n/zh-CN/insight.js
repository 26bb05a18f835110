// 申报条件自查, what changed after a return, 破格申报, 站内信 and 统计 (issue #15).
export default {
  elig: {
    title: '申报条件自查', eligible: '符合申报条件', exception: '破格申报（评审委员会已批准）', notEligible: '尚不符合申报条件',
    basis: '依据：{series}{level}（{kind}）', met: '已满足', unmet: '未满足', option: '方式{n}：',
    exceptionReason: '破格理由：{reason}', exceptionBy: '批准人：{name}　{at}',
    kinds: { review: '评审', initial: '初次确定', conferral: '授予', special_talent: '特殊人才认定', fanghuiju: '访惠聚三年高定' },
    allow: '批准破格申报', allowTitle: '批准破格申报', allowTip: '申请人不满足上列申报条件，经评审委员会同意仍可提交。理由将记入申请书历史。',
    reasonPlaceholder: '破格理由', allowed: '已批准破格申报',
  },
  changes: {
    title: '与被退回版本相比的修改', applicantTitle: '退回后的修改（与上次提交相比）', none: '与上次提交相比没有修改。',
    noBase: '尚无可比较的上一版本。', empty: '（空）', rowAdded: '新增{label}：{row}', rowRemoved: '删除{label}：{row}',
    fileAdded: '新增附件（{section}）：{name}', fileRemoved: '删除附件（{section}）：{name}', comments: '审核意见处理情况',
    addressed: '已修改', notAddressed: '未修改',
  },
  exc: {
    title: '破格申报',
    tip: '申请人不满足申报条件时，可按申请书编号查看其申报条件自查结果；经评审委员会同意，填写理由后批准破格申报，申请人即可提交。理由记入申请书历史。',
    number: '申请书编号', numberPlaceholder: '如 RSSQ00000001', applicant: '申请人', unit: '基层工作单位', qualification: '资格',
    reason: '破格理由', changeReason: '修改破格理由',
  },
  inbox: {
    title: '站内信', bell: '站内信', messages: '消息', unreadOnly: '只看未读', unread: '未读 {n} 条', readAll: '全部标记为已读',
    empty: '暂无消息', bySms: '已同时以短信发送', byEmail: '已同时以邮件发送', inboxOnly: '仅站内信',
    preferences: '接收设置', prefTip: '所有消息都会进入站内信；勾选的类别同时以短信（未留手机号时以邮件）发送。',
    external: '同时以短信/邮件发送', locked: '（账号安全类消息不能关闭）', savePrefs: '保存设置',
  },
  stats: {
    hoursUnit: 'h', title: '统计', year: '年度', committee: '评审委员会', allCommittees: '全部评审委员会', total: '申请书总数',
    passRate: '通过率', passCount: '通过人数', failCount: '未通过人数', byStatus: '按状态', byKind: '按申报类型', bySeries: '按系列',
    byLevel: '按级别', byRegion: '按地区', byCommittee: '按评审委员会', passByLevel: '各级别通过率',
    nodeTimes: '各审核环节用时', node: '环节', done: '已办理', median: '中位用时（小时）', worst: '最长用时（小时）',
    overdue: '超期', waiting: '待办理', perDay: '每日提交量', beforeDeadline: '截止前各天提交量（0 为截止当天）',
    nodes: { unit: '基层工作单位', department: '主管部门（材料接收部门）', committee: '评审委员会' },
    daysLeft: '距截止天数', count: '数量', export: '导出 Excel', exportList: '导出 Excel（按当前条件）',
  },
}
