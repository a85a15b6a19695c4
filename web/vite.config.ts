/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The portal is served by berth itself, so in development Vite forwards the API to a running
// berth (BERTH_URL, default the `make run` address).
const berth = process.env.BERTH_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    // No inline scripts or styles: berth's Content Security Policy allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // The frame (React, the router, the query cache and the first pages) is about 450 kB.
    chunkSizeWarningLimit: 500,
  },
  server: { proxy: { '/api': berth, '/c': berth } },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
