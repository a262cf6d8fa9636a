'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  BACKEND_PRIORITY,
  LocalBackend,
  Renderer,
  type BackendKind,
  type RenderBackend,
  type RenderMode,
  type Room,
} from '@paintscape/client-sdk';
import { PatientServerBackend } from './patient-server-backend';
import { probeWebGpu, type WebGpuProbe } from './webgpu-probe';

/** Render scheduling used by the app (see RendererSchedule in the SDK). */
export const APP_RENDER_SCHEDULE = {
  debounceMs: 150,
  maxWaitMs: 1200,
  /** A failed backend is retried sooner than the SDK default: servers come back. */
  backendRetryMs: 5000,
} as const;

/** Where onnxruntime-web's files are served (app/ort/[file]/route.ts). */
export const ORT_WASM_PATH = '/ort/';

export interface LastRender {
  mapVersion: number;
  backend: BackendKind;
  ms: number;
  seed: number;
  width: number;
  height: number;
  /** Backends that failed before this one succeeded. */
  fallbacks: string[];
}

export interface RenderSession {
  renderer: Renderer | null;
  last: LastRender | null;
  /** The newest image, drawn by the render panel. */
  image: ImageBitmap | null;
  error: string | null;
  busy: boolean;
  webgpu: WebGpuProbe | null;
  seed: number;
  /** Renders shown so far by this page (all modes). */
  renderCount: number;
  /** Name of the style in use (a preset or 'your image'); null = seeded default. */
  styleName: string | null;
  shuffle(): void;
  setStyleImage(image: CanvasImageSource | Uint8Array | null, name?: string): Promise<void>;
}

function backendsFor(mode: RenderMode, localModelUrl: string, webgpu: WebGpuProbe): RenderBackend[] {
  const server = new PatientServerBackend(`${location.origin}/api`, BACKEND_PRIORITY.server);
  const local = (kind: 'webgpu' | 'wasm', priority: number) => new LocalBackend(kind, { model: localModelUrl, wasmPaths: ORT_WASM_PATH, priority });
  if (mode === 'server') return [server];
  if (mode === 'local') return [local('webgpu', BACKEND_PRIORITY.webgpu), local('wasm', BACKEND_PRIORITY.wasm)];
  // auto: a real GPU first; a CPU-emulated one is slower than the server, so it is skipped.
  const auto: RenderBackend[] = [server, local('wasm', BACKEND_PRIORITY.wasm)];
  if (webgpu.available && !webgpu.software) auto.push(local('webgpu', BACKEND_PRIORITY.webgpu));
  return auto;
}

/** Keeps one Renderer for `room` in `mode`, rebuilt when the mode changes. */
export function useRenderSession(room: Room | null, ready: boolean, mode: RenderMode, localModelUrl: string): RenderSession {
  const [renderer, setRenderer] = useState<Renderer | null>(null);
  const [last, setLast] = useState<LastRender | null>(null);
  const [image, setImage] = useState<ImageBitmap | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [webgpu, setWebgpu] = useState<WebGpuProbe | null>(null);
  const [seed, setSeed] = useState(0);
  const seedRef = useRef(0);
  const [renderCount, setRenderCount] = useState(0);
  const [styleName, setStyleName] = useState<string | null>(null);

  useEffect(() => {
    void probeWebGpu().then(setWebgpu);
  }, []);

  useEffect(() => {
    if (!room || !ready || !webgpu) return;
    const next = new Renderer(room, backendsFor(mode, localModelUrl, webgpu), { ...APP_RENDER_SCHEDULE, seed: seedRef.current });
    setRenderer(next);
    setError(null);
    setBusy(true);
    const offs = [
      next.on('render', (event) => {
        // Still busy only if the map changed after this render's snapshot (a follow-up is queued).
        setBusy(event.mapVersion < room.mapVersion);
        setError(null);
        setImage(event.image as ImageBitmap);
        setRenderCount((n) => n + 1);
        setLast({
          mapVersion: event.mapVersion,
          backend: event.backend,
          ms: Math.round(event.ms),
          seed: event.seed,
          width: event.width,
          height: event.height,
          fallbacks: event.fallbacks.map((f) => `${f.backend}: ${f.error.message}`),
        });
      }),
      next.on('error', (e) => {
        setBusy(false);
        setError(e.message);
      }),
      room.on('change', () => setBusy(true)),
    ];
    return () => {
      for (const off of offs) off();
      next.dispose();
    };
  }, [room, ready, mode, localModelUrl, webgpu]);

  const shuffle = useCallback(() => {
    if (!renderer) return;
    const value = renderer.shuffle(); // also returns to the seeded style
    seedRef.current = value;
    setSeed(value);
    setStyleName(null);
    setBusy(true);
  }, [renderer]);

  const setStyleImage = useCallback(
    async (source: CanvasImageSource | Uint8Array | null, name?: string) => {
      if (!renderer) return;
      try {
        setBusy(true);
        await renderer.setStyle(source);
        setStyleName(source === null ? null : (name ?? 'your image'));
      } catch (e) {
        setBusy(false);
        setError(`Style not applied: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [renderer],
  );

  return { renderer, last, image, error, busy, webgpu, seed, renderCount, styleName, shuffle, setStyleImage };
}
