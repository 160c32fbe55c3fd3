import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The hub serves dist/ at / under a strict Content-Security-Policy: no inline script, so the
// module-preload polyfill (an inline script) is off.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { conditions: ['browser'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
