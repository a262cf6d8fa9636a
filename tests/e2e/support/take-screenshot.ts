/**
 * Screenshot of a real session for the README: two participants in one room, a painted scene and
 * its render. Run against a running app (`pnpm start`, default model):
 *   node --import tsx tests/e2e/support/take-screenshot.ts [http://localhost:3000] [docs/screenshot.png]
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.js';

const baseUrl = process.argv[2] ?? 'http://localhost:3000';
const output = process.argv[3] ?? 'docs/screenshot.png';
const room = `sunny-valley-${Math.floor(Math.random() * 90) + 10}`;

async function stroke(page: Page, points: Array<[number, number]>): Promise<void> {
  const box = (await page.getByTestId('paint-canvas').boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
  await page.mouse.up();
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const viewport = { width: 1500, height: 860 };
  const a = await (await browser.newContext({ viewport, deviceScaleFactor: 1 })).newPage();
  const b = await (await browser.newContext({ viewport, deviceScaleFactor: 1 })).newPage();
  await a.addInitScript(() => localStorage.setItem('paintscape.identity', JSON.stringify({ name: 'Ada', color: '#e0457b' })));
  await b.addInitScript(() => localStorage.setItem('paintscape.identity', JSON.stringify({ name: 'Grace', color: '#2ea8f0' })));
  for (const page of [a, b]) {
    await page.goto(`${baseUrl}/room/${room}`);
    await page.getByTestId('paint-canvas').waitFor({ timeout: 60_000 });
    await page.getByTestId('render-mode').selectOption('server');
  }
  // A starts from a random scene, B adds a lake shore and trees, A adds clouds.
  await a.getByTestId('random-scene').click();
  await b.getByTestId('label-water').click();
  await b.getByTestId('tool-rect').click();
  await stroke(b, [[0.0, 0.82], [1.0, 1.0]]);
  await b.getByTestId('label-tree').click();
  await b.getByTestId('tool-brush').click();
  await stroke(b, [[0.12, 0.62], [0.16, 0.58], [0.2, 0.63]]);
  await a.getByTestId('label-cloud').click();
  await stroke(a, [[0.55, 0.12], [0.7, 0.1], [0.8, 0.13]]);
  // Leave A's pointer over the canvas so B shows A's live cursor.
  const box = (await a.getByTestId('paint-canvas').boundingBox())!;
  await a.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.35);
  for (const page of [a, b]) {
    await page.waitForFunction(
      () => {
        const image = document.querySelector('[data-testid="render-image"]');
        const canvas = document.querySelector('[data-testid="paint-canvas"]');
        return image?.getAttribute('data-map-version') === canvas?.getAttribute('data-map-version');
      },
      undefined,
      { timeout: 120_000 },
    );
  }
  await b.waitForTimeout(500);
  await b.screenshot({ path: output });
  process.stdout.write(`${JSON.stringify({ screenshot: output, room, backend: await b.getByTestId('render-image').getAttribute('data-backend'), info: await b.getByTestId('render-info').innerText() })}\n`);
} finally {
  await browser.close();
}
