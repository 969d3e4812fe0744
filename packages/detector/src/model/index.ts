export {
  ASSET_VERSION,
  ASSET_PREFIX,
  DEFAULT_ASSET_BASE,
  MODEL_FILES,
  WASM_FILES,
  MODEL_NAME,
  MODEL_SOURCE_VERSION,
  TFJS_VERSION,
} from './assets.ts';
export { iou, nms, decodePersons, PERSON_CLASS, type Person } from './boxes.ts';
