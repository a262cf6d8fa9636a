'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Peer, Room } from '@paintscape/client-sdk';
import { RemoteCursors } from './RemoteCursors';
import type { ToolId } from './tools';
import { useMapBitmap } from './useMapBitmap';
import { usePaintGestures } from './usePaintGestures';
import { IDENTITY_VIEW, mapToScreen, screenToMap, zoomAt, VIEW_LIMITS, type ViewTransform } from './view-transform';

export interface PaintCanvasProps {
  room: Room;
  tool: ToolId;
  label: number;
  radius: number;
  peers: ReadonlyMap<number, Peer>;
  mapVersion: number;
}

const CANVAS_BACKGROUND = '#2a2d35';
const ZOOM_BUTTON_STEP = VIEW_LIMITS.wheelStep * VIEW_LIMITS.wheelStep;

/**
 * The label map scaled to the element with crisp pixels on high-DPI screens (backing store =
 * CSS size × devicePixelRatio), zoom and pan, shape previews, and peers' cursors on top.
 */
export function PaintCanvas({ room, tool, label, radius, peers, mapVersion }: PaintCanvasProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<number | null>(null);
  const drawRef = useRef<() => void>(() => undefined);
  const [view, setView] = useState<ViewTransform>(IDENTITY_VIEW);
  const viewRef = useRef(view);
  viewRef.current = view;
  const [cssSize, setCssSize] = useState(512);

  const map = room.map;
  const baseScale = cssSize / Math.max(map.width, map.height);

  // One draw per animation frame, whatever asked for it (changes, resizes, previews, zoom).
  const scheduleDraw = useCallback(() => {
    frameRef.current ??= requestAnimationFrame(() => {
      frameRef.current = null;
      drawRef.current();
    });
  }, []);
  useEffect(() => () => {
    if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
  }, []);

  const bitmapRef = useMapBitmap(room, scheduleDraw);

  const toMap = useCallback(
    (e: { clientX: number; clientY: number }) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      const p = screenToMap(viewRef.current, baseScale, e.clientX - rect.left, e.clientY - rect.top);
      return { x: Math.floor(p.x), y: Math.floor(p.y) };
    },
    [baseScale],
  );
  const { gestureRef, handlers } = usePaintGestures({ room, tool, label, radius, viewRef, setView, toMap, redraw: scheduleDraw });

  drawRef.current = () => {
    const canvas = canvasRef.current;
    const bitmap = bitmapRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !bitmap || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const scale = baseScale * viewRef.current.zoom;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = CANVAS_BACKGROUND;
    ctx.fillRect(0, 0, canvas.width / dpr, canvas.height / dpr);
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * viewRef.current.panX, dpr * viewRef.current.panY);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bitmap, 0, 0);
    const gesture = gestureRef.current;
    if (gesture?.kind !== 'shape') return;
    const c = room.labels.classes.find((k) => k.index === label)?.color ?? [255, 255, 255];
    ctx.fillStyle = ctx.strokeStyle = `rgba(${c[0]}, ${c[1]}, ${c[2]}, 0.7)`;
    const { start, end } = gesture;
    if (gesture.tool === 'rect') {
      ctx.fillRect(Math.min(start.x, end.x), Math.min(start.y, end.y), Math.abs(end.x - start.x) + 1, Math.abs(end.y - start.y) + 1);
    } else {
      ctx.lineWidth = radius * 2 + 1;
      ctx.lineCap = 'round';
      ctx.beginPath();
      ctx.moveTo(start.x + 0.5, start.y + 0.5);
      ctx.lineTo(end.x + 0.5, end.y + 0.5);
      ctx.stroke();
    }
  };

  // Backing store follows the element size × devicePixelRatio.
  useEffect(() => {
    const container = containerRef.current;
    const canvas = canvasRef.current;
    if (!container || !canvas) return;
    const resize = () => {
      const size = Math.floor(container.clientWidth);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(size * dpr);
      canvas.height = Math.round(size * dpr);
      setCssSize(size);
      scheduleDraw();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(container);
    return () => observer.disconnect();
  }, [scheduleDraw]);

  useEffect(() => scheduleDraw(), [view, cssSize, mapVersion, scheduleDraw]);

  // Wheel zoom around the pointer (non-passive so the page does not scroll).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const factor = e.deltaY < 0 ? VIEW_LIMITS.wheelStep : 1 / VIEW_LIMITS.wheelStep;
      setView((v) => zoomAt(v, factor, e.clientX - rect.left, e.clientY - rect.top));
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, []);

  const cursorPeers = [...peers.values()].filter((p) => p.cursor !== null);
  const zoomBy = (factor: number) => setView((v) => zoomAt(v, factor, cssSize / 2, cssSize / 2));

  return (
    <div className="paint-area">
      <div ref={containerRef} className="paint-canvas-box">
        <canvas
          ref={canvasRef}
          data-testid="paint-canvas"
          data-map-version={mapVersion}
          data-map-width={map.width}
          data-map-height={map.height}
          data-zoom={view.zoom}
          className={`paint-canvas tool-${tool}`}
          style={{ width: cssSize, height: cssSize }}
          role="img"
          aria-label={`Label map ${map.width}×${map.height}; paint with the pointer`}
          {...handlers}
          onContextMenu={(e) => e.preventDefault()}
        />
        <RemoteCursors peers={cursorPeers} toScreen={(x, y) => mapToScreen(view, baseScale, x + 0.5, y + 0.5)} labels={room.labels} />
      </div>
      <div className="zoom-controls" role="group" aria-label="Zoom">
        <button type="button" onClick={() => zoomBy(ZOOM_BUTTON_STEP)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => zoomBy(1 / ZOOM_BUTTON_STEP)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => setView(IDENTITY_VIEW)} aria-label="Reset zoom and pan">{Math.round(view.zoom * 100)}%</button>
        <span className="hint">Wheel: zoom · Space/right-drag: pan</span>
      </div>
    </div>
  );
}
