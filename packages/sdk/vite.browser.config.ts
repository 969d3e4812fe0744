import { defineConfig } from 'vite';

/**
 * The standalone browser build, dist/browser/porchlight.js: the root entry with every dependency
 * (mediasoup-client, socket.io-client) inlined and minified, one ES module a plain HTML page
 * imports without a bundler (examples/viewer-html). Apps with a bundler use dist/index.js.
 */
export default defineConfig({
  build: {
    outDir: 'dist/browser',
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
    minify: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'porchlight.js' },
    rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
});
