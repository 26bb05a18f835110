import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import router from './router.js'
import { i18n } from './i18n/index.js'
import { loadStatuses } from './lib/statuses.js'

loadStatuses()

// Element Plus's own locale follows the chosen language through <el-config-provider> in App.vue.
createApp(App).use(i18n).use(ElementPlus).use(router).mount('#app')
