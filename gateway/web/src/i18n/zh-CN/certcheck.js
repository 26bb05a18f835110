// The certificate check's signature parts (issue #15): QR payload and uploaded PDF.
export default {
  certcheck: {
    byNumber: '按编号查询', byFile: '上传证书 PDF 核验', byQr: '二维码核验',
    fileTip: '上传从本平台下载的电子证书 PDF，系统核验其数字签名是否由本平台签发、签名后是否被改动，并与登记库比对。',
    pick: '选择 PDF 文件', checkFile: '核验文件', needFile: '请选择证书 PDF 文件', tooLarge: '文件超过 2 MB',
    valid: '证书真实有效', revoked: '证书已撤销', invalid: '证书无效', unregistered: '登记库中查无此证书',
    revokedAt: '撤销日期', revokedReason: '撤销原因',
    offline: '离线核验（本机用平台公钥验证二维码签名）', online: '在线核验（与登记库比对）',
    offlineOk: '二维码签名有效', offlineBad: '二维码签名无效：该二维码不是本平台签发的，或内容已被改动',
    offlineNa: '当前浏览器环境不支持离线核验（需 HTTPS），已进行在线核验',
    signature: '数字签名', signedBy: '签名方', trusted: '由本平台签发', intact: '签名后未被改动',
    keyInfo: '平台证书签名公钥指纹（SHA-256）',
  },
}
