import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `vite build` writes dist/, which the Porchlight server serves at `/` (same origin as socket.io).
 * For `vite dev`, set PORCHLIGHT_DEV_SERVER (e.g. https://localhost:8443) to proxy socket.io to
 * a running server.
 */
const devServer = process.env['PORCHLIGHT_DEV_SERVER'];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // react-dom + mediasoup-client make one ~590 kB chunk (~155 kB gzipped), loaded once and
    // cached by the service worker; splitting it buys nothing for a single-page app.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
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
