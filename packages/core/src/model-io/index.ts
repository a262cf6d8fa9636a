export type { LabelSetId, UpsamplingMode, GeneratorConfig, EncoderConfig, TensorSpec, ModelManifest } from './manifest.js';
// semanticChannels / UPSAMPLINGS are exported by the graph area (graph/config.ts).
export { validateManifest } from './validate-manifest.js';
export { type RenderSizeRequest, resolveRenderSize } from './render-size.js';
export { type OneHotOptions, instanceEdges, segMapToOneHot } from './preprocess.js';
export { imageTensorToRgba, rgbaToImageTensor, resizeBilinearChw } from './postprocess.js';
export { MAX_GAUSSIAN_SAMPLES, portableLog, sampleGaussian } from './gaussian.js';
export { seededRandom } from './seeded-random.js';
