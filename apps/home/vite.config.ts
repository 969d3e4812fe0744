import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { detectorAssets } from '../../packages/detector/tools/assetsPlugin.ts';

/**
 * `vite build` writes dist/, which the Porchlight server serves at `/` (same origin as socket.io).
 * For `vite dev`, set PORCHLIGHT_DEV_SERVER (e.g. https://localhost:8443) to proxy socket.io to
 * a running server.
 */
const devServer = process.env['PORCHLIGHT_DEV_SERVER'];

export default defineConfig({
  plugins: [
    react(),
    // Person detection's model and tfjs .wasm files at /detector/<version>/ (docs/detection.md).
    detectorAssets(),
    // The service worker (src/sw/sw.ts, served as /sw.js) and the web app manifest; see docs/pwa.md.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // A new version waits until the user clicks "Reload" (UpdateBanner).
      registerType: 'prompt',
      // sw-register.ts registers it, in production builds only.
      injectRegister: false,
      injectManifest: {
        // The app shell (source maps aside); the manifest and its icons are added by the plugin.
        globPatterns: ['**/*.{js,css,html,svg}'],
        // The detector's worker (2 MB of TF.js) is for camera pages only: every installed app
        // would download it. It and the model stay in the HTTP cache (immutable, one year).
        globIgnores: ['**/detector.worker-*.js'],
      },
      manifest: {
        name: 'Porchlight',
        short_name: 'Porchlight',
        description: 'Self-hosted live view and talk-back for your cameras.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#0f1115',
        theme_color: '#0f1115',
        // Rendered from public/icon.svg by scripts/icons.ts.
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
  ],
  // The detector's worker bundles tfjs: an ES module worker (the CSP allows only 'self' scripts).
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // react-dom + mediasoup-client make one ~590 kB chunk (~155 kB gzipped), loaded once and
    // cached by the service worker; splitting it buys nothing for a single-page app.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // The app, and the detector host page the server runs in headless Chromium
      // (docs/detection.md "Detection on the server"; no React, the detector loads lazily).
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        'detector-host': fileURLToPath(new URL('./detector-host.html', import.meta.url)),
      },
      output: {
        codeSplitting: {
          // hls.js (the light build: no alternate audio, subtitles, DRM or CMCD, which recordings
          // never use; ~370 kB instead of ~590 kB) in a chunk of its own, loaded with the first
          // timeline: a change to the timeline's code does not make browsers fetch it again.
          groups: [{ name: 'hls', test: /[\\/]node_modules[\\/]hls\.js[\\/]/ }],
        },
      },
    },
  },
  server: devServer
    ? {
        proxy: { '/socket.io': { target: devServer, ws: true, secure: false, changeOrigin: true } },
      }
    : {},
});
