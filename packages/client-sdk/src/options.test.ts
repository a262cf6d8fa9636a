import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '@paintscape/core';
import { CONNECT_DEFAULTS, serverUrls, validateConnectOptions, type ConnectOptions } from './options.js';

const valid: ConnectOptions = { server: 'http://localhost:8787', room: 'demo', user: { name: 'Ada', color: '#f00' } };

describe('connect options', () => {
  it('accepts valid options and documents defaults', () => {
    expect(() => validateConnectOptions(valid)).not.toThrow();
    expect(CONNECT_DEFAULTS).toEqual({ awarenessThrottleMs: 50, maxReconnectDelayMs: 2500 });
  });

  it.each([
    [{ server: 'localhost' }, 'server'],
    [{ room: '' }, 'room'],
    [{ room: 'a'.repeat(129) }, 'room'],
    [{ room: 'no spaces' }, 'room'],
    [{ token: 5 }, 'token'],
    [{ user: { name: 'x' } }, 'user.color'],
    [{ maxReconnectDelayMs: Number.NaN }, 'maxReconnectDelayMs'],
  ])('rejects %o naming %s', (patch, field) => {
    try {
      validateConnectOptions({ ...valid, ...(patch as object) } as ConnectOptions);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PaintscapeError);
      expect((error as PaintscapeError).details?.['field']).toBe(field);
    }
  });

  it('derives socket and HTTP URLs from either scheme', () => {
    expect(serverUrls('http://h:1/')).toEqual({ http: 'http://h:1', ws: 'ws://h:1' });
    expect(serverUrls('wss://h/base')).toEqual({ http: 'https://h/base', ws: 'wss://h/base' });
  });
});
