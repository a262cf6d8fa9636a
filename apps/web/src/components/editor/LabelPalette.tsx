import type { LabelSet } from '@paintscape/core';

export interface LabelPaletteProps {
  labels: LabelSet;
  selected: number;
  onSelect: (index: number) => void;
}

/** Number of classes reachable with the keys 1–9. */
export const PALETTE_SHORTCUTS = 9;

/** One button per class, showing its palette colour and name; keys 1–9 pick the first nine. */
export function LabelPalette({ labels, selected, onSelect }: LabelPaletteProps) {
  const classes = labels.classes.filter((c) => c.index >= 0);
  return (
    <div className="palette" role="group" aria-label="Label to paint">
      {classes.map((c, i) => {
        const shortcut = i < PALETTE_SHORTCUTS ? String(i + 1) : undefined;
        return (
          <button
            key={c.index}
            type="button"
            aria-pressed={selected === c.index}
            data-testid={`label-${c.name}`}
            className={`palette-item${selected === c.index ? ' selected' : ''}`}
            onClick={() => onSelect(c.index)}
            title={shortcut ? `${c.displayName} (${shortcut})` : c.displayName}
            aria-keyshortcuts={shortcut}
          >
            <span className="swatch" style={{ background: `rgb(${c.color.join(',')})` }} aria-hidden="true" />
            <span className="palette-name">{c.displayName}</span>
            {shortcut && <kbd aria-hidden="true">{shortcut}</kbd>}
          </button>
        );
      })}
    </div>
  );
}
