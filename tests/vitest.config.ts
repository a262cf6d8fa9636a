import { defineConfig } from 'vitest/config';

// Cross-package node tests (real servers, real sockets). Browser tests (*.spec.ts) belong to
// Playwright: see playwright.config.ts.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own servers on free ports; files run one at a time because the
    // machine has 2 shared cores and the tests measure coalescing, not throughput.
    fileParallelism: false,
  },
});
