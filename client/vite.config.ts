import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const govukAssets = fileURLToPath(new URL('../node_modules/govuk-frontend/dist/govuk/assets/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  resolve: {
    // govuk-frontend's compiled CSS points its fonts at `/assets/...`; resolving them to the package lets
    // Vite fingerprint and emit them with the build instead of leaving URLs the server cannot answer.
    alias: [{ find: /^\/assets\//, replacement: govukAssets }],
  },
  css: {
    // govuk-frontend keeps old Internet Explorer hacks (`@media screen\0`) the minifier cannot parse;
    // modern browsers ignore them, so dropping them loses nothing.
    lightningcss: { errorRecovery: true },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The statechart's layout engine is large; it is loaded on demand, so the warning says nothing useful.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
