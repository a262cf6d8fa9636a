'use client';
import { useEffect, useRef, type MutableRefObject, type PointerEvent as ReactPointerEvent } from 'react';
import type { Room, StrokeHandle } from '@paintscape/client-sdk';
import { BRUSH_LIMITS, type ToolId } from './tools';
import type { ViewTransform } from './view-transform';

export type Gesture =
  | { kind: 'stroke'; handle: StrokeHandle }
  | { kind: 'shape'; tool: 'line' | 'rect'; start: MapPoint; end: MapPoint }
  | { kind: 'pan'; startX: number; startY: number; view: ViewTransform };

export interface MapPoint {
  x: number;
  y: number;
}

export interface PaintGestureOptions {
  room: Room;
  tool: ToolId;
  label: number;
  radius: number;
  viewRef: MutableRefObject<ViewTransform>;
  setView: (view: ViewTransform) => void;
  /** Client coordinates → map pixel (may be outside the map). */
  toMap: (point: { clientX: number; clientY: number }) => MapPoint;
  /** Redraw (shape previews live only on the canvas). */
  redraw: () => void;
}

type CanvasPointerEvent = ReactPointerEvent<HTMLCanvasElement>;

/**
 * Pointer input of the painting canvas: brush and eraser strokes stream through the SDK (every
 * coalesced sample), line and rectangle preview until release, fill on press; middle/right
 * button or Space + drag pans. Returns the handlers and the gesture in progress (for previews).
 */
export function usePaintGestures({ room, tool, label, radius, viewRef, setView, toMap, redraw }: PaintGestureOptions) {
  const gestureRef = useRef<Gesture | null>(null);
  const spaceHeldRef = useRef(false);
  const map = room.map;
  const inside = (p: MapPoint) => p.x >= 0 && p.y >= 0 && p.x < map.width && p.y < map.height;

  // Space held = pan with the primary button.
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && e.target === document.body) {
        spaceHeldRef.current = true;
        e.preventDefault();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') spaceHeldRef.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  const onPointerDown = (e: CanvasPointerEvent) => {
    if (gestureRef.current) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    if (e.button === 1 || e.button === 2 || (e.button === 0 && spaceHeldRef.current)) {
      gestureRef.current = { kind: 'pan', startX: e.clientX, startY: e.clientY, view: viewRef.current };
      return;
    }
    if (e.button !== 0) return;
    const p = toMap(e);
    if (!inside(p)) return;
    // Pen pressure scales the whole stroke's radius (the SDK paints one radius per stroke).
    const pressured = e.pointerType === 'pen' && e.pressure > 0 ? Math.max(BRUSH_LIMITS.min, Math.round(radius * (0.5 + e.pressure))) : radius;
    if (tool === 'brush' || tool === 'eraser') {
      const handle = tool === 'brush' ? room.beginStroke({ label, radius: pressured }) : room.beginErase({ radius: pressured });
      handle.extend([p.x, p.y]);
      gestureRef.current = { kind: 'stroke', handle };
    } else if (tool === 'line' || tool === 'rect') {
      gestureRef.current = { kind: 'shape', tool, start: p, end: p };
      redraw();
    } else if (tool === 'fill') {
      room.fill(p.x, p.y, label);
    }
  };

  const onPointerMove = (e: CanvasPointerEvent) => {
    const p = toMap(e);
    room.setPresence({ cursor: inside(p) ? p : null });
    const gesture = gestureRef.current;
    if (!gesture) return;
    if (gesture.kind === 'pan') {
      setView({ ...gesture.view, panX: gesture.view.panX + e.clientX - gesture.startX, panY: gesture.view.panY + e.clientY - gesture.startY });
    } else if (gesture.kind === 'stroke') {
      // Coalesced events carry every sample the device produced since the last frame: smooth curves.
      const samples = typeof e.nativeEvent.getCoalescedEvents === 'function' ? e.nativeEvent.getCoalescedEvents() : [];
      gesture.handle.extend((samples.length > 0 ? samples : [e.nativeEvent]).flatMap((s) => {
        const q = toMap(s);
        return [q.x, q.y];
      }));
    } else {
      gesture.end = p;
      redraw();
    }
  };

  const finish = (e: CanvasPointerEvent, cancelled: boolean) => {
    const gesture = gestureRef.current;
    gestureRef.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (!gesture) return;
    if (gesture.kind === 'stroke') gesture.handle.end();
    else if (gesture.kind === 'shape' && !cancelled) {
      const end = toMap(e);
      if (gesture.tool === 'line') room.line(gesture.start.x, gesture.start.y, end.x, end.y, { label, radius });
      else room.rect(gesture.start.x, gesture.start.y, end.x, end.y, { label });
    }
    redraw();
  };

  return {
    gestureRef,
    handlers: {
      onPointerDown,
      onPointerMove,
      onPointerUp: (e: CanvasPointerEvent) => finish(e, false),
      onPointerCancel: (e: CanvasPointerEvent) => finish(e, true),
      onPointerLeave: () => room.setPresence({ cursor: null }),
    },
  };
}
