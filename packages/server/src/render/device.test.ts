import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers.js';
import { writeTinyModel } from '../../test/model-fixture.js';
import { createSession } from './device.js';

const run = promisify(execFile);

describe('execution provider choice', () => {
  const dir = tempDir();
  let modelPath = '';
  beforeAll(async () => {
    modelPath = join(await writeTinyModel(dir.path, 'tiny', { encoder: false }), 'generator.onnx');
  }, 60_000);
  afterAll(() => dir.remove());

  it("'auto' ends on CPU here and records why CUDA and WebGPU were not used", async () => {
    const result = await createSession(modelPath, 'auto');
    expect(result.device).toBe('cpu');
    expect(result.attempts.map((a) => a.device)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(result.attempts.slice(0, 2).every((a) => !a.ok && (a.reason ?? '').length > 0)).toBe(true);
    await result.session.release();
  });

  it('an explicit device that is unavailable fails naming it', async () => {
    await expect(createSession(modelPath, 'cuda')).rejects.toThrow(/cuda/);
  });

  it('webgpu through SwiftShader renders the tiny model without NaN, close to CPU', async () => {
    // LD_LIBRARY_PATH is read at process start, so this runs in a child process.
    const script = `
      const { createSession } = await import(process.argv[2]);
      import * as ort from 'onnxruntime-node';
      const feeds = () => {
        const seg = new Float32Array(14 * 32 * 32); for (let i = 0; i < 32 * 32; i++) seg[(i % 14) * 1024 + i] = 1;
        const z = new Float32Array(8).fill(3);
        return { seg: new ort.Tensor('float32', seg, [1, 14, 32, 32]), z: new ort.Tensor('float32', z, [1, 8]) };
      };
      const gpu = await createSession(process.argv[1], 'webgpu');
      const cpu = await createSession(process.argv[1], 'cpu');
      const a = (await gpu.session.run(feeds())).image.data, b = (await cpu.session.run(feeds())).image.data;
      let nan = 0, diff = 0; for (let i = 0; i < a.length; i++) { if (Number.isNaN(a[i])) nan++; diff = Math.max(diff, Math.abs(a[i] - b[i])); }
      console.log(JSON.stringify({ device: gpu.device, nan, diff }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, modelPath, join(import.meta.dirname, 'device.ts')], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
      timeout: 90_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { device: string; nan: number; diff: number };
    expect(result.device).toBe('webgpu');
    expect(result.nan).toBe(0);
    expect(result.diff).toBeLessThan(1e-2);
  }, 120_000);
});
