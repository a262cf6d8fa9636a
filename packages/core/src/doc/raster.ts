import type { SegMap } from '../segmap/segmap.js';
import { validateOp, type OpContext, type PaintOp } from './ops.js';

/** Pixel rectangle: columns x..x+width-1, rows y..y+height-1. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Smallest rectangle containing both (null = empty). */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (a === null) return b;
  if (b === null) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The unlabeled value of a raster: 255 for Uint8 data, 65535 for Uint16 data. */
export function rasterUnlabeled(raster: SegMap): number {
  return raster.data instanceof Uint16Array ? 65535 : 255;
}

/** The context a bare raster validates ops against (any value of its data type is a label). */
export function rasterContext(raster: SegMap): OpContext {
  return { width: raster.width, height: raster.height, labelCount: rasterUnlabeled(raster) };
}

/** Accumulates the bounding box of written pixels. */
class DirtyBox {
  x0 = Infinity;
  y0 = Infinity;
  x1 = -Infinity;
  y1 = -Infinity;
  addSpan(y: number, xl: number, xr: number): void {
    if (xl < this.x0) this.x0 = xl;
    if (xr > this.x1) this.x1 = xr;
    if (y < this.y0) this.y0 = y;
    if (y > this.y1) this.y1 = y;
  }
  rect(): Rect | null {
    if (this.x1 < this.x0) return null;
    return { x: this.x0, y: this.y0, width: this.x1 - this.x0 + 1, height: this.y1 - this.y0 + 1 };
  }
}

/**
 * Float tolerance for span guesses. Every float below is a few operations on integers < 2^29,
 * so its error is < 1e-7 px; pixels farther than SPAN_EPSILON inside a guessed span are surely
 * covered, pixels farther outside surely not, and only pixels within SPAN_EPSILON of a guessed
 * edge are decided by the exact predicate.
 */
const SPAN_EPSILON = 1e-5;

/**
 * Rasterizes the union of capsules (discs of `radius` swept along each segment) of a polyline.
 *
 * Coverage is defined ONLY by the exact integer predicate `capsuleCovers` (PROTOCOL.md §Brush).
 * Floating point just computes each capsule's row span; a pixel centre within SPAN_EPSILON of a
 * span edge (ties, tangents) is settled by the exact predicate, so results are identical on
 * every engine.
 */
/** Growable scratch buffers reused across calls (JS is single-threaded; nothing is retained). */
const scratch = {
  i32: Array.from({ length: 13 }, () => new Int32Array(64)),
  f64: [new Float64Array(64)],
};
function i32(slot: number, size: number): Int32Array {
  if (scratch.i32[slot]!.length < size) scratch.i32[slot] = new Int32Array(Math.max(size, scratch.i32[slot]!.length * 2));
  return scratch.i32[slot]!;
}
function f64(slot: number, size: number): Float64Array {
  if (scratch.f64[slot]!.length < size) scratch.f64[slot] = new Float64Array(Math.max(size, scratch.f64[slot]!.length * 2));
  return scratch.f64[slot]!;
}

