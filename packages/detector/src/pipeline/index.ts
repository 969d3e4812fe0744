export type { Detection, DetectionEvent, PipelineFrame } from './types.ts';
export { filterDetections, zonesAt, type FilterSettings } from './filters.ts';
export { bottomCentre, pointInPolygon, touchesEdge, median } from './geometry.ts';
export { Track } from './Track.ts';
export {
  Tracker,
  DEFAULT_TRACKER_OPTIONS,
  type TrackerOptions,
  type TrackerUpdate,
} from './Tracker.ts';
export {
  EventAssembler,
  DEFAULT_EVENT_ASSEMBLER_OPTIONS,
  thin,
  type EventAssemblerCallbacks,
  type EventAssemblerOptions,
} from './EventAssembler.ts';
