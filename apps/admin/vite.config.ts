import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `vite build` writes dist/, which the Porchlight server serves at `/admin/` (same origin as the
 * API, so the login is shared with the home app). For `vite dev`, set PORCHLIGHT_DEV_SERVER
 * (e.g. https://localhost:8443) to proxy the API to a running server.
 */
const devServer = process.env['PORCHLIGHT_DEV_SERVER'];

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps: the server would publish them (finding 10); HttpServer refuses /admin/*.map too.
    sourcemap: false,
    target: 'es2022',
  },
  server: devServer
    ? { proxy: { '/api': { target: devServer, secure: false, changeOrigin: true } } }
    : {},
});
