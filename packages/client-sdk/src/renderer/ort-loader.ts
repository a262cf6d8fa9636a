/**
 * Loads onnxruntime-web once per page/process and creates inference sessions, choosing the
 * WebGPU or wasm execution provider.
 */
import type * as OrtModule from 'onnxruntime-web';
import { PaintscapeError } from '@paintscape/core';
import { SdkErrorCode, asPaintscapeError } from '../errors.js';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;

export interface WasmOptions {
  /**
   * URL prefix (ending in '/') where onnxruntime-web's `ort-wasm-simd-threaded.jsep.{mjs,wasm}`
   * are served; default: next to onnxruntime-web's own module (works unbundled and in Node).
   */
  wasmPaths?: string;
  /** wasm threads. Default: up to 4 when the page is cross-origin isolated, else 1 (always 1 in Node). */
  numThreads?: number;
}

/** Most wasm threads the SDK asks for by default (rendering shares the CPU with painting). */
export const DEFAULT_MAX_WASM_THREADS = 4;

let ortPromise: Promise<Ort> | null = null;

/** Imports onnxruntime-web lazily (apps that only render on the server never load it). */
export function loadOrt(options: WasmOptions = {}): Promise<Ort> {
  ortPromise ??= import('onnxruntime-web').then((ort) => {
    const module = ((ort as unknown as { default?: Ort }).default ?? ort) as Ort;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
    module.env.wasm.numThreads = options.numThreads ?? (isolated && !isNode ? Math.max(1, Math.min(DEFAULT_MAX_WASM_THREADS, cores)) : 1);
    if (options.wasmPaths) module.env.wasm.wasmPaths = options.wasmPaths;
    return module;
  });
  return ortPromise;
}

/** The browser's WebGPU adapter, or null when there is none (probed once). */
let adapterPromise: Promise<boolean> | null = null;
export function hasWebGpuAdapter(): Promise<boolean> {
  adapterPromise ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
    if (!gpu) return false;
    try {
      return (await gpu.requestAdapter()) != null;
    } catch {
      return false;
    }
  })();
  return adapterPromise;
}

export type LocalProvider = 'webgpu' | 'wasm';

/**
 * Session options per provider. WebGPU uses graphOptimizationLevel 'basic': at 'all' the
 * Conv+Tanh fusion runs WGSL's built-in tanh(), which returns NaN where the output saturates
 * (see shared/notes/webgpu-here.md); 'basic' keeps Tanh a separate, safe node.
 */
export function sessionOptions(provider: LocalProvider): OrtModule.InferenceSession.SessionOptions {
  return provider === 'webgpu'
    ? { executionProviders: ['webgpu'], graphOptimizationLevel: 'basic' }
    : { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
}

export async function createSession(ort: Ort, model: Uint8Array, provider: LocalProvider): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(model, sessionOptions(provider));
  } catch (error) {
    throw asPaintscapeError(error, SdkErrorCode.ModelLoadFailed, `onnxruntime-web could not create a ${provider} session`, { backend: provider });
  }
}

/** Throws InvalidOutput when a tensor holds NaN or ±Infinity (never show a corrupt image). */
export function assertFinite(data: Float32Array, provider: LocalProvider): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new PaintscapeError(SdkErrorCode.InvalidOutput, `${provider} output has a non-finite value at index ${i}`, { backend: provider, index: i });
    }
  }
}
