import { BRUSH_LIMITS, TOOLS, type ToolId } from './tools';

export interface ToolbarProps {
  tool: ToolId;
  onTool: (tool: ToolId) => void;
  radius: number;
  onRadius: (radius: number) => void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onClear: () => void;
}

/** Tools, brush size, undo/redo of one's own strokes, clear. */
export function Toolbar({ tool, onTool, radius, onRadius, canUndo, canRedo, onUndo, onRedo, onClear }: ToolbarProps) {
  return (
    <div className="toolbar">
      <div className="tools" role="group" aria-label="Tool">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            type="button"
            aria-pressed={tool === t.id}
            data-testid={`tool-${t.id}`}
            className={tool === t.id ? 'selected' : ''}
            onClick={() => onTool(t.id)}
            title={`${t.label} (${t.key.toUpperCase()})`}
            aria-keyshortcuts={t.key}
          >
            {t.label}
          </button>
        ))}
      </div>
      <label className="brush-size">
        Size <output>{radius}</output>
        <input type="range" min={BRUSH_LIMITS.min} max={BRUSH_LIMITS.max} value={radius} onChange={(e) => onRadius(Number(e.target.value))} data-testid="brush-size" aria-keyshortcuts="[ ]" />
      </label>
      <div className="history" role="group" aria-label="History">
        <button type="button" onClick={onUndo} disabled={!canUndo} data-testid="undo" aria-keyshortcuts="Control+Z" title="Undo your last stroke (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={onRedo} disabled={!canRedo} data-testid="redo" aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" onClick={onClear} data-testid="clear" title="Clear the whole map for everyone (undoable)">
          Clear
        </button>
      </div>
    </div>
  );
}
