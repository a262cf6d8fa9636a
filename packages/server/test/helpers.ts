/** Shared test harness: servers on free ports, stock y-websocket clients, raw sockets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createServer, type PaintscapeServer, type ServerOptionsInput } from '../src/index.js';

export const quietLog = (): void => {};

export function tempDir(prefix = 'paintscape-server-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startServer(options: ServerOptionsInput = {}): Promise<PaintscapeServer> {
  return createServer({ port: 0, host: '127.0.0.1', dataDir: null, modelDirs: [], log: quietLog, ...options });
}

export function wsUrl(server: { port: number }): string {
  return `ws://127.0.0.1:${server.port}/sync`;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy: () => void;
}

/** A stock y-websocket client (unchanged WebsocketProvider with the `ws` polyfill). */
export function connectClient(serverUrl: string, room: string, params: Record<string, string> = {}, doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(serverUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params,
    maxBackoffTime: 200,
  });
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves once `predicate` holds (polled); rejects after `timeoutMs` with `what`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function waitSynced(client: TestClient): Promise<void> {
  return waitFor(() => client.provider.synced, 'provider sync');
}

/** A raw socket; collects messages and the close event. */
export interface RawSocket {
  ws: WebSocket;
  messages: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

export function rawSocket(url: string, options: WebSocket.ClientOptions = {}): RawSocket {
  const ws = new WebSocket(url, options);
  const messages: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => {});
  return { ws, messages, closed, opened };
}

import { seededRandom } from '@paintscape/core';

export { seededRandom };
