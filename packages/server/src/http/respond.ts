import type { IncomingMessage, ServerResponse } from 'node:http';
import { PaintscapeError } from '@paintscape/core';

/** An error with an HTTP status; bodies are `{ "error": { "code", "message", "details"? } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
  } else if (error instanceof PaintscapeError) {
    sendJson(res, 400, { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
  } else {
    sendJson(res, 500, { error: { code: 'internal', message: 'internal server error' } });
  }
}

export function sendBytes(res: ServerResponse, status: number, contentType: string, body: Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.byteLength, ...headers });
  res.end(body);
}

/** Reads the whole body; more than `maxBytes` is HTTP 413 (and the rest is not read). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new HttpError(413, 'body_too_large', `request body is ${declared} bytes; the limit is ${maxBytes}`, { limit: maxBytes }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        reject(new HttpError(413, 'body_too_large', `request body exceeds ${maxBytes} bytes`, { limit: maxBytes }));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
  });
}
