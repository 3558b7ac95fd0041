/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The window loads ui/dist from the app binary (no dev server in the app): build before cargo.
// `npm run dev` serves the same UI in a browser against the fake backend.
export default defineConfig({
  // svelteTesting: browser builds of Svelte under vitest, and cleanup after each test.
  plugins: process.env.VITEST ? [svelte(), svelteTesting()] : [svelte()],
  base: './',
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    // One JS and one CSS file; nothing inlined as data: URLs, so the strict CSP holds.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    // Room for asyncUtilTimeout (5 s, see test-setup.ts) inside one test on a loaded machine.
    testTimeout: 20000,
  },
});
