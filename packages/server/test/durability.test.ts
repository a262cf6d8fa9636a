/**
 * Durability across a crash: the server runs as a child process and is killed with SIGKILL
 * in the middle of a stream of updates. Every update that another client had received
 * before the kill must be present after a restart (persist-before-broadcast).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, rawSocket, tempDir, waitFor, waitSynced } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'src', 'cli.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

function spawnServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, cli, '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--models='], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PAINTSCAPE_ROOM_RENDERS: 'false', PAINTSCAPE_UPDATES_PER_SECOND: '100000', PAINTSCAPE_UPDATE_BURST: '100000' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve({ child, port: (JSON.parse(line) as { listening: number }).listening });
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${err}`)));
  });
}

describe('durability', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('keeps every update a peer received when the server is SIGKILLed mid-stream', async () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const first = await spawnServer(dir.path);
    cleanup.push(() => first.child.kill('SIGKILL'));
    const url = `ws://127.0.0.1:${first.port}/sync`;
    const writer = connectClient(url, 'crash');
    const observer = connectClient(url, 'crash');
    await Promise.all([waitSynced(writer), waitSynced(observer)]);
    const received = new Set<number>();
    observer.doc.getArray<number>('stream').observe((event) => {
      for (const item of event.changes.added) for (const v of item.content.getContent() as number[]) received.add(v);
    });
    let next = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 5; i++) writer.doc.getArray<number>('stream').push([next++]);
    }, 2);
    await waitFor(() => received.size >= 300, 'observer to receive 300 updates', 30_000);
    first.child.kill('SIGKILL');
    clearInterval(pump);
    const receivedBeforeKill = new Set(received);
    // Drop both clients before the restart so neither can re-upload what it holds locally.
    writer.destroy();
    observer.destroy();
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve())));

    const second = await spawnServer(dir.path);
    cleanup.push(() => second.child.kill('SIGKILL'));
    const checker = connectClient(`ws://127.0.0.1:${second.port}/sync`, 'crash');
    cleanup.push(() => checker.destroy());
    await waitSynced(checker);
    const stored = new Set(checker.doc.getArray<number>('stream').toArray());
    const missing = [...receivedBeforeKill].filter((v) => !stored.has(v));
    expect(receivedBeforeKill.size).toBeGreaterThanOrEqual(300);
    expect(missing).toEqual([]);
    expect(next).toBeGreaterThan(0);
  }, 60_000);

  it('on SIGTERM closes sockets with 1001, keeps the data and exits 0', async () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const server = await spawnServer(dir.path);
    cleanup.push(() => server.child.kill('SIGKILL'));
    const url = `ws://127.0.0.1:${server.port}/sync`;
    const writer = connectClient(url, 'term');
    cleanup.push(() => writer.destroy());
    await waitSynced(writer);
    const raw = rawSocket(`${url}/term`);
    await raw.opened;
    writer.doc.getMap('m').set('kept', true);
    await waitFor(() => raw.messages.length >= 2, 'update relayed to the raw socket');
    writer.provider.shouldConnect = false;
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect((await raw.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    const again = await spawnServer(dir.path);
    cleanup.push(() => again.child.kill('SIGKILL'));
    const reader = connectClient(`ws://127.0.0.1:${again.port}/sync`, 'term');
    cleanup.push(() => reader.destroy());
    await waitSynced(reader);
    expect(reader.doc.getMap('m').get('kept')).toBe(true);
  }, 60_000);
});
