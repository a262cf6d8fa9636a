import { defineConfig } from '@playwright/test';
import { E2E_MODELS_DIR, E2E_SERVER_PORT, E2E_SERVER_URL, E2E_WEB_PORT, E2E_WEB_URL } from './e2e/support/e2e-env.js';

/** Debian's Chromium; Playwright's own browser downloads are never used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags every browser test needs here; specs add e.g. --enable-unsafe-webgpu per project/test. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * App e2e (tests/e2e, project 'e2e'): set PAINTSCAPE_E2E=1 to start a Paintscape server with the
 * tiny test model and the built web app (`next build` first): `PAINTSCAPE_E2E=1 pnpm exec
 * playwright test --project=e2e`. Without it the e2e project and its web servers are left out (SDK browser tests need neither).
 */
const runE2e = process.env['PAINTSCAPE_E2E'] === '1';

export default defineConfig({
  testDir: '.',
  testMatch: ['**/*.spec.ts'],
  testIgnore: ['**/node_modules/**'],
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'sdk', testIgnore: ['**/node_modules/**', 'e2e/**'] },
    ...(runE2e ? [{
      name: 'e2e',
      testDir: './e2e',
      use: {
        baseURL: E2E_WEB_URL,
        acceptDownloads: true,
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] },
      },
    }] : []),
  ],
  ...(runE2e
    ? {
        webServer: [
          {
            command: 'node --import tsx e2e/support/serve-paintscape.ts',
            url: `${E2E_SERVER_URL}/healthz`,
            timeout: 60_000,
            reuseExistingServer: false,
            stdout: 'pipe' as const,
          },
          {
            command: 'pnpm --filter @paintscape/web start',
            url: E2E_WEB_URL,
            timeout: 120_000,
            reuseExistingServer: false,
            env: {
              PORT: String(E2E_WEB_PORT),
              PAINTSCAPE_SERVER: E2E_SERVER_URL,
              PAINTSCAPE_WEB_MODELS_DIR: E2E_MODELS_DIR,
              NEXT_TELEMETRY_DISABLED: '1',
              PAINTSCAPE_E2E_SERVER_PORT: String(E2E_SERVER_PORT),
            },
          },
        ],
      }
    : {}),
});
