import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { worldMap } from './build/world-map.ts';

// The hub serves dist/ at / under a strict Content-Security-Policy: no inline script, so the
// module-preload polyfill (an inline script) is off.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), worldMap()],
  resolve: { conditions: ['browser'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
    rollupOptions: {
      // The service worker must be at /sw.js (its scope is the folder it is served from) under
      // a stable name, so an update replaces it.
      input: { main: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
