/**
 * Server configuration: one options object with a documented default on every field.
 * The same fields can be given as CLI flags (`--max-clients-per-room 50`) or environment
 * variables (`PAINTSCAPE_MAX_CLIENTS_PER_ROOM=50`); precedence: options/flags > env > default.
 */
import { PaintscapeError } from '@paintscape/core';

export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export interface ServerLimits {
  /** Largest WebSocket message accepted, bytes; larger closes the socket with 1009. */
  maxMessageBytes: number;
  /** Largest map (width·height, pixels) accepted for rendering and in a room document. */
  maxMapPixels: number;
  /** Clients per room; the next one is closed with 4503. */
  maxClientsPerRoom: number;
  /** Rooms held in memory at once; a connection needing one more is closed with 4503. */
  maxRoomsInMemory: number;
  /** Sustained document updates per second per connection (token bucket); excess closes with 4429. */
  updatesPerSecond: number;
  /** Burst of updates per connection above the sustained rate. */
  updateBurst: number;
  /** Sustained HTTP renders per second per client address; excess is HTTP 429. */
  rendersPerSecond: number;
  /** Burst of renders per client address. */
  renderBurst: number;
  /** Largest HTTP request body, bytes; larger is HTTP 413. */
  maxBodyBytes: number;
  /** Bytes queued for one socket that is not reading; beyond, it is closed with 4508 (slow consumer). */
  maxSendBufferBytes: number;
}

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8787 (env PORT also honoured by the CLI). */
  port: number;
  /** Interface to bind. Default '0.0.0.0'. */
  host: string;
  /** Directory of the SQLite database; `null` keeps rooms in memory only. Default './data'. */
  dataDir: string | null;
  /** Model folders (each with model.json + generator.onnx). The first is the default model. */
  modelDirs: string[];
  /** Execution provider for onnxruntime. Default 'auto' (CUDA → WebGPU → CPU). */
  device: DeviceChoice;
  /** HMAC secret for room tokens; `null` disables access control. Default null. */
  tokenSecret: string | null;
  /** Allowed `Origin` headers for WebSockets ('*' = any, also requests without Origin). Default ['*']. */
  allowedOrigins: string[];
  /** Renders running at once across all rooms. Default 1 on CPU, 4 on GPU (0 = by device). */
  renderConcurrency: number;
  /** Largest dynamic batch across rooms (1 disables batching). Default 8. */
  maxBatch: number;
  /** How long the queue waits to fill a batch once a request is queued, ms. Default 2. */
  batchWindowMs: number;
  /** Entries in the render LRU cache. Default 256. */
  renderCacheEntries: number;
  /** Milliseconds an empty room stays in memory before it is unloaded. Default 30000. */
  roomGraceMs: number;
  /** Updates in a room's log before they are merged into its snapshot. Default 200. */
  snapshotEveryUpdates: number;
  /** Interval of the background snapshot merge, ms. Default 5000. */
  snapshotIntervalMs: number;
  /** Run core's paint-log compaction when the log has this many ops. Default 500. */
  compactAfterOps: number;
  /** Delay after a room change before its render is queued, ms (coalesces bursts). Default 50. */
  roomRenderDelayMs: number;
  /** Push renders of a room to its clients. Default true. */
  roomRenders: boolean;
  /** SQLite `synchronous` level: 'full' (fsync every commit) or 'normal'. Default 'full'. */
  sqliteSync: 'full' | 'normal';
  limits: ServerLimits;
  /** Log lines (one JSON object each); default writes to stderr. */
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxMessageBytes: 2 * 1024 * 1024,
  maxMapPixels: 2048 * 2048,
  maxClientsPerRoom: 64,
  maxRoomsInMemory: 1000,
  updatesPerSecond: 100,
  updateBurst: 500,
  rendersPerSecond: 5,
  renderBurst: 10,
  maxBodyBytes: 8 * 1024 * 1024,
  maxSendBufferBytes: 16 * 1024 * 1024,
});

export function defaultLog(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
}

export function defaultOptions(): ServerOptions {
  return {
    port: 8787,
    host: '0.0.0.0',
    dataDir: './data',
    modelDirs: ['models/landscape'],
    device: 'auto',
    tokenSecret: null,
    allowedOrigins: ['*'],
    renderConcurrency: 0,
    maxBatch: 8,
    batchWindowMs: 2,
    renderCacheEntries: 256,
    roomGraceMs: 30_000,
    snapshotEveryUpdates: 200,
    snapshotIntervalMs: 5000,
    compactAfterOps: 500,
    roomRenderDelayMs: 50,
    roomRenders: true,
    sqliteSync: 'full',
    limits: { ...DEFAULT_LIMITS },
    log: defaultLog,
  };
}

export type ServerOptionsInput = Partial<Omit<ServerOptions, 'limits'>> & { limits?: Partial<ServerLimits> };

