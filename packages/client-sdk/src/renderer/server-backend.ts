import { PaintscapeError, encodeSegMapPng } from '@paintscape/core';
import { SdkErrorCode, asPaintscapeError } from '../errors.js';
import { decodePngToRgba, encodeImagePng, type RgbaImage } from '../png.js';
import type { BackendImage, RenderBackend, RenderRequest } from './types.js';

export interface ServerBackendOptions {
  /** HTTP base URL of the Paintscape server, e.g. 'http://localhost:8787'. */
  httpUrl: string;
  /** Model name on the server; default: the server's default model. */
  model?: string;
  token?: string;
  priority?: number;
  /** fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

/** Renders with the server's `POST /v1/render` (raw label bytes) and encodes styles with `POST /v1/style`. */
export class ServerBackend implements RenderBackend {
  readonly kind = 'server';
  readonly priority: number;
  readonly #options: ServerBackendOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ServerBackendOptions) {
    this.#options = options;
    this.priority = options.priority ?? 20;
    const fetchImpl = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (!fetchImpl) throw new PaintscapeError(SdkErrorCode.BackendUnavailable, 'no fetch implementation for server renders', { field: 'fetch' });
    this.#fetch = fetchImpl.bind(globalThis);
  }

  async isAvailable(): Promise<boolean> {
    return true;
  }

  async render(request: RenderRequest): Promise<BackendImage> {
    const params = new URLSearchParams({ seed: String(request.seed) });
    if (this.#options.model) params.set('model', this.#options.model);
    if (request.size) params.set('size', `${request.size.width}x${request.size.height}`);
    if (request.style) params.set('style', Array.from(request.style).join(','));
    let body: Uint8Array;
    let contentType: string;
    if (request.map.data instanceof Uint8Array) {
      params.set('width', String(request.map.width));
      params.set('height', String(request.map.height));
      body = request.map.data;
      contentType = 'application/octet-stream';
    } else {
      body = encodeSegMapPng(request.map); // 16-bit labels travel as a 16-bit grey PNG
      contentType = 'image/png';
    }
    const png = await this.#post(`/v1/render?${params}`, body, contentType, 'render');
    const image = decodePngToRgba(png);
    return { ...image, png };
  }

  async encodeStyle(image: RgbaImage): Promise<Float32Array> {
    const params = new URLSearchParams();
    if (this.#options.model) params.set('model', this.#options.model);
    const response = await this.#post(`/v1/style?${params}`, encodeImagePng(image), 'image/png', 'style');
    const json = JSON.parse(new TextDecoder().decode(response)) as { style?: unknown };
    if (!Array.isArray(json.style) || json.style.some((v) => typeof v !== 'number')) {
      throw new PaintscapeError(SdkErrorCode.ServerError, 'server /v1/style answered without a numeric style array', { field: 'style' });
    }
    return Float32Array.from(json.style as number[]);
  }

  dispose(): void {}

  async #post(path: string, body: Uint8Array, contentType: string, what: string): Promise<Uint8Array> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (this.#options.token) headers['authorization'] = `Bearer ${this.#options.token}`;
    let response: Response;
    try {
      response = await this.#fetch(`${this.#options.httpUrl}${path}`, { method: 'POST', headers, body: body as unknown as BodyInit });
    } catch (error) {
      throw asPaintscapeError(error, SdkErrorCode.ServerError, `server ${what} request to ${this.#options.httpUrl} failed`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      let code: string = SdkErrorCode.ServerError;
      let message = `HTTP ${response.status}`;
      try {
        const json = JSON.parse(new TextDecoder().decode(bytes)) as { error?: { code?: string; message?: string } };
        code = json.error?.code ?? code;
        message = json.error?.message ?? message;
      } catch {
        // not JSON: keep the status line
      }
      throw new PaintscapeError(code, `server ${what} failed (${response.status}): ${message}`, { status: response.status, backend: 'server' });
    }
    return bytes;
  }
}
