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
    // react-dom + mediasoup-client make one ~520 kB chunk (~135 kB gzipped), loaded once and
    // cached by the service worker; splitting it buys nothing for a single-page app.
    chunkSizeWarningLimit: 600,
  },
  server: devServer
    ? {
        proxy: { '/socket.io': { target: devServer, ws: true, secure: false, changeOrigin: true } },
      }
    : {},
});
