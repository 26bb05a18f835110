// Server field errors shown under the field they name (error.field or a known code).
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { t } from '../i18n/index.js'

export function useServerErrors(codeToField = {}) {
  const serverErr = reactive({})
  function applyError(e) {
    for (const k of Object.keys(serverErr)) delete serverErr[k]
    const field = e?.field || codeToField[e?.code]
    if (field) {
      // Element Plus shows :error only when it changes: clear, then set on the next tick.
      setTimeout(() => { serverErr[field] = e.message }, 0)
    }
    ElMessage.error(e?.message || t('common.operationFailed'))
  }
  return { serverErr, applyError }
}
