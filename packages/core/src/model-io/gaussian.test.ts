import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_GAUSSIAN_SAMPLES, portableLog, sampleGaussian } from './gaussian.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/gaussian-golden.json', import.meta.url), 'utf8')) as {
  cases: { seed: number | string; values: number[] }[];
  logs: [number, number][];
};

describe('sampleGaussian', () => {
  it.each(golden.cases.map((c) => [JSON.stringify(c.seed), c] as const))('seed %s matches the Python twin bit for bit', (_name, c) => {
    expect(Array.from(sampleGaussian(c.seed, c.values.length))).toEqual(c.values);
  });

  it('is a prefix-stable stream: fewer samples are a prefix of more', () => {
    expect(Array.from(sampleGaussian('x', 5))).toEqual(Array.from(sampleGaussian('x', 8)).slice(0, 5));
    expect(sampleGaussian(1, 0)).toHaveLength(0);
  });

  it('gives different streams for different seeds, and numbers differ from their strings', () => {
    const a = Array.from(sampleGaussian(1, 4));
    expect(Array.from(sampleGaussian(2, 4))).not.toEqual(a);
    expect(Array.from(sampleGaussian('1', 4))).not.toEqual(a);
  });

  it('has mean ≈ 0 and std ≈ 1 over 100k samples', () => {
    const z = sampleGaussian(2026, 100_000);
    let sum = 0;
    let sumSq = 0;
    let beyond3 = 0;
    for (const v of z) {
      sum += v;
      sumSq += v * v;
      if (Math.abs(v) > 3) beyond3++;
    }
    const mean = sum / z.length;
    const std = Math.sqrt(sumSq / z.length - mean * mean);
    // 5 standard errors: the check cannot flake but catches a broken transform.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(z.length));
    expect(Math.abs(std - 1)).toBeLessThan(0.012);
    expect(beyond3 / z.length).toBeGreaterThan(0.0018); // N(0,1): 0.0027
    expect(beyond3 / z.length).toBeLessThan(0.0036);
  });

  it('rejects bad seeds and counts', () => {
    expect(() => sampleGaussian(1.5, 1)).toThrow(/seed/);
    expect(() => sampleGaussian(2 ** 53, 1)).toThrow(/seed/);
    expect(() => sampleGaussian(1, -1)).toThrow(/count/);
    expect(() => sampleGaussian(1, MAX_GAUSSIAN_SAMPLES + 1)).toThrow(/count/);
  });
});

describe('portableLog', () => {
  it('matches the Python twin exactly', () => {
    for (const [x, expected] of golden.logs) expect(portableLog(x)).toBe(expected);
  });

  it('is within a few ulps of Math.log across magnitudes', () => {
    for (let i = 1; i < 5000; i++) {
      const x = (i / 5000) * 2 ** ((i % 80) - 60);
      const ref = Math.log(x);
      expect(Math.abs(portableLog(x) - ref)).toBeLessThanOrEqual(Math.max(Math.abs(ref), 1) * 1e-15);
    }
  });

  it('rejects non-positive input', () => {
    expect(() => portableLog(0)).toThrow();
    expect(() => portableLog(-1)).toThrow();
  });
});
