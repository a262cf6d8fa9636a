'use client';
import { useEffect, useRef } from 'react';
import type { Room } from '@paintscape/client-sdk';
import { paintRegion, paletteOf } from '../../lib/segmap-image';

/**
 * A map-sized canvas holding the label map in palette colours, refreshed region by region as
 * changes arrive (local or remote); `onUpdate` runs after each refresh.
 */
export function useMapBitmap(room: Room, onUpdate: () => void) {
  const bitmapRef = useRef<HTMLCanvasElement | null>(null);
  const map = room.map;

  useEffect(() => {
    const bitmap = document.createElement('canvas');
    bitmap.width = map.width;
    bitmap.height = map.height;
    bitmapRef.current = bitmap;
    const ctx = bitmap.getContext('2d')!;
    const palette = paletteOf(room.labels, map.data instanceof Uint16Array ? 65536 : 256);
    const image = new ImageData(map.width, map.height);
    paintRegion(map, palette, image);
    ctx.putImageData(image, 0, 0);
    onUpdate();
    return room.on('change', (event) => {
      const region = event.region ?? { x: 0, y: 0, width: map.width, height: map.height };
      paintRegion(room.map, palette, image, region);
      ctx.putImageData(image, 0, 0, region.x, region.y, region.width, region.height);
      onUpdate();
    });
  }, [room, map, onUpdate]);

  return bitmapRef;
}
