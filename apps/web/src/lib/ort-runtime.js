// Stand-in for the `onnxruntime-web` package inside the app bundle: the client SDK imports
// onnxruntime-web lazily, and this loads the real module from /ort/ (served by app/ort/[file])
// only when a page renders locally. The "extern wasm" build then fetches its .mjs/.wasm from
// the same folder.
const ort = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ `${globalThis.location.origin}/ort/ort.min.mjs`);
export default ort;
export const env = ort.env;
export const Tensor = ort.Tensor;
export const InferenceSession = ort.InferenceSession;
