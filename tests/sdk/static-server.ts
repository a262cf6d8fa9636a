/**
 * Tiny static file server for browser tests: maps URL prefixes to folders and sends the
 * cross-origin isolation headers (COOP/COEP) that wasm threads need.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** `mounts`: URL prefix ('/', '/sdk/') → folder. Longest prefix wins. */
export async function startStaticServer(mounts: Record<string, string>, options: { crossOriginIsolated?: boolean } = {}): Promise<StaticServer> {
  const isolated = options.crossOriginIsolated ?? true;
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const mount = entries.find(([prefix]) => path.startsWith(prefix));
      const headers: Record<string, string> = isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'cross-origin' }
        : {};
      if (!mount) {
        response.writeHead(404, headers).end('not found');
        return;
      }
      const root = resolve(mount[1]);
      let file = normalize(join(root, path.slice(mount[0].length)));
      if (!file.startsWith(root)) {
        response.writeHead(403, headers).end('forbidden');
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        const body = await readFile(file);
        response.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
      } catch {
        response.writeHead(404, headers).end('not found');
      }
    })();
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
