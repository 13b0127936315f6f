import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The web console. `npm run build:web` writes web/dist, which `casedesk serve` serves at /. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Each route is its own chunk; the budget for the first load is 300 KB of gzipped JS.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev:web` proxies the API to a running `casedesk serve` on port 3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
