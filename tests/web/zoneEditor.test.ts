import { describe, expect, it } from 'vitest';
import { DETECTION_LIMITS, DetectionSettingsSchema } from '@porchlight/protocol';
import {
  EMPTY_EDITOR,
  editorProblems,
  editorReducer,
  editorToSettings,
  type EditorAction,
  type EditorState,
} from '../../apps/home/src/components/detection/zoneEditor.ts';

function run(actions: EditorAction[], from: EditorState = EMPTY_EDITOR): EditorState {
  return actions.reduce(editorReducer, from);
}

const triangle: EditorAction[] = [
  { type: 'addPoint', x: 0.1, y: 0.1 },
  { type: 'addPoint', x: 0.9, y: 0.1 },
  { type: 'addPoint', x: 0.5, y: 0.9 },
];

describe('zone editor', () => {
  it('a first click starts a named zone; three points make it valid settings', () => {
    const state = run(triangle);
    expect(state.shapes).toHaveLength(1);
    expect(state.shapes[0]).toMatchObject({ kind: 'zone', name: 'Zone 1' });
    expect(editorProblems(state).size).toBe(0);
    const settings = editorToSettings(state);
    expect(settings.zones).toEqual([
      {
        name: 'Zone 1',
        points: [
          [0.1, 0.1],
          [0.9, 0.1],
          [0.5, 0.9],
        ],
      },
    ]);
    expect(DetectionSettingsSchema.safeParse(settings).success).toBe(true);
  });

  it('clamps points into the frame and rounds them', () => {
    const state = run([
      { type: 'addPoint', x: -0.2, y: 1.7 },
      { type: 'addPoint', x: 0.123456, y: NaN },
    ]);
    expect(state.shapes[0]?.points).toEqual([
      [0, 1],
      [0.1235, 0],
    ]);
  });

  it('drags a point, moves the selected one with the keyboard and deletes it', () => {
    let state = run([...triangle, { type: 'movePoint', shape: 0, point: 1, x: 0.8, y: 0.2 }]);
    expect(state.shapes[0]?.points[1]).toEqual([0.8, 0.2]);
    expect(state.point).toBe(1);
    state = run([{ type: 'nudge', dx: 0.01, dy: -0.05 }], state);
    expect(state.shapes[0]?.points[1]).toEqual([0.81, 0.15]);
    state = run([{ type: 'deletePoint' }], state);
    expect(state.shapes[0]?.points).toEqual([
      [0.1, 0.1],
      [0.5, 0.9],
    ]);
    expect(editorProblems(state).get(0)).toMatch(/at least 3 points/);
  });

  it('masks are unnamed; zones need a unique, non-empty name', () => {
    let state = run([
      ...triangle,
      { type: 'addShape', kind: 'zone' },
      ...triangle,
      { type: 'addShape', kind: 'mask' },
      ...triangle,
    ]);
    expect(state.shapes.map((s) => s.name)).toEqual(['Zone 1', 'Zone 2', '']);
    expect(editorProblems(state).size).toBe(0);
    state = run([{ type: 'rename', shape: 1, name: 'Zone 1' }], state);
    expect(editorProblems(state).get(1)).toMatch(/same name/);
    state = run([{ type: 'rename', shape: 1, name: '  ' }], state);
    expect(editorProblems(state).get(1)).toMatch(/name/);
    state = run([{ type: 'rename', shape: 1, name: ' Driveway ' }], state);
    const settings = editorToSettings(state);
    expect(settings.zones.map((z) => z.name)).toEqual(['Zone 1', 'Driveway']);
    expect(settings.masks).toHaveLength(1);
    expect(DetectionSettingsSchema.safeParse(settings).success).toBe(true);
  });

  it('deleting a shape keeps the selection on the same shape', () => {
    const state = run([
      ...triangle,
      { type: 'addShape', kind: 'mask' },
      { type: 'select', shape: 1 },
      { type: 'deleteShape', shape: 0 },
    ]);
    expect(state.shapes).toHaveLength(1);
    expect(state.selected).toBe(0);
    expect(run([{ type: 'deleteShape', shape: 0 }], state).selected).toBeNull();
  });

  it('stops at the protocol limits', () => {
    let state = EMPTY_EDITOR;
    for (let i = 0; i < DETECTION_LIMITS.polygonPoints + 5; i++)
      state = editorReducer(state, { type: 'addPoint', x: i / 100, y: 0.5 });
    expect(state.shapes[0]?.points).toHaveLength(DETECTION_LIMITS.polygonPoints);
    for (let i = 0; i < DETECTION_LIMITS.zones + 3; i++)
      state = editorReducer(state, { type: 'addShape', kind: 'zone' });
    expect(state.shapes.filter((s) => s.kind === 'zone')).toHaveLength(DETECTION_LIMITS.zones);
  });

  it('loads saved settings back', () => {
    const saved = editorToSettings(run(triangle));
    const state = run([
      {
        type: 'load',
        zones: saved.zones,
        masks: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        ],
      },
    ]);
    expect(editorToSettings(state)).toEqual({
      ...saved,
      masks: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      ],
    });
    expect(state.selected).toBeNull();
  });
});
