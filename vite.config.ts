import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// The studio as an installable app that works offline after the first visit: the service worker precaches the
// whole build (page, workers, wasm codecs). Registration is src/platform/offline.ts (no inline script: the CSP).
const offline = VitePWA({
  strategies: 'generateSW',
  registerType: 'prompt',
  injectRegister: false,
  devOptions: { enabled: false },
  manifest: {
    name: 'cxr-studio: chest X-ray training studio',
    short_name: 'cxr-studio',
    description: 'Train and explain a chest X-ray model in your browser; images never leave this machine.',
    start_url: '.',
    scope: '.',
    display: 'standalone',
    background_color: '#f2f4f7',
    theme_color: '#101828',
    icons: [
      { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  },
  workbox: {
    // the manifest and its icons are added by the plugin; the bundled demo model too, so "Show a trained model" works offline
    globPatterns: ['**/*.{html,js,css,wasm}', 'demo-model/*.{json,safetensors}'],
    // the training worker bundle is over 2 MB, the codecs' wasm a few hundred kB
    maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
    // the first visit is controlled as soon as the cache is complete; later versions wait for the page to accept
    clientsClaim: true,
  },
});

// One config serves the app build (vite build / preview) and both test projects.
export default defineConfig({
  plugins: [svelte(), ...(process.env.VITEST ? [] : [offline])],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { port: 4173, strictPort: true, host: 'localhost' },
  test: {
    // the default summary, then one plain closing line per run (tests/support/closing-line-reporter.ts)
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
