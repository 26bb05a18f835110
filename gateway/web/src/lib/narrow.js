import { ref, onMounted, onBeforeUnmount } from 'vue'

/** true while the window is phone-width (< 768 px). */
export function useNarrow() {
  const narrow = ref(window.innerWidth < 768)
  const update = () => { narrow.value = window.innerWidth < 768 }
  onMounted(() => window.addEventListener('resize', update))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return narrow
}
