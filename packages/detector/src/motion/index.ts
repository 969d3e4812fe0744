export { rgbaToGray, normalizeContrast, type GrayFrame } from './gray.ts';
export {
  MotionDetector,
  DEFAULT_MOTION_OPTIONS,
  type MotionOptions,
  type MotionResult,
} from './MotionDetector.ts';
export { cropsForRegions, DEFAULT_CROP_OPTIONS, type CropOptions } from './crops.ts';
