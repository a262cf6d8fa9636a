'use client';
import { useEffect, useRef, useState } from 'react';
import type { Room } from '@paintscape/client-sdk';
import { paintRegion, paletteOf } from '../../lib/segmap-image';
import type { LastRender } from './useRenderSession';

export interface RenderViewProps {
  image: ImageBitmap | null;
  last: LastRender | null;
  busy: boolean;
  renderCount: number;
  /** The label map is drawn under the photo for comparison. */
  room: Room;
  mapVersion: number;
  onCanvas: (canvas: HTMLCanvasElement | null) => void;
}

/** The rendered photo over the label map, with an opacity slider to compare the two. */
export function RenderView({ image, last, busy, renderCount, room, mapVersion, onCanvas }: RenderViewProps) {
  const photoRef = useRef<HTMLCanvasElement>(null);
  const labelsRef = useRef<HTMLCanvasElement>(null);
  const [opacity, setOpacity] = useState(100);

  useEffect(() => {
    const canvas = photoRef.current;
    if (!canvas || !image) return;
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d')!.drawImage(image, 0, 0);
  }, [image]);

  useEffect(() => {
    const target = labelsRef.current;
    if (!target) return;
    const frame = requestAnimationFrame(() => {
      const map = room.map;
      const image = new ImageData(map.width, map.height);
      paintRegion(map, paletteOf(room.labels, map.data instanceof Uint16Array ? 65536 : 256), image);
      target.width = map.width;
      target.height = map.height;
      target.getContext('2d')!.putImageData(image, 0, 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [room, mapVersion]);

  useEffect(() => {
    onCanvas(photoRef.current);
    return () => onCanvas(null);
  }, [onCanvas]);

  return (
    <div className="render-view">
      <div className="render-stack" aria-busy={busy}>
        <canvas ref={labelsRef} className="render-labels" aria-hidden="true" />
        <canvas
          ref={photoRef}
          data-testid="render-image"
          data-map-version={last?.mapVersion ?? ''}
          data-backend={last?.backend ?? ''}
          data-seed={last?.seed ?? ''}
          data-render-count={renderCount}
          className="render-photo"
          style={{ opacity: image ? opacity / 100 : 0 }}
          role="img"
          aria-label={last ? `Rendered photo of map version ${last.mapVersion} (${last.backend})` : 'No photo rendered yet'}
        />
        {!image && <p className="render-placeholder">{busy ? 'Rendering…' : 'The photo appears here as you paint.'}</p>}
        {busy && image && <span className="render-spinner" role="status">Rendering…</span>}
      </div>
      <label className="compare">
        Photo opacity <output>{opacity}%</output>
        <input type="range" min={0} max={100} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} data-testid="compare-opacity" />
      </label>
    </div>
  );
}
