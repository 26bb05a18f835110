// Evidence that cannot vanish (issue #15): receipts and the attachment history.
export default {
  evidence: {
    receiptPdf: '存证回执', historyTitle: '附件存证记录', historyTip: '随申请书提交过的附件永久保留，不能删除或替换；退回后撤下的附件仍可在此查看和下载。',
    stored: '存储时间', detached: '撤下时间', withSubmission: '已随申请书提交', current: '当前附件', removed: '已撤下',
    empty: '暂无附件', section: '栏目',
  },
}
