import { assert, ErrorCode } from '../errors.js';

/**
 * Seeded standard-normal samples that are bit-identical on every JavaScript engine (and in the
 * Python twin, training/scripts/gen_gaussian_golden.py): the PRNG is integer-only (xoshiro128**
 * via Math.imul) and the Gaussian transform (Marsaglia polar) uses only + − × ÷ and sqrt, which
 * IEEE 754 rounds exactly, with our own logarithm instead of Math.log (whose last bit varies).
 */

/** Most samples one call may produce (a z vector is 256; this guards against typos like 1e12). */
export const MAX_GAUSSIAN_SAMPLES = 1 << 26;

const LN2 = 0.6931471805599453;
const SQRT_HALF = 0.7071067811865476;

/** Wellons' lowbias32 integer hash: a full-avalanche 32-bit mixer. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Two 32-bit words identifying the seed; numbers and strings live in separate domains. */
function seedWords(seed: number | string): [number, number, number] {
  if (typeof seed === 'number') {
    assert(Number.isSafeInteger(seed), ErrorCode.InvalidArgument, `seed must be a safe integer or a string, got ${seed}`, { field: 'seed', value: seed });
    const lo = seed >>> 0; // two's complement low word, also for negatives
    const hi = Math.floor(seed / 4294967296) >>> 0;
    return [lo, hi, 0x6e756d62]; // 'numb'
  }
  assert(typeof seed === 'string', ErrorCode.InvalidArgument, 'seed must be a number or a string', { field: 'seed' });
  // FNV-1a over UTF-16 code units, twice with different offsets for 64 bits of seed.
  let a = 0x811c9dc5;
  let b = 0x2b992ddf;
  for (let i = 0; i < seed.length; i++) {
    const unit = seed.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193) >>> 0;
    b = Math.imul(b ^ unit, 0x01000193) >>> 0;
  }
  return [a, mix32(b ^ seed.length), 0x73747267]; // 'strg'
}

/** xoshiro128** state from a seed (never all zero). */
function initialState(seed: number | string): Uint32Array {
  const [lo, hi, domain] = seedWords(seed);
  const state = new Uint32Array(4);
  let x = mix32(lo ^ mix32(hi ^ domain));
  for (let k = 0; k < 4; k++) {
    x = mix32((x + 0x9e3779b9) >>> 0);
    state[k] = x;
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function nextU32(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1]! << 9) >>> 0;
  s[2]! ^= s[0]!;
  s[3]! ^= s[1]!;
  s[1]! ^= s[2]!;
  s[0]! ^= s[3]!;
  s[2]! ^= t;
  s[3] = rotl(s[3]!, 11);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
function nextUniform(s: Uint32Array): number {
  const a = nextU32(s) >>> 5; // 27 bits
  const b = nextU32(s) >>> 6; // 26 bits
  return (a * 67108864 + b) / 9007199254740992;
}

/**
 * Natural logarithm for x > 0 from exact operations only: x = m · 2^e with m in [√½, √2)
 * (scaling by 2 is exact), then ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.1716, by its odd
 * series to t^31 (the next term is below 1e-25). Accurate to a few ulps.
 */
export function portableLog(x: number): number {
  assert(x > 0 && Number.isFinite(x), ErrorCode.InvalidArgument, `portableLog needs a finite x > 0, got ${x}`, { field: 'x', value: x });
  let m = x;
  let e = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  while (m >= 2 * SQRT_HALF) {
    m /= 2;
    e++;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  // Horner on Σ t^(2k) / (2k+1), k = 0..15.
  let series = 1 / 31;
  for (let k = 14; k >= 0; k--) series = series * t2 + 1 / (2 * k + 1);
  return e * LN2 + 2 * t * series;
}

/** `count` float32 samples of N(0, 1), fully determined by `seed`. */
export function sampleGaussian(seed: number | string, count: number): Float32Array {
  assert(Number.isInteger(count) && count >= 0 && count <= MAX_GAUSSIAN_SAMPLES, ErrorCode.InvalidArgument, `count must be an integer in 0..${MAX_GAUSSIAN_SAMPLES}, got ${count}`, { field: 'count', value: count });
  const state = initialState(seed);
  const out = new Float32Array(count);
  let i = 0;
  while (i < count) {
    const u = 2 * nextUniform(state) - 1;
    const v = 2 * nextUniform(state) - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const factor = Math.sqrt((-2 * portableLog(s)) / s);
    out[i++] = u * factor;
    if (i < count) out[i++] = v * factor;
  }
  return out;
}
