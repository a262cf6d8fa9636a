'use client';
import { useRef, useState, type ChangeEvent } from 'react';
import type { RenderMode } from '@paintscape/client-sdk';
import { drawPreset, STYLE_PRESETS } from './style-presets';
import type { RenderSession } from './useRenderSession';

export interface RenderControlsProps {
  mode: RenderMode;
  onMode: (mode: RenderMode) => void;
  render: RenderSession;
  onDownloadPhoto: () => void;
}

const MODE_LABELS: Record<RenderMode, string> = {
  auto: 'Auto (best available)',
  server: 'Server',
  local: "This device's GPU",
};

function describeBackend(backend: string): string {
  if (backend === 'server') return 'the server';
  if (backend === 'webgpu') return 'this device (WebGPU)';
  if (backend === 'wasm') return 'this device (CPU, wasm)';
  return backend;
}

/** Where renders run, what ran last and how long it took; seed and style. */
export function RenderControls({ mode, onMode, render, onDownloadPhoto }: RenderControlsProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const { last, webgpu, error } = render;

  const onStyleFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      setFileError(`${file.name} is not an image this browser can read`);
      return;
    }
    setFileError(null);
    await render.setStyleImage(bitmap, file.name);
  };

  // Only where it matters: local mode, or auto mode when it actually fell back to wasm.
  const webgpuNote =
    (mode === 'local' || last?.backend === 'wasm') && webgpu && !webgpu.available
      ? `WebGPU unavailable (${webgpu.description}): rendering on this device uses wasm.`
      : mode === 'local' && webgpu?.software
        ? `WebGPU here is ${webgpu.description}: expect slow renders.`
        : null;

  return (
    <div className="render-controls">
      <label className="render-mode">
        Render on
        <select data-testid="render-mode" value={mode} onChange={(e) => onMode(e.target.value as RenderMode)}>
          {(Object.keys(MODE_LABELS) as RenderMode[]).map((m) => (
            <option key={m} value={m}>
              {MODE_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <p className="render-info" data-testid="render-info" aria-live="polite">
        {last ? (
          <>
            Rendered by <strong data-testid="render-backend">{describeBackend(last.backend)}</strong> in <strong data-testid="render-ms">{last.ms} ms</strong> · seed {last.seed} · style {render.styleName ?? 'default'}
          </>
        ) : (
          'No render yet'
        )}
      </p>
      {last && last.fallbacks.length > 0 && <p className="warning-text">Fell back after: {last.fallbacks.join('; ')}</p>}
      {webgpuNote && <p className="warning-text" data-testid="webgpu-note">{webgpuNote}</p>}
      {error && (
        <p className="error" role="alert" data-testid="render-error">
          Render failed: {error}
        </p>
      )}
      <div className="style-row" role="group" aria-label="Style">
        <button type="button" onClick={render.shuffle} data-testid="shuffle-seed" title="New random seed">
          Shuffle seed
        </button>
        {STYLE_PRESETS.map((preset) => (
          <button key={preset.id} type="button" className="style-preset" onClick={() => void render.setStyleImage(drawPreset(preset), preset.name)} title={`Style: ${preset.name}`}>
            <span className="swatch" style={{ background: `linear-gradient(${preset.stops.join(',')})` }} aria-hidden="true" />
            {preset.name}
          </button>
        ))}
        <button type="button" onClick={() => fileRef.current?.click()}>Style from image…</button>
        <input ref={fileRef} type="file" accept="image/*" hidden onChange={onStyleFile} aria-label="Style reference image" data-testid="style-upload" />
        <button type="button" onClick={() => void render.setStyleImage(null)}>Default style</button>
      </div>
      {fileError && <p className="error" role="alert">{fileError}</p>}
      <button type="button" onClick={onDownloadPhoto} disabled={!render.image} data-testid="download-photo">
        Download photo
      </button>
    </div>
  );
}
