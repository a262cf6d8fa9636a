import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/**
 * Sends `relativePath` from inside `root` (404 when missing or when the path escapes `root`).
 * `allowed` limits which extensions are served at all.
 */
export async function sendStaticFile(root: string, relativePath: string, allowed: readonly string[], cacheControl: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const extension = extname(relativePath);
  if (!allowed.includes(extension)) return new Response('not found', { status: 404 });
  const file = normalize(join(root, relativePath));
  if (!file.startsWith(normalize(root) + sep)) return new Response('forbidden', { status: 403 });
  try {
    if (!(await stat(file)).isFile()) return new Response('not found', { status: 404 });
    const body = await readFile(file);
    return new Response(new Uint8Array(body), {
      headers: { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'cache-control': cacheControl, 'content-length': String(body.byteLength), ...extraHeaders },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
