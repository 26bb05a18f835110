// The reviewers' pages: tasks, search, unit information, handling an application.
export default {
  review: {
    unitIncomplete: '单位信息不完整，不能审核申请书。请先 ', completeUnit: '完善单位信息', noTasks: '暂无待审核的申请书',
    all: '全部', atLeast2: '至少2个字', noMatch: '没有符合条件的申请书', tooMany: '符合条件的申请书超过 {n} 份，请增加查询条件缩小范围',
    name2: '姓名至少输入2个字',
  },
  unitInfo: {
    incomplete: '单位信息不完整：完善后才能审核本单位人员的申请书。', complete: '单位信息完整。', name: '单位名称',
    legal: '法定代表人', recommending: '推荐单位（最多选择两个）', pickDept: '选择主管部门', needOne: '请至少选择一个推荐单位',
    savedComplete: '已保存，单位信息完整',
  },
  handle: {
    back: '← 返回', title: '办理：', toDecision: '去办理', notHere: '该申请书当前不在本机构办理，仅可查看。',
    notInReview: '该申请书当前状态为「{status}」，不在审核环节，仅可查看。', history: '审核记录', nComments: '{n} 条意见',
    sectionComment: '本栏修改意见', commentHint: '填写对本栏的修改意见', addComment: '添加意见', opinion: '审核意见',
    decision: '办理意见', recommendOpinion: '推荐意见（同意推荐并报送时填写）', forwardOpinion: '审核意见（报送时填写）',
    returnOpinion: '退回意见（退回申请人时必填）', returnHint: '写明需申请人修改的内容，将随退回通知（短信和站内信）发给申请人',
    needRecommend: '请填写推荐意见', reviewForm: '评审表', recommending: '推荐单位（申请书将报送至该单位）', pickRecommending: '选择推荐单位',
    noRecommending: '尚未设置推荐单位，请先在此处选择：', return: '退回申请人', recommendForward: '同意推荐并报送', forward: '审核通过并报送',
    action_submit: '提交', action_forward: '审核通过并报送', action_return: '退回', action_withdraw: '收回', action_pass_formal_review: '通过形式审核',
    commentAdded: '意见已添加', needReturn: '请填写退回意见', returnWhat: '退回给申请人修改',
    confirmWhat: '确定{what}？', returnedOk: '已退回申请人', done: '已办理',
  },
  ce: {
    total: '合计学时：', yearHours: '{year} 年 {hours} 学时', add: '新增继续教育记录',
    tip: '每条记录需上传学时证明（JPG、PNG 或 PDF 扫描件，不超过 2 MB）；记录与合计学时将显示在评审表中。',
    none: '暂无继续教育记录', course: '课程/学习内容', organizer: '主办单位', organizerOptional: '主办单位（选填）', hours: '学时',
    certificate: '证书', confirmDelete: '确定删除该记录？', courseHint: '如：急诊医学新进展', organizerHint: '如：自治区医学会',
    proof: '学时证明（证书扫描件）', needFile: '请选择证书扫描件', added: '已新增继续教育记录',
  },
  objections: {
    none: '暂无异议', contact: '反映人联系方式', at: '提出时间', handle: '处理', upheld: '异议成立', rejected: '异议不成立',
    title: '处理异议', finding: '核实结论', upheldLong: '异议成立（撤销评审通过结果）', note: '处理说明', resolvedOk: '已处理',
  },
  meetings: {
    kindReview: '评审',
    enter: '录入评审会议结果', rule: '以到会专家人数的三分之二及以上同意票为通过。只列出待评审的申请书（收取评审费的申报类型须已缴费）。', heldOn: '会议日期',
    none: '暂无待评审的申请书', present: '到会专家', presentLong: '到会专家人数', for: '同意', forLong: '同意票', against: '反对', againstLong: '反对票',
    abstain: '弃权', abstainLong: '弃权票', result: '结果', include: '纳入', includeLong: '纳入本次会议', save: '保存会议结果',
    past: '历次会议', noPast: '暂无会议记录', yearOn: '{year} 年度', passedOf: '通过 {n} / {total}', publicityFromTo: '公示 {from} 至 {to}',
    approvalNo: '批文 {no}', publish: '发布公示', approve: '下达批文', votes: '票数', pass: '通过', fail: '未通过',
    publishTitle: '发布评审结果公示', period: '公示期', start: '开始', end: '结束', periodTip: '公示期不少于评审委员会设置的工作日数。',
    publishShort: '发布', docHint: '如：新职改字〔2026〕12号', approveTip: '公示期满且无成立的异议后方可下达；下达后为通过人员发放电子证书。',
    approveShort: '下达', needPresent: '请输入到会人数', mismatch: '同意、反对、弃权合计 {cast} 票，应等于到会人数 {present}', noQuorum: '不足法定人数{n}',
    passVerdict: '通过（同意 {for}/到会 {present}，需 {need} 票）', failVerdict: '未通过（同意 {for}/到会 {present}，需 {need} 票）',
    saved: '会议结果已保存：{n} 人通过', published: '公示已发布', approvedOk: '批文已下达，电子证书已发放',
  },
}
