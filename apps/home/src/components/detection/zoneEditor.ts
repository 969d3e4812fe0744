import {
  DETECTION_LIMITS,
  hasUnsafeText,
  type DetectionSettings,
  type Polygon,
  type Zone,
} from '@porchlight/protocol';

/**
 * The zone/mask polygon editor as pure state: every edit is an action, so the drawing surface
 * (ZoneEditor.tsx) only translates clicks, drags and keys into actions. Coordinates are
 * normalized (0..1, origin top-left) like the settings; points are clamped into the frame.
 */

export type ShapeKind = 'zone' | 'mask';

export interface Shape {
  kind: ShapeKind;
  /** Zones are named (events list them); masks are not. */
  name: string;
  points: Polygon[number][];
}

export interface EditorState {
  shapes: Shape[];
  /** Index of the shape new points go to. */
  selected: number | null;
  /** Index of the selected point in the selected shape (keyboard moves and deletes it). */
  point: number | null;
}

export type EditorAction =
  | { type: 'load'; zones: readonly Zone[]; masks: readonly Polygon[] }
  | { type: 'addShape'; kind: ShapeKind }
  | { type: 'select'; shape: number | null; point?: number | null }
  | { type: 'addPoint'; x: number; y: number }
  | { type: 'movePoint'; shape: number; point: number; x: number; y: number }
  | { type: 'nudge'; dx: number; dy: number }
  | { type: 'deletePoint' }
  | { type: 'deleteShape'; shape: number }
  | { type: 'rename'; shape: number; name: string };

export const EMPTY_EDITOR: EditorState = { shapes: [], selected: null, point: null };

/** Four decimals: a tenth of a pixel on a 4K frame, and settings stay short. */
function unit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 10_000) / 10_000;
}

function nextZoneName(shapes: readonly Shape[]): string {
  const taken = new Set(shapes.filter((s) => s.kind === 'zone').map((s) => s.name));
  for (let i = 1; ; i++) if (!taken.has(`Zone ${i}`)) return `Zone ${i}`;
}

function countOf(shapes: readonly Shape[], kind: ShapeKind): number {
  return shapes.filter((s) => s.kind === kind).length;
}

export function canAddShape(state: EditorState, kind: ShapeKind): boolean {
  return (
    countOf(state.shapes, kind) <
    (kind === 'zone' ? DETECTION_LIMITS.zones : DETECTION_LIMITS.masks)
  );
}

function replaceShape(state: EditorState, index: number, shape: Shape): EditorState {
  return { ...state, shapes: state.shapes.map((s, i) => (i === index ? shape : s)) };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return {
        shapes: [
          ...action.zones.map((z): Shape => ({
            kind: 'zone',
            name: z.name,
            points: [...z.points],
          })),
          ...action.masks.map((m): Shape => ({ kind: 'mask', name: '', points: [...m] })),
        ],
        selected: null,
        point: null,
      };
    case 'addShape': {
      if (!canAddShape(state, action.kind)) return state;
      const name = action.kind === 'zone' ? nextZoneName(state.shapes) : '';
      const shapes = [...state.shapes, { kind: action.kind, name, points: [] }];
      return { shapes, selected: shapes.length - 1, point: null };
    }
    case 'select': {
      const valid = action.shape !== null && state.shapes[action.shape] !== undefined;
      const shape = valid ? action.shape : null;
      const points = shape === null ? 0 : (state.shapes[shape]?.points.length ?? 0);
      const point = action.point ?? null;
      return { ...state, selected: shape, point: point !== null && point < points ? point : null };
    }
    case 'addPoint': {
      // With nothing selected the first click starts a zone: the common case needs no button.
      let current = state;
      if (current.selected === null) {
        if (!canAddShape(current, 'zone')) return state;
        current = editorReducer(current, { type: 'addShape', kind: 'zone' });
      }
      const index = current.selected;
      const shape = index === null ? undefined : current.shapes[index];
      if (index === null || !shape || shape.points.length >= DETECTION_LIMITS.polygonPoints)
        return current;
      const points = [...shape.points, [unit(action.x), unit(action.y)] as [number, number]];
      return { ...replaceShape(current, index, { ...shape, points }), point: points.length - 1 };
    }
    case 'movePoint': {
      const shape = state.shapes[action.shape];
      if (!shape || shape.points[action.point] === undefined) return state;
      const points = shape.points.map((p, i): [number, number] =>
        i === action.point ? [unit(action.x), unit(action.y)] : p,
      );
      return {
        ...replaceShape(state, action.shape, { ...shape, points }),
        selected: action.shape,
        point: action.point,
      };
    }
    case 'nudge': {
      const { selected, point } = state;
      if (selected === null || point === null) return state;
      const p = state.shapes[selected]?.points[point];
      if (!p) return state;
      return editorReducer(state, {
        type: 'movePoint',
        shape: selected,
        point,
        x: p[0] + action.dx,
        y: p[1] + action.dy,
      });
    }
    case 'deletePoint': {
      const { selected, point } = state;
      const shape = selected === null ? undefined : state.shapes[selected];
      if (selected === null || point === null || !shape) return state;
      const points = shape.points.filter((_, i) => i !== point);
      const next = replaceShape(state, selected, { ...shape, points });
      return { ...next, point: points.length === 0 ? null : Math.min(point, points.length - 1) };
    }
    case 'deleteShape': {
      if (state.shapes[action.shape] === undefined) return state;
      const shapes = state.shapes.filter((_, i) => i !== action.shape);
      const selected =
        state.selected === null || state.selected === action.shape
          ? null
          : state.selected > action.shape
            ? state.selected - 1
            : state.selected;
      return { shapes, selected, point: selected === state.selected ? state.point : null };
    }
    case 'rename': {
      const shape = state.shapes[action.shape];
      if (!shape || shape.kind !== 'zone') return state;
      return replaceShape(state, action.shape, {
        ...shape,
        name: action.name.slice(0, DETECTION_LIMITS.zoneName),
      });
    }
  }
}

/** Why a shape cannot be saved yet; null when it can. */
export function shapeProblem(state: EditorState, index: number): string | null {
  const shape = state.shapes[index];
  if (!shape) return null;
  if (shape.points.length < 3) return `needs at least 3 points (has ${shape.points.length})`;
  if (shape.kind === 'mask') return null;
  const name = shape.name.trim();
  if (name === '') return 'needs a name';
  if (hasUnsafeText(name)) return 'name has control characters';
  const same = state.shapes.findIndex((s) => s.kind === 'zone' && s.name.trim() === name);
  if (same !== index) return `same name as another zone`;
  return null;
}

/** Every shape's problem (index -> text); empty when the drawing can be saved. */
export function editorProblems(state: EditorState): Map<number, string> {
  const problems = new Map<number, string>();
  state.shapes.forEach((_, i) => {
    const problem = shapeProblem(state, i);
    if (problem !== null) problems.set(i, problem);
  });
  return problems;
}

/** The drawing as the settings' `zones` and `masks`. */
export function editorToSettings(state: EditorState): Pick<DetectionSettings, 'zones' | 'masks'> {
  return {
    zones: state.shapes
      .filter((s) => s.kind === 'zone')
      .map((s) => ({ name: s.name.trim(), points: s.points })),
    masks: state.shapes.filter((s) => s.kind === 'mask').map((s) => s.points),
  };
}
