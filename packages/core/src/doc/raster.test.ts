import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSegMap, type SegMap } from '../segmap/segmap.js';
import { applyOp, replay, unionRect, type PaintOp } from './index.js';
import { PaintscapeError } from '../errors.js';

interface GoldenCase { name: string; width: number; height: number; fill: number; ops: PaintOp[]; rows: string[] }
const goldens = JSON.parse(readFileSync(new URL('../../test-fixtures/doc/goldens.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

function rowsOf(raster: SegMap): string[] {
  const rows: string[] = [];
  for (let y = 0; y < raster.height; y++) {
    let row = '';
    for (let x = 0; x < raster.width; x++) { const v = raster.data[y * raster.width + x]!; row += v === 255 ? '.' : v.toString(36); }
    rows.push(row);
  }
  return rows;
}

/** Seeded PRNG (mulberry32). */
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

/** Brute-force reference of the protocol's brush predicate, in BigInt (no overflow shortcuts). */
function refCapsule(px: number, py: number, ax: number, ay: number, bx: number, by: number, r: number): boolean {
  const [PX, PY, AX, AY, BX, BY, R] = [px, py, ax, ay, bx, by, r].map(BigInt) as bigint[];
  const dx = BX! - AX!, dy = BY! - AY!, wx = PX! - AX!, wy = PY! - AY!;
  const len2 = dx * dx + dy * dy;
  const t = wx * dx + wy * dy;
  if (len2 === 0n || t <= 0n) return wx * wx + wy * wy <= R! * R!;
  if (t >= len2) return (PX! - BX!) ** 2n + (PY! - BY!) ** 2n <= R! * R!;
  const cross = wx * dy - wy * dx;
  return cross * cross <= R! * R! * len2;
}

/** Brute-force even-odd reference: count edges whose crossing c (rational) satisfies c ≤ x. */
function refPolygon(px: number, py: number, pts: number[]): boolean {
  const n = pts.length / 2;
  let inside = false;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const x0 = pts[2 * i]!, y0 = pts[2 * i + 1]!, x1 = pts[2 * j]!, y1 = pts[2 * j + 1]!;
    if (y0 === y1) continue;
    if (py < Math.min(y0, y1) || py >= Math.max(y0, y1)) continue;
    // c ≤ px  ⇔  x0·(y1−y0) + (py−y0)(x1−x0) ≤ px·(y1−y0) with the sign of (y1−y0)
    const num = BigInt(x0) * BigInt(y1 - y0) + BigInt(py - y0) * BigInt(x1 - x0);
    const rhs = BigInt(px) * BigInt(y1 - y0);
    if (y1 - y0 > 0 ? num <= rhs : num >= rhs) inside = !inside;
  }
  return inside;
}

function floatDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function int(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

describe('golden rasters (test-fixtures/doc/goldens.json, verified by eye)', () => {
  it('has a golden for every op kind', () => {
    const kinds = new Set(goldens.cases.flatMap((c) => c.ops.map((op) => op.kind)));
    expect([...kinds].sort()).toEqual(['clear', 'erase', 'fill', 'line', 'polygon', 'rect', 'stroke']);
  });
  for (const c of goldens.cases) {
    it(c.name, () => {
      const out = replay(createSegMap(c.width, c.height, { fill: c.fill }), c.ops);
      expect(rowsOf(out)).toEqual(c.rows);
    });
  }
});

describe('rasterization matches the brute-force protocol predicates', () => {
  it('strokes (random polylines and radii, including radius 0 and map edges)', () => {
    const seed = 0xc0ffee;
    const rand = prng(seed);
    for (let trial = 0; trial < 250; trial++) {
      const w = 8 + Math.floor(rand() * 40), h = 8 + Math.floor(rand() * 40);
      const n = 1 + Math.floor(rand() * 4);
      const pts: number[] = [];
      for (let i = 0; i < n; i++) pts.push(Math.floor(rand() * w), Math.floor(rand() * h));
      const radius = Math.floor(rand() * 9);
      const map = createSegMap(w, h);
      const dirty = applyOp(map, { kind: 'stroke', label: 1, radius, points: pts });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        let want = false;
        if (n === 1) want = refCapsule(x, y, pts[0]!, pts[1]!, pts[0]!, pts[1]!, radius);
        for (let i = 0; i + 1 < n && !want; i++) want = refCapsule(x, y, pts[2 * i]!, pts[2 * i + 1]!, pts[2 * i + 2]!, pts[2 * i + 3]!, radius);
        const got = map.data[y * w + x] === 1;
        if (got !== want) throw new Error(`seed ${seed} trial ${trial}: pixel (${x},${y}) got ${got} want ${want} for ${JSON.stringify({ w, h, pts, radius })}`);
        if (got) {
          expect(dirty).not.toBeNull();
          expect(x >= dirty!.x && x < dirty!.x + dirty!.width && y >= dirty!.y && y < dirty!.y + dirty!.height).toBe(true);
        }
      }
    }
  }, 60_000);

  it('stroke coverage is exact at large coordinates (2048×2048, long diagonal segments)', () => {
    const map = createSegMap(2048, 2048);
    const pts = [3, 5, 2040, 2001, 7, 1500];
    applyOp(map, { kind: 'stroke', label: 2, radius: 7, points: pts });
    const rand = prng(7);
    for (let k = 0; k < 20000; k++) {
      const x = Math.floor(rand() * 2048), y = Math.floor(rand() * 2048);
      const want = refCapsule(x, y, 3, 5, 2040, 2001, 7) || refCapsule(x, y, 2040, 2001, 7, 1500, 7);
      expect(map.data[y * 2048 + x] === 2).toBe(want);
    }
    // and every pixel next to the segment line
    for (let x = 0; x < 2048; x += 3) {
      const yLine = Math.round(5 + ((x - 3) * 1996) / 2037);
      for (let y = yLine - 9; y <= yLine + 9; y++) {
        if (y < 0 || y >= 2048) continue;
        const want = refCapsule(x, y, 3, 5, 2040, 2001, 7) || refCapsule(x, y, 2040, 2001, 7, 1500, 7);
        expect(map.data[y * 2048 + x] === 2).toBe(want);
      }
    }
  }, 60_000);

  it('strokes on a maximum-width map (coordinates near 8192, thin radii)', () => {
    const rand = prng(99);
    const w = 8192, h = 24;
    for (let trial = 0; trial < 3; trial++) {
      const pts = [int(rand, w), int(rand, h), int(rand, w), int(rand, h), int(rand, w), int(rand, h)];
      const radius = int(rand, 4);
      const map = createSegMap(w, h);
      applyOp(map, { kind: 'stroke', label: 1, radius, points: pts });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x += 1) {
        const got = map.data[y * w + x] === 1;
        // cheap float pre-filter with a 1 px margin: far from both segments ⇒ must be uncovered
        const near = [0, 2].some((i) => floatDistance(x, y, pts[i]!, pts[i + 1]!, pts[i + 2]!, pts[i + 3]!) <= radius + 1);
        if (!near) { if (got) throw new Error(`trial ${trial}: far pixel (${x},${y}) painted`); continue; }
        const want = refCapsule(x, y, pts[0]!, pts[1]!, pts[2]!, pts[3]!, radius) || refCapsule(x, y, pts[2]!, pts[3]!, pts[4]!, pts[5]!, radius);
        if (got !== want) throw new Error(`trial ${trial}: pixel (${x},${y}) got ${got} for ${JSON.stringify({ pts, radius })}`);
      }
    }
  }, 60_000);

  it('filled polygons (random, including self-intersecting)', () => {
    const seed = 1234;
    const rand = prng(seed);
    for (let trial = 0; trial < 150; trial++) {
      const w = 8 + Math.floor(rand() * 40), h = 8 + Math.floor(rand() * 40);
      const n = 3 + Math.floor(rand() * 6);
      const pts: number[] = [];
      for (let i = 0; i < n; i++) pts.push(Math.floor(rand() * w), Math.floor(rand() * h));
      const map = createSegMap(w, h);
      applyOp(map, { kind: 'polygon', label: 3, filled: true, points: pts });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const want = refPolygon(x, y, pts);
        if ((map.data[y * w + x] === 3) !== want) throw new Error(`seed ${seed} trial ${trial}: pixel (${x},${y}) want ${want} for ${JSON.stringify({ w, h, pts })}`);
      }
    }
  }, 60_000);

  it('flood fill is 4-connected and uses the label present at that point of the log', () => {
    const map = createSegMap(6, 3, { fill: 0 });
    // checkerboard diagonal: (1,0) and (0,1) are label 1, so (0,0) is 4-isolated
    map.data.set([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dirty = applyOp(map, { kind: 'fill', label: 2, x: 0, y: 0 });
    expect(dirty).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    expect(Array.from(map.data.subarray(0, 6))).toEqual([2, 1, 0, 0, 0, 0]);
    expect(applyOp(map, { kind: 'fill', label: 2, x: 0, y: 0 })).toBeNull();
  });

  it('erase writes 65535 on Uint16 rasters', () => {
    const map = createSegMap(5, 5, { fill: 300, wide: true });
    applyOp(map, { kind: 'erase', radius: 0, points: [2, 2] });
    expect(map.data[12]).toBe(65535);
    expect(map.data[11]).toBe(300);
  });

  it('replay validates ops and does not mutate the base', () => {
    const base = createSegMap(4, 4, { fill: 0 });
    const out = replay(base, [{ kind: 'clear', label: 5 }]);
    expect(base.data[0]).toBe(0);
    expect(out.data[0]).toBe(5);
    expect(() => replay(base, [{ kind: 'fill', label: 1, x: 4, y: 0 }])).toThrow(PaintscapeError);
  });

  it('unionRect', () => {
    expect(unionRect(null, null)).toBeNull();
    expect(unionRect({ x: 1, y: 1, width: 2, height: 2 }, { x: 4, y: 0, width: 1, height: 1 })).toEqual({ x: 1, y: 0, width: 4, height: 3 });
  });
});
