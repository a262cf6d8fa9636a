import { PaintscapeError } from '@paintscape/core';
import { invalidArgument } from '../options.js';
import type { Room } from '../paint-room.js';
import { LOCAL_BACKEND_DEFAULTS, LocalBackend, validateTimeoutMs } from './local-backend.js';
import type { WasmOptions } from './ort-loader.js';
import { Renderer, type RendererSchedule } from './renderer.js';
import { ServerBackend } from './server-backend.js';
import type { LocalModelSource, RenderBackend } from './types.js';

export type RenderMode = 'server' | 'local' | 'auto';

export interface RendererOptions extends RendererSchedule, WasmOptions {
  /**
   * 'server': the room's server renders. 'local': this browser/process renders with
   * onnxruntime-web (WebGPU if there is an adapter, else wasm). 'auto' (default): local WebGPU
   * when available, else the server, with local wasm as the last resort; a failing backend hands
   * the same render to the next one.
   */
  mode?: RenderMode;
  /** Model for local rendering: a model folder URL or { manifest, generator } bytes. Required for 'local'. */
  model?: LocalModelSource;
  /** Model name for server renders; default: the server's default model. */
  serverModel?: string;
  /** Extra backends (e.g. your own), merged by priority with the built-in ones. */
  backends?: RenderBackend[];
  /**
   * Local backends: limit (ms) for loading onnxruntime-web, and separately for downloading the
   * model + creating its session. Past it the backend fails with `local_backend_timeout` (details.stage
   * 'load-runtime' | 'create-session'), the render falls back to the next backend and the stuck
   * session is dropped (the next attempt creates a new one). Default 120 000 (software WebGPU is slow).
   */
  localInitTimeoutMs?: number;
  /** Local backends: limit (ms) for one inference (details.stage 'run'). Default 120 000. */
  localRunTimeoutMs?: number;
}

/** Built-in backend priorities (higher is tried first). */
export const BACKEND_PRIORITY = { webgpu: 30, server: 20, wasm: 10 } as const;

export const RENDERER_DEFAULTS = { mode: 'auto' } as const;

/** The backends a mode uses, in priority order. */
export function backendsForMode(room: Room, options: RendererOptions): RenderBackend[] {
  const mode = options.mode ?? RENDERER_DEFAULTS.mode;
  if (!['server', 'local', 'auto'].includes(mode)) throw invalidArgument('mode', "must be 'server', 'local' or 'auto'", mode);
  if (mode === 'local' && options.model === undefined) throw invalidArgument('model', "is required for mode 'local' (a model folder URL or { manifest, generator })", undefined);
  const wasm: WasmOptions = {
    ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
    ...(options.numThreads !== undefined ? { numThreads: options.numThreads } : {}),
  };
  const initTimeoutMs = options.localInitTimeoutMs ?? LOCAL_BACKEND_DEFAULTS.initTimeoutMs;
  const runTimeoutMs = options.localRunTimeoutMs ?? LOCAL_BACKEND_DEFAULTS.runTimeoutMs;
  validateTimeoutMs('localInitTimeoutMs', initTimeoutMs);
  validateTimeoutMs('localRunTimeoutMs', runTimeoutMs);
  const local = { ...wasm, model: options.model, initTimeoutMs, runTimeoutMs };
  const backends: RenderBackend[] = [...(options.backends ?? [])];
  if (mode !== 'local') {
    backends.push(new ServerBackend({
      httpUrl: room.internals.httpUrl,
      priority: BACKEND_PRIORITY.server,
      ...(options.serverModel !== undefined ? { model: options.serverModel } : {}),
      ...(room.internals.token !== undefined ? { token: room.internals.token } : {}),
    }));
  }
  if (mode !== 'server' && options.model !== undefined) {
    backends.push(new LocalBackend('webgpu', { ...local, model: options.model, priority: BACKEND_PRIORITY.webgpu }));
    backends.push(new LocalBackend('wasm', { ...local, model: options.model, priority: BACKEND_PRIORITY.wasm }));
  }
  return backends;
}

/**
 * Renders `room`'s map whenever it changes (see Renderer). Listen with
 * `renderer.on('render', ({ image, mapVersion, backend, ms }) => …)`.
 */
export function createRenderer(room: Room, options: RendererOptions = {}): Renderer {
  if (!room || typeof room.on !== 'function') throw invalidArgument('room', 'must be a Room from connect()', room);
  if (room.destroyed) throw new PaintscapeError('destroyed', 'the room was destroyed');
  return new Renderer(room, backendsForMode(room, options), options);
}
