#!/usr/bin/env node
// Server sync latency: p50/p99 from one client's document update to its receipt by every other
// client of the room, with 2, 10 and 50 clients in a room and 200 rooms × 5 clients, against a
// baseline measured in the same run: a bare `ws` relay that forwards the same bytes without
// Yjs or persistence. The server persists to SQLite (synchronous=FULL, the default) before it
// relays. Also: server memory per loaded room (256×256 paint document with 20 ops).
// Loopback only; updates are paced (the next is sent once all receivers have the previous).
// Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { initRoom, PaintDocument } from '@paintscape/core';
import { createServer } from '@paintscape/server';

const serverDir = dirname(dirname(fileURLToPath(import.meta.resolve('@paintscape/server'))));
const fromServer = (path) => import(pathToFileURL(join(serverDir, 'node_modules', path)).href);
const encoding = await fromServer('lib0/encoding.js');
const decoding = await fromServer('lib0/decoding.js');
const syncProtocol = await fromServer('y-protocols/sync.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Minimal y-websocket client: answers sync step 1, applies updates, reports receipts. */
class LightClient {
  constructor(url, onReceipt) {
    this.doc = new Y.Doc();
    this.onReceipt = onReceipt;
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ready = new Promise((resolve, reject) => {
      this.ws.on('open', () => {
        // Like a stock provider: ask for the server's state.
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep1(e, this.doc);
        this.ws.send(encoding.toUint8Array(e));
        resolve();
      });
      this.ws.on('error', reject);
    });
    this.ws.on('message', (data) => this.receive(new Uint8Array(data)));
    this.doc.on('update', (update, origin) => {
      if (origin === this) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
      this.ws.send(encoding.toUint8Array(e));
    });
  }
  receive(bytes) {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== 0) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, 0);
    syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
    if (encoding.length(reply) > 1) this.ws.send(encoding.toUint8Array(reply));
    const stamp = this.doc.getMap('bench').get('stamp');
    if (stamp && stamp.seq !== this.lastSeq) {
      this.lastSeq = stamp.seq;
      this.onReceipt(stamp);
    }
  }
  send(seq) {
    this.doc.getMap('bench').set('stamp', { seq, t: performance.now() });
  }
  close() {
    this.ws.close();
    this.doc.destroy();
  }
}

/** Baseline client for the relay: sends the same encoded update bytes, no Yjs on receipt. */
class RelayClient {
  constructor(url, onReceipt) {
    this.ws = new WebSocket(url);
    this.onReceipt = onReceipt;
    this.ready = new Promise((resolve, reject) => {
      this.ws.on('open', resolve);
      this.ws.on('error', reject);
    });
    this.ws.on('message', (data) => {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      this.onReceipt({ seq: view.getUint32(0), t: view.getFloat64(4) });
    });
    this.padding = new Uint8Array(48); // about the size of a small Yjs update message
  }
  send(seq) {
    const bytes = new Uint8Array(12 + this.padding.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, seq);
    view.setFloat64(4, performance.now());
    this.ws.send(bytes);
  }
  close() {
    this.ws.close();
  }
}

function relayServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const rooms = new Map();
  wss.on('connection', (ws, req) => {
    const room = req.url ?? '/';
    if (!rooms.has(room)) rooms.set(room, new Set());
    const peers = rooms.get(room);
    peers.add(ws);
    ws.on('message', (data) => {
      for (const peer of peers) if (peer !== ws) peer.send(data);
    });
    ws.on('close', () => peers.delete(ws));
  });
  return new Promise((resolve) => wss.on('listening', () => resolve({ wss, port: wss.address().port })));
}

/** Runs `updatesPerRoom` paced updates in each of `rooms` rooms of `clientsPerRoom` clients. */
async function scenario(name, makeClient, urlFor, rooms, clientsPerRoom, updatesPerRoom) {
  const latencies = [];
  let pending = 0;
  let wake = null;
  const groups = [];
  for (let r = 0; r < rooms; r++) {
    const group = [];
    for (let c = 0; c < clientsPerRoom; c++) {
      group.push(makeClient(urlFor(`${name}-${r}`), (stamp) => {
        latencies.push(performance.now() - stamp.t);
        if (--pending === 0 && wake) wake();
      }));
    }
    groups.push(group);
  }
  await Promise.all(groups.flat().map((c) => c.ready));
  await new Promise((r) => setTimeout(r, 200)); // initial sync settles
  latencies.length = 0;
  let seq = 1;
  for (let u = 0; u < updatesPerRoom; u++) {
    for (const group of groups) {
      pending = group.length - 1;
      const done = new Promise((resolve) => (wake = resolve));
      group[u % group.length].send(seq++);
      await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    }
  }
  for (const c of groups.flat()) c.close();
  return { p50Ms: round(percentile(latencies, 50), 3), p99Ms: round(percentile(latencies, 99), 3), receipts: latencies.length };
}