function paintPolyline(raster: SegMap, label: number, points: ArrayLike<number>, radius: number, closed: boolean, box: DirtyBox): void {
  const { width, height, data } = raster;
  const pointCount = points.length >> 1;
  if (pointCount === 0) return;
  // Segments, skipping consecutive duplicate points (their discs are already covered).
  const maxSegs = Math.max(1, pointCount - 1 + (closed ? 1 : 0));
  const ax = i32(0, maxSegs);
  const ay = i32(1, maxSegs);
  const sdx = i32(2, maxSegs);
  const sdy = i32(3, maxSegs);
  let segs = 0;
  const last = closed ? pointCount : pointCount - 1;
  for (let i = 0; i < last; i++) {
    const j = (i + 1) % pointCount;
    const x0 = points[2 * i]!, y0 = points[2 * i + 1]!, x1 = points[2 * j]!, y1 = points[2 * j + 1]!;
    if (x0 === x1 && y0 === y1) continue;
    ax[segs] = x0; ay[segs] = y0; sdx[segs] = x1 - x0; sdy[segs] = y1 - y0; segs++;
  }
  if (segs === 0) {
    ax[0] = points[0]!;
    ay[0] = points[1]!;
    sdx[0] = 0;
    sdy[0] = 0;
    segs = 1;
  }
  const r = radius;
  const r2 = r * r;
  const eps = SPAN_EPSILON;
  let minY = Infinity;
  let maxY = -Infinity;
  let cells = 0;
  for (let s = 0; s < segs; s++) {
    const top = Math.max(0, Math.min(ay[s]!, ay[s]! + sdy[s]!) - r);
    const bottom = Math.min(height - 1, Math.max(ay[s]!, ay[s]! + sdy[s]!) + r);
    if (top > bottom) continue;
    cells += bottom - top + 1;
    if (top < minY) minY = top;
    if (bottom > maxY) maxY = bottom;
  }
  if (cells === 0) return;
  const rowStart = minY;
  const rows = maxY - minY + 1;
  // Each row keeps one running merged span (rowL..rowR; empty when rowL > rowR). A capsule span
  // disjoint from it goes to the row's overflow list (rowHead → cell → cellNext), and only such
  // rows need a sort-and-merge pass; consecutive capsules overlap, so that is rare.
  const rowL = i32(4, rows).fill(0x3fffffff, 0, rows);
  const rowR = i32(11, rows).fill(-0x3fffffff, 0, rows);
  const rowHead = i32(12, rows).fill(-1, 0, rows);
  const cellL = i32(5, cells);
  const cellR = i32(6, cells);
  const cellNext = i32(7, cells);
  // halfWidth[d] = largest integer h with h² + d² ≤ r²: the exact disc row half-span.
  const halfWidth = i32(8, r + 1);
  for (let d = 0; d <= r; d++) {
    const v = r2 - d * d;
    let h = Math.floor(Math.sqrt(v));
    while (h * h > v) h--;
    while ((h + 1) * (h + 1) <= v) h++;
    halfWidth[d] = h;
  }
  let used = 0;

  for (let s = 0; s < segs; s++) {
    const sax = ax[s]!, say = ay[s]!, dx = sdx[s]!, dy = sdy[s]!;
    const len2 = dx * dx + dy * dy;
    const rl = r * Math.sqrt(len2);
    // Band edges per row as multiply-adds: x = wy·slope ± offset (no division per row).
    const tSlope = dx !== 0 ? -dy / dx : 0;
    const tWidth = dx !== 0 ? len2 / dx : 0;
    const cSlope = dy !== 0 ? dx / dy : 0;
    const cHalf = dy !== 0 ? rl / dy : 0;
    const top = Math.max(0, Math.min(say, say + dy) - r);
    const bottom = Math.min(height - 1, Math.max(say, say + dy) + r);
    for (let py = top; py <= bottom; py++) {
      // Integer row span of the capsule = union of the integer spans of both end discs (exact,
      // from the table) and of the band between them (float guess, edges settled exactly).
      let xl = 0x3fffffff; // Smi-range sentinels keep this loop in integer registers
      let xr = -0x3fffffff;
      const wy = py - say;
      if (wy <= r && wy >= -r) { const h = halfWidth[wy < 0 ? -wy : wy]!; xl = sax - h; xr = sax + h; }
      if (len2 > 0) {
        const d = wy - dy;
        if (d <= r && d >= -r) { const h = halfWidth[d < 0 ? -d : d]!, bx = sax + dx; if (bx - h < xl) xl = bx - h; if (bx + h > xr) xr = bx + h; }
        let lo = -Infinity;
        let hi = Infinity;
        let ok = true;
        // 0 ≤ wx·dx + wy·dy ≤ len2
        if (dx !== 0) {
          const a = wy * tSlope, b = a + tWidth;
          if (a < b) { lo = a; hi = b; } else { lo = b; hi = a; }
        } else {
          const t0 = -wy * dy;
          if (t0 > 0 || -t0 > len2) ok = false;
        }
        // |wx·dy − wy·dx| ≤ r·√len2
        if (dy !== 0) {
          const m = wy * cSlope;
          const a = m - cHalf, b = m + cHalf;
          if (a < b) { if (a > lo) lo = a; if (b < hi) hi = b; } else { if (b > lo) lo = b; if (a < hi) hi = a; }
        } else {
          const c0 = wy * dx;
          if (c0 > rl || -c0 > rl) ok = false;
        }
        if (ok && lo <= hi + 2 * eps) {
          const lf = sax + lo, rf = sax + hi;
          let bl = Math.ceil(lf - eps);
          let br = Math.floor(rf + eps);
          // Only if the band can extend the exact disc span: a pixel centre within eps of a
          // guessed band edge is settled by the exact predicate.
          if (bl < xl || br > xr) {
            if (bl <= br && bl < lf + eps && !capsuleCovers(bl, py, sax, say, dx, dy, len2, r2)) bl++;
            if (bl <= br && br > rf - eps && !capsuleCovers(br, py, sax, say, dx, dy, len2, r2)) br--;
            if (bl <= br) {
              if (bl < xl) xl = bl;
              if (br > xr) xr = br;
            }
          }
        }
      }
      if (xl < 0) xl = 0;
      if (xr > width - 1) xr = width - 1;
      if (xl > xr) continue;
      const row = py - rowStart;
      const curL = rowL[row]!, curR = rowR[row]!;
      if (curL > curR) { rowL[row] = xl; rowR[row] = xr; continue; }
      if (xl <= curR + 1 && xr >= curL - 1) {
        if (xl < curL) rowL[row] = xl;
        if (xr > curR) rowR[row] = xr;
        continue;
      }
      cellL[used] = xl;
      cellR[used] = xr;
      cellNext[used] = rowHead[row]!;
      rowHead[row] = used++;
    }
  }

  const sl = i32(9, segs + 1);
  const sr = i32(10, segs + 1);
  const packed = f64(0, segs + 1);
  for (let row = 0; row < rows; row++) {
    if (rowL[row]! > rowR[row]!) continue;
    const py = row + rowStart;
    const base = py * width;
    if (rowHead[row] === -1) {
      data.fill(label, base + rowL[row]!, base + rowR[row]! + 1);
      box.addSpan(py, rowL[row]!, rowR[row]!);
      continue;
    }
    sl[0] = rowL[row]!;
    sr[0] = rowR[row]!;
    let count = 1;
    let ascending = true;
    let descending = true;
    for (let c = rowHead[row]!; c !== -1; c = cellNext[c]!) {
      const l = cellL[c]!;
      const prev = sl[count - 1]!;
      if (l < prev) ascending = false;
      else if (l > prev) descending = false;
      sl[count] = l;
      sr[count] = cellR[c]!;
      count++;
    }
    // Spans arrive in segment order, usually monotonic in x: sort only when they are not.
    if (!ascending) {
      if (descending) {
        for (let i = 0, j = count - 1; i < j; i++, j--) {
          const tl = sl[i]!, tr = sr[i]!;
          sl[i] = sl[j]!; sr[i] = sr[j]!; sl[j] = tl; sr[j] = tr;
        }
      } else if (count <= SMALL_SPAN_COUNT) {
        for (let i = 1; i < count; i++) {
          const l = sl[i]!, rr = sr[i]!;
          let k = i;
          while (k > 0 && sl[k - 1]! > l) { sl[k] = sl[k - 1]!; sr[k] = sr[k - 1]!; k--; }
          sl[k] = l;
          sr[k] = rr;
        }
      } else {
        sortSpans(sl, sr, count, packed);
      }
    }
    let curL = sl[0]!;
    let curR = sr[0]!;
    for (let k = 1; k <= count; k++) {
      if (k < count && sl[k]! <= curR + 1) {
        if (sr[k]! > curR) curR = sr[k]!;
        continue;
      }
      data.fill(label, base + curL, base + curR + 1);
      box.addSpan(py, curL, curR);
      if (k < count) { curL = sl[k]!; curR = sr[k]!; }
    }
  }
}

