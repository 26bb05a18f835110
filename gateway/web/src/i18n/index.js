// The one message catalog of the web frontend (vue-i18n, composition API). zh-CN is the
// default and the fallback; ug-CN is Uyghur in Arabic script, written right to left.
// The chosen language is remembered in localStorage and can be forced with ?lang=…
// (handy for links and tests); <html lang dir> follows it, so the RTL rules that
// postcss-rtlcss adds to every stylesheet ([dir="rtl"] …) take effect.
import { computed, ref, watch } from 'vue'
import { createI18n } from 'vue-i18n'
import elZh from 'element-plus/es/locale/lang/zh-cn'
import elUg from 'element-plus/es/locale/lang/ug-cn'

// Each language is a folder of files, one per area of the site (base.js: the shell and
// shared words; a page's own file for its namespace), merged here: a new page adds its
// own file to both folders instead of editing a shared one.
const merge = (files) => Object.assign({}, ...Object.keys(files).sort().map((k) => files[k].default))
const zhCN = merge(import.meta.glob('./zh-CN/*.js', { eager: true }))
const ugCN = merge(import.meta.glob('./ug-CN/*.js', { eager: true }))

export const LOCALES = [
  { code: 'zh-CN', name: '中文', dir: 'ltr', element: elZh },
  { code: 'ug-CN', name: 'ئۇيغۇرچە', dir: 'rtl', element: elUg },
]
const LANG_KEY = 'zc_lang'
const LARGE_KEY = 'zc_large_text'
const known = (c) => LOCALES.some((l) => l.code === c)

function readStored(key) {
  try { return localStorage.getItem(key) } catch { return null }
}
function store(key, value) {
  try { localStorage.setItem(key, value) } catch { /* private mode: only this page keeps it */ }
}

function initialLocale() {
  const fromUrl = new URLSearchParams(window.location.search).get('lang')
  if (known(fromUrl)) { store(LANG_KEY, fromUrl); return fromUrl }
  const stored = readStored(LANG_KEY)
  return known(stored) ? stored : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'ug-CN': ugCN },
  missingWarn: false,
  fallbackWarn: false,
})

export const locale = i18n.global.locale
/** t() for code outside components (api.js, validate.js, router titles). */
export const t = (...args) => i18n.global.t(...args)
export const te = (key) => i18n.global.te(key) || i18n.global.te(key, 'zh-CN')
export const localeInfo = computed(() => LOCALES.find((l) => l.code === locale.value) || LOCALES[0])
export const isRtl = computed(() => localeInfo.value.dir === 'rtl')
export const elementLocale = computed(() => localeInfo.value.element)

export function setLocale(code) {
  if (!known(code)) return
  locale.value = code
  store(LANG_KEY, code)
}

// 适老化: a large-text mode, remembered like the language.
export const largeText = ref(readStored(LARGE_KEY) === '1')
export function setLargeText(on) {
  largeText.value = !!on
  store(LARGE_KEY, on ? '1' : '0')
}

function applyToDocument() {
  const root = document.documentElement
  root.lang = locale.value
  root.dir = localeInfo.value.dir
  root.classList.toggle('large-text', largeText.value)
}
watch([locale, largeText], applyToDocument, { immediate: true })
