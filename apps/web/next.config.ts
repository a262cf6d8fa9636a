import type { NextConfig } from 'next';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages live outside apps/web (pnpm symlinks): bundle from the repository root.
  turbopack: {
    root: repoRoot,
    // onnxruntime-web is loaded at run time from /ort/ (see src/lib/ort-runtime.js), never bundled:
    // it is ~0.4 MB of JS plus wasm that only local (in-browser) rendering needs.
    resolveAlias: { 'onnxruntime-web': './src/lib/ort-runtime.js' },
  },
  outputFileTracingRoot: repoRoot,
  // Cross-origin isolation lets onnxruntime-web use wasm threads for in-browser rendering. Every
  // resource of the room page is same-origin (the sync WebSocket is not subject to COEP).
  async headers() {
    return [
      {
        source: '/room/:room*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
        ],
      },
    ];
  },
};

export default config;
