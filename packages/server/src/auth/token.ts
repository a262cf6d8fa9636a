/**
 * Room access tokens: `v1.<payload>.<signature>`, payload = base64url(JSON
 * {room, scope, exp}), signature = base64url(HMAC-SHA256(secret, "v1." + payload)).
 * `room` is a room name or a prefix ending in `*` ("*" = every room); `scope` is "read"
 * (sync down, awareness, renders) or "write" (also document updates); `exp` is Unix seconds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PaintscapeError } from '@paintscape/core';

export type TokenScope = 'read' | 'write';

export interface TokenClaims {
  room: string;
  scope: TokenScope;
  /** Expiry, Unix seconds. */
  exp: number;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; status: 401 | 403; code: 'missing_token' | 'invalid_token' | 'expired_token' | 'wrong_room'; message: string };

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Mints a token; `ttlSeconds` from now. */
export function mintToken(secret: string, claims: { room: string; scope: TokenScope; ttlSeconds: number }, nowMs = Date.now()): string {
  if (claims.scope !== 'read' && claims.scope !== 'write') {
    throw new PaintscapeError('invalid_argument', `scope must be read or write, got ${String(claims.scope)}`, { field: 'scope' });
  }
  if (!(claims.ttlSeconds > 0)) throw new PaintscapeError('invalid_argument', 'ttlSeconds must be positive', { field: 'ttlSeconds' });
  if (claims.room.length === 0) throw new PaintscapeError('invalid_argument', 'room must not be empty', { field: 'room' });
  const payload: TokenClaims = { room: claims.room, scope: claims.scope, exp: Math.floor(nowMs / 1000) + Math.ceil(claims.ttlSeconds) };
  const body = 'v1.' + Buffer.from(JSON.stringify(payload)).toString('base64url');
  return body + '.' + sign(secret, body);
}

export function roomMatches(pattern: string, room: string): boolean {
  return pattern.endsWith('*') ? room.startsWith(pattern.slice(0, -1)) : pattern === room;
}

/** Verifies signature, expiry and room; `required` scope 'write' also needs a write token. */
export function verifyToken(secret: string, token: string | null, room: string, required: TokenScope, nowMs = Date.now()): TokenCheck {
  if (!token) return { ok: false, status: 401, code: 'missing_token', message: 'a token is required (query ?token= or Authorization: Bearer)' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, status: 401, code: 'invalid_token', message: 'malformed token' };
  const body = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 401, code: 'invalid_token', message: 'bad token signature' };
  }
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return { ok: false, status: 401, code: 'invalid_token', message: 'malformed token payload' };
  }
  if (typeof claims.room !== 'string' || (claims.scope !== 'read' && claims.scope !== 'write') || typeof claims.exp !== 'number') {
    return { ok: false, status: 401, code: 'invalid_token', message: 'malformed token claims' };
  }
  if (claims.exp * 1000 <= nowMs) return { ok: false, status: 401, code: 'expired_token', message: 'token expired' };
  if (!roomMatches(claims.room, room)) return { ok: false, status: 403, code: 'wrong_room', message: `token is not valid for room '${room}'` };
  if (required === 'write' && claims.scope !== 'write') {
    return { ok: false, status: 403, code: 'wrong_room', message: 'token has read scope; write needed' };
  }
  return { ok: true, claims };
}
