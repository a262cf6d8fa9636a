import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  PaintscapeError,
  createSegMap,
  decodePng,
  encodeRgbaPng,
  encodeSegMapPng,
  foldSpectralNorm,
  getLabelSet,
  readPth,
  segMapToRgba,
  writeSafetensors,
  type SegMap,
} from '@paintscape/core';
import { runCli, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli.js';
import { loadModelFolder } from './model-folder.js';
import { ModelRenderer } from './render.js';
import { createProgress } from './progress.js';

const SCRIPT = fileURLToPath(new URL('../../../training/scripts/gen_checkpoint_fixtures.py', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** Debian's python with torch (the `python3` on PATH has none); $PYTHON overrides. */
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
/** The full-size official checkpoint (390 MB, ~50 s to generate, convert and render) runs in CI. */
const RUN_FULL_CHECKPOINT = !!process.env['CI'] || !!process.env['PAINTSCAPE_FULL_CHECKPOINT'];

let dir: string;
/** Result of converting g8.pth into `${dir}/coco8` (several tests use that folder). */
let coco8Conversion: { code: number; stdout: string; stderr: string };
const coco = getLabelSet('coco-stuff');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

function generate(...args: string[]): void {
  execFileSync(PYTHON, [SCRIPT, ...args]);
}

/** A COCO-Stuff map: sky (156) on top, grass (123) below, an unlabeled strip at the bottom. */
function landscapeMap(width: number, height: number): SegMap {
  const map = createSegMap(width, height, { fill: 123 });
  for (let i = 0; i < width * Math.floor(height / 2); i++) map.data[i] = 156;
  for (let i = width * Math.floor((height * 7) / 8); i < width * height; i++) map.data[i] = coco.unlabeled;
  return map;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paintscape-model-cli-'));
  generate('--official-coco', join(dir, 'g8.pth'), '--ngf', '8', '--legacy');
  generate('--vae-generator', join(dir, 'gv8.pth'), '--ngf', '8');
  generate('--official-encoder', join(dir, 'e8.pth'), '--ndf', '8');
  writeFileSync(join(dir, 'map.png'), encodeSegMapPng(landscapeMap(64, 64), coco));
  // The same map as colours, with a 3×3 white patch (far from every COCO-Stuff colour) at (10, 20).
  const rgba = segMapToRgba(landscapeMap(64, 64), coco);
  for (let y = 20; y < 23; y++) for (let x = 10; x < 13; x++) rgba.set([255, 255, 255, 255], (y * 64 + x) * 4);
  writeFileSync(join(dir, 'bad-colour.png'), encodeRgbaPng(rgba, 64, 64));
  const style = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  writeFileSync(join(dir, 'style.jpg'), style);
  coco8Conversion = await cli('convert', join(dir, 'g8.pth'), '--labels', 'coco-stuff', '--out', join(dir, 'coco8'), '--name', 'coco8', '--licence', 'test');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paintscape-model convert / inspect / render', () => {
  it('converts an official-layout COCO-Stuff checkpoint (legacy .pth) and renders it', async () => {
    const out = join(dir, 'coco8');
    const converted = coco8Conversion;
    expect(converted.stderr).toContain('reading g8.pth');
    expect(converted.code).toBe(EXIT_OK);
    const folder = await loadModelFolder(out);
    expect(folder.manifest.generator.inputs.seg).toEqual({ name: 'seg', layout: 'NCHW', channels: 184 });
    expect(folder.manifest.generator.inputs.z).toBeUndefined();
    expect(folder.manifest.provenance).toMatchObject({ licence: 'test' });

    const inspected = await cli('inspect', out, '--json', '--size', '128');
    expect(inspected.code).toBe(EXIT_OK);
    const report = JSON.parse(inspected.stdout);
    expect(report.semanticChannels).toBe(184);
    expect(report.gmacs.size).toEqual([128, 128]);
    // torch's parameter count of the checkpoint (spectral-norm u/v and batch-norm buffers excluded).
    expect(report.parameters.generator).toBe(8_228_155);
    expect(report.generator.inputs).toEqual([{ name: 'seg', shape: ['batch', 184, 'height', 'width'] }]);
    const text = await cli('inspect', out);
    expect(text.stdout).toContain('184 semantic channels');
    expect(text.stdout).toMatch(/GMAC at 256×256/);

    const image = join(dir, 'coco8.png');
    const rendered = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', image, '--size', '64', '--seed', '5');
    expect(rendered.stderr).toContain('rendering on cpu');
    expect(rendered.code).toBe(EXIT_OK);
    const png = decodePng(new Uint8Array(readFileSync(image)));
    expect([png.width, png.height]).toEqual([64, 64]);
  }, 120_000);

  it('converts a VAE generator with its encoder, and --style changes the picture', async () => {
    const out = join(dir, 'vae8');
    const converted = await cli('convert', join(dir, 'gv8.pth'), '--labels', 'coco-stuff', '--encoder', join(dir, 'e8.pth'), '--out', out, '--quiet');
    expect(converted.stderr).toBe('');
    expect(converted.code).toBe(EXIT_OK);
    const folder = await loadModelFolder(out);
    expect(folder.manifest.generator.size.fixed).toEqual([256, 256]);
    expect(folder.manifest.encoder?.outputs).toEqual({ mu: 'mu', logvar: 'logvar' });

    const plain = join(dir, 'vae-seed.png');
    const styled = join(dir, 'vae-style.png');
    expect((await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', plain, '--quiet')).code).toBe(EXIT_OK);
    const withStyle = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', styled, '--style', join(dir, 'style.jpg'), '--quiet');
    expect(withStyle.code).toBe(EXIT_OK);
    expect(withStyle.stdout).toContain('style style.jpg');
    expect(readFileSync(plain).equals(readFileSync(styled))).toBe(false);

    const wrongSize = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', plain, '--size', '128', '--quiet');
    expect(wrongSize.code).toBe(EXIT_FAILURE);
    expect(wrongSize.stderr).toContain('renders only at 256×256, got 128×128');
  }, 180_000);

  it('builds from a config and safetensors (fp16 too), merging --manifest-extra provenance', async () => {
    const sd = readPth(new Uint8Array(readFileSync(join(dir, 'g8.pth'))));
    const weights = foldSpectralNorm(sd);
    writeFileSync(join(dir, 'g8.safetensors'), writeSafetensors(weights));
    const config = {
      name: 'built8',
      description: 'test build',
      labelSet: 'coco-stuff',
      generator: {
        labelChannels: 182,
        dontCareChannel: true,
        instanceEdgeChannel: true,
        ngf: 8,
        spadeHidden: 128,
        upsampling: 'normal',
        aspectRatio: 1,
        inputStage: 'conv',
        zDim: 0,
        norm: 'batch',
        cropSize: 256,
      },
      size: { default: [128, 128], max: [512, 512] },
      provenance: { source: 'unit test', licence: 'CC0-1.0' },
    };
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'extra.json'), JSON.stringify({ steps: 1234, hardware: 'none' }));
    const out = join(dir, 'built8');
    const built = await cli('build', '--config', join(dir, 'cfg.json'), '--weights', join(dir, 'g8.safetensors'), '--out', out, '--fp16', '--manifest-extra', join(dir, 'extra.json'));
    expect(built.stderr).not.toContain('Error');
    expect(built.code).toBe(EXIT_OK);
    const folder = await loadModelFolder(out);
    expect(folder.manifest.generator.precision).toBe('fp16');
    expect(folder.manifest.generator.size).toEqual({ multipleOf: 32, default: [128, 128], max: [512, 512] });
    expect(folder.manifest.provenance).toMatchObject({ source: 'unit test', licence: 'CC0-1.0', steps: 1234, hardware: 'none' });
    const rendered = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', join(dir, 'built8.jpg'), '--quiet');
    expect(rendered.code).toBe(EXIT_OK);
    const meta = await sharp(join(dir, 'built8.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 128]);
    const tooBig = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', join(dir, 'x.png'), '--size', '1024');
    expect(tooBig.stderr).toContain("width 1024 exceeds the model's maximum 512");
  }, 120_000);
});

describe('ModelRenderer (kept sessions, for the server)', () => {
  it('renders repeatedly with the same result and checks z against the model', async () => {
    const renderer = await ModelRenderer.create(await loadModelFolder(join(dir, 'coco8')));
    try {
      const map = landscapeMap(40, 24); // any map size: nearest-resized to the render size
      const first = await renderer.render(map, { size: [64, 32] });
      const second = await renderer.render(map, { size: [64, 32] });
      expect([first.width, first.height, first.rgba.length]).toEqual([64, 32, 64 * 32 * 4]);
      expect(Buffer.from(first.rgba).equals(Buffer.from(second.rgba))).toBe(true);
      await expect(renderer.render(map, { z: new Float32Array(8) })).rejects.toThrow('takes no style vector');
    } finally {
      await renderer.release();
    }
  }, 60_000);
});

describe('errors are one line for people', () => {
  it('a label set whose class count does not fit', async () => {
    const result = await cli('convert', join(dir, 'g8.pth'), '--labels', 'ade20k', '--out', join(dir, 'nope'), '--quiet');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toBe(
      "paintscape-model convert: checkpoint expects 184 semantic channels but label set ade20k has 150 classes (allowed 150–152 with don't-care and instance-edge channels)\n",
    );
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('a missing key in the weights names the key and its expected shape', async () => {
    const weights = foldSpectralNorm(readPth(new Uint8Array(readFileSync(join(dir, 'g8.pth')))));
    weights.delete('up_1.norm_s.mlp_gamma.weight');
    writeFileSync(join(dir, 'missing.safetensors'), writeSafetensors(weights));
    const result = await cli('build', '--config', join(dir, 'cfg.json'), '--weights', join(dir, 'missing.safetensors'), '--out', join(dir, 'm'), '--quiet');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toBe('paintscape-model build: generator: missing weight up_1.norm_s.mlp_gamma.weight (expected shape [64, 128, 3, 3])\n');
  });

  it('an unknown colour in the map says which colour and where', async () => {
    const result = await cli('render', '--model', join(dir, 'coco8'), '--map', join(dir, 'bad-colour.png'), '--out', join(dir, 'x.png'), '--quiet');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toContain('#ffffff');
    expect(result.stderr).toMatch(/\(10, 20\)/);
  });

  it('a malicious checkpoint is refused without running its pickle', async () => {
    const marker = '/tmp/paintscape_unsafe_pickle_marker';
    rmSync(marker, { force: true });
    const malicious = fileURLToPath(new URL('../../core/test-fixtures/weights/malicious.pth', import.meta.url));
    const result = await cli('convert', malicious, '--labels', 'coco-stuff', '--out', join(dir, 'evil'), '--quiet');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toContain('refusing pickle global posix.system at byte 2');
    expect(existsSync(marker)).toBe(false);
  });

  it('a manifest that disagrees with its graph is refused on load', async () => {
    const out = join(dir, 'coco8');
    const manifestPath = join(out, 'model.json');
    const original = readFileSync(manifestPath, 'utf8');
    try {
      const manifest = JSON.parse(original);
      manifest.labelSet = 'ade20k';
      manifest.generator.config.labelChannels = 150;
      manifest.generator.inputs.seg.channels = 152;
      writeFileSync(manifestPath, JSON.stringify(manifest));
      const error = await loadModelFolder(out).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PaintscapeError);
      expect((error as PaintscapeError).code).toBe('model_mismatch');
      expect((error as PaintscapeError).message).toContain("'seg' has [batch, 184, height, width], the manifest says 152 at axis 1");
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  it('usage errors exit 2, --help works for each command, and the real bin prints no stack trace', async () => {
    expect((await cli('frobnicate')).code).toBe(EXIT_USAGE);
    const missing = await cli('render', '--model', join(dir, 'coco8'));
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.stderr).toContain('--map is required');
    for (const command of ['build', 'convert', 'inspect', 'render']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(EXIT_OK);
      expect(help.stdout).toContain(`Usage: paintscape-model ${command}`);
    }
    const proc = spawnSync(process.execPath, [CLI, 'inspect', join(dir, 'does-not-exist')], { encoding: 'utf8' });
    expect(proc.status).toBe(EXIT_FAILURE);
    expect(proc.stderr).toBe(`paintscape-model inspect: cannot read ${join(dir, 'does-not-exist', 'model.json')}: no such file\n`);
  });
});

describe('progress', () => {
  it('draws a bar on a TTY and plain lines otherwise', () => {
    let tty = '';
    const bar = createProgress({ isTTY: true, write: (s: string) => (tty += s) }).step('building', 10);
    bar.done('x');
    expect(tty).toContain('building ████');
    expect(tty).toContain('100%');
    let plain = '';
    createProgress({ isTTY: false, write: (s: string) => (plain += s) }).step('reading').done();
    expect(plain).toMatch(/^reading…\nreading: done in \d+\.\ds\n$/);
  });
});

describe.runIf(RUN_FULL_CHECKPOINT)('full official COCO-Stuff checkpoint (CI)', () => {
  it('converts all 234 keys at ngf 64 and renders once on onnxruntime-node', async () => {
    const pth = join(dir, 'latest_net_G.pth');
    generate('--official-coco', pth, '--legacy');
    const out = join(dir, 'coco64');
    const converted = await cli('convert', pth, '--labels', 'coco-stuff', '--out', out, '--quiet');
    expect(converted.stderr).toBe('');
    expect(converted.code).toBe(EXIT_OK);
    const report = JSON.parse((await cli('inspect', out, '--json')).stdout);
    // torch's parameter count (u/v and batch-norm buffers excluded): the paper's ~97.5 M.
    expect(report.parameters.generator).toBe(97_480_899);
    const rendered = await cli('render', '--model', out, '--map', join(dir, 'map.png'), '--out', join(dir, 'coco64.png'), '--quiet');
    expect(rendered.code).toBe(EXIT_OK);
    const png = decodePng(new Uint8Array(readFileSync(join(dir, 'coco64.png'))));
    expect([png.width, png.height]).toEqual([256, 256]);
  }, 600_000);
});
