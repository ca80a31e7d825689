// Vite builds the web UI into dist/, which `pier serve --web web/dist` serves.
// Everything (React, react-jsonschema-form, ajv) is bundled: no CDN, no request
// to anything but the console's own /api/v1 at run time.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a console on :8080 (make run).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
