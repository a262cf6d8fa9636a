// Bundles the SDK for browsers: dist/browser/paintscape.js (ESM, onnxruntime-web split into a
// lazily loaded chunk) + dist/browser/ort/ with onnxruntime-web's wasm runtime files, which the
// page points the renderer at with `wasmPaths` (served next to the bundle).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'browser');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'ort'), { recursive: true });

await build({
  entryPoints: { paintscape: join(root, 'src', 'index.ts') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  splitting: true,
  outdir: out,
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
});

// The wasm (JSEP: wasm + WebGPU) runtime and its loader, fetched at session creation.
const require = createRequire(join(root, 'package.json'));
for (const file of ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) {
  copyFileSync(require.resolve(`onnxruntime-web/${file}`), join(out, 'ort', file));
}
console.log(`bundled → ${out}`);
