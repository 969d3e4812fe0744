import {
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
} from 'react';
import {
  canAddShape,
  editorProblems,
  type EditorAction,
  type EditorState,
  type Shape,
} from './zoneEditor.ts';
import type { Still } from './grabStill.ts';

interface Props {
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
  /** The frame drawn under the shapes; null: a blank 16:9 frame. */
  still: Still | null;
}

/** Arrow keys move a point by 1 % of the frame, 5 % with Shift. */
const STEP = 0.01;
const BIG_STEP = 0.05;

function polygonPoints(shape: Shape): string {
  return shape.points.map(([x, y]) => `${x},${y}`).join(' ');
}

function shapeLabel(shape: Shape, index: number, shapes: readonly Shape[]): string {
  if (shape.kind === 'zone') return shape.name.trim() || 'Unnamed zone';
  const n = shapes.slice(0, index + 1).filter((s) => s.kind === 'mask').length;
  return `Mask ${n}`;
}

/**
 * Zones and masks drawn over a still of the camera. Click (tap) the picture to add a point to the
 * selected shape (the first click starts a zone); drag a point to move it; a focused point moves
 * with the arrow keys and goes with Delete. Points are 44 px targets for fingers.
 */
export function ZoneEditor({ state, dispatch, still }: Props) {
  const surface = useRef<HTMLDivElement>(null);
  const dragging = useRef<number | null>(null);
  const problems = editorProblems(state);
  // After "+ Point" the new point's handle takes the focus, so the arrow keys move it at once.
  const [focusPoint, setFocusPoint] = useState(false);
  useEffect(() => {
    if (!focusPoint) return;
    setFocusPoint(false);
    surface.current?.querySelector<HTMLButtonElement>('.zone-handle--active')?.focus();
  }, [focusPoint, state]);
  const addPointByKeyboard = (): void => {
    const last = selected?.points.at(-1);
    const [x, y] = last ? [last[0] + 0.05, last[1]] : [0.5, 0.5];
    dispatch({ type: 'addPoint', x: x > 1 ? last![0] - 0.05 : x, y });
    setFocusPoint(true);
  };
  const selectedIndex = state.selected;
  const selected = selectedIndex === null ? undefined : state.shapes[selectedIndex];

  const at = (event: { clientX: number; clientY: number }): [number, number] | null => {
    const rect = surface.current?.getBoundingClientRect();
    if (!rect || rect.width === 0 || rect.height === 0) return null;
    return [(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height];
  };

  const onSurfaceClick = (event: MouseEvent<SVGSVGElement>): void => {
    const p = at(event);
    if (p) dispatch({ type: 'addPoint', x: p[0], y: p[1] });
  };

  const handleProps = (shape: number, point: number) => ({
    onPointerDown: (event: PointerEvent<HTMLButtonElement>) => {
      event.currentTarget.setPointerCapture(event.pointerId);
      dragging.current = point;
      dispatch({ type: 'select', shape, point });
    },
    onPointerMove: (event: PointerEvent<HTMLButtonElement>) => {
      if (dragging.current !== point) return;
      const p = at(event);
      if (p) dispatch({ type: 'movePoint', shape, point, x: p[0], y: p[1] });
    },
    onPointerUp: () => {
      dragging.current = null;
    },
    onFocus: () => dispatch({ type: 'select', shape, point }),
    onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => {
      const step = event.shiftKey ? BIG_STEP : STEP;
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, -step],
        ArrowDown: [0, step],
      };
      const move = moves[event.key];
      if (move) dispatch({ type: 'nudge', dx: move[0], dy: move[1] });
      else if (event.key === 'Delete' || event.key === 'Backspace')
        dispatch({ type: 'deletePoint' });
      else return;
      event.preventDefault();
    },
  });

  const aspect = still ? `${still.width} / ${still.height}` : '16 / 9';
  return (
    <div className="zone-editor" data-testid="zone-editor">
      <div
        ref={surface}
        className="zone-surface"
        style={{ aspectRatio: aspect }}
        data-testid="zone-surface"
      >
        {still ? (
          <img className="zone-surface__still" src={still.url} alt="" data-testid="zone-still" />
        ) : (
          <div className="zone-surface__blank" />
        )}
        <svg
          className="zone-surface__shapes"
          viewBox="0 0 1 1"
          preserveAspectRatio="none"
          onClick={onSurfaceClick}
          aria-hidden="true"
        >
          {state.shapes.map((shape, i) => (
            <polygon
              key={i}
              className={`zone-shape zone-shape--${shape.kind}${i === state.selected ? ' zone-shape--selected' : ''}`}
              points={polygonPoints(shape)}
              onClick={(event) => {
                // A click inside another shape selects it instead of adding a point to this one.
                if (i === state.selected) return;
                event.stopPropagation();
                dispatch({ type: 'select', shape: i });
              }}
            />
          ))}
        </svg>
        {selected &&
          selectedIndex !== null &&
          selected.points.map(([x, y], j) => (
            <button
              key={j}
              type="button"
              className={`zone-handle${j === state.point ? ' zone-handle--active' : ''}`}
              style={{ left: `${x * 100}%`, top: `${y * 100}%` }}
              aria-label={`Point ${j + 1} of ${shapeLabel(selected, selectedIndex, state.shapes)} at ${Math.round(x * 100)} %, ${Math.round(y * 100)} %: arrow keys move it, Delete removes it`}
              data-testid="zone-handle"
              {...handleProps(selectedIndex, j)}
            />
          ))}
      </div>
      <p className="hint">
        {selected
          ? `Tap the picture to add points to “${shapeLabel(selected, state.selected ?? 0, state.shapes)}”; drag a point to move it.`
          : 'Tap the picture to start a zone, or add a mask for areas to ignore (trees, a road).'}
      </p>
      <div className="zone-tools">
        <button
          type="button"
          className="btn"
          data-testid="zone-add"
          disabled={!canAddShape(state, 'zone')}
          onClick={() => dispatch({ type: 'addShape', kind: 'zone' })}
        >
          + Zone
        </button>
        <button
          type="button"
          className="btn"
          data-testid="mask-add"
          disabled={!canAddShape(state, 'mask')}
          onClick={() => dispatch({ type: 'addShape', kind: 'mask' })}
        >
          + Mask
        </button>
        <button
          type="button"
          className="btn"
          data-testid="zone-point-add"
          title="Adds a point you can move with the arrow keys"
          onClick={addPointByKeyboard}
        >
          + Point
        </button>
        <button
          type="button"
          className="btn"
          data-testid="zone-point-delete"
          disabled={state.point === null}
          onClick={() => dispatch({ type: 'deletePoint' })}
        >
          Delete point
        </button>
      </div>
      {state.shapes.length > 0 && (
        <ul className="zone-list" data-testid="zone-list">
          {state.shapes.map((shape, i) => (
            <li
              key={i}
              className={`zone-row${i === state.selected ? ' zone-row--selected' : ''}`}
              data-testid="zone-row"
              data-kind={shape.kind}
            >
              <button
                type="button"
                className="zone-row__pick"
                aria-pressed={i === state.selected}
                onClick={() => dispatch({ type: 'select', shape: i === state.selected ? null : i })}
              >
                <span className={`zone-swatch zone-swatch--${shape.kind}`} aria-hidden="true" />
                {shape.kind === 'zone' ? 'Zone' : shapeLabel(shape, i, state.shapes)}
              </button>
              {shape.kind === 'zone' && (
                <input
                  className="zone-row__name"
                  aria-label="Zone name"
                  data-testid="zone-name"
                  value={shape.name}
                  maxLength={40}
                  onChange={(event) =>
                    dispatch({ type: 'rename', shape: i, name: event.target.value })
                  }
                />
              )}
              <span className="muted small">{shape.points.length} points</span>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Delete ${shapeLabel(shape, i, state.shapes)}`}
                data-testid="zone-delete"
                onClick={() => dispatch({ type: 'deleteShape', shape: i })}
              >
                Delete
              </button>
              {problems.has(i) && (
                <span className="zone-row__problem" role="status">
                  {shapeLabel(shape, i, state.shapes)} {problems.get(i)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
