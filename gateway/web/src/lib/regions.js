// The regions (reference/regions.csv); GET /regions is asked first, this list is the fallback.
import { computed, ref } from 'vue'
import { i18n, locale, t } from '../i18n/index.js'
import { get } from './api.js'

const FALLBACK = [
  ['650000', '自治区本级'], ['650100', '乌鲁木齐市'], ['650200', '克拉玛依市'], ['650400', '吐鲁番市'],
  ['650500', '哈密市'], ['652300', '昌吉回族自治州'], ['652700', '博尔塔拉蒙古自治州'],
  ['652800', '巴音郭楞蒙古自治州'], ['652900', '阿克苏地区'], ['653000', '克孜勒苏柯尔克孜自治州'],
  ['653100', '喀什地区'], ['653200', '和田地区'], ['654000', '伊犁哈萨克自治州'], ['654200', '塔城地区'], ['654300', '阿勒泰地区'],
].map(([code, name]) => ({ code, name }))

const loadedList = ref(FALLBACK)
// The names in the user's language where the catalog has them (region.<code>).
export const regions = computed(() => loadedList.value.map((r) => ({
  code: r.code,
  name: i18n.global.te(`region.${r.code}`, locale.value) ? t(`region.${r.code}`) : r.name,
})))
let loaded = false

export async function loadRegions() {
  if (loaded) return loadedList.value
  loaded = true
  try {
    const list = await get('/regions', null, { quiet: true })
    const items = Array.isArray(list) ? list : list?.items
    if (items?.length) {
      loadedList.value = items.map((r) => ({ code: r.code, name: r.kind === 'autonomous_region' ? (r.short_name || '自治区本级') : r.name }))
    }
  } catch { /* keep the built-in list */ }
  return loadedList.value
}

export const regionName = (code) => regions.value.find((r) => r.code === code)?.name || code || '—'
export const ROOT_REGION = '650000'
// A region as the guides tag a qualification: [自治区], [乌鲁木齐市].
export const regionTag = (code) => (code === ROOT_REGION ? t('guide.regionRoot') : regionName(code))
