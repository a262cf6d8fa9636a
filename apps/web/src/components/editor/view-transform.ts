/** Zoom and pan of the painting canvas: screen (CSS px) = map px × scale × zoom + pan. */
export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
}

export const VIEW_LIMITS = { minZoom: 0.5, maxZoom: 16, wheelStep: 1.15 } as const;

export const IDENTITY_VIEW: ViewTransform = { zoom: 1, panX: 0, panY: 0 };

export function screenToMap(view: ViewTransform, baseScale: number, sx: number, sy: number): { x: number; y: number } {
  const scale = baseScale * view.zoom;
  return { x: (sx - view.panX) / scale, y: (sy - view.panY) / scale };
}

export function mapToScreen(view: ViewTransform, baseScale: number, x: number, y: number): { x: number; y: number } {
  const scale = baseScale * view.zoom;
  return { x: x * scale + view.panX, y: y * scale + view.panY };
}

/** Zooms by `factor` keeping the screen point (sx, sy) over the same map point. */
export function zoomAt(view: ViewTransform, factor: number, sx: number, sy: number): ViewTransform {
  const zoom = Math.min(VIEW_LIMITS.maxZoom, Math.max(VIEW_LIMITS.minZoom, view.zoom * factor));
  const applied = zoom / view.zoom;
  return { zoom, panX: sx - (sx - view.panX) * applied, panY: sy - (sy - view.panY) * applied };
}
