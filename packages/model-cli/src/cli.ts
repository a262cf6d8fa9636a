#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import {
  PaintscapeError,
  ErrorCode,
  countMacs,
  countParams,
  encodeRgbaPng,
  generatorParameterShapes,
  encoderParameterShapes,
  getLabelSet,
  isLabelSetId,
  semanticChannels,
  type UpsamplingMode,
} from '@paintscape/core';
import { buildModelFolder, mergeProvenance, parseBuildConfig, readStateDictFile } from './build.js';
import { fileError, readJsonFile } from './files.js';
import { loadModelFolder } from './model-folder.js';
import { createProgress, type Progress } from './progress.js';
import { decodeLabelMap, parseSize, renderLabelMap, type RenderDevice, type StyleImage } from './render.js';

/** Thrown for bad command lines: printed with the command's usage hint, exit code 2. */
class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface Io {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
}

const MAIN_HELP = `paintscape-model — build, convert, inspect and render Paintscape model folders

Usage: paintscape-model <command> [options]

Commands:
  build     ONNX model folder from a config JSON and weights (.safetensors or .pth)
  convert   ONNX model folder from an official NVlabs/SPADE checkpoint (latest_net_G.pth)
  inspect   parameters, GMACs, inputs/outputs, labels and provenance of a model folder
  render    a label-map PNG → image with onnxruntime-node

Run 'paintscape-model <command> --help' for a command's options.
`;

const HELP: Record<string, string> = {
  build: `Usage: paintscape-model build --config cfg.json --weights w.safetensors --out dir/ [options]

Writes dir/model.json + dir/generator.onnx (+ dir/encoder.onnx).

  --config FILE            {name, labelSet, generator: GeneratorConfig, encoder?, size?, provenance?, weightsKey?}
  --weights FILE           generator state dict (.safetensors, or .pth zip/legacy)
  --encoder-weights FILE   encoder state dict (needs "encoder" in the config, or inferred)
  --encoder-config FILE    EncoderConfig JSON (overrides the config's "encoder")
  --manifest-extra FILE    JSON object merged into the manifest's provenance
  --out DIR                output folder (created if missing)
  --fp16                   float16 weights and compute (inputs/outputs stay float32)
  --quiet                  no progress output
`,
  convert: `Usage: paintscape-model convert latest_net_G.pth --labels SET --out dir/ [options]

Converts an official NVlabs/SPADE generator checkpoint (spectral norm folded, batch norm kept
for the builder to fold); the architecture is read off the weights' shapes.

  --labels SET             label set: landscape, coco-stuff, ade20k, cityscapes
  --out DIR                output folder
  --encoder FILE           latest_net_E.pth (VAE checkpoints only)
  --key KEY                state dict key inside a wrapping checkpoint (e.g. state_dict, netG)
  --encoder-key KEY        the same for --encoder
  --upsampling MODE        normal | more | most (default: the label set's; cityscapes: more)
  --name NAME              model name (default: the checkpoint's folder name)
  --source TEXT            provenance.source (default: "NVlabs/SPADE checkpoint <file> (converted)")
  --licence TEXT           provenance.licence (default: "unspecified")
  --manifest-extra FILE    JSON object merged into provenance
  --fp16                   float16 weights and compute
  --quiet                  no progress output
`,
  inspect: `Usage: paintscape-model inspect dir/ [--size WxH] [--json]

  --size W|WxH   size for the GMAC count (default: the manifest's default size)
  --json         machine-readable output
`,
  render: `Usage: paintscape-model render --model dir/ --map map.png --out img.png [options]

  --model DIR              model folder
  --map FILE               label map PNG: indexed/gray (pixel = label) or colours of the label set
  --out FILE               output image (.png; .jpg/.webp via sharp)
  --size W|WxH             render size (default: the manifest's default)
  --seed N                 seed of the style vector z (default 0)
  --style FILE             style image (.png/.jpg) encoded to z (models with an encoder)
  --device cpu|webgpu      onnxruntime-node execution provider (default cpu)
  --quiet                  no progress output
`,
};

type ParsedValues = Record<string, string | boolean | undefined>;

