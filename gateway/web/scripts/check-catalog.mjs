// Every key of the zh-CN catalog has a ug-CN rendering, and every {value} a message
// uses in Chinese is used in Uyghur too (a missing one falls back to Chinese silently).
// Prints the gaps and exits 1 when there are any.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'i18n')
async function load(lang) {
  const merged = {}
  for (const f of readdirSync(join(root, lang)).filter((n) => n.endsWith('.js')).sort()) {
    Object.assign(merged, (await import(pathToFileURL(join(root, lang, f)))).default)
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
const gaps = []
for (const [key, text] of Object.entries(zh)) {
  if (!(key in ug)) gaps.push(`missing in ug-CN: ${key}`)
  else if (names(text) !== names(ug[key])) gaps.push(`values differ: ${key} (${names(text)} / ${names(ug[key])})`)
}
for (const key of Object.keys(ug)) if (!(key in zh) && !key.startsWith('region.')) gaps.push(`only in ug-CN: ${key}`)
for (const g of gaps) console.log(g)
console.log(`${Object.keys(zh).length} keys, ${gaps.length} gaps`)
process.exit(gaps.length ? 1 : 0)
