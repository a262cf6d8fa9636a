import { webConfig } from '../../../lib/server-config';
import { sendStaticFile } from '../../../lib/static-files';

/** Model folders (model.json, generator.onnx, encoder.onnx) for in-browser rendering. */
export async function GET(_request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  if (path.length !== 2 || path.some((part) => !/^[A-Za-z0-9._-]+$/.test(part) || part.startsWith('.'))) {
    return new Response('not found', { status: 404 });
  }
  return sendStaticFile(webConfig().modelsDir, path.join('/'), ['.json', '.onnx'], 'no-cache');
}
