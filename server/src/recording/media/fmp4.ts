/** Fragmented MP4 (ISO-BMFF) parsing: the boxes ffmpeg writes with `+frag_keyframe+empty_moov`. */
export { BoxSplitter, MAX_BOX_SIZE } from './BoxSplitter.ts';
export { Fmp4Error } from './errors.ts';
export {
  parseInit,
  type InitInfo,
  type TrackDefaults,
  type TrackInfo,
  type TrackKind,
} from './init.ts';
export {
  parseFragment,
  shiftDecodeTimes,
  type FragmentInfo,
  type FragmentTrack,
} from './fragment.ts';
