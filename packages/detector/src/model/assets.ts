/**
 * Where the detector's large static files live on our server. They are copied from node_modules
 * into each app's build at `detector/<ASSET_VERSION>/` (packages/detector/tools/assetsPlugin.ts)
 * and served with a one-year immutable cache: the version is in the path, so a new tfjs or model
 * is a new URL. Never a CDN: cameras work offline on a LAN.
 */
export const MODEL_NAME = 'centernet-512';
/** The @vladmandic/human release the model files are copied from (its devDependency, pinned). */
export const MODEL_SOURCE_VERSION = '3.3.6';
/** @tensorflow/tfjs-backend-wasm's version (pinned; the build plugin checks it matches). */
export const TFJS_VERSION = '4.22.0';
export const ASSET_VERSION = `tfjs-${TFJS_VERSION}_${MODEL_NAME}-human-${MODEL_SOURCE_VERSION}`;
export const ASSET_PREFIX = 'detector';
/** Same-origin URL path the apps serve the files at (`setWasmPaths` wants the trailing slash). */
export const DEFAULT_ASSET_BASE = `/${ASSET_PREFIX}/${ASSET_VERSION}/`;

export const MODEL_FILES = ['centernet.json', 'centernet.bin'] as const;
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
export const MODEL_JSON = 'centernet.json';
/** CenterNet's input is fixed: 512x512 RGB, float 0..255. */
export const MODEL_INPUT_SIZE = 512;
export const MODEL_OUTPUT_NODE = 'tower_0/detections';
