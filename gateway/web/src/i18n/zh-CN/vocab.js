// The server's vocabulary in Chinese is the server's own (kind.name, status_info.name,
// route[].label): lib/vocab.js shows it as sent and never reads this catalog on Chinese
// pages, so there is no Chinese copy of it here (scripts/check-catalog.mjs lets vocab.*
// be Uyghur-only, like region.*). See ug-CN/vocab.js.
export default {
  vocab: {},
}
