import {
  PaintscapeError,
  getLabelSet,
  imageTensorToRgba,
  mapLabels,
  resolveRenderSize,
  rgbaToImageTensor,
  sampleGaussian,
  segMapToOneHot,
  validateManifest,
  type ModelManifest,
} from '@paintscape/core';
import { SdkErrorCode, asPaintscapeError } from '../errors.js';
import type { RgbaImage } from '../png.js';
import { assertFinite, createSession, hasWebGpuAdapter, loadOrt, type LocalProvider, type Ort, type OrtSession, type WasmOptions } from './ort-loader.js';
import { invalidArgument } from '../options.js';
import type { BackendImage, LocalModelSource, RenderBackend, RenderRequest } from './types.js';

interface LoadedModel {
  manifest: ModelManifest;
  generator: Uint8Array;
  encoder?: Uint8Array;
}

// One download and one session per (model, provider) per page/process, shared by renderers.
const modelCache = new Map<string, Promise<LoadedModel>>();
const objectModels = new WeakMap<object, Promise<LoadedModel>>();
const sessionCache = new Map<string, Promise<{ session: OrtSession; manifest: ModelManifest }>>();
/** Model downloads that finished (a pending one is dropped when its session creation times out). */
const settledModelLoads = new WeakSet<Promise<LoadedModel>>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function sourceKey(source: LocalModelSource): string {
  if (typeof source === 'string') return `url:${source}`;
  let id = objectIds.get(source);
  if (id === undefined) objectIds.set(source, (id = nextObjectId++));
  return `object:${id}`;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Drops a model download that has not finished (it may be stuck), so the next load retries. */
function forgetPendingModel(source: LocalModelSource): void {
  if (typeof source !== 'string') return;
  const base = source.endsWith('/') ? source : `${source}/`;
  const cached = modelCache.get(base);
  if (cached && !settledModelLoads.has(cached)) modelCache.delete(base);
}

/** Loads a model folder (URL ending in '/' or not) or validates an in-memory model, once. */
export function loadModel(source: LocalModelSource): Promise<LoadedModel> {
  if (typeof source !== 'string') {
    let cached = objectModels.get(source);
    if (!cached) {
      cached = Promise.resolve().then(() => ({ ...source, manifest: validateManifest(source.manifest) }));
      objectModels.set(source, cached);
    }
    return cached;
  }
  const base = source.endsWith('/') ? source : `${source}/`;
  let cached = modelCache.get(base);
  if (!cached) {
    cached = (async () => {
      try {
        const manifest = validateManifest(JSON.parse(new TextDecoder().decode(await fetchBytes(`${base}model.json`))));
        const generator = await fetchBytes(new URL(manifest.generator.file, new URL(base, globalThis.location?.href ?? undefined)).href);
        return { manifest, generator };
      } catch (error) {
        throw asPaintscapeError(error, SdkErrorCode.ModelLoadFailed, `could not load the model at ${base}`, { field: 'model', value: base });
      }
    })();
    const pending = cached;
    pending.then(
      () => settledModelLoads.add(pending),
      () => modelCache.get(base) === pending && modelCache.delete(base), // a failed download may be retried later
    );
    modelCache.set(base, pending);
  }
  return cached;
}

/** The steps of a local render, each bounded by a deadline (named in `local_backend_timeout` errors). */
export type LocalStage = 'load-runtime' | 'create-session' | 'run';

export const LOCAL_BACKEND_DEFAULTS = {
  /**
   * Limit for loading onnxruntime-web, and separately for downloading the model + creating its
   * session. Generous: session creation on a software WebGPU adapter (SwiftShader) takes tens of
   * seconds; what it guards against is a wasm worker that never loads (no COOP/COEP, missing
   * ort-wasm-*.mjs/.wasm), which otherwise hangs forever.
   */
  initTimeoutMs: 120_000,
  /**
   * Limit for one inference (generator or style encoder) including reading the output back. As
   * generous: WebGPU compiles its shaders during the first run, slowly on a software adapter.
   */
  runTimeoutMs: 120_000,
} as const;

/** setTimeout's largest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export interface LocalBackendOptions extends WasmOptions {
  model: LocalModelSource;
  priority?: number;
  /** See LOCAL_BACKEND_DEFAULTS.initTimeoutMs. */
  initTimeoutMs?: number;
  /** See LOCAL_BACKEND_DEFAULTS.runTimeoutMs. */
  runTimeoutMs?: number;
  /**
   * Loads onnxruntime-web (default: a lazy `import('onnxruntime-web')` configured with the wasm
   * options). The seam for apps that provide the runtime themselves.
   */
  loadRuntime?: (options: WasmOptions) => Promise<Ort>;
}