function parse(
  command: string,
  args: string[],
  options: ParseArgsConfig['options'],
  allowPositionals = false,
): { values: ParsedValues; positionals: string[] } {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

function required(command: string, values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

function progressFor(io: Io, quiet: unknown): Progress {
  return createProgress(io.stderr, { quiet: quiet === true });
}

async function commandBuild(args: string[], io: Io): Promise<number> {
  const { values } = parse('build', args, {
    config: { type: 'string' },
    weights: { type: 'string' },
    'encoder-config': { type: 'string' },
    'encoder-weights': { type: 'string' },
    'manifest-extra': { type: 'string' },
    out: { type: 'string' },
    fp16: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return help(io, 'build');
  const configPath = required('build', values, 'config');
  const weightsPath = required('build', values, 'weights');
  const out = required('build', values, 'out');
  const cfg = parseBuildConfig(await readJsonFile(configPath, 'config'), configPath);
  const progress = progressFor(io, values.quiet);
  const encoderConfigPath = values['encoder-config'] as string | undefined;
  const encoderConfig = encoderConfigPath ? ((await readJsonFile(encoderConfigPath, 'encoder config')) as typeof cfg.encoder) : cfg.encoder;
  const encoderWeightsPath = values['encoder-weights'] as string | undefined;
  if (encoderConfigPath && !encoderWeightsPath) throw new UsageError('build: --encoder-config needs --encoder-weights');
  const provenance = await mergeProvenance(
    { source: `paintscape-model build ${basename(weightsPath)}`, licence: 'unspecified' },
    cfg.provenance,
    values['manifest-extra'] as string | undefined,
  );
  const input: Parameters<typeof buildModelFolder>[1] = {
    name: cfg.name,
    labelSet: cfg.labelSet,
    generatorConfig: cfg.generator,
    generatorWeights: await readStateDictFile(weightsPath, progress, cfg.weightsKey),
    fp16: values.fp16 === true,
    provenance,
    progress,
  };
  if (cfg.description) input.description = cfg.description;
  if (cfg.size?.default) input.defaultSize = cfg.size.default;
  if (cfg.size?.max) input.maxSize = cfg.size.max;
  if (encoderWeightsPath) {
    input.encoderWeights = await readStateDictFile(encoderWeightsPath, progress, cfg.encoderWeightsKey);
    if (encoderConfig) input.encoderConfig = encoderConfig;
  }
  const folder = await buildModelFolder(out, input);
  io.stdout.write(`wrote ${resolve(out)} (${folder.manifest.name}, ${folder.manifest.generator.precision})\n`);
  return EXIT_OK;
}

async function commandConvert(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    'convert',
    args,
    {
      labels: { type: 'string' },
      out: { type: 'string' },
      encoder: { type: 'string' },
      key: { type: 'string' },
      'encoder-key': { type: 'string' },
      upsampling: { type: 'string' },
      name: { type: 'string' },
      source: { type: 'string' },
      licence: { type: 'string' },
      'manifest-extra': { type: 'string' },
      fp16: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    true,
  );
  if (values.help) return help(io, 'convert');
  if (positionals.length !== 1) throw new UsageError('convert: give exactly one generator checkpoint (latest_net_G.pth)');
  const checkpoint = positionals[0]!;
  const labels = required('convert', values, 'labels');
  if (!isLabelSetId(labels)) getLabelSet(labels); // throws unknown_label_set listing the known ones
  const out = required('convert', values, 'out');
  const upsampling = values.upsampling as string | undefined;
  if (upsampling !== undefined && !['normal', 'more', 'most'].includes(upsampling)) {
    throw new UsageError(`convert: --upsampling must be normal, more or most, got '${upsampling}'`);
  }
  const progress = progressFor(io, values.quiet);
  const provenance = await mergeProvenance(
    {
      source: (values.source as string | undefined) ?? `NVlabs/SPADE checkpoint ${basename(checkpoint)} (converted by paintscape-model)`,
      licence: (values.licence as string | undefined) ?? 'unspecified',
    },
    undefined,
    values['manifest-extra'] as string | undefined,
  );
  const input: Parameters<typeof buildModelFolder>[1] = {
    name: (values.name as string | undefined) ?? (basename(resolve(checkpoint, '..')) || basename(checkpoint, extname(checkpoint))),
    labelSet: labels as Parameters<typeof buildModelFolder>[1]['labelSet'],
    generatorWeights: await readStateDictFile(checkpoint, progress, values.key as string | undefined),
    fp16: values.fp16 === true,
    provenance,
    progress,
  };
  if (upsampling) input.upsampling = upsampling as UpsamplingMode;
  const encoderPath = values.encoder as string | undefined;
  if (encoderPath) input.encoderWeights = await readStateDictFile(encoderPath, progress, values['encoder-key'] as string | undefined);
  const folder = await buildModelFolder(out, input);
  const c = folder.manifest.generator.config;
  io.stdout.write(
    `wrote ${resolve(out)}: ngf ${c.ngf}, ${semanticChannels(c)} semantic channels, zDim ${c.zDim}, ${c.upsampling} upsampling, ${c.norm} norm\n`,
  );
  return EXIT_OK;
}

async function commandInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('inspect', args, { size: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) return help(io, 'inspect');
  if (positionals.length !== 1) throw new UsageError('inspect: give exactly one model folder');
  const folder = await loadModelFolder(positionals[0]!);
  const { manifest } = folder;
  const config = manifest.generator.config;
  const size = values.size ? parseSize(values.size as string, manifest) : manifest.generator.size.default;
  const set = getLabelSet(manifest.labelSet);
  const generatorParams = countParams(generatorParameterShapes(config));
  const encoderParams = manifest.encoder ? countParams(encoderParameterShapes(manifest.encoder.config)) : 0;
  const gmacs = countMacs(config, size[0], size[1]) / 1e9;
  const io_ = (list: typeof folder.generator.inputs) => list.map((v) => ({ name: v.name, shape: v.shape }));
  const report = {
    name: manifest.name,
    description: manifest.description,
    labelSet: manifest.labelSet,
    labels: set.classes.filter((c) => c.index >= 0).length,
    semanticChannels: semanticChannels(config),
    config,
    precision: manifest.generator.precision,
    parameters: { generator: generatorParams, encoder: encoderParams },
    gmacs: { size, generator: Number(gmacs.toFixed(3)) },
    sizes: manifest.generator.size,
    generator: { inputs: io_(folder.generator.inputs), outputs: io_(folder.generator.outputs), bytes: folder.generatorOnnx.length },
    encoder: folder.encoder
      ? { inputs: io_(folder.encoder.inputs), outputs: io_(folder.encoder.outputs), bytes: folder.encoderOnnx!.length }
      : undefined,
    provenance: manifest.provenance,
  };
  if (values.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return EXIT_OK;
  }
  const shape = (s: readonly (number | string)[]) => `[${s.join(', ')}]`;
  const lines = [
    `${manifest.name}${manifest.description ? ` — ${manifest.description}` : ''}`,
    `labels:      ${manifest.labelSet} (${report.labels} classes; ${report.semanticChannels} semantic channels${config.dontCareChannel ? ', don\u2019t-care' : ''}${config.instanceEdgeChannel ? ', instance edges' : ''})`,
    `generator:   ngf ${config.ngf}, ${config.upsampling} upsampling, ${config.inputStage} input stage, ${config.norm} norm, zDim ${config.zDim}, ${manifest.generator.precision}`,
    `parameters:  ${(generatorParams / 1e6).toFixed(2)} M generator${manifest.encoder ? `, ${(encoderParams / 1e6).toFixed(2)} M encoder` : ''}`,
    `compute:     ${gmacs.toFixed(2)} GMAC at ${size[0]}×${size[1]}`,
    `sizes:       default ${size[0] === manifest.generator.size.default[0] ? '' : ''}${manifest.generator.size.default.join('×')}, multiple of ${manifest.generator.size.multipleOf}, max ${manifest.generator.size.max.join('×')}${manifest.generator.size.fixed ? ' (fixed)' : ''}`,
    `inputs:      ${folder.generator.inputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')}`,
    `outputs:     ${folder.generator.outputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')}`,
  ];
  if (folder.encoder) {
    lines.push(
      `encoder:     ${folder.encoder.inputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')} → ${folder.encoder.outputs.map((v) => `${v.name} ${shape(v.shape)}`).join(', ')}`,
    );
  }
  lines.push('provenance:');
  for (const [key, value] of Object.entries(manifest.provenance)) lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  io.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}

async function readStyleImage(path: string): Promise<StyleImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    // Decoded at its own size; core resizes it (bilinear, PyTorch-exact) to the encoder input.
    const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw new PaintscapeError(ErrorCode.InvalidArgument, `cannot decode style image ${path}: ${(error as Error).message}`, { field: 'style' });
  }
}

async function commandRender(args: string[], io: Io): Promise<number> {
  const { values } = parse('render', args, {
    model: { type: 'string' },
    map: { type: 'string' },
    out: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    style: { type: 'string' },
    device: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return help(io, 'render');
  const modelDir = required('render', values, 'model');
  const mapPath = required('render', values, 'map');
  const out = required('render', values, 'out');
  const device = (values.device as string | undefined) ?? 'cpu';
  if (device !== 'cpu' && device !== 'webgpu') throw new UsageError(`render: --device must be cpu or webgpu, got '${device}'`);
  let seed = 0;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`render: --seed must be a non-negative integer, got '${String(values.seed)}'`);
  }
  const progress = progressFor(io, values.quiet);
  let step = progress.step('loading model');
  const folder = await loadModelFolder(modelDir);
  step.done();
  const set = getLabelSet(folder.manifest.labelSet);
  let mapBytes: Uint8Array;
  try {
    mapBytes = new Uint8Array(await readFile(mapPath));
  } catch (error) {
    throw fileError(mapPath, error);
  }
  const map = decodeLabelMap(mapBytes, set);
  const size = values.size ? parseSize(values.size as string, folder.manifest) : undefined;
  const options: Parameters<typeof renderLabelMap>[2] = { seed, device: device as RenderDevice };
  if (size) options.size = size;
  if (values.style) {
    if (!folder.manifest.encoder) {
      throw new PaintscapeError(ErrorCode.ModelMismatch, `model ${folder.manifest.name} has no encoder: --style needs one`, { field: 'style' });
    }
    options.style = await readStyleImage(values.style as string);
  }
  step = progress.step(`rendering on ${device}`);
  const result = await renderLabelMap(folder, map, options);
  step.done(`${result.width}×${result.height}`);
  const ext = extname(out).toLowerCase();
  let encoded: Uint8Array;
  if (ext === '.png' || ext === '') encoded = encodeRgbaPng(result.rgba, result.width, result.height);
  else {
    const image = sharp(Buffer.from(result.rgba), { raw: { width: result.width, height: result.height, channels: 4 } }).removeAlpha();
    encoded = await image.toFormat(ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : ext === '.webp' ? 'webp' : 'png').toBuffer();
  }
  try {
    await writeFile(out, encoded);
  } catch (error) {
    throw new PaintscapeError(ErrorCode.InvalidArgument, `cannot write ${out}: ${(error as Error).message}`, { field: 'out' });
  }
  io.stdout.write(`wrote ${out} (${result.width}×${result.height}, seed ${seed}${values.style ? `, style ${basename(values.style as string)}` : ''})\n`);
  return EXIT_OK;
}

function help(io: Io, command?: string): number {
  io.stdout.write(command ? HELP[command]! : MAIN_HELP);
  return EXIT_OK;
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  build: commandBuild,
  convert: commandConvert,
  inspect: commandInspect,
  render: commandRender,
};

/**
 * Runs the CLI; returns the exit code. Errors are one line for people: PaintscapeError
 * messages as they are, usage errors with a hint, anything else without a stack trace
 * unless PAINTSCAPE_DEBUG is set.
 */
export async function runCli(argv: string[], io: Io = process): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return help(io, rest[0] !== undefined && rest[0] in HELP ? rest[0] : undefined);
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`paintscape-model: unknown command '${command}' (try --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`paintscape-model ${error.message} (see 'paintscape-model ${command} --help')\n`);
      return EXIT_USAGE;
    }
    if (error instanceof PaintscapeError) {
      io.stderr.write(`paintscape-model ${command}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`paintscape-model ${command}: ${message.split('\n')[0]}\n`);
    if (process.env['PAINTSCAPE_DEBUG']) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return EXIT_FAILURE;
  }
}

// Run when executed directly (the bin), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`paintscape-model: ${String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
