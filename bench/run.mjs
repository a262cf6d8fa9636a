#!/usr/bin/env node
// Runs every bench/*.bench.mjs (or those matching argv filters) one after another — never in
// parallel, since they measure a shared 2-core machine — and prints one JSON document:
// { machine, results: { <bench name>: <its JSON> | { error } } }.
// Each benchmark prints one JSON object and reports ratios against a baseline measured in the
// same run, so numbers from different machines or runs are comparable.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

const results = {};
let failed = 0;
for (const file of benches) {
  const name = file.replace(/\.bench\.mjs$/, '');
  process.stderr.write(`bench: ${name} …\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(here, file)], {
    cwd: here,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  try {
    if (run.status !== 0) throw new Error(`exit ${run.status ?? run.signal}`);
    const lines = run.stdout.trim().split('\n');
    results[name] = { ...JSON.parse(lines[lines.length - 1]), benchSeconds: seconds };
  } catch (err) {
    failed++;
    results[name] = { error: String(err instanceof Error ? err.message : err), stdoutTail: run.stdout?.slice(-2000) };
  }
}
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
console.log(JSON.stringify({ machine, results }, null, 2));
process.exit(failed ? 1 : 0);
