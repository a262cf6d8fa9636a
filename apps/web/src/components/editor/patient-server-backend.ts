import { PaintscapeError, ServerBackend, type BackendImage, type RenderBackend, type RenderRequest, type RgbaImage } from '@paintscape/client-sdk';

/** Retries of a render the server turned away for rate limiting (HTTP 429), and the wait before each. */
export const RATE_LIMIT_RETRY = { attempts: 3, delayMs: 400 } as const;

/**
 * The server backend, waiting and retrying when the server answers 429: every browser reaches it
 * through this app's proxy, so they share one client address and one rate limit. Without this a
 * busy room would briefly fail over to local rendering.
 */
export class PatientServerBackend implements RenderBackend {
  readonly kind = 'server';
  readonly priority: number;
  readonly #inner: ServerBackend;

  constructor(httpUrl: string, priority: number) {
    this.#inner = new ServerBackend({ httpUrl, priority });
    this.priority = priority;
  }

  isAvailable(): Promise<boolean> {
    return this.#inner.isAvailable();
  }

  async render(request: RenderRequest): Promise<BackendImage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#inner.render(request);
      } catch (error) {
        const status = error instanceof PaintscapeError ? (error.details as { status?: number } | undefined)?.status : undefined;
        if (status !== 429 || attempt > RATE_LIMIT_RETRY.attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_RETRY.delayMs * attempt));
      }
    }
  }

  encodeStyle(image: RgbaImage): Promise<Float32Array> {
    return this.#inner.encodeStyle(image);
  }

  dispose(): void {
    this.#inner.dispose();
  }
}
