import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built to static files that the hub serves at `/`; its Content-Security-Policy allows no inline
// script, so nothing here may inline one.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@rjsf/validator-ajv8': fileURLToPath(new URL('./src/api/noAjv.ts', import.meta.url)) },
    // The workspace root holds React 18 for another package's sake: every import gets the console's React.
    dedupe: ['react', 'react-dom'],
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, assetsInlineLimit: 0 },
});
