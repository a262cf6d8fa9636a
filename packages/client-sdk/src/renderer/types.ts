import type { LabelSetId, ModelManifest, PaintscapeError, SegMap } from '@paintscape/core';
import type { RgbaImage } from '../png.js';

/** Where a render ran. Custom backends may use their own names. */
export type BackendKind = 'server' | 'webgpu' | 'wasm' | (string & {});

/** One render job, a snapshot of the map at `mapVersion`. */
export interface RenderRequest {
  map: SegMap;
  mapVersion: number;
  labelSet: LabelSetId;
  /** Output size; undefined = the backend's default (the model's default size). */
  size: { width: number; height: number } | undefined;
  seed: number;
  /** Style vector z; null = seeded Gaussian z. */
  style: Float32Array | null;
}

/** Pixels from a backend; `png` when the backend already has them encoded (server). */
export interface BackendImage extends RgbaImage {
  png?: Uint8Array;
}

/**
 * A way to turn a map into an image. The renderer tries available backends in descending
 * `priority`, falling back to the next one when a backend throws.
 */
export interface RenderBackend {
  readonly kind: BackendKind;
  readonly priority: number;
  /** Whether this backend can run here; may load a model. Never throws. */
  isAvailable(): Promise<boolean>;
  render(request: RenderRequest): Promise<BackendImage>;
  /** Encodes a reference image to a style vector, when the backend has an encoder. */
  encodeStyle?(image: RgbaImage): Promise<Float32Array>;
  dispose(): void;
}

/** Image in Node: raw RGBA plus its PNG encoding. */
export interface NodeRenderImage extends RgbaImage {
  png: Uint8Array;
}

export interface RenderEvent {
  /** ImageBitmap in browsers, { width, height, rgba, png } in Node. */
  image: ImageBitmap | NodeRenderImage;
  width: number;
  height: number;
  /** The room's map version this image shows. */
  mapVersion: number;
  backend: BackendKind;
  /** Milliseconds from snapshot to finished image. */
  ms: number;
  seed: number;
  /** Errors of backends tried before the one that succeeded, in order. */
  fallbacks: Array<{ backend: BackendKind; error: PaintscapeError }>;
}

/** A model the browser/Node process runs itself with onnxruntime-web. */
export type LocalModelSource =
  /** URL of a model folder holding model.json + generator.onnx (+ encoder.onnx). */
  | string
  | {
      manifest: ModelManifest;
      generator: Uint8Array;
      encoder?: Uint8Array;
    };
