// The project lint (scripts/lint.mjs) guards core's purity and the import graph; check that it
// really fails on each kind of problem, and passes the real packages.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const lint = resolve(import.meta.dirname, '../scripts/lint.mjs');
const run = (dir: string) => spawnSync(process.execPath, [lint, dir], { encoding: 'utf8' });

function fakeCore(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lint-'));
  const dir = join(root, 'packages', 'core');
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, 'src', name), code);
  return dir;
}

describe('scripts/lint.mjs', () => {
  it('passes the real packages', () => {
    for (const pkg of ['packages/core', 'packages/server', 'packages/client-sdk', 'packages/model-cli']) {
      const res = run(resolve(import.meta.dirname, '..', pkg));
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    }
  });

  it('reports an import cycle', () => {
    const res = run(fakeCore({ 'a.ts': "import { b } from './b.js';\nexport const a = b;\n", 'b.ts': "import { a } from './a.js';\nexport const b = () => a;\n" }));
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/import cycle: src\/(a|b)\.ts -> src\/(a|b)\.ts/);
  });

  it('ignores type-only cycles', () => {
    const res = run(fakeCore({ 'a.ts': "import type { B } from './b.js';\nexport type A = B[];\n", 'b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n" }));
    expect(res.status).toBe(0);
  });

  it('keeps core free of node builtins and node/browser globals', () => {
    const res = run(
      fakeCore({
        'fs.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
        'env.ts': 'export const e = process.env;\n',
        'dom.ts': 'export const d = () => window.innerWidth;\n',
        // names inside strings and comments are fine
        'ok.ts': "// process.env is not used here\nexport const s = 'window.x';\nexport * from './paint-document.js';\n",
        'paint-document.ts': 'export const p = 1;\n',
      }),
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("core must not import node builtin 'node:fs'");
    expect(res.stderr).toContain('src/env.ts: core uses a node-only global');
    expect(res.stderr).toContain('src/dom.ts: core uses a browser-only global');
    expect(res.stderr).not.toContain('ok.ts');
  });

  it('refuses deep imports into another package', () => {
    const res = run(fakeCore({ 'x.ts': "import { y } from '@paintscape/server/src/room.js';\nexport const x = y;\n" }));
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('deep import');
  });
});
