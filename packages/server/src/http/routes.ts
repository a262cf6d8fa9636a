/** HTTP API: `/v1/render`, `/v1/style`, `/v1/models`, `/v1/rooms/<room>/render.png`, `/healthz`, `/metrics`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PaintscapeError, type SegMap } from '@paintscape/core';
import type { ServerOptions } from '../config.js';
import { tokenFromRequest } from '../sync/socket-adapter.js';
import { verifyToken } from '../auth/token.js';
import { KeyedRateLimiter } from '../sync/rate-limiter.js';
import type { RenderService } from '../render/service.js';
import { HttpError, readBody, sendBytes, sendError, sendJson } from './respond.js';

export interface LatestRender {
  png: Uint8Array;
  mapVersion: number;
  model: string;
  width: number;
  height: number;
}

export interface HttpContext {
  options: ServerOptions;
  renders: RenderService;
  latestRoomRender: (room: string) => LatestRender | null;
  metricsText: () => string;
  health: () => Record<string, unknown>;
}

export function parseSize(value: string | null): [number, number] | null {
  if (value === null || value === '') return null;
  const match = /^(\d{1,5})(?:x(\d{1,5}))?$/.exec(value);
  if (!match) throw new PaintscapeError('invalid_argument', `size must be WIDTHxHEIGHT or N, got '${value}'`, { field: 'size', value });
  const w = Number(match[1]);
  const h = match[2] === undefined ? w : Number(match[2]);
  return [w, h];
}

export function parseSeed(value: string | null): number {
  if (value === null || value === '') return 0;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new PaintscapeError('invalid_argument', `seed must be an integer in [0, 2^32), got '${value}'`, { field: 'seed', value });
  }
  return seed;
}

export function parseStyle(value: unknown): Float32Array | null {
  if (value === null || value === undefined || value === '') return null;
  const parts = Array.isArray(value) ? value : String(value).split(',');
  const numbers = parts.map((p) => Number(p));
  if (numbers.length === 0 || numbers.some((n) => !Number.isFinite(n))) {
    throw new PaintscapeError('invalid_argument', 'style must be a comma-separated list of finite numbers', { field: 'style' });
  }
  return Float32Array.from(numbers);
}

function labelsFromJson(body: Record<string, unknown>, maxPixels: number): SegMap {
  const width = body['width'];
  const height = body['height'];
  if (!Number.isInteger(width) || (width as number) <= 0) throw new PaintscapeError('invalid_argument', 'width must be a positive integer', { field: 'width', value: width });
  if (!Number.isInteger(height) || (height as number) <= 0) throw new PaintscapeError('invalid_argument', 'height must be a positive integer', { field: 'height', value: height });
  const w = width as number;
  const h = height as number;
  if (w * h > maxPixels) throw new HttpError(413, 'map_too_large', `map has ${w * h} pixels; the limit is ${maxPixels}`, { field: 'labels', limit: maxPixels });
  const labels = body['labels'];
  let data: Uint8Array;
  if (typeof labels === 'string') data = new Uint8Array(Buffer.from(labels, 'base64'));
  else if (Array.isArray(labels)) {
    if (labels.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) throw new PaintscapeError('label_out_of_range', 'labels must be integers in [0, 255]', { field: 'labels' });
    data = Uint8Array.from(labels as number[]);
  } else throw new PaintscapeError('invalid_argument', 'labels must be an array of integers or a base64 string', { field: 'labels' });
  if (data.length !== w * h) throw new PaintscapeError('size_mismatch', `labels has ${data.length} values; width×height is ${w * h}`, { field: 'labels', expected: w * h, actual: data.length });
  return { width: w, height: h, data };
}

export function createHttpHandler(context: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { options, renders } = context;
  const renderLimiter = new KeyedRateLimiter(options.limits.rendersPerSecond, options.limits.renderBurst);
  const clientKey = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/healthz' && method === 'GET') return sendJson(res, 200, context.health());
    if (path === '/metrics' && method === 'GET') {
      const text = context.metricsText();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (path === '/v1/models' && method === 'GET') {
      return sendJson(res, 200, { models: renders.listModels(), failures: renders.failures });
    }
    if (path === '/v1/render' && method === 'POST') {
      if (!renderLimiter.take(clientKey(req))) throw new HttpError(429, 'rate_limited', `more than ${options.limits.rendersPerSecond} renders per second`, { limit: options.limits.rendersPerSecond });
      const body = await readBody(req, options.limits.maxBodyBytes);
      const model = url.searchParams.get('model');
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      let map: SegMap;
      let size = parseSize(url.searchParams.get('size'));
      let seed = parseSeed(url.searchParams.get('seed'));
      let style = parseStyle(url.searchParams.get('style'));
      if (type === 'application/json') {
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new PaintscapeError('invalid_argument', 'body is not valid JSON', { field: 'body' });
        }
        map = labelsFromJson(json, options.limits.maxMapPixels);
        if (json['size'] !== undefined) size = parseSize(String(json['size']));
        if (json['seed'] !== undefined) seed = parseSeed(String(json['seed']));
        if (json['style'] !== undefined) style = parseStyle(json['style']);
      } else if (type === 'application/octet-stream') {
        map = labelsFromJson({ width: Number(url.searchParams.get('width')), height: Number(url.searchParams.get('height')), labels: body.toString('base64') }, options.limits.maxMapPixels);
      } else {
        if (body.length === 0) throw new PaintscapeError('invalid_argument', 'body must be a label PNG, JSON labels or raw label bytes', { field: 'body' });
        map = renders.decodeLabelImage(model, body);
      }
      const result = await renders.render({ model, map, size, seed, style, coalesceKey: null });
      return sendBytes(res, 200, 'image/png', result.png, {
        'x-paintscape-model': result.model,
        'x-paintscape-device': result.device,
        'x-paintscape-cache': result.cached ? 'hit' : 'miss',
        'x-paintscape-seed': String(result.seed),
      });
    }
    if (path === '/v1/style' && method === 'POST') {
      if (!renderLimiter.take(clientKey(req))) throw new HttpError(429, 'rate_limited', `more than ${options.limits.rendersPerSecond} requests per second`, { limit: options.limits.rendersPerSecond });
      const body = await readBody(req, options.limits.maxBodyBytes);
      if (body.length === 0) throw new PaintscapeError('invalid_argument', 'body must be an image (PNG or JPEG)', { field: 'body' });
      return sendJson(res, 200, await renders.encodeStyle(url.searchParams.get('model'), body));
    }
    const roomRender = /^\/v1\/rooms\/([^/]+)\/render\.png$/.exec(path);
    if (roomRender && method === 'GET') {
      const room = decodeURIComponent(roomRender[1]!);
      if (options.tokenSecret !== null) {
        const check = verifyToken(options.tokenSecret, tokenFromRequest(req, url), room, 'read');
        if (!check.ok) throw new HttpError(check.status, check.code, check.message);
      }
      const latest = context.latestRoomRender(room);
      if (!latest) throw new HttpError(404, 'no_render', `room '${room}' has no render yet`);
      return sendBytes(res, 200, 'image/png', latest.png, {
        'x-paintscape-map-version': String(latest.mapVersion),
        'x-paintscape-model': latest.model,
        'cache-control': 'no-store',
      });
    }
    if (['/healthz', '/metrics', '/v1/models', '/v1/render', '/v1/style'].includes(path) || roomRender) {
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    }
    throw new HttpError(404, 'not_found', `no route for ${method} ${path}`);
  }

  /** CORS for browsers on another origin (the web app): same allow-list as WebSockets. */
  function applyCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (options.allowedOrigins.includes('*')) res.setHeader('access-control-allow-origin', '*');
    else if (origin !== undefined && options.allowedOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    } else return;
    res.setHeader('access-control-expose-headers', 'x-paintscape-model, x-paintscape-device, x-paintscape-cache, x-paintscape-seed, x-paintscape-map-version');
  }

  return (req, res) => {
    applyCors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError) && !(error instanceof PaintscapeError)) {
        options.log('error', 'request failed', { url: req.url, error: String((error as Error)?.stack ?? error) });
      }
      if (error instanceof PaintscapeError && ['unknown_model', 'model_unavailable'].includes(error.code)) {
        return sendError(res, new HttpError(error.code === 'unknown_model' ? 404 : 503, error.code, error.message, error.details as Record<string, unknown>));
      }
      if (error instanceof PaintscapeError && error.code === 'map_too_large') {
        return sendError(res, new HttpError(413, error.code, error.message, error.details as Record<string, unknown>));
      }
      sendError(res, error);
    });
  };
}
