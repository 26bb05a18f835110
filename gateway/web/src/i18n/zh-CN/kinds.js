// Application kinds (申报类型), the committee's confirmation (认定), stage windows and
// 查看评审结果. The kinds' own names come from the server (GET /application-kinds).
export default {
  kinds: {
    bar: '申报类型', reviewShort: '评审', review: '申请职称评审', kind: '申报类型：', kindLabel: '申报类型', list: '{name}申请书',
    add: '新增{name}申请书', none: '还没有{name}申请书，点击“新增”开始申报', noFee: '不收取评审费',
    fee: '收取评审费', byMeeting: '评审会议表决', byConfirm: '评审委员会认定', all: '全部申请书',
    noQualForKind: '当前地区没有可按「{name}」申报的资格', allowed: '可申报类型', change: '修改', obtainedBy: '取得方式',
  },
  confirm: {
    tip: '初次确定、授予、访惠聚三年高定等认定类申报不经会议表决，由评审委员会认定；不予认定须填写理由。',
    confirmed: '予以认定', refused: '不予认定', reason: '理由', reasonNeeded: '请填写不予认定的理由',
  },
  windows: {
    receive: '评审委员会接收材料时间', receiveTip: '评审委员会接收部门报送材料的时间；不在此时间内部门不能报送到评审委员会。',
    receiveCloses: '接收材料截止', bySpecialty: '各专业时间', bySpecialtyTip: '某专业单独设置的时间优先于评审委员会的时间。',
    specialty: '专业', addSpecialty: '添加专业', receiveLeft: '距评审委员会接收截止还有{n}天', receiveClosed: '评审委员会接收已截止{n}天',
  },
  result: {
    title: '查看评审结果', heldOn: '会议日期', confirmedOn: '认定日期', experts: '到会专家', votes: '表决',
    votesText: '同意 {for} · 反对 {against} · 弃权 {abstain}（通过需同意 {need} 票）', outcome: '结果',
    outcomeYes: '通过', outcomeNo: '未通过', confirmed: '予以认定', refused: '不予认定', reason: '理由', overturned: '公示期异议成立，结果已撤销',
    publicity: '公示期', documentNo: '批文号', certificate: '电子证书', download: '下载证书', none: '尚无评审结果',
  },
}
