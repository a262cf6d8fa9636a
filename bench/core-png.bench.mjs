// Palette PNG encode + decode of a 512×512 label map vs fflate's raw zlib of the same scanlines
// (the floor: our PNG code adds filtering, chunking, CRCs and checks on top of that zlib work).
// Prints one JSON object; ratios > 1 mean slower than the baseline.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { decodeSegMapPng, encodeSegMapPng, getLabelSet, segMapFromData, segMapsEqual } from '@paintscape/core';

// fflate is core's dependency; resolve it from there rather than adding it to the bench package.
const requireFromCore = createRequire(fileURLToPath(import.meta.resolve('@paintscape/core')));
const { zlibSync, unzlibSync } = requireFromCore('fflate');

const WIDTH = 512;
const HEIGHT = 512;
const WARMUP = 5;
const RUNS = 41;

/** A landscape-like map: sky band, mountain ridge, lake, grass with trees and flowers. */
function landscapeMap() {
  const data = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const ridge = 180 + Math.round(40 * Math.sin(x / 37) + 15 * Math.sin(x / 11));
      let label = y < ridge ? 0 : y < 300 ? 2 : y < 360 ? 6 : 7;
      if (label === 0 && (x - 120) ** 2 / 4 + (y - 70) ** 2 < 900) label = 1;
      if (label === 7 && ((x * 7 + y * 13) % 97 < 9)) label = 8;
      if (label === 7 && ((x * 31 + y * 17) % 211 < 3)) label = 10;
      data[y * WIDTH + x] = label;
    }
  }
  return segMapFromData(WIDTH, HEIGHT, data);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timeMs(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Times `ours` and `baseline` back to back, RUNS times, so both see the same machine load
 * (the box is shared); the ratio is the median of the per-pair ratios.
 */
function compare(ours, baseline) {
  for (let i = 0; i < WARMUP; i++) {
    ours();
    baseline();
  }
  const oursMs = [];
  const baseMs = [];
  const ratios = [];
  for (let i = 0; i < RUNS; i++) {
    const a = timeMs(ours);
    const b = timeMs(baseline);
    oursMs.push(a);
    baseMs.push(b);
    ratios.push(a / b);
  }
  return { oursMs: median(oursMs), baselineMs: median(baseMs), ratio: median(ratios) };
}

const set = getLabelSet('landscape');
const map = landscapeMap();
const png = encodeSegMapPng(map, set);
if (!segMapsEqual(decodeSegMapPng(png, set), map)) throw new Error('round trip failed');

// Baseline input: the exact bytes our encoder deflates (filter byte 0 + row).
const scanlines = new Uint8Array(HEIGHT * (WIDTH + 1));
for (let y = 0; y < HEIGHT; y++) scanlines.set(map.data.subarray(y * WIDTH, (y + 1) * WIDTH), y * (WIDTH + 1) + 1);
const zlibbed = zlibSync(scanlines, { level: 6 });

const encode = compare(() => encodeSegMapPng(map, set), () => zlibSync(scanlines, { level: 6 }));
const decode = compare(() => decodeSegMapPng(png, set), () => unzlibSync(zlibbed));

console.log(
  JSON.stringify({
    bench: 'core-png',
    size: [WIDTH, HEIGHT],
    runs: RUNS,
    pngBytes: png.length,
    zlibBytes: zlibbed.length,
    encodeMs: encode.oursMs,
    decodeMs: decode.oursMs,
    baselineZlibMs: encode.baselineMs,
    baselineUnzlibMs: decode.baselineMs,
    encodeRatio: encode.ratio,
    decodeRatio: decode.ratio,
    roundTripRatio: (encode.oursMs + decode.oursMs) / (encode.baselineMs + decode.baselineMs),
  }),
);
