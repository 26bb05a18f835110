// Every key of the zh-CN catalog has a ug-CN rendering, and every {value} a message
// uses in Chinese is used in Uyghur too (a missing one falls back to Chinese silently).
// A key written twice in one object (or an area in two files) is a gap too: the later
// one silently wins (experts.pool.title was both the page title and the 职称 label).
// region.* and vocab.* are Uyghur-only: names of the server's data (regions, kinds,
// statuses, route places) whose Chinese is the server's own, shown as sent.
// Prints the gaps and exits 1 when there are any.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'i18n')
const gaps = []
// Keys repeated within one object literal of a catalog file's source.
function repeatedKeys(src, file) {
  const stack = []
  let expectKey = false
  for (let i = 0; i < src.length;) {
    const c = src[i]
    if (c === '/' && src[i + 1] === '/') { i = src.indexOf('\n', i); if (i < 0) break; continue }
    if (c === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i) + 2; continue }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1
      const after = src.slice(j + 1).match(/^\s*:/)
      if (expectKey && after && stack.length) note(src.slice(i + 1, j))
      i = j + 1
      expectKey = false
      continue
    }
    if (c === '{') { stack.push(new Set()); expectKey = true; i++; continue }
    if (c === '}') { stack.pop(); expectKey = false; i++; continue }
    if (c === '[') { stack.push(null); expectKey = false; i++; continue }
    if (c === ']') { stack.pop(); i++; continue }
    if (c === ',') { expectKey = stack.length > 0 && stack[stack.length - 1] !== null; i++; continue }
    const word = expectKey && src.slice(i).match(/^([A-Za-z_$][\w$]*)\s*:/)
    if (word) { note(word[1]); i += word[0].length; expectKey = false; continue }
    if (!/\s/.test(c)) expectKey = false
    i++
  }
  function note(key) {
    const seen = stack[stack.length - 1]
    if (!seen) return
    if (seen.has(key)) gaps.push(`key written twice in ${file}: ${key}`)
    seen.add(key)
  }
}
async function load(lang) {
  const merged = {}
  for (const f of readdirSync(join(root, lang)).filter((n) => n.endsWith('.js')).sort()) {
    repeatedKeys(readFileSync(join(root, lang, f), 'utf8'), `${lang}/${f}`)
    const area = (await import(pathToFileURL(join(root, lang, f)))).default
    for (const k of Object.keys(area)) if (k in merged) gaps.push(`area in two files (${lang}): ${k}`)
    Object.assign(merged, area)
  }
  return merged
}
function leaves(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') leaves(v, key, out)
    else out[key] = String(v)
  }
  return out
}
const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',')
const zh = leaves(await load('zh-CN'))
const ug = leaves(await load('ug-CN'))
for (const [key, text] of Object.entries(zh)) {
  if (!(key in ug)) gaps.push(`missing in ug-CN: ${key}`)
  else if (names(text) !== names(ug[key])) gaps.push(`values differ: ${key} (${names(text)} / ${names(ug[key])})`)
}
for (const key of Object.keys(ug)) if (!(key in zh) && !key.startsWith('region.') && !key.startsWith('vocab.')) gaps.push(`only in ug-CN: ${key}`)
for (const g of gaps) console.log(g)
console.log(`${Object.keys(zh).length} keys, ${gaps.length} gaps`)
process.exit(gaps.length ? 1 : 0)
