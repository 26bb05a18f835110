// Punctuation that differs by language: Chinese full-width marks, Uyghur's own (، ؛ « »)
// with Latin brackets and colon. Pages join their parts through these instead of writing
// （）：、 into the template.
export default {
  punct: { colon: '{a}：{b}', paren: '{a}（{b}）', list: '、', quote: '「{a}」', then: '，{a}',
    colonSign: '：', comma: '，', semi: '；', open: '（', close: '）' },
}
