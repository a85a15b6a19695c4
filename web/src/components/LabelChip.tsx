import type { Label } from '../api/types';

// A label in its colour: the colour is an SVG fill, which the Content Security Policy allows
// where an inline style would not be.
export function LabelChip({ label }: { label: Label }) {
  return (
    <span className="label-chip">
      <svg width="12" height="12" aria-hidden="true">
        <circle cx="6" cy="6" r="6" fill={label.color || '#0065AB'} />
      </svg>
      {label.name}
    </span>
  );
}
