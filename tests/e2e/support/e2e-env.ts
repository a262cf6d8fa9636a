/** Ports and folders shared by the e2e web servers (playwright.config.ts) and the specs. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const E2E_SERVER_PORT = Number(process.env['PAINTSCAPE_E2E_SERVER_PORT'] ?? 8797);
export const E2E_WEB_PORT = Number(process.env['PAINTSCAPE_E2E_WEB_PORT'] ?? 3007);
export const E2E_WEB_URL = `http://localhost:${E2E_WEB_PORT}`;
export const E2E_SERVER_URL = `http://127.0.0.1:${E2E_SERVER_PORT}`;
/** Model folders the web app serves for in-browser rendering (models/<name>/). */
export const E2E_MODELS_DIR = join(tmpdir(), 'paintscape-e2e', 'models');
/** The deliberately tiny model (never the default model on CPU-emulated WebGPU). */
export const E2E_TINY_MODEL = 'tiny';
