// Benchmark: paint-document stroke rasterization (@paintscape/core doc area).
// Build first: `pnpm --filter @paintscape/core build`. Prints one JSON object.
// Baseline, measured in the same run: writing exactly the same pixels with plain
// Uint8Array.fill over each stroke's row runs (the minimum cost of touching those pixels).
import * as Y from 'yjs';
import { applyOp, replay, createSegMap, PaintDocument, initRoom } from '@paintscape/core';

const SIZE = 512;
const POINTS = 32;
const RADIUS = 12;
const INCREMENTAL_STROKES = 2000;
const REPLAY_STROKES = 10_000;
const LABELS = 20;

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pointer-like strokes: a random walk with 2–8 px steps, clamped to the map. */
function makeStrokes(count, seed) {
  const rand = prng(seed);
  const clamp = (v) => Math.max(0, Math.min(SIZE - 1, Math.round(v)));
  const strokes = [];
  for (let s = 0; s < count; s++) {
    let x = rand() * SIZE, y = rand() * SIZE, heading = rand() * 2 * Math.PI;
    const points = [];
    for (let i = 0; i < POINTS; i++) {
      points.push(clamp(x), clamp(y));
      heading += (rand() - 0.5) * 0.8;
      const step = 2 + rand() * 6;
      x += Math.cos(heading) * step;
      y += Math.sin(heading) * step;
    }
    strokes.push({ kind: 'stroke', label: s % LABELS, radius: RADIUS, points });
  }
  return strokes;
}

/** Row runs [start, end) of the pixels each stroke covers (rasterized once on a blank map). */
function runsOf(stroke) {
  const map = createSegMap(SIZE, SIZE, { fill: 255 });
  const rect = applyOp(map, { ...stroke, label: 0 });
  const runs = [];
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    let x = rect.x;
    const end = rect.x + rect.width;
    while (x < end) {
      if (map.data[y * SIZE + x] !== 0) { x++; continue; }
      const start = x;
      while (x < end && map.data[y * SIZE + x] === 0) x++;
      runs.push(y * SIZE + start, y * SIZE + x);
    }
  }
  return Int32Array.from(runs);
}

/**
 * Process CPU time (user + system, µs) of fn: the machine is shared, and wall-clock time mostly
 * measures other processes; CPU time still includes our GC and allocation costs.
 */
function time(fn) {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return d.user + d.system;
}


const strokes = makeStrokes(REPLAY_STROKES, 42);
const runs = strokes.map(runsOf);
const pixelsPerStroke = runs.reduce((n, r) => { for (let i = 0; i < r.length; i += 2) n += r[i + 1] - r[i]; return n; }, 0) / strokes.length;

// --- incremental: one stroke applied to a live raster
const incStrokes = strokes.slice(0, INCREMENTAL_STROKES);
const incRuns = runs.slice(0, INCREMENTAL_STROKES);
const raster = createSegMap(SIZE, SIZE, { fill: 255 });
const plain = new Uint8Array(SIZE * SIZE).fill(255);
const fillRuns = (data, list, labelOf) => {
  for (let s = 0; s < list.length; s++) {
    const r = list[s];
    const label = labelOf(s);
    for (let i = 0; i < r.length; i += 2) data.fill(label, r[i], r[i + 1]);
  }
};
/** Median of per-round ratios, timing ours and the baseline back to back in each round (robust on a busy machine). */
function interleaved(rounds, ours, baseline) {
  const ratios = [], oursUs = [], baseUs = [];
  for (let i = 0; i < rounds; i++) {
    const a = time(ours), b = time(baseline);
    oursUs.push(a); baseUs.push(b); ratios.push(a / b);
  }
  const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
  return { oursUs: median(oursUs), baseUs: median(baseUs), ratio: median(ratios) };
}

const BATCH = 100;
const batches = [];
for (let i = 0; i + BATCH <= INCREMENTAL_STROKES; i += BATCH) batches.push([incStrokes.slice(i, i + BATCH), incRuns.slice(i, i + BATCH)]);
// warm-up both paths
for (let k = 0; k < 2; k++) {
  for (const s of incStrokes) applyOp(raster, s);
  fillRuns(plain, incRuns, (s) => s % LABELS);
}
let next = 0;
const inc = interleaved(
  batches.length * 3,
  () => { const [list] = batches[next % batches.length]; for (const s of list) applyOp(raster, s); },
  () => { const [, list] = batches[next++ % batches.length]; fillRuns(plain, list, (s) => s % LABELS); },
);
const incOursUs = inc.oursUs / BATCH;
const incBaseUs = inc.baseUs / BATCH;

// --- live document: paint() = validate + encode + Yjs append + incremental apply
const ydoc = new Y.Doc();
initRoom(ydoc, { width: SIZE, height: SIZE, labelSetId: 'bench', labelCount: LABELS });
const doc = new PaintDocument(ydoc);
let nextPaint = 0;
const paint = interleaved(
  batches.length,
  () => { const [list] = batches[nextPaint % batches.length]; for (const s of list) doc.paint(s); },
  () => { const [, list] = batches[nextPaint++ % batches.length]; fillRuns(plain, list, (s) => s % LABELS); },
);
const paintUs = paint.oursUs / BATCH;

// --- full replay of 10 000 strokes
const base = createSegMap(SIZE, SIZE, { fill: 255 });
replay(base, strokes.slice(0, 500)); // warm-up
const rep = interleaved(
  3,
  () => replay(base, strokes),
  () => { const data = new Uint8Array(SIZE * SIZE).fill(255); fillRuns(data, runs, (s) => s % LABELS); },
);
const replayUs = rep.oursUs;
const replayBaseUs = rep.baseUs;

// --- a peer loading a room whose log holds the 10 000 strokes (decode + replay + checkpoints)
const big = new Y.Doc();
initRoom(big, { width: SIZE, height: SIZE, labelSetId: 'bench', labelCount: LABELS });
const writer = new PaintDocument(big);
for (const s of strokes) writer.paint(s);
const update = Y.encodeStateAsUpdate(big);
let loaded;
const loadUs = time(() => {
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, update);
  loaded = new PaintDocument(fresh);
});
const identical = Buffer.compare(Buffer.from(loaded.raster.data), Buffer.from(writer.raster.data)) === 0;

const round = (v, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
console.log(JSON.stringify({
  bench: 'core-doc-strokes',
  clock: 'process CPU time; ratios are medians of back-to-back rounds',
  map: `${SIZE}x${SIZE}`,
  stroke: { points: POINTS, radius: RADIUS, meanPixels: round(pixelsPerStroke, 0) },
  incremental: {
    applyOpUsPerStroke: round(incOursUs),
    plainFillUsPerStroke: round(incBaseUs),
    ratioVsPlainFill: round(inc.ratio),
    paintDocumentUsPerStroke: round(paintUs),
    paintRatioVsPlainFill: round(paint.ratio),
  },
  replay: {
    strokes: REPLAY_STROKES,
    replayMs: round(replayUs / 1000),
    plainFillMs: round(replayBaseUs / 1000),
    ratioVsPlainFill: round(rep.ratio),
    loadDocumentMs: round(loadUs / 1000),
    loadRatioVsPlainFill: round(loadUs / replayBaseUs),
    encodedLogBytes: update.length,
    loadedRasterIdentical: identical,
  },
}));
