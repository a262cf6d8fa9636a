import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PaintDocument, initRoom, replayRoom, type PaintOp } from './index.js';

/**
 * Convergence property test: 3 peers with separate Y.Docs paint, undo, redo and compact at
 * random while updates are delivered in random order and partially; after full delivery all
 * peers must hold byte-identical rasters equal to a fresh replay of the final log, and every
 * live raster must equal a fresh replay of its own doc at every check point along the way.
 * Reproduce a failure with DOC_SEED=<printed seed>; explore with DOC_BASE_SEED=n DOC_ITERATIONS=m.
 */
const BASE_SEED = Number(process.env.DOC_SEED ?? process.env.DOC_BASE_SEED ?? 0x5eed2026);
// DOC_SEED replays one scenario; DOC_BASE_SEED + DOC_ITERATIONS explore more.
const ITERATIONS = process.env.DOC_SEED ? 1 : Number(process.env.DOC_ITERATIONS ?? 200);
const STEPS = 40;
const W = 24;
const H = 18;
const LABELS = 6;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomOp(rand: () => number): PaintOp {
  const int = (n: number) => Math.floor(rand() * n);
  const label = () => (rand() < 0.1 ? 255 : int(LABELS));
  const points = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? int(W) : int(H)));
  const k = rand();
  if (k < 0.35) return { kind: 'stroke', label: int(LABELS), radius: int(4), points: points(2 * (1 + int(5))) };
  if (k < 0.45) return { kind: 'line', label: label(), radius: int(3), x0: int(W), y0: int(H), x1: int(W), y1: int(H) };
  if (k < 0.55) return { kind: 'rect', label: label(), filled: rand() < 0.5, radius: int(2), x0: int(W), y0: int(H), x1: int(W), y1: int(H) };
  if (k < 0.65) return { kind: 'polygon', label: label(), filled: rand() < 0.6, radius: int(2), points: points(2 * (3 + int(4))) };
  if (k < 0.82) return { kind: 'fill', label: label(), x: int(W), y: int(H) };
  if (k < 0.95) return { kind: 'erase', radius: int(3), points: points(2 * (1 + int(3))) };
  return { kind: 'clear', label: label() };
}

interface Peer {
  ydoc: Y.Doc;
  doc: PaintDocument;
  /** Updates from other peers not yet delivered to this one. */
  inbox: Uint8Array[];
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function runScenario(seed: number): void {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const errors: unknown[] = [];
  const peers: Peer[] = [0, 1, 2].map(() => {
    const ydoc = new Y.Doc();
    const doc = new PaintDocument(ydoc, { tuning: { checkpointInterval: 1 + int(6), maxCheckpoints: 1 + int(4) } });
    doc.on('error', (e) => errors.push(e));
    return { ydoc, doc, inbox: [] };
  });
  for (const p of peers) {
    p.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'delivery') return;
      for (const q of peers) if (q !== p) q.inbox.push(update);
    });
  }
  // Usually one creator; sometimes two peers init concurrently with different fills.
  initRoom(peers[0]!.ydoc, { width: W, height: H, labelSetId: 'prop', labelCount: LABELS, fill: 0 });
  if (rand() < 0.2) initRoom(peers[1]!.ydoc, { width: W, height: H, labelSetId: 'prop', labelCount: LABELS, fill: 1 });

  const deliverOne = (p: Peer): void => {
    if (p.inbox.length === 0) return;
    const [update] = p.inbox.splice(int(p.inbox.length), 1);
    Y.applyUpdate(p.ydoc, update!, 'delivery');
  };
  const checkLive = (p: Peer): void => {
    const fresh = replayRoom(p.ydoc);
    if (fresh === null) { expect(p.doc.raster).toBeNull(); return; }
    if (!sameBytes(p.doc.raster!.data, fresh.data)) throw new Error('live raster differs from a fresh replay of its own doc');
  };

  for (let step = 0; step < STEPS; step++) {
    const p = peers[int(3)]!;
    const action = rand();
    if (action < 0.45) {
      if (p.doc.meta) p.doc.paint(randomOp(rand));
    } else if (action < 0.53) {
      p.doc.undo();
    } else if (action < 0.57) {
      p.doc.redo();
    } else if (action < 0.62) {
      if (p.doc.meta) p.doc.compact(int(p.doc.opCount + 1));
    } else if (action < 0.92) {
      for (let n = 1 + int(3); n > 0; n--) deliverOne(p);
    } else {
      // a full state-vector sync between two peers (like a reconnect)
      const q = peers[int(3)]!;
      if (q !== p) Y.applyUpdate(q.ydoc, Y.encodeStateAsUpdate(p.ydoc, Y.encodeStateVector(q.ydoc)), 'delivery');
    }
    if (step % 5 === 0) checkLive(p);
  }
  // Deliver everything that is left, in random order.
  for (const p of peers) while (p.inbox.length > 0) deliverOne(p);
  for (const p of peers) checkLive(p);

  const fresh = replayRoom(peers[0]!.ydoc)!;
  for (const p of peers) {
    if (!sameBytes(p.doc.raster!.data, fresh.data)) throw new Error('peers did not converge');
    expect(p.doc.meta).toEqual(peers[0]!.doc.meta);
  }
  // A late joiner that loads the final state sees the same raster.
  const late = new Y.Doc();
  Y.applyUpdate(late, Y.encodeStateAsUpdate(peers[1]!.ydoc));
  const lateDoc = new PaintDocument(late);
  if (!sameBytes(lateDoc.raster!.data, fresh.data)) throw new Error('late joiner differs');
  expect(errors).toEqual([]);
  for (const p of peers) p.doc.destroy();
  lateDoc.destroy();
}

describe('convergence property', () => {
  it(`${ITERATIONS} random 3-peer scenarios converge to byte-identical rasters (base seed ${BASE_SEED})`, () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const seed = (BASE_SEED + i * 0x9e3779b1) >>> 0;
      try {
        runScenario(seed);
      } catch (error) {
        throw new Error(`convergence failed for DOC_SEED=${seed}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  }, 600_000);
});
