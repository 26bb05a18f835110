// The application form (applicant side) and its field widgets.
export default {
  edit: {
    back: '← 我的申请书', committee: '评审机构', year: '年度', submissions: '提交次数',
    submissionsText: '已用 {used} 次，共可提交 {max} 次', closes: '提交截止',
    submit: '提交申请书', withdraw: '收回', changeQual: '更改资格', preview: '评审表预览', downloadForm: '评审表下载', formTitle: '评审表',
    incomplete: '申请书尚不完整，请补充以下内容后再提交：', returnedTip: '申请书已被退回，请按审核意见修改标黄的栏目后再次提交。',
    fee: '评审费', orderNo: '订单号：', amount: '金额：', paid: '已缴费', unpaid: '未缴费', pay: '去缴费',
    result: '评审结果', viewCert: '查看电子证书', hasComments: '有审核意见', problems: '{n} 处待完善', unsaved: '未保存',
    saveSection: '保存本栏', changeTip: '更改资格后须重新检查申报材料，各资格的申请书栏目可能不同。', confirmChange: '确定更改',
    notFound: '申请书不存在或无权查看', passedSub: '评审结果公示期满且无异议后，将下达批文并发放电子证书。',
    approvedSub: '已下达批文，电子证书已发放。', missingField: '{section}：{field} 未填写', missingAttachment: '{section}：附件不足{detail}',
    needMore: '（还需 {n} 个）', missingOther: '{section}：未完成 {reason}', submittedOk: '申请书已提交',
    withdrawConfirm: '收回后申请书回到草稿状态，可修改后重新提交（重新提交计入提交次数）。确定收回？', withdrawTitle: '收回申请书',
    withdrawn: '已收回', changed: '资格已更改，请重新检查申报材料',
    identityMismatch: '「{label}」与注册的身份证号不符（身份证号所载为 {registered}）',
    identityTip: '姓名、性别、出生日期和联系电话已按注册信息填写；性别和出生日期须与身份证号一致。',
  },
  fields: {
    pickDate: '选择日期', pick: '请选择', noRows: '尚无记录，点击“添加一行”', index: '序号', addRow: '添加一行',
    notFilled: '未填写', notFilledParen: '（未填写）', cellLabel: '第{n}行 {col}',
  },
  qual: {
    series: '系列', specialty: '专业', pickSeries: '请选择系列', pickSpecialty: '请选择专业', pickLevel: '请选择级别',
    pickTitle: '请选择资格', none: '当前地区暂无可申报的资格',
  },
}
