// Runs a model folder's generator.onnx (and encoder.onnx) with onnxruntime-node on raw float32
// inputs, for the PyTorch ↔ ONNX parity test (training/tests/test_train.py).
//   node training/scripts/ort_render.mjs MODEL_DIR WORK_DIR
// WORK_DIR/inputs.json: {"seg": [N,C,H,W], "z": [N,Z] | null, "image": [N,3,S,S] | null};
// raw little-endian float32 files seg.bin, z.bin, image.bin beside it. Writes out.bin
// (generator output) and, when image is given, mu.bin / logvar.bin from the encoder.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(new URL('../../packages/model-cli/package.json', import.meta.url));
const ort = require('onnxruntime-node');

const [modelDir, workDir] = process.argv.slice(2);
if (!modelDir || !workDir) {
  process.stderr.write('usage: node ort_render.mjs MODEL_DIR WORK_DIR\n');
  process.exit(2);
}
const shapes = JSON.parse(readFileSync(join(workDir, 'inputs.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
const tensor = (name) => {
  const bytes = readFileSync(join(workDir, `${name}.bin`));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new ort.Tensor('float32', Float32Array.from(data), shapes[name]);
};
const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const generator = await ort.InferenceSession.create(join(modelDir, manifest.generator.file), options);
const feeds = { [manifest.generator.inputs.seg.name]: tensor('seg') };
if (shapes.z) feeds[manifest.generator.inputs.z.name] = tensor('z');
const result = await generator.run(feeds);
writeFileSync(join(workDir, 'out.bin'), Buffer.from(result[manifest.generator.output.name].data.buffer));
if (shapes.image && manifest.encoder) {
  const encoder = await ort.InferenceSession.create(join(modelDir, manifest.encoder.file), options);
  const encoded = await encoder.run({ [manifest.encoder.input.name]: tensor('image') });
  writeFileSync(join(workDir, 'mu.bin'), Buffer.from(encoded[manifest.encoder.outputs.mu].data.buffer));
  writeFileSync(join(workDir, 'logvar.bin'), Buffer.from(encoded[manifest.encoder.outputs.logvar].data.buffer));
}
process.stdout.write(JSON.stringify({ ok: true }) + '\n');
