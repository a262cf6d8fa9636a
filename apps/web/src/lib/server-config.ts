import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

/**
 * Run-time settings of the web app, read from the environment on the server at request time
 * (not inlined at build time, so one build serves any server address).
 */
export interface WebConfig {
  /** Paintscape server the browser connects to for sync (WebSocket) — e.g. http://localhost:8787. */
  paintscapeServer: string;
  /** Folder holding model folders served to the browser for local rendering (models/<name>/). */
  modelsDir: string;
  /** Model folder name used for local rendering when the page does not ask for one. */
  defaultLocalModel: string;
}

export const WEB_CONFIG_DEFAULTS = {
  paintscapeServer: 'http://localhost:8787',
  defaultLocalModel: 'landscape',
} as const;

const repoRoot = resolve(process.cwd().endsWith(join('apps', 'web')) ? join(process.cwd(), '..', '..') : process.cwd());

export function webConfig(): WebConfig {
  const env = process.env;
  return {
    paintscapeServer: (env['PAINTSCAPE_SERVER'] ?? env['NEXT_PUBLIC_PAINTSCAPE_SERVER'] ?? WEB_CONFIG_DEFAULTS.paintscapeServer).replace(/\/+$/, ''),
    modelsDir: resolve(/* turbopackIgnore: true */ env['PAINTSCAPE_WEB_MODELS_DIR'] ?? join(repoRoot, 'models')),
    defaultLocalModel: env['PAINTSCAPE_WEB_LOCAL_MODEL'] ?? WEB_CONFIG_DEFAULTS.defaultLocalModel,
  };
}

/** onnxruntime-web's dist folder (resolved through the client SDK, which depends on it). */
export function ortDistDir(): string {
  const sdkRequire = createRequire(join(repoRoot, 'packages', 'client-sdk', 'package.json'));
  // Under the node condition this resolves dist/ort.node.min.js: the browser files sit beside it.
  return dirname(sdkRequire.resolve('onnxruntime-web'));
}
