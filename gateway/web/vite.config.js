import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import postcssRTLCSS from 'postcss-rtlcss'
import { Mode } from 'postcss-rtlcss/options'

// The gateway serves dist/ at "/" and the API at /api/v1; `npm run dev` proxies to it.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  // Uyghur is written right to left: every stylesheet (ours and Element Plus's, which has
  // no RTL of its own) gets [dir="rtl"] overrides that mirror its physical properties;
  // the LTR rules are left as they are. <html dir> is set by src/i18n.
  css: { postcss: { plugins: [postcssRTLCSS({ mode: Mode.override })] } },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Element Plus changes far less often than our pages: its own long-cached chunk.
        manualChunks: { 'element-plus': ['element-plus', 'element-plus/es/locale/lang/zh-cn', 'element-plus/es/locale/lang/ug-cn'], vue: ['vue', 'vue-router', 'vue-i18n'] },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
