import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console lives in web/ but is built from the repository root (`vite build --config
// web/vite.config.ts`), so every path is anchored to this file rather than the working directory.
const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // One bundle for an admin console that operators load once per session; splitting it buys
    // little and the default 500 kB warning would fire on every build.
    chunkSizeWarningLimit: 1024,
    // Two pages: the console (index.html) and the learner portal (learn.html, served by the
    // server at /learn/:token), each its own entry so a learner never downloads the console.
    rollupOptions: {
      input: {
        console: fileURLToPath(new URL('./index.html', import.meta.url)),
        learn: fileURLToPath(new URL('./learn.html', import.meta.url)),
      },
    },
  },
  server: {
    // The API runs as its own process in development; proxying keeps the session cookie
    // same-origin, exactly as in production where the server serves web/dist itself.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
