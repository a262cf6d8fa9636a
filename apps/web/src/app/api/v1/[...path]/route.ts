import { webConfig } from '../../../../lib/server-config';

/**
 * Same-origin proxy for the Paintscape server's HTTP API (`/api/v1/render`, `/api/v1/style`,
 * `/api/v1/models`): the server sends no CORS headers, and the sync WebSocket (which needs none)
 * goes to the server directly.
 */
const PROXIED_ROUTES = new Set(['render', 'style', 'models']);
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-paintscape-model', 'x-paintscape-device', 'x-paintscape-cache', 'x-paintscape-seed'];

async function proxy(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  if (path.length !== 1 || !PROXIED_ROUTES.has(path[0]!)) {
    return Response.json({ error: { code: 'not_found', message: `no route /api/v1/${path.join('/')}` } }, { status: 404 });
  }
  const search = new URL(request.url).search;
  const target = `${webConfig().paintscapeServer}/v1/${path[0]}${search}`;
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'authorization']) {
    const value = request.headers.get(name);
    if (value) headers[name] = value;
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      ...(request.method === 'POST' ? { body: await request.arrayBuffer() } : {}),
    });
  } catch (error) {
    return Response.json({ error: { code: 'server_unreachable', message: `Paintscape server ${webConfig().paintscapeServer} is unreachable: ${String(error)}` } }, { status: 502 });
  }
  const responseHeaders = new Headers({ 'cache-control': 'no-store' });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) responseHeaders.set(name, value);
  }
  return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: responseHeaders });
}

export const GET = proxy;
export const POST = proxy;
export const dynamic = 'force-dynamic';