const SMALL_SPAN_COUNT = 24;

/** Sorts many spans by left edge with one packed numeric sort (xl, xr < 2^14 ⇒ xl·2^14 + xr is exact). */
function sortSpans(spanL: Int32Array, spanR: Int32Array, count: number, packed: Float64Array): void {
  for (let i = 0; i < count; i++) packed[i] = spanL[i]! * 16384 + spanR[i]!;
  const sorted = packed.subarray(0, count).sort();
  for (let i = 0; i < count; i++) {
    const v = sorted[i]!;
    const l = Math.floor(v / 16384);
    spanL[i] = l;
    spanR[i] = v - l * 16384;
  }
}

/**
 * Exact test: is the pixel centre (px, py) within distance r of segment A→A+(dx,dy)?
 * All products are integers < 2^53 given PAINT_LIMITS (|coords| < 2^14, r ≤ 256).
 */
function capsuleCovers(px: number, py: number, ax: number, ay: number, dx: number, dy: number, len2: number, r2: number): boolean {
  const wx = px - ax;
  const wy = py - ay;
  const t = wx * dx + wy * dy;
  if (t <= 0) return wx * wx + wy * wy <= r2;
  if (t >= len2) {
    const ex = wx - dx, ey = wy - dy;
    return ex * ex + ey * ey <= r2;
  }
  const cross = wx * dy - wy * dx;
  // |cross| > 2^26 ⇒ cross² > 2^52 > r2·len2 (≤ 2^16·2^29): not covered, and avoids inexact squares.
  if (cross > 67108864 || cross < -67108864) return false;
  return cross * cross <= r2 * len2;
}

