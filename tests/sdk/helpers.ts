/** Shared setup for the SDK integration tests: a real server, SDK clients over real sockets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServer, type PaintscapeServer, type ServerOptionsInput } from '@paintscape/server';
import { connect, type Room, type RoomOptions, type WebSocketConstructor } from '@paintscape/client-sdk';
import { writeTinyModel } from './tiny-model.js';

export interface TestServer {
  server: PaintscapeServer;
  url: string;
  port: number;
  dataDir: string;
  modelDir: string;
  /** Stops the server (clients see the socket close). */
  stop(): Promise<void>;
  /** Starts a fresh server process-equivalent on the same port and data directory. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestServer(overrides: ServerOptionsInput = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'paintscape-sdk-test-'));
  const modelDir = writeTinyModel(join(root, 'models', 'tiny'));
  const dataDir = join(root, 'data');
  const options = (port: number): ServerOptionsInput => ({
    port,
    host: '127.0.0.1',
    dataDir,
    modelDirs: [modelDir],
    device: 'cpu',
    log: () => {},
    ...overrides,
    limits: { rendersPerSecond: 1000, renderBurst: 1000, ...overrides.limits },
  });
  let server = await createServer(options(0));
  const port = server.port;
  let running = true;
  const handle: TestServer = {
    get server() {
      return server;
    },
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    modelDir,
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async restart() {
      await handle.stop();
      server = await createServer(options(port));
      running = true;
    },
    async cleanup() {
      await handle.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return handle;
}

let clientCounter = 0;

/** An SDK client in Node (ws as the WebSocket), reconnecting quickly for tests. */
export function connectClient(url: string, room: string, options: Partial<RoomOptions> = {}): Room {
  clientCounter++;
  return connect({
    server: url,
    room,
    user: { name: `client-${clientCounter}`, color: '#3366ff' },
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    maxReconnectDelayMs: 200,
    ...options,
  });
}

/** Polls `condition` every 10 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function mapsEqual(a: Room, b: Room): boolean {
  const x = a.map.data;
  const y = b.map.data;
  if (a.map.width !== b.map.width || a.map.height !== b.map.height || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export function countLabel(room: Room, label: number): number {
  let count = 0;
  for (const value of room.map.data) if (value === label) count++;
  return count;
}

/** Mean absolute difference of the RGB channels, in 0–255 units. */
export function meanAbsDiff(a: Uint8ClampedArray | Uint8Array, b: Uint8ClampedArray | Uint8Array): number {
  if (a.length !== b.length) throw new Error(`image sizes differ: ${a.length} vs ${b.length} bytes`);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    sum += Math.abs(a[i]! - b[i]!);
    count++;
  }
  return sum / count;
}
