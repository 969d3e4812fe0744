import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `vite build` (from this folder) writes dist/. Serve it from the Porchlight server's origin
 * (the SDK talks to location.origin), e.g. `vite build --base /react/` for a sub-path.
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