/** ceil(num / den) for integers, den > 0, exact. */
function ceilDiv(num: number, den: number): number {
  let q = Math.floor(num / den);
  if (q * den > num) q--;
  else if ((q + 1) * den <= num) q++;
  return q * den === num ? q : q + 1;
}

/** Even-odd scanline fill at pixel centres: pixel x of row y is inside iff c_2i ≤ x < c_2i+1. */
function fillPolygon(raster: SegMap, label: number, points: ArrayLike<number>, box: DirtyBox): void {
  const { width, height, data } = raster;
  const n = points.length >> 1;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) { const y = points[2 * i + 1]!; if (y < minY) minY = y; if (y > maxY) maxY = y; }
  const crossings = new Float64Array(n);
  for (let y = Math.max(0, minY); y <= Math.min(height - 1, maxY); y++) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const j = i + 1 === n ? 0 : i + 1;
      const x0 = points[2 * i]!, y0 = points[2 * i + 1]!, x1 = points[2 * j]!, y1 = points[2 * j + 1]!;
      if (y0 === y1) continue;
      // Half-open in y: an edge counts on rows min(y0,y1) ≤ y < max(y0,y1).
      if (y0 < y1 ? (y < y0 || y >= y1) : (y < y1 || y >= y0)) continue;
      let num = x0 * (y1 - y0) + (y - y0) * (x1 - x0);
      let den = y1 - y0;
      if (den < 0) { num = -num; den = -den; }
      crossings[count++] = ceilDiv(num, den);
    }
    const sorted = crossings.subarray(0, count).sort();
    const row = y * width;
    for (let k = 0; k + 1 < count; k += 2) {
      const xl = Math.max(0, sorted[k]!);
      const xr = Math.min(width - 1, sorted[k + 1]! - 1);
      if (xl > xr) continue;
      data.fill(label, row + xl, row + xr + 1);
      box.addSpan(y, xl, xr);
    }
  }
}