async function memoryPerRoom(dataDir) {
  const server = await createServer({ port: 0, host: '127.0.0.1', dataDir, modelDirs: [], log: () => {}, roomGraceMs: 600_000 });
  const source = new Y.Doc();
  initRoom(source, { width: 256, height: 256, labelSetId: 'landscape', labelCount: 13, fill: 0 });
  const paint = new PaintDocument(source);
  for (let i = 0; i < 20; i++) paint.paint({ kind: 'rect', label: i % 13, filled: true, x0: i * 8, y0: 0, x1: i * 8 + 40, y1: 255 });
  const state = Y.encodeStateAsUpdate(source);
  const ROOMS = 200;
  const measure = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external + m.arrayBuffers;
  };
  const before = measure();
  for (let i = 0; i < ROOMS; i++) Y.applyUpdate(server.rooms.acquire(`mem-${i}`).doc, state, 'bench');
  await new Promise((r) => setTimeout(r, 300));
  const after = measure();
  await server.close();
  return { rooms: ROOMS, bytesPerRoom: Math.round((after - before) / ROOMS), stateBytes: state.length };
}

const dir = mkdtempSync(join(tmpdir(), 'paintscape-bench-sync-'));
try {
  const server = await createServer({
    port: 0, host: '127.0.0.1', dataDir: join(dir, 'latency'), modelDirs: [], log: () => {},
    limits: { maxClientsPerRoom: 64, updatesPerSecond: 1e6, updateBurst: 1e6 },
  });
  const relay = await relayServer();
  const syncUrl = (room) => `ws://127.0.0.1:${server.port}/sync/${room}`;
  const relayUrl = (room) => `ws://127.0.0.1:${relay.port}/${room}`;
  const plans = [
    { name: 'room2', rooms: 1, clients: 2, updates: 200 },
    { name: 'room10', rooms: 1, clients: 10, updates: 100 },
    { name: 'room50', rooms: 1, clients: 50, updates: 40 },
    { name: 'rooms200x5', rooms: 200, clients: 5, updates: 2 },
  ];
  const results = {};
  const ratios = {};
  for (const plan of plans) {
    const baseline = await scenario(plan.name, (u, f) => new RelayClient(u, f), relayUrl, plan.rooms, plan.clients, plan.updates);
    const paintscape = await scenario(plan.name, (u, f) => new LightClient(u, f), syncUrl, plan.rooms, plan.clients, plan.updates);
    results[plan.name] = { clientsPerRoom: plan.clients, rooms: plan.rooms, server: paintscape, wsRelayBaseline: baseline };
    ratios[`${plan.name}P50VsRelay`] = round(paintscape.p50Ms / baseline.p50Ms);
    ratios[`${plan.name}P99VsRelay`] = round(paintscape.p99Ms / baseline.p99Ms);
  }
  relay.wss.close();
  await server.close();
  // The durability trade-off: the same 10-client room with synchronous=NORMAL and in memory.
  const variants = {};
  for (const [name, extra] of [['sqliteNormal', { dataDir: join(dir, 'normal'), sqliteSync: 'normal' }], ['memory', { dataDir: null }]]) {
    const other = await createServer({ port: 0, host: '127.0.0.1', modelDirs: [], log: () => {}, limits: { updatesPerSecond: 1e6, updateBurst: 1e6 }, ...extra });
    variants[name] = await scenario(`v-${name}`, (u, f) => new LightClient(u, f), (room) => `ws://127.0.0.1:${other.port}/sync/${room}`, 1, 10, 100);
    await other.close();
    ratios[`room10${name[0].toUpperCase()}${name.slice(1)}P50VsFull`] = round(variants[name].p50Ms / results.room10.server.p50Ms);
  }
  const memory = await memoryPerRoom(join(dir, 'memory'));
  process.stdout.write(JSON.stringify({ persistence: 'sqlite synchronous=FULL', latency: results, room10PersistenceVariants: variants, memory, ratios }) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
