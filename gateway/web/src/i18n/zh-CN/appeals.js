// The platform administrator's 申诉处理 page (account appeals).
export default {
  appeals: {
    pending: '待处理', all: '全部', empty: '暂无申诉', kind: '类型', unit: '单位', person: '个人', name: '名称',
    account: '账号 {username}', registeredName: '账号登记名称：{name}', mismatch: '与登记名称“{name}”不一致',
    idNo: '证件号', newPhone: '新手机号', scan: '扫描件', submittedAt: '提交时间', handle: '处理',
    approve: '通过', reject: '驳回', statusApproved: '已通过', statusRejected: '已驳回', scanTitle: '申诉扫描件',
    mismatchText: '申诉填写的名称“{claimed}”与账号登记的名称“{registered}”不一致。请核对扫描件上的姓名或单位名称，确认是同一人（单位）后再通过。',
    mismatchTitle: '名称不一致', confirmChecked: '已核实，确认通过',
    approvePrompt: '核实无误后通过：将为该账号更新联系方式。处理说明：', rejectPrompt: '驳回理由：',
    approveTitle: '通过申诉', rejectTitle: '驳回申诉', needReason: '请填写驳回理由',
    approvedNotice: '用户名：{username}，临时密码：{password}。已通过短信告知申诉人新手机号；申诉人登录后须先修改密码。',
    passedTitle: '申诉已通过', handled: '已处理',
  },
}
