/**
 * Protocol fuzzing: several sockets send thousands of random and mutated y-websocket
 * messages while two honest stock clients edit. The server must stay up, keep serving, and
 * the honest clients (and a late joiner) must converge. Seeds are in the test names; add a
 * once-failing seed to SEEDS to keep it as a regression case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { connectClient, rawSocket, seededRandom, startServer, waitFor, waitSynced, wsUrl } from './helpers.js';

const SEEDS = process.env['FUZZ_SEED'] ? [Number(process.env['FUZZ_SEED'])] : [1, 7, 42];
const SOCKETS = 4;
const MESSAGES_PER_SOCKET = 400;

function validMessages(random: () => number): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  for (let i = 0; i < 6; i++) {
    const before = Y.encodeStateVector(doc);
    if (random() < 0.5) doc.getText('t').insert(0, 'x'.repeat(1 + Math.floor(random() * 20)));
    else doc.getArray('a').push([Math.floor(random() * 1000), { nested: 'v' }]);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before));
    out.push(encoding.toUint8Array(e));
  }
  const step1 = encoding.createEncoder();
  encoding.writeVarUint(step1, 0);
  syncProtocol.writeSyncStep1(step1, doc);
  out.push(encoding.toUint8Array(step1));
  const step2 = encoding.createEncoder();
  encoding.writeVarUint(step2, 0);
  syncProtocol.writeSyncStep2(step2, doc);
  out.push(encoding.toUint8Array(step2));
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ cursor: random() });
  const aw = encoding.createEncoder();
  encoding.writeVarUint(aw, 1);
  encoding.writeVarUint8Array(aw, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
  out.push(encoding.toUint8Array(aw));
  awareness.destroy();
  out.push(Uint8Array.of(3), Uint8Array.of(2, 0), Uint8Array.of(100, 0, 0));
  return out;
}

function mutate(message: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(message);
  const kind = Math.floor(random() * 7);
  switch (kind) {
    case 0: // flip bytes
      for (let i = 0; i < 1 + random() * 4; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      break;
    case 1: // truncate
      bytes.length = Math.floor(random() * bytes.length);
      break;
    case 2: // insert garbage
      bytes.splice(Math.floor(random() * bytes.length), 0, ...Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)));
      break;
    case 3: // huge varuint length after the header
      bytes.splice(2, 0, 0xff, 0xff, 0xff, 0xff, 0x0f);
      break;
    case 4: // random tag
      bytes[0] = Math.floor(random() * 256);
      break;
    case 5: // pure noise
      return Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
    default: // unchanged valid message
      break;
  }
  return Uint8Array.from(bytes);
}

describe('protocol fuzz', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  for (const seed of SEEDS) {
    it(`server survives mutated messages and honest clients converge (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      let honestEdits = 0;
      const server = await startServer({ limits: { updatesPerSecond: 1e6, updateBurst: 1e6 } });
      cleanup.push(() => server.close());
      const url = wsUrl(server);
      const a = connectClient(url, 'fuzz');
      const b = connectClient(url, 'fuzz');
      cleanup.push(() => a.destroy(), () => b.destroy());
      await Promise.all([waitSynced(a), waitSynced(b)]);
      const corpus = validMessages(random);
      let sentTotal = 0;
      let closedByServer = 0;
      const fuzzers = Array.from({ length: SOCKETS }, async (_, s) => {
        // One generator per socket: each socket's message sequence depends only on the seed.
        const random = seededRandom(seed * 1000 + s);
        let socket = rawSocket(`${url}/fuzz`);
        for (let i = 0; i < MESSAGES_PER_SOCKET; i++) {
          try {
            await socket.opened;
          } catch {
            socket = rawSocket(`${url}/fuzz`);
            continue;
          }
          if (socket.ws.readyState !== socket.ws.OPEN) {
            closedByServer++;
            socket = rawSocket(`${url}/fuzz`);
            continue;
          }
          socket.ws.send(mutate(corpus[Math.floor(random() * corpus.length)]!, random));
          sentTotal++;
          if (i % 8 === s % 8) {
            // honest edits interleaved with the fuzz
            (i % 2 === 0 ? a : b).doc.getArray<string>('honest').push([`${s}-${i}`]);
            honestEdits++;
          }
          if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        socket.ws.close();
      });
      await Promise.all(fuzzers);
      expect(sentTotal).toBeGreaterThan(SOCKETS * MESSAGES_PER_SOCKET * 0.5);
      expect(closedByServer).toBeGreaterThan(0); // malformed input was refused
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const honest = (d: Y.Doc): string => JSON.stringify(d.getArray('honest').toJSON());
      const everything = (d: Y.Doc): string => JSON.stringify(Y.encodeStateVector(d)) + honest(d) + d.getText('t').toString();
      await waitFor(() => everything(a.doc) === everything(b.doc) && a.doc.getArray('honest').length === honestEdits, 'honest clients to converge', 20_000);
      const late = connectClient(url, 'fuzz');
      cleanup.push(() => late.destroy());
      await waitSynced(late);
      await waitFor(() => honest(late.doc) === honest(a.doc), 'late joiner to converge');
    }, 60_000);
  }
});
