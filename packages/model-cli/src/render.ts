import * as ort from 'onnxruntime-node';
import {
  PaintscapeError,
  ErrorCode,
  decodeSegMapPng,
  imageTensorToRgba,
  resolveRenderSize,
  rgbaToImageTensor,
  sampleGaussian,
  segMapToOneHot,
  semanticChannels,
  type LabelSet,
  type ModelManifest,
  type SegMap,
} from '@paintscape/core';
import type { LoadedModelFolder } from './model-folder.js';

/**
 * Rendering a label map with a model folder on onnxruntime-node, using core's model-io
 * pre/post-processing: map → one-hot (+ instance edges) → z (seeded, or a style image through
 * the encoder) → generator → RGBA.
 */

export type RenderDevice = 'cpu' | 'webgpu';

export interface RenderOptions {
  /** [width, height]; default the manifest's default size. */
  size?: [number, number];
  /** Seed of the standard-normal z (and of ε when a style image is given). Default 0. */
  seed?: number;
  /** A style image (any size; resized bilinearly to the encoder's input, as SPADE does). */
  style?: StyleImage;
  device?: RenderDevice;
}

export interface StyleImage {
  /** 4 bytes a pixel; alpha is ignored. */
  rgba: Uint8Array;
  width: number;
  height: number;
}

export interface RenderResult {
  width: number;
  height: number;
  /** 4 bytes a pixel, opaque. */
  rgba: Uint8ClampedArray;
  /** The style vector used (empty when the model takes none). */
  z: Float32Array;
}

/** Parses `--size`: `W` (height from the model's aspect ratio) or `WxH`. */
export function parseSize(text: string, manifest: ModelManifest): [number, number] {
  const match = /^(\d+)(?:x(\d+))?$/.exec(text.trim());
  if (!match) throw new PaintscapeError(ErrorCode.InvalidArgument, `--size must be W or WxH, got '${text}'`, { field: 'size' });
  const width = Number(match[1]);
  const { multipleOf } = manifest.generator.size;
  const height = match[2] !== undefined ? Number(match[2]) : Math.max(multipleOf, Math.round(width / manifest.generator.config.aspectRatio / multipleOf) * multipleOf);
  return [width, height];
}

/** Reads a label-map PNG strictly: an unknown colour is an error naming it and where it is. */
export function decodeLabelMap(png: Uint8Array, set: LabelSet): SegMap {
  return decodeSegMapPng(png, set, { strict: true });
}

async function createSession(onnx: Uint8Array, device: RenderDevice): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(onnx, { executionProviders: [device] });
  } catch (error) {
    const hint = device === 'webgpu' ? ' (the webgpu provider needs a GPU adapter; try --device cpu)' : '';
    throw new PaintscapeError(ErrorCode.InvalidOnnx, `onnxruntime could not load the model on ${device}: ${(error as Error).message.split('\n')[0]}${hint}`, { field: 'device' });
  }
}

/**
 * Holds onnxruntime sessions for one model folder so repeated renders (a server) skip
 * session creation. Call `release()` when done.
 */
export class ModelRenderer {
  private encoderSession: ort.InferenceSession | undefined;

  private constructor(
    readonly folder: LoadedModelFolder,
    readonly device: RenderDevice,
    private readonly generatorSession: ort.InferenceSession,
  ) {}

  static async create(folder: LoadedModelFolder, device: RenderDevice = 'cpu'): Promise<ModelRenderer> {
    return new ModelRenderer(folder, device, await createSession(folder.generatorOnnx, device));
  }

  /** Encodes a style image to z = μ + exp(½·logvar)·ε, ε from `seed`. */
  async styleVector(style: StyleImage, seed = 0): Promise<Float32Array> {
    const { folder } = this;
    const enc = folder.manifest.encoder;
    if (!enc || !folder.encoderOnnx) {
      throw new PaintscapeError(ErrorCode.ModelMismatch, `model ${folder.manifest.name} has no encoder: a style image needs one`, { field: 'style' });
    }
    const [w, h] = enc.input.size;
    const input = rgbaToImageTensor(style.rgba, style.width, style.height, [w, h]);
    this.encoderSession ??= await createSession(folder.encoderOnnx, this.device);
    const result = await this.encoderSession.run({ [enc.input.name]: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const mu = result[enc.outputs.mu]!.data as Float32Array;
    const logvar = result[enc.outputs.logvar]!.data as Float32Array;
    const eps = sampleGaussian(seed, mu.length);
    return mu.map((m, i) => m + Math.exp(0.5 * logvar[i]!) * eps[i]!);
  }

  /** Renders a label map (any size; nearest-resized to the render size). `options.device` is ignored. */
  async render(map: SegMap, options: Omit<RenderOptions, 'device'> & { z?: Float32Array } = {}): Promise<RenderResult> {
    const { manifest } = this.folder;
    const config = manifest.generator.config;
    const [width, height] = resolveRenderSize(manifest, options.size);
    const seed = options.seed ?? 0;
    const channels = semanticChannels(config);
    const seg = segMapToOneHot(map, {
      channels,
      labelChannels: config.labelChannels,
      dontCare: config.dontCareChannel,
      instanceEdge: config.instanceEdgeChannel,
      width,
      height,
    });
    const feeds: Record<string, ort.Tensor> = {
      [manifest.generator.inputs.seg.name]: new ort.Tensor('float32', seg, [1, channels, height, width]),
    };
    let z: Float32Array = new Float32Array(0);
    const zSpec = manifest.generator.inputs.z;
    if (zSpec) {
      z = options.z ?? (options.style ? await this.styleVector(options.style, seed) : sampleGaussian(seed, zSpec.size));
      if (z.length !== zSpec.size) {
        throw new PaintscapeError(ErrorCode.SizeMismatch, `z has ${z.length} values, model ${manifest.name} takes ${zSpec.size}`, { field: 'z' });
      }
      feeds[zSpec.name] = new ort.Tensor('float32', z, [1, zSpec.size]);
    } else if (options.style || options.z) {
      throw new PaintscapeError(ErrorCode.ModelMismatch, `model ${manifest.name} takes no style vector (zDim 0): a style does not apply`, { field: 'style' });
    }
    const result = await this.generatorSession.run(feeds);
    const image = result[manifest.generator.output.name]!.data as Float32Array;
    return { width, height, rgba: imageTensorToRgba(image, width, height), z };
  }

  async release(): Promise<void> {
    await this.generatorSession.release();
    await this.encoderSession?.release();
    this.encoderSession = undefined;
  }
}

/** One-shot render: creates the sessions, renders, releases them. */
export async function renderLabelMap(folder: LoadedModelFolder, map: SegMap, options: RenderOptions = {}): Promise<RenderResult> {
  resolveRenderSize(folder.manifest, options.size); // a bad size fails before the session is built
  const renderer = await ModelRenderer.create(folder, options.device ?? 'cpu');
  try {
    return await renderer.render(map, options);
  } finally {
    await renderer.release();
  }
}
