// Attachments, the review route, certificates, recovery and appeals.
export default {
  att: {
    count: '附件 {n}', need: '需 {n} 个', receipt: '回执', confirmDelete: '确定删除该附件？', upload: '上传附件',
    tip: 'JPG、PNG 或 PDF 扫描件，单个不超过 2 MB', uploaded: '已上传“{name}”', receiptFull: 'SHA-256 回执：{sha}',
    tooLarge: '“{name}”大小为 {size}，超过 2 MB，请压缩后再上传', badType: '“{name}”不是 JPG、PNG 或 PDF 文件',
  },
  steps: { person: '联系人：', phone: '电话：', hover: '鼠标移动到节点查看联系方式', formal: '通过形式审核' },
  table: { overdue: '超期' },
  certs: { none: '暂无电子证书：评审通过并完成批文后，证书将显示在这里' },
  notFound: { sub: '您访问的地址不存在或已移动。' },
  recovery: {
    tip: '根据个人情况，选择适合自己的找回方式。手机号、邮箱都已无法使用时，请提交账号申诉。',
    bySms: '手机找回密码', byEmail: '邮箱找回密码', username: '找回用户名', phone: '注册时的手机号', email: '注册时绑定的邮箱',
    resendIn: '{n}秒后可重发', getCode: '获取验证码', sentTo: '验证码已发送至 {to}，', validUntil: '{at} 前有效。', useSoon: '请尽快使用。',
    code: '验证码', reset: '重置密码', appeal: '提交账号申诉', backLogin: '返回登录',
    appealText: '手机号、邮箱都已无法使用时，可上传身份证（单位为营业执照）扫描件提交账号申诉，由平台管理员人工核实后为您更新联系方式并重置密码。',
    needEmail: '请输入正确的邮箱', needCode: '请输入验证码', done: '密码已重置，请用新密码登录',
    found: '您的用户名是：{username}', foundMasked: '您的用户名是：{username}（完整用户名已通过短信发送至注册手机）',
  },
  appeal: {
    done: '申诉已提交', doneSub: '平台管理员核实后将通过您留下的新手机号联系您。', kind: '账号类型', person: '个人',
    newEmail: '新邮箱（可选）', idScan: '手持身份证照片或身份证扫描件', licenseScan: '营业执照扫描件（加盖公章）',
    pickFile: '选择文件', fileTip: 'JPG、PNG 或 PDF，不超过 2 MB', submit: '提交申诉', needName: '请输入名称', needFile: '请上传扫描件',
  },
}
