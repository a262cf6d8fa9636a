/** The painting tools of the toolbar; `name` is also the `tool-<name>` test id. */
export type ToolId = 'brush' | 'line' | 'rect' | 'fill' | 'eraser';

export interface ToolInfo {
  id: ToolId;
  label: string;
  /** Keyboard shortcut (single key, no modifiers). */
  key: string;
  /** Tool name published to peers through presence. */
  presence: 'brush' | 'line' | 'rect' | 'fill' | 'erase';
}

export const TOOLS: readonly ToolInfo[] = [
  { id: 'brush', label: 'Brush', key: 'b', presence: 'brush' },
  { id: 'line', label: 'Line', key: 'l', presence: 'line' },
  { id: 'rect', label: 'Rectangle', key: 'r', presence: 'rect' },
  { id: 'fill', label: 'Fill', key: 'f', presence: 'fill' },
  { id: 'eraser', label: 'Eraser', key: 'e', presence: 'erase' },
];

export const BRUSH_LIMITS = { min: 1, max: 48, default: 8 } as const;
