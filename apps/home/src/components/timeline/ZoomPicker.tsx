import { ZOOMS, type Zoom } from '../../recording/zoom.ts';

/** How much of the past the timeline shows (each window ends now). */
export function ZoomPicker({ zoom, onChange }: { zoom: Zoom; onChange: (zoom: Zoom) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Timeline window">
      {ZOOMS.map((z) => (
        <button
          key={z.id}
          type="button"
          className="segmented__btn"
          data-testid={`timeline-zoom-${z.id}`}
          aria-pressed={z.id === zoom.id}
          onClick={() => onChange(z)}
        >
          {z.label}
        </button>
      ))}
    </div>
  );
}
