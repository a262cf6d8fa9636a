import { PaintscapeError, type ErrorCode } from '@paintscape/core';

/**
 * Error codes the SDK adds to core's `ErrorCode`. Every error the SDK emits or throws is a
 * `PaintscapeError` whose `code` is one of these or one of core's.
 */
export const SdkErrorCode = {
  /** No WebSocket implementation: pass `options.WebSocket` (e.g. from `ws`) in Node < 22. */
  WebSocketUnavailable: 'websocket_unavailable',
  /** The socket failed to open or errored. Transient: the provider keeps reconnecting. */
  ConnectionError: 'connection_error',
  /** The server closed the room for good (close code 4400–4499, e.g. bad token). */
  ConnectionRefused: 'connection_refused',
  /** The room or renderer was destroyed before the operation finished. */
  Destroyed: 'destroyed',
  /** The server answered an HTTP request with an error. */
  ServerError: 'server_error',
  /** A render backend cannot run here (no WebGPU adapter, no model…). */
  BackendUnavailable: 'backend_unavailable',
  /** One backend failed to render (details.backend names it). */
  BackendFailed: 'backend_failed',
  /** Every backend failed; details.attempts lists each backend's error. */
  RenderFailed: 'render_failed',
  /** The model could not be fetched or did not load into onnxruntime-web. */
  ModelLoadFailed: 'model_load_failed',
  /** A render produced NaN/Infinity (e.g. the fused Conv+Tanh WGSL bug). */
  InvalidOutput: 'invalid_output',
  /** The local backend did not finish a stage in time (details.stage: 'load-runtime' | 'create-session' | 'run'). */
  LocalBackendTimeout: 'local_backend_timeout',
} as const;
export type SdkErrorCode = (typeof SdkErrorCode)[keyof typeof SdkErrorCode];

/** Wraps anything thrown into a PaintscapeError, keeping PaintscapeErrors as they are. */
export function asPaintscapeError(
  error: unknown,
  code: SdkErrorCode | ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): PaintscapeError {
  if (error instanceof PaintscapeError) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new PaintscapeError(code, `${message}: ${cause}`, { ...details, cause });
}

export { PaintscapeError };
