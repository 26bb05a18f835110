import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The gateway serves dist/ at "/" and the API at /api/v1; `npm run dev` proxies to it.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Element Plus changes far less often than our pages: its own long-cached chunk.
        manualChunks: { 'element-plus': ['element-plus', 'element-plus/es/locale/lang/zh-cn'], vue: ['vue', 'vue-router'] },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
