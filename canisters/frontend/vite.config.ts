/**
 * Vite builds the web app (index.html here, code in src/{btc,eth,sol,lib,components}) into
 * canisters/frontend/dist, which `npm start` uploads to the frontend canister
 * (scripts/frontend-assets.ts). Output names are Vite's `assets/[name]-[hash].[ext]`, which the
 * canister serves with a year's immutable caching (canisters/frontend/src/site.ts, isHashedAsset).
 * Vitest reads the same file for the component tests (src/**\/*.spec.ts, jsdom).
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The CSP allows scripts from 'self' only; the polyfill is for browsers without modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  // @testing-library/svelte mounts components in jsdom with Svelte's browser build.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    // Unmounts each test's components after it (testing-library's cleanup).
    setupFiles: ['@testing-library/svelte/vitest'],
    root,
  },
});
