/** Model folders: `model.json` (core's ModelManifest) beside `generator.onnx` (+ `encoder.onnx`). */
import { basename, resolve } from 'node:path';
import { getLabelSet, resolveRenderSize, type LabelSet, type ModelManifest } from '@paintscape/core';
import { loadModelFolder } from '@paintscape/model-cli';
import type { DeviceChoice } from '../config.js';
import { createSession, type SessionOnDevice } from './device.js';

export interface LoadedModel {
  /** Name used in the API (`?model=`): the manifest name, else the folder name. */
  name: string;
  dir: string;
  manifest: ModelManifest;
  labelSet: LabelSet;
  generator: SessionOnDevice;
  encoder: SessionOnDevice | null;
  segInput: string;
  zInput: string | null;
  zSize: number;
  outputName: string;
  channels: number;
  /** True when the generator's batch dimension is symbolic (several maps per run). */
  batchDynamic: boolean;
}

/** Loads a model folder (model-cli's loader checks manifest and graphs agree) onto `device`. */
export async function loadModel(dir: string, device: DeviceChoice): Promise<LoadedModel> {
  const folder = resolve(dir);
  const loaded = await loadModelFolder(folder);
  const manifest = loaded.manifest;
  const labelSet = getLabelSet(manifest.labelSet);
  const generator = await createSession(loaded.generatorOnnx, device);
  // The encoder runs where the generator runs.
  const encoder = loaded.encoderOnnx ? await createSession(loaded.encoderOnnx, generator.device) : null;
  const segMeta = generator.session.inputMetadata.find((m) => m.name === manifest.generator.inputs.seg.name);
  const batchDim = segMeta && segMeta.isTensor ? segMeta.shape[0] : undefined;
  const zInput = manifest.generator.inputs.z?.name ?? null;
  return {
    name: manifest.name || basename(folder),
    dir: folder,
    manifest,
    labelSet,
    generator,
    encoder,
    segInput: manifest.generator.inputs.seg.name,
    zInput,
    zSize: zInput ? (manifest.generator.inputs.z?.size ?? manifest.generator.config.zDim) : 0,
    outputName: manifest.generator.output.name,
    channels: manifest.generator.inputs.seg.channels,
    batchDynamic: typeof batchDim === 'string' || batchDim === -1,
  };
}

/** Output size for a request (core's rules: fixed graphs, multipleOf, max). */
export function resolveSize(model: LoadedModel, requested: [number, number] | null): [number, number] {
  return resolveRenderSize(model.manifest, requested ?? undefined);
}
