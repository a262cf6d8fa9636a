// Node helpers of @paintscape/model-cli, shared with the server: model folders, weight files,
// building/converting and rendering on onnxruntime-node.
export {
  MANIFEST_FILE,
  GENERATOR_FILE,
  ENCODER_FILE,
  DEFAULT_MAX_RENDER_SIZE,
  type LoadedModelFolder,
  type CreateManifestInput,
  loadModelFolder,
  createManifest,
  writeModelFolder,
} from './model-folder.js';
export { READ_CHUNK_BYTES, readFileWithProgress, readJsonFile, parseStateDict } from './files.js';
export {
  type BuildConfigFile,
  type BuildModelInput,
  parseBuildConfig,
  buildModelFolder,
  readStateDictFile,
  mergeProvenance,
} from './build.js';
export {
  type RenderDevice,
  type RenderOptions,
  type RenderResult,
  type StyleImage,
  parseSize,
  decodeLabelMap,
  ModelRenderer,
  renderLabelMap,
} from './render.js';
export {
  type Progress,
  type ProgressStep,
  type ProgressStream,
  PROGRESS_BAR_WIDTH,
  PROGRESS_REDRAW_MS,
  createProgress,
} from './progress.js';
export { runCli, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './cli.js';