/** Merges user options over the defaults and validates every field (PaintscapeError naming it). */
export function resolveOptions(input: ServerOptionsInput = {}): ServerOptions {
  const base = defaultOptions();
  const merged: ServerOptions = { ...base, ...stripUndefined(input), limits: { ...base.limits, ...stripUndefined(input.limits ?? {}) } };
  const positiveInts: Array<[string, number]> = [
    ['maxBatch', merged.maxBatch],
    ['renderCacheEntries', merged.renderCacheEntries],
    ['snapshotEveryUpdates', merged.snapshotEveryUpdates],
    ['compactAfterOps', merged.compactAfterOps],
    ...Object.entries(merged.limits).map(([k, v]) => [`limits.${k}`, v] as [string, number]),
  ];
  for (const [field, value] of positiveInts) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new PaintscapeError('invalid_config', `${field} must be a positive number, got ${String(value)}`, { field, value });
    }
  }
  const nonNegative: Array<[string, number]> = [
    ['port', merged.port],
    ['renderConcurrency', merged.renderConcurrency],
    ['batchWindowMs', merged.batchWindowMs],
    ['roomGraceMs', merged.roomGraceMs],
    ['snapshotIntervalMs', merged.snapshotIntervalMs],
    ['roomRenderDelayMs', merged.roomRenderDelayMs],
  ];
  for (const [field, value] of nonNegative) {
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new PaintscapeError('invalid_config', `${field} must be a non-negative number, got ${String(value)}`, { field, value });
    }
  }
  if (!['auto', 'cpu', 'cuda', 'webgpu'].includes(merged.device)) {
    throw new PaintscapeError('invalid_config', `device must be auto|cpu|cuda|webgpu, got ${String(merged.device)}`, { field: 'device', value: merged.device });
  }
  if (!['full', 'normal'].includes(merged.sqliteSync)) {
    throw new PaintscapeError('invalid_config', `sqliteSync must be full|normal, got ${String(merged.sqliteSync)}`, { field: 'sqliteSync' });
  }
  if (merged.tokenSecret !== null && merged.tokenSecret.length < 16) {
    throw new PaintscapeError('invalid_config', 'tokenSecret must be at least 16 characters', { field: 'tokenSecret' });
  }
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One row per option: flag, env variable, kind; drives the CLI parser and the README table. */
export interface OptionSpec {
  key: string;
  flag: string;
  env: string;
  kind: 'number' | 'string' | 'list' | 'boolean' | 'nullable-string';
}

const TOP_LEVEL: Array<[keyof ServerOptions, OptionSpec['kind']]> = [
  ['port', 'number'],
  ['host', 'string'],
  ['dataDir', 'nullable-string'],
  ['modelDirs', 'list'],
  ['device', 'string'],
  ['tokenSecret', 'nullable-string'],
  ['allowedOrigins', 'list'],
  ['renderConcurrency', 'number'],
  ['maxBatch', 'number'],
  ['batchWindowMs', 'number'],
  ['renderCacheEntries', 'number'],
  ['roomGraceMs', 'number'],
  ['snapshotEveryUpdates', 'number'],
  ['snapshotIntervalMs', 'number'],
  ['compactAfterOps', 'number'],
  ['roomRenderDelayMs', 'number'],
  ['roomRenders', 'boolean'],
  ['sqliteSync', 'string'],
];

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
function screaming(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** Flag/env names: `dataDir` → `--data` / PAINTSCAPE_DATA, `modelDirs` → `--models` / PAINTSCAPE_MODELS. */
const RENAMES: Record<string, string> = { dataDir: 'data', modelDirs: 'models' };

export const OPTION_SPECS: readonly OptionSpec[] = [
  ...TOP_LEVEL.map(([key, kind]) => {
    const name = RENAMES[key] ?? key;
    return { key, flag: `--${kebab(name)}`, env: `PAINTSCAPE_${screaming(name)}`, kind };
  }),
  ...(Object.keys(DEFAULT_LIMITS) as Array<keyof ServerLimits>).map((key) => ({
    key: `limits.${key}`,
    flag: `--${kebab(key)}`,
    env: `PAINTSCAPE_${screaming(key)}`,
    kind: 'number' as const,
  })),
];

function parseValue(spec: OptionSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
        throw new PaintscapeError('invalid_config', `${spec.flag} must be a number, got '${raw}'`, { field: spec.key, value: raw });
      }
      return n;
    }
    case 'boolean':
      if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
      if (['0', 'false', 'no', 'off'].includes(raw)) return false;
      throw new PaintscapeError('invalid_config', `${spec.flag} must be true or false, got '${raw}'`, { field: spec.key, value: raw });
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'nullable-string':
      return raw === '' || raw === 'none' ? null : raw;
    case 'string':
      return raw;
  }
}

function assign(target: ServerOptionsInput, key: string, value: unknown): void {
  if (key.startsWith('limits.')) {
    target.limits = { ...(target.limits ?? {}), [key.slice(7)]: value };
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

/** Reads PAINTSCAPE_* variables (and PORT) into an options input. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): ServerOptionsInput {
  const out: ServerOptionsInput = {};
  if (env['PORT'] !== undefined && env['PORT'] !== '') assign(out, 'port', parseValue(OPTION_SPECS[0]!, env['PORT']));
  for (const spec of OPTION_SPECS) {
    const raw = env[spec.env];
    if (raw !== undefined) assign(out, spec.key, parseValue(spec, raw));
  }
  return out;
}

/** Parses `--flag value` / `--flag=value` arguments; unknown flags are an error naming the flag. */
export function optionsFromArgs(args: readonly string[]): ServerOptionsInput {
  const out: ServerOptionsInput = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = OPTION_SPECS.find((s) => s.flag === flag);
    if (!spec) throw new PaintscapeError('invalid_config', `unknown option ${flag}`, { field: flag });
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.kind === 'boolean' && (args[i + 1] === undefined || args[i + 1]!.startsWith('--'))) raw = 'true';
    else {
      const next = args[++i];
      if (next === undefined) throw new PaintscapeError('invalid_config', `${flag} needs a value`, { field: spec.key });
      raw = next;
    }
    assign(out, spec.key, parseValue(spec, raw));
  }
  return out;
}
