import { describe, expect, it } from 'vitest';
import { mintToken, roomMatches, verifyToken } from './token.js';

const SECRET = 'unit-test-secret-0123';

describe('room tokens', () => {
  const now = Date.UTC(2026, 0, 1);
  it('verifies scope, room and expiry', () => {
    const write = mintToken(SECRET, { room: 'garden', scope: 'write', ttlSeconds: 60 }, now);
    const read = mintToken(SECRET, { room: 'garden', scope: 'read', ttlSeconds: 60 }, now);
    expect(verifyToken(SECRET, write, 'garden', 'write', now)).toMatchObject({ ok: true, claims: { scope: 'write', room: 'garden' } });
    expect(verifyToken(SECRET, read, 'garden', 'read', now)).toMatchObject({ ok: true });
    expect(verifyToken(SECRET, read, 'garden', 'write', now)).toMatchObject({ ok: false, status: 403 });
    expect(verifyToken(SECRET, write, 'other', 'read', now)).toMatchObject({ ok: false, status: 403, code: 'wrong_room' });
    expect(verifyToken(SECRET, write, 'garden', 'read', now + 61_000)).toMatchObject({ ok: false, status: 401, code: 'expired_token' });
    expect(verifyToken(SECRET, null, 'garden', 'read', now)).toMatchObject({ ok: false, code: 'missing_token' });
  });

  it('rejects tampered payloads and foreign signatures', () => {
    const token = mintToken(SECRET, { room: 'a', scope: 'read', ttlSeconds: 60 }, now);
    const [v, , sig] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ room: 'a', scope: 'write', exp: 9e9 })).toString('base64url');
    expect(verifyToken(SECRET, `${v}.${forgedPayload}.${sig}`, 'a', 'read', now)).toMatchObject({ ok: false, code: 'invalid_token' });
    expect(verifyToken('another-secret-xxxxxx', token, 'a', 'read', now)).toMatchObject({ ok: false, code: 'invalid_token' });
    expect(verifyToken(SECRET, 'garbage', 'a', 'read', now)).toMatchObject({ ok: false, code: 'invalid_token' });
  });

  it('matches room prefixes ending in *', () => {
    expect(roomMatches('team-*', 'team-blue')).toBe(true);
    expect(roomMatches('team-*', 'other')).toBe(false);
    expect(roomMatches('*', 'anything')).toBe(true);
    expect(roomMatches('exact', 'exact-not')).toBe(false);
  });

  it('refuses bad mint arguments', () => {
    expect(() => mintToken(SECRET, { room: 'a', scope: 'admin' as 'read', ttlSeconds: 1 })).toThrow(/scope/);
    expect(() => mintToken(SECRET, { room: 'a', scope: 'read', ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
