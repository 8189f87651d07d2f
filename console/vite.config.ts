import { defineConfig } from 'vite';

// The gateway serves dist/ at / under a strict CSP: no inline script or style may come out of the build.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The module preload polyfill is a script of its own only for browsers without modulepreload; every
    // browser the console supports has it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