function fillRect(raster: SegMap, label: number, xa: number, ya: number, xb: number, yb: number, box: DirtyBox): void {
  const { width, height, data } = raster;
  const xl = Math.max(0, Math.min(xa, xb));
  const xr = Math.min(width - 1, Math.max(xa, xb));
  const yt = Math.max(0, Math.min(ya, yb));
  const yb2 = Math.min(height - 1, Math.max(ya, yb));
  if (xl > xr) return;
  for (let y = yt; y <= yb2; y++) {
    data.fill(label, y * width + xl, y * width + xr + 1);
    box.addSpan(y, xl, xr);
  }
}

/** 4-connected scanline flood fill of the region with the label found at (x, y). */
function floodFill(raster: SegMap, label: number, x: number, y: number, box: DirtyBox): void {
  const { width, height, data } = raster;
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  const target = data[y * width + x]!;
  if (target === label) return;
  let stack = new Int32Array(256);
  let top = 0;
  const push = (sx: number, sy: number): void => {
    if (top + 2 > stack.length) { const next = new Int32Array(stack.length * 2); next.set(stack); stack = next; }
    stack[top++] = sx;
    stack[top++] = sy;
  };
  push(x, y);
  while (top > 0) {
    const sy = stack[--top]!;
    const sx = stack[--top]!;
    const row = sy * width;
    if (data[row + sx] !== target) continue;
    let l = sx;
    while (l > 0 && data[row + l - 1] === target) l--;
    let r = sx;
    while (r < width - 1 && data[row + r + 1] === target) r++;
    data.fill(label, row + l, row + r + 1);
    box.addSpan(sy, l, r);
    for (let ny = sy - 1; ny <= sy + 1; ny += 2) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let i = l;
      while (i <= r) {
        if (data[nrow + i] === target) {
          push(i, ny);
          while (i <= r && data[nrow + i] === target) i++;
        } else i++;
      }
    }
  }
}

/**
 * Applies one op to `raster` in place and returns the rectangle of pixels written (null if none).
 * Expects an op validated against the raster (`validateOp`); never writes outside the raster.
 */
export function applyOp(raster: SegMap, op: PaintOp): Rect | null {
  const box = new DirtyBox();
  switch (op.kind) {
    case 'stroke':
      paintPolyline(raster, op.label, op.points, op.radius, false, box);
      break;
    case 'erase':
      paintPolyline(raster, rasterUnlabeled(raster), op.points, op.radius, false, box);
      break;
    case 'line':
      paintPolyline(raster, op.label, [op.x0, op.y0, op.x1, op.y1], op.radius, false, box);
      break;
    case 'rect':
      if (op.filled) fillRect(raster, op.label, op.x0, op.y0, op.x1, op.y1, box);
      else paintPolyline(raster, op.label, [op.x0, op.y0, op.x1, op.y0, op.x1, op.y1, op.x0, op.y1], op.radius ?? 0, true, box);
      break;
    case 'polygon':
      if (op.filled) fillPolygon(raster, op.label, op.points, box);
      else paintPolyline(raster, op.label, op.points, op.radius ?? 0, true, box);
      break;
    case 'fill':
      floodFill(raster, op.label, op.x, op.y, box);
      break;
    case 'clear':
      raster.data.fill(op.label);
      return { x: 0, y: 0, width: raster.width, height: raster.height };
  }
  return box.rect();
}

/** Copies a SegMap (same width, height and data type). */
function copySegMap(map: SegMap): SegMap {
  return { width: map.width, height: map.height, data: map.data.slice() };
}

/**
 * Pure replay: a copy of `base` with every op applied in order. Each op is validated against the
 * base's size (throws PaintscapeError `invalid_operation` naming the field).
 */
export function replay(base: SegMap, ops: Iterable<PaintOp>): SegMap {
  const raster = copySegMap(base);
  const ctx = rasterContext(raster);
  for (const op of ops) applyOp(raster, validateOp(op, ctx));
  return raster;
}
