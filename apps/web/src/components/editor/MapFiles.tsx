'use client';
import { useRef, useState, type ChangeEvent } from 'react';
import type { Room } from '@paintscape/client-sdk';
import { encodeSegMapPng } from '@paintscape/core';
import { randomScene } from '../../lib/random-scene';
import { downloadBlob } from './download';

/** Label map files: download as PNG (palette colours), upload one to start from, random scene. */
export function MapFiles({ room }: { room: Room }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const download = () => downloadBlob(encodeSegMapPng(room.map, room.labels), `${room.name}-labels.png`);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      room.importMap(new Uint8Array(await file.arrayBuffer()));
      setError(null);
    } catch (e) {
      setError(`Could not use ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const random = () => {
    const map = room.map;
    room.importMap(randomScene(map.width, map.height, room.labels, Math.floor(Math.random() * 2 ** 31)));
  };

  return (
    <div className="map-files" role="group" aria-label="Label map">
      <button type="button" onClick={random} data-testid="random-scene">Random scene</button>
      <button type="button" onClick={download} data-testid="download-labels">Download label map</button>
      <button type="button" onClick={() => fileRef.current?.click()}>Upload label map…</button>
      <input ref={fileRef} type="file" accept="image/png" hidden onChange={upload} aria-label="Label map PNG" data-testid="upload-labels" />
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
