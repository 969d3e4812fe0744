import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

/**
 * `npm run build -w packages/sdk`: the publishable ESM build in dist/ (declarations come from
 * tsconfig.build.json, see scripts/build.ts). The private workspace packages the SDK uses
 * (@porchlight/protocol, @porchlight/emitter) are inlined; published dependencies, the React
 * peer and Node built-ins stay imports.
 */
const EXTERNAL = ['mediasoup-client', 'socket.io-client', 'zod', 'react', ...builtinModules];

/** As long as `import.meta`, so replacing one by the other moves no code (sourcemaps hold). */
const META_PLACEHOLDER = '__pl_meta__';

/**
 * Keeps `import.meta.env` as written: the app's bundler replaces it with its own mode (dev or
 * production, see developmentBuild() in api-transport.ts), where library mode would bake in ours.
 */
const keepImportMetaEnv: Plugin = {
  name: 'porchlight-keep-import-meta-env',
  enforce: 'pre',
  transform: (code) =>
    code.includes('(import.meta as')
      ? { code: code.replaceAll('(import.meta as', `(${META_PLACEHOLDER} as`), map: null }
      : null,
  renderChunk: (code) =>
    code.includes(META_PLACEHOLDER)
      ? { code: code.replaceAll(META_PLACEHOLDER, 'import.meta'), map: null }
      : null,
};

export default defineConfig({
  plugins: [keepImportMetaEnv],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        rest: 'src/rest.ts',
        react: 'src/react.ts',
        node: 'src/node.ts',
        webhooks: 'src/webhooks.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: (id) =>
        id.startsWith('node:') || EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
