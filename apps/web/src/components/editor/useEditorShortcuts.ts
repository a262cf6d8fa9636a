'use client';
import { useEffect } from 'react';
import { PALETTE_SHORTCUTS } from './LabelPalette';
import { BRUSH_LIMITS, TOOLS, type ToolId } from './tools';

export interface ShortcutActions {
  labelIndices: readonly number[];
  selectLabel: (index: number) => void;
  selectTool: (tool: ToolId) => void;
  changeRadius: (delta: number) => void;
  undo: () => void;
  redo: () => void;
}

function typingInField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable);
}

/** 1–9 labels, B/L/R/F/E tools, [ ] brush size, Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) undo/redo. */
export function useEditorShortcuts(actions: ShortcutActions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingInField(e.target)) return;
      const key = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && !e.altKey) {
        if (key === 'z') {
          e.preventDefault();
          if (e.shiftKey) actions.redo();
          else actions.undo();
        } else if (key === 'y') {
          e.preventDefault();
          actions.redo();
        }
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const digit = Number(e.key);
      if (Number.isInteger(digit) && digit >= 1 && digit <= PALETTE_SHORTCUTS) {
        const index = actions.labelIndices[digit - 1];
        if (index !== undefined) actions.selectLabel(index);
        return;
      }
      const tool = TOOLS.find((t) => t.key === key);
      if (tool) actions.selectTool(tool.id);
      else if (e.key === '[') actions.changeRadius(-1);
      else if (e.key === ']') actions.changeRadius(+1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}

export function clampRadius(value: number): number {
  return Math.min(BRUSH_LIMITS.max, Math.max(BRUSH_LIMITS.min, Math.round(value)));
}
