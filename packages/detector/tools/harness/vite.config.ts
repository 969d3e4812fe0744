import { detectorAssets } from '../assetsPlugin.ts';

/** Builds the CLI's harness page (cli/harness/) with the detector's worker and assets. */
export default {
  root: import.meta.dirname,
  logLevel: 'warn' as const,
  plugins: [detectorAssets()],
  worker: { format: 'es' as const },
  build: { target: 'es2022', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 4000 },
};
