#!/usr/bin/env node
/**
 * `paintscape-server [--flag value …]` starts the server (flags and PAINTSCAPE_* variables as
 * in the README); `paintscape-server token --room R --scope read|write --ttl SECONDS` prints
 * a token signed with PAINTSCAPE_TOKEN_SECRET (or --secret).
 */
import { PaintscapeError } from '@paintscape/core';
import { mintToken, type TokenScope } from './auth/token.js';
import { OPTION_SPECS, optionsFromArgs, optionsFromEnv, type ServerOptionsInput } from './config.js';
import { createServer } from './server.js';

function usage(): string {
  const rows = OPTION_SPECS.map((s) => `  ${s.flag.padEnd(28)} ${s.env}`);
  return [
    'usage: paintscape-server [options]',
    '       paintscape-server token --room NAME|PREFIX* --scope read|write [--ttl SECONDS] [--secret S]',
    '',
    'options (flag / environment variable):',
    ...rows,
  ].join('\n');
}

function tokenCommand(args: string[]): void {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!;
    const value = args[i + 1];
    if (!key.startsWith('--') || value === undefined) throw new PaintscapeError('invalid_argument', `expected --name value, got '${key}'`, { field: key });
    values.set(key.slice(2), value);
  }
  const secret = values.get('secret') ?? process.env['PAINTSCAPE_TOKEN_SECRET'];
  if (!secret) throw new PaintscapeError('invalid_argument', 'set PAINTSCAPE_TOKEN_SECRET or pass --secret', { field: 'secret' });
  const room = values.get('room');
  if (!room) throw new PaintscapeError('invalid_argument', '--room is required', { field: 'room' });
  const scope = (values.get('scope') ?? 'write') as TokenScope;
  const ttlSeconds = Number(values.get('ttl') ?? 3600);
  process.stdout.write(mintToken(secret, { room, scope, ttlSeconds }) + '\n');
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage() + '\n');
    return;
  }
  if (argv[0] === 'token') {
    tokenCommand(argv.slice(1));
    return;
  }
  const fromEnv = optionsFromEnv(process.env);
  const fromArgs = optionsFromArgs(argv);
  const input: ServerOptionsInput = { ...fromEnv, ...fromArgs, limits: { ...fromEnv.limits, ...fromArgs.limits } };
  const server = await createServer(input);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.options.log('info', 'shutting down', { signal });
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.options.log('error', 'shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Announce the bound port on stdout (useful with --port 0).
  process.stdout.write(JSON.stringify({ listening: server.port, url: server.url }) + '\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof PaintscapeError) {
    process.stderr.write(`paintscape-server: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`paintscape-server: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
