import { defineConfig } from 'vite';

// The console is served by concord-console from assets compiled into the binary: hashed file
// names under /assets/ (cached for a year), no inline script (the CSP forbids it).
export default defineConfig({
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  server: {
    // `npm run dev` against a running `concord serve`.
    proxy: {
      '/api': process.env.CONSOLE_PROXY ?? 'http://127.0.0.1:8080',
      '/console/v1': process.env.CONSOLE_PROXY ?? 'http://127.0.0.1:8080',
    },
  },
});
