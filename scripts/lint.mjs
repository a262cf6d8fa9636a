#!/usr/bin/env node
// Project lint, dependency-free and fast: run as `node scripts/lint.mjs <package dir>`.
// Checks (each a real failure, exit 1):
//  1. no import cycles between the package's own modules (src/**/*.ts, tests excluded);
//  2. packages/core stays pure: no node builtins, no node/browser-only globals;
//  3. only src/index.ts is imported by other packages (no deep imports into another package's src/dist).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative, basename } from 'node:path';
import { builtinModules } from 'node:module';

const pkgDir = resolve(process.argv[2] ?? '.');
const srcDir = ['src', 'app', 'lib', 'components'].map((d) => join(pkgDir, d)).filter(existsSync);
const isCore = basename(pkgDir) === 'core' && basename(dirname(pkgDir)) === 'packages';
const problems = [];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYN_IMPORT_RE = /import\(\s*['"]([^'"]+)['"]\s*\)/g;
const files = srcDir.flatMap((d) => walk(d));
const isTest = (f) => /\.(test|spec)\.tsx?$/.test(f) || f.includes('/test/');

function specifiers(code) {
  const out = [];
  for (const re of [IMPORT_RE, DYN_IMPORT_RE]) {
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(code))) out.push({ spec: m[1], typeOnly: /^\s*(import|export)\s+type\s/.test(m[0].trim()) });
  }
  return out;
}

function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const cand of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base + '.ts', base + '.tsx', join(base, 'index.ts')]) {
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return null;
}

const graph = new Map();
const NODE_GLOBALS = /\b(process\.|Buffer\.|require\(|__dirname|__filename|setImmediate\()/;
const BROWSER_GLOBALS = /\b(window\.|document\.|navigator\.|localStorage|HTMLElement|ImageBitmap\b|OffscreenCanvas)/;

for (const file of files) {
  const code = readFileSync(file, 'utf8');
  const edges = [];
  for (const { spec, typeOnly } of specifiers(code)) {
    if (spec.startsWith('.')) {
      const target = resolveLocal(file, spec);
      if (!target) problems.push(`${relative(pkgDir, file)}: cannot resolve import '${spec}'`);
      else if (!typeOnly) edges.push(target);
    } else if (/^@paintscape\/[^/]+\/./.test(spec)) {
      problems.push(`${relative(pkgDir, file)}: deep import '${spec}' (import the package's public index)`);
    }
    if (isCore && !isTest(file)) {
      const bare = spec.replace(/^node:/, '').split('/')[0];
      if (spec.startsWith('node:') || builtinModules.includes(bare)) {
        problems.push(`${relative(pkgDir, file)}: core must not import node builtin '${spec}'`);
      }
    }
  }
  if (isCore && !isTest(file)) {
    // Strip comments and string literals so names inside them ('./paint-document.js') don't count.
    const stripped = code
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:])\/\/.*$/gm, '$1')
      .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''");
    if (NODE_GLOBALS.test(stripped)) problems.push(`${relative(pkgDir, file)}: core uses a node-only global (${stripped.match(NODE_GLOBALS)[0]})`);
    if (BROWSER_GLOBALS.test(stripped)) problems.push(`${relative(pkgDir, file)}: core uses a browser-only global (${stripped.match(BROWSER_GLOBALS)[0]})`);
  }
  if (!isTest(file)) graph.set(file, edges);
}

// Cycle detection (iterative DFS with colours); reports each cycle once.
const colour = new Map();
const seenCycles = new Set();
function dfs(start) {
  const stack = [[start, 0]];
  const path = [start];
  colour.set(start, 1);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    const edges = graph.get(node) ?? [];
    if (i < edges.length) {
      top[1]++;
      const next = edges[i];
      const c = colour.get(next) ?? 0;
      if (c === 0) { colour.set(next, 1); stack.push([next, 0]); path.push(next); }
      else if (c === 1) {
        const cyc = path.slice(path.indexOf(next)).map((f) => relative(pkgDir, f));
        const key = [...cyc].sort().join('|');
        if (!seenCycles.has(key)) { seenCycles.add(key); problems.push(`import cycle: ${[...cyc, cyc[0]].join(' -> ')}`); }
      }
    } else { colour.set(node, 2); stack.pop(); path.pop(); }
  }
}
for (const f of graph.keys()) if (!colour.get(f)) dfs(f);

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s) in ${relative(process.cwd(), pkgDir) || '.'}`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`lint: ${files.length} files ok in ${relative(process.cwd(), pkgDir) || '.'}`);
