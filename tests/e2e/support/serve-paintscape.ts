/**
 * e2e web server #1: writes the tiny test model and runs a Paintscape server with it (in-memory
 * rooms, so every run starts clean). Started by playwright.config.ts when PAINTSCAPE_E2E=1.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from '@paintscape/server';
import { writeTinyModel } from '../../sdk/tiny-model.js';
import { E2E_MODELS_DIR, E2E_SERVER_PORT, E2E_TINY_MODEL } from './e2e-env.js';

rmSync(E2E_MODELS_DIR, { recursive: true, force: true });
const tinyDir = writeTinyModel(join(E2E_MODELS_DIR, E2E_TINY_MODEL));
const server = await createServer({ port: E2E_SERVER_PORT, host: '127.0.0.1', modelDirs: [tinyDir], dataDir: null, device: 'cpu' });
process.stdout.write(`paintscape e2e server on ${server.url}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
