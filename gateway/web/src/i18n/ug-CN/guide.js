// The guides' details and 在线问答 in Uyghur: what is not here falls back to zh-CN.
export default {
  guide: { applicant: 'ئىلتىماسچى' },
}
