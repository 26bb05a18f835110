// 评审设置: a committee's windows, fee, receiving departments and meeting rules.
export default {
  settings: {
    committee: '评审委员会', pickCommittee: '选择评审委员会', window: '申报时间（申请人提交申请书）', to: '至',
    start: '开始时间', end: '截止时间', submitStart: '提交开始', submitEnd: '提交截止', receiveStart: '接收开始', receiveEnd: '接收截止',
    maxSubmissions: '每年度可提交次数（含退回后再次提交）', fee: '评审费（元）', receiving: '材料接收部门',
    pickReceiving: '选择接收材料的主管部门', quorum: '评审会议法定人数（到会专家最少人数）', publicityDays: '公示最少工作日（0 表示不限）',
    save: '保存设置', noCommittee: '还没有评审委员会，请先在“机构与人员”中创建', needWindow: '请设置申报时间',
    needReceiving: '请至少选择一个材料接收部门', saved: '设置已保存',
  },
}
