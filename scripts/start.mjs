#!/usr/bin/env node
// `pnpm start`: the sync/render server on PAINTSCAPE_PORT (default 8787) with the bundled
// default model (models/landscape), and the web app on PORT (default 3000), which talks to it.
// Ctrl+C (SIGINT) or SIGTERM stops both; if either exits, the other is stopped too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverPort = process.env.PAINTSCAPE_PORT ?? '8787';
const webPort = process.env.PORT ?? '3000';
const env = {
  ...process.env,
  PAINTSCAPE_PORT: serverPort,
  NEXT_PUBLIC_PAINTSCAPE_SERVER: process.env.NEXT_PUBLIC_PAINTSCAPE_SERVER ?? `http://localhost:${serverPort}`,
  NEXT_TELEMETRY_DISABLED: '1',
};

const children = [];
function run(name, cmd, args, cwd) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk) => chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}\n`).join('');
  child.stdout.on('data', (c) => process.stdout.write(prefix(c)));
  child.stderr.on('data', (c) => process.stderr.write(prefix(c)));
  child.on('exit', (code, signal) => {
    console.error(`[${name}] exited (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const serverCli = join(root, 'packages/server/dist/cli.js');
run('server', process.execPath, [serverCli, '--port', serverPort, '--models', join(root, 'models/landscape'), '--data', join(root, 'data')], root);
if (existsSync(join(root, 'apps/web/.next'))) {
  // next directly (not through pnpm) so that stopping it stops the server process itself.
  run('web', process.execPath, [join(root, 'apps/web/node_modules/next/dist/bin/next'), 'start', '-p', webPort], join(root, 'apps/web'));
  console.log(`Paintscape: open http://localhost:${webPort} (server on :${serverPort})`);
} else {
  console.log(`Paintscape server on http://localhost:${serverPort} (web app not built)`);
}