/** Throws invalid_argument naming `field` unless `value` is a usable timer delay (1 ms … ~24.8 days). */
export function validateTimeoutMs(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw invalidArgument(field, `must be a number of milliseconds in (0, ${MAX_TIMER_MS}]`, value);
  }
}

/**
 * Settles like `work`, or rejects with local_backend_timeout after `timeoutMs` (calling
 * `onTimeout` first, to discard state the stuck work holds). `work` itself cannot be cancelled.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, stage: LocalStage, backend: LocalProvider, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new PaintscapeError(SdkErrorCode.LocalBackendTimeout, `${backend} backend: ${stage} did not finish within ${timeoutMs} ms`, { backend, stage, timeoutMs }));
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Runs the generator in this process with onnxruntime-web: `webgpu` (when navigator.gpu gives an
 * adapter) or `wasm` (threads when cross-origin isolated). Output is checked for NaN.
 */
export class LocalBackend implements RenderBackend {
  readonly priority: number;
  readonly initTimeoutMs: number;
  readonly runTimeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly kind: LocalProvider,
    private readonly options: LocalBackendOptions,
  ) {
    this.priority = options.priority ?? (kind === 'webgpu' ? 30 : 10);
    this.initTimeoutMs = options.initTimeoutMs ?? LOCAL_BACKEND_DEFAULTS.initTimeoutMs;
    this.runTimeoutMs = options.runTimeoutMs ?? LOCAL_BACKEND_DEFAULTS.runTimeoutMs;
    validateTimeoutMs('initTimeoutMs', this.initTimeoutMs);
    validateTimeoutMs('runTimeoutMs', this.runTimeoutMs);
  }

  async isAvailable(): Promise<boolean> {
    if (typeof WebAssembly === 'undefined') return false;
    return this.kind === 'webgpu' ? hasWebGpuAdapter() : true;
  }

  /** Loads the model and creates the session now (otherwise done by the first render). */
  async warmUp(): Promise<void> {
    await this.#runtime();
    await this.#session('generator');
  }

  render(request: RenderRequest): Promise<BackendImage> {
    return this.#serial(async () => {
      const ort = await this.#runtime();
      const { session, manifest, discard } = await this.#session('generator');
      const [width, height] = resolveRenderSize(manifest, request.size);
      const config = manifest.generator.config;
      let map = request.map;
      if (manifest.labelSet !== request.labelSet) map = mapLabels(map, getLabelSet(request.labelSet), getLabelSet(manifest.labelSet));
      const channels = manifest.generator.inputs.seg.channels;
      const seg = segMapToOneHot(map, { channels, labelChannels: config.labelChannels, dontCare: config.dontCareChannel, instanceEdge: config.instanceEdgeChannel, width, height });
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {
        [manifest.generator.inputs.seg.name]: new ort.Tensor('float32', seg, [1, channels, height, width]),
      };
      const zSpec = manifest.generator.inputs.z;
      if (zSpec) {
        const z = request.style ?? sampleGaussian(request.seed, zSpec.size);
        if (z.length !== zSpec.size) throw new PaintscapeError(SdkErrorCode.BackendFailed, `style vector has ${z.length} values, the model needs ${zSpec.size}`, { field: 'style', value: z.length });
        feeds[zSpec.name] = new ort.Tensor('float32', z, [1, zSpec.size]);
      }
      let output: Float32Array;
      try {
        const inference = (async () => {
          const results = await session.run(feeds);
          const tensor = results[manifest.generator.output.name];
          if (!tensor) throw new Error(`the generator has no output '${manifest.generator.output.name}'`);
          const data = (await tensor.getData()) as Float32Array;
          tensor.dispose();
          return data;
        })();
        // A stuck session is never reused: the next render creates a fresh one.
        output = await withDeadline(inference, this.runTimeoutMs, 'run', this.kind, discard);
      } catch (error) {
        throw asPaintscapeError(error, SdkErrorCode.BackendFailed, `${this.kind} inference failed`, { backend: this.kind });
      }
      assertFinite(output, this.kind);
      return { width, height, rgba: imageTensorToRgba(output, width, height) };
    });
  }

  encodeStyle(image: RgbaImage): Promise<Float32Array> {
    return this.#serial(async () => {
      const ort = await this.#runtime();
      const { manifest } = await withDeadline(loadModel(this.options.model), this.initTimeoutMs, 'create-session', this.kind, () => forgetPendingModel(this.options.model));
      const spec = manifest.encoder;
      if (!spec) throw new PaintscapeError(SdkErrorCode.BackendUnavailable, `model ${manifest.name} has no style encoder`, { field: 'model' });
      const { session, discard } = await this.#session('encoder');
      const input = rgbaToImageTensor(image.rgba, image.width, image.height, spec.input.size);
      const inference = (async () => {
        const results = await session.run({ [spec.input.name]: new ort.Tensor('float32', input, [1, 3, spec.input.size[1], spec.input.size[0]]) });
        const mu = results[spec.outputs.mu];
        if (!mu) throw new PaintscapeError(SdkErrorCode.BackendFailed, `encoder has no output '${spec.outputs.mu}'`);
        return (await mu.getData()) as Float32Array;
      })();
      const data = await withDeadline(inference, this.runTimeoutMs, 'run', this.kind, discard);
      assertFinite(data, this.kind);
      return Float32Array.from(data);
    });
  }

  dispose(): void {
    // Sessions are shared across renderers (loaded once per page); they live with the page.
  }

  /** onnxruntime-web, within initTimeoutMs ('load-runtime'). */
  #runtime(): Promise<Ort> {
    const load = this.options.loadRuntime ?? loadOrt;
    const wasm: WasmOptions = {
      ...(this.options.wasmPaths !== undefined ? { wasmPaths: this.options.wasmPaths } : {}),
      ...(this.options.numThreads !== undefined ? { numThreads: this.options.numThreads } : {}),
    };
    return withDeadline(Promise.resolve().then(() => load(wasm)), this.initTimeoutMs, 'load-runtime', this.kind);
  }

  /**
   * The shared session for `which`, within initTimeoutMs ('create-session', which includes the
   * model download). On timeout the pending session (and a pending download) is dropped from the
   * caches so the next attempt starts over instead of waiting on the stuck one. `discard` drops
   * the session later (after a stuck run).
   */
  async #session(which: 'generator' | 'encoder'): Promise<{ session: OrtSession; manifest: ModelManifest; discard: () => void }> {
    const key = `${sourceKey(this.options.model)}|${which}|${this.kind}`;
    let pending = sessionCache.get(key);
    if (!pending) {
      const created = (async () => {
        const ort = await this.#runtime();
        const model = await loadModel(this.options.model);
        let bytes = which === 'generator' ? model.generator : model.encoder;
        if (!bytes && which === 'encoder' && model.manifest.encoder && typeof this.options.model === 'string') {
          const base = this.options.model.endsWith('/') ? this.options.model : `${this.options.model}/`;
          bytes = model.encoder = await fetchBytes(new URL(model.manifest.encoder.file, new URL(base, globalThis.location?.href ?? undefined)).href);
        }
        if (!bytes) throw new PaintscapeError(SdkErrorCode.BackendUnavailable, `model has no ${which}`, { field: 'model' });
        return { session: await createSession(ort, bytes, this.kind), manifest: model.manifest };
      })();
      created.catch(() => sessionCache.get(key) === created && sessionCache.delete(key));
      sessionCache.set(key, (pending = created));
    }
    const current = pending;
    const discard = (): void => {
      if (sessionCache.get(key) === current) sessionCache.delete(key);
    };
    const { session, manifest } = await withDeadline(current, this.initTimeoutMs, 'create-session', this.kind, () => {
      discard();
      forgetPendingModel(this.options.model);
    });
    return { session, manifest, discard };
  }

  /** One inference at a time per backend (onnxruntime-web sessions are not re-entrant). */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
