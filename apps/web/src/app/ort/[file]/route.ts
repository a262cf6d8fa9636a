import { ortDistDir } from '../../../lib/server-config';
import { sendStaticFile } from '../../../lib/static-files';

/** onnxruntime-web's browser files (loaded only for local rendering; see lib/ort-runtime.js). */
const ORT_FILE_PATTERN = /^ort(\.min\.mjs|-wasm-simd-threaded\.jsep\.(mjs|wasm))$/;

/** The room page is cross-origin isolated: onnxruntime-web's thread workers load this script and must be too. */
const ISOLATION_HEADERS = { 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };

export async function GET(_request: Request, context: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await context.params;
  if (!ORT_FILE_PATTERN.test(file)) return new Response('not found', { status: 404 });
  return sendStaticFile(ortDistDir(), file, ['.mjs', '.wasm'], 'public, max-age=86400', ISOLATION_HEADERS);
}
