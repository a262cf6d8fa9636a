import { PaintscapeError, ErrorCode } from '@paintscape/core';

/** Who is painting: shown to peers through awareness. */
export interface UserInfo {
  name: string;
  /** CSS colour of the user's cursor, e.g. '#e0457b'. */
  color: string;
}

/** A WebSocket constructor: the browser's, Node 22's global, or `ws`'s default export. */
export type WebSocketConstructor = {
  new (url: string | URL, protocols?: string | string[]): WebSocket;
  prototype: WebSocket;
  readonly CLOSED: number;
  readonly CLOSING: number;
  readonly CONNECTING: number;
  readonly OPEN: number;
};

export interface ConnectOptions {
  /** Server base URL, http(s):// or ws(s)://, e.g. 'http://localhost:8080'. */
  server: string;
  /** Room name: 1–128 characters of [A-Za-z0-9._-]. */
  room: string;
  /** Access token minted by the server's secret, sent as `?token=`. */
  token?: string;
  user: UserInfo;
  /** WebSocket implementation. Default: the global `WebSocket`; in Node < 22 pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Minimum interval between two awareness (cursor/tool) broadcasts. Default 50 ms. */
  awarenessThrottleMs?: number;
  /** Longest wait between reconnect attempts (exponential backoff). Default 2500 ms. */
  maxReconnectDelayMs?: number;
  /** Also sync tabs of the same browser through BroadcastChannel. Default true in browsers, false in Node. */
  crossTab?: boolean;
}

/** Defaults of `connect()` options; each is documented on `ConnectOptions`. */
export const CONNECT_DEFAULTS = {
  awarenessThrottleMs: 50,
  maxReconnectDelayMs: 2500,
} as const;

/** Room names the SDK accepts (the server applies its own, possibly stricter, rules). */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export function invalidArgument(field: string, message: string, value?: unknown): PaintscapeError {
  return new PaintscapeError(ErrorCode.InvalidArgument, `${field} ${message}`, { field, value });
}

/** Validates `connect()` options; throws a PaintscapeError naming the bad field. */
export function validateConnectOptions(options: ConnectOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'must be an object', options);
  if (typeof options.server !== 'string' || !/^(https?|wss?):\/\//.test(options.server)) {
    throw invalidArgument('server', 'must be an http(s):// or ws(s):// URL', options.server);
  }
  if (typeof options.room !== 'string' || !ROOM_NAME_PATTERN.test(options.room)) {
    throw invalidArgument('room', `must match ${ROOM_NAME_PATTERN}`, options.room);
  }
  if (options.token !== undefined && typeof options.token !== 'string') throw invalidArgument('token', 'must be a string', options.token);
  if (typeof options.user !== 'object' || options.user === null) throw invalidArgument('user', 'must be { name, color }', options.user);
  if (typeof options.user.name !== 'string' || options.user.name.length === 0) throw invalidArgument('user.name', 'must be a non-empty string', options.user.name);
  if (typeof options.user.color !== 'string' || options.user.color.length === 0) throw invalidArgument('user.color', 'must be a CSS colour string', options.user.color);
  for (const field of ['awarenessThrottleMs', 'maxReconnectDelayMs'] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw invalidArgument(field, 'must be a non-negative number', value);
  }
}

/** 'http://h:1/x/' → { http: 'http://h:1/x', ws: 'ws://h:1/x' } */
export function serverUrls(server: string): { http: string; ws: string } {
  const trimmed = server.replace(/\/+$/, '');
  const http = trimmed.replace(/^ws(s?):\/\//, 'http$1://');
  const ws = trimmed.replace(/^http(s?):\/\//, 'ws$1://');
  return { http, ws };
}
