/** Small environment probes shared by the connection and the renderer. */

export const isBrowser: boolean =
  typeof globalThis.window !== 'undefined' && typeof globalThis.document !== 'undefined';

/** Fallback frame interval where `requestAnimationFrame` is missing (Node). */
export const NODE_FRAME_MS = 16;

/** Calls `callback` on the next animation frame (a ~16 ms timer in Node); returns a canceller. */
export function onNextFrame(callback: () => void): () => void {
  if (typeof globalThis.requestAnimationFrame === 'function' && isBrowser) {
    const id = globalThis.requestAnimationFrame(() => callback());
    return () => globalThis.cancelAnimationFrame(id);
  }
  const timer = setTimeout(callback, NODE_FRAME_MS);
  return () => clearTimeout(timer);
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
