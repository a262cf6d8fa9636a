import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, OPTION_SPECS, optionsFromArgs, optionsFromEnv, resolveOptions } from './config.js';

describe('configuration', () => {
  it('has a flag and an env variable for every option and limit', () => {
    expect(OPTION_SPECS.find((s) => s.key === 'dataDir')).toMatchObject({ flag: '--data', env: 'PAINTSCAPE_DATA' });
    expect(OPTION_SPECS.find((s) => s.key === 'limits.maxClientsPerRoom')).toMatchObject({ flag: '--max-clients-per-room', env: 'PAINTSCAPE_MAX_CLIENTS_PER_ROOM' });
    for (const key of Object.keys(DEFAULT_LIMITS)) expect(OPTION_SPECS.some((s) => s.key === `limits.${key}`)).toBe(true);
  });

  it('parses flags and environment variables', () => {
    const args = optionsFromArgs(['--port', '9000', '--data=none', '--models', 'a,b', '--device', 'cpu', '--room-renders', '--max-message-bytes', '4096']);
    expect(args).toMatchObject({ port: 9000, dataDir: null, modelDirs: ['a', 'b'], device: 'cpu', roomRenders: true, limits: { maxMessageBytes: 4096 } });
    const env = optionsFromEnv({ PORT: '1234', PAINTSCAPE_TOKEN_SECRET: 'x'.repeat(20), PAINTSCAPE_UPDATES_PER_SECOND: '5', PAINTSCAPE_ROOM_RENDERS: 'false' });
    expect(env).toMatchObject({ port: 1234, tokenSecret: 'x'.repeat(20), roomRenders: false, limits: { updatesPerSecond: 5 } });
  });

  it('names the field of an invalid value', () => {
    expect(() => optionsFromArgs(['--bogus', '1'])).toThrow(/unknown option --bogus/);
    expect(() => optionsFromArgs(['--port', 'eighty'])).toThrow(/--port must be a number/);
    expect(() => resolveOptions({ device: 'tpu' as 'cpu' })).toThrow(/device/);
    expect(() => resolveOptions({ limits: { maxClientsPerRoom: 0 } })).toThrow(/limits.maxClientsPerRoom/);
    expect(() => resolveOptions({ tokenSecret: 'short' })).toThrow(/tokenSecret/);
  });

  it('fills defaults', () => {
    const options = resolveOptions({});
    expect(options).toMatchObject({ port: 8787, dataDir: './data', modelDirs: ['models/landscape'], device: 'auto', sqliteSync: 'full' });
    expect(options.limits).toEqual(DEFAULT_LIMITS);
  });
});
