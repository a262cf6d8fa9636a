/** Page helpers for the app e2e specs: open a room, paint with the mouse, read canvas pixels. */
import { expect, type Page } from '@playwright/test';

export type Rgb = [number, number, number];

/** Landscape palette colours the specs check (packages/core/src/labels/sets/landscape.ts). */
export const COLORS = {
  sky: [117, 172, 235] as Rgb,
  grass: [100, 200, 60] as Rgb,
  water: [36, 100, 196] as Rgb,
  tree: [26, 100, 40] as Rgb,
  unlabeled: [236, 236, 240] as Rgb,
  sand: [240, 214, 140] as Rgb,
  rock: [146, 136, 136] as Rgb,
  flower: [232, 96, 168] as Rgb,
};

export function uniqueRoom(prefix = 'e2e'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function openRoom(page: Page, room: string, query = ''): Promise<void> {
  await page.goto(`/room/${room}${query}`);
  await expect(page.getByTestId('paint-canvas')).toBeVisible({ timeout: 60_000 });
}

/** Fractions of the canvas (0–1) → page coordinates. */
async function canvasPoint(page: Page, fx: number, fy: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('paint-canvas').boundingBox();
  if (!box) throw new Error('paint canvas has no box');
  return { x: box.x + fx * box.width, y: box.y + fy * box.height };
}

/** Drags the mouse along the points (canvas fractions), like a user painting a stroke. */
export async function drag(page: Page, points: Array<[number, number]>, steps = 8): Promise<void> {
  const first = await canvasPoint(page, ...points[0]!);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const point of points.slice(1)) {
    const p = await canvasPoint(page, ...point);
    await page.mouse.move(p.x, p.y, { steps });
  }
  await page.mouse.up();
}

export async function clickCanvas(page: Page, fx: number, fy: number): Promise<void> {
  const p = await canvasPoint(page, fx, fy);
  await page.mouse.click(p.x, p.y);
}

/** Colour of the paint canvas at a fraction of its size, as drawn on screen (device pixels). */
export async function canvasColor(page: Page, fx: number, fy: number): Promise<Rgb> {
  return page.getByTestId('paint-canvas').evaluate((element, [x, y]) => {
    const canvas = element as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(Math.floor(x! * canvas.width), Math.floor(y! * canvas.height), 1, 1).data;
    return [data[0]!, data[1]!, data[2]!] as [number, number, number];
  }, [fx, fy]);
}

/**
 * Records pointer events on the paint canvas (page clock, canvas fractions) so specs can time
 * what a peer sees against when the input happened, without Playwright round trips in between.
 */
export async function recordPointerEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: Array<{ type: string; t: number; fx: number; fy: number }> = [];
    (window as unknown as { __pointerLog: typeof log }).__pointerLog = log;
    for (const type of ['pointerdown', 'pointermove', 'pointerup']) {
      window.addEventListener(type, (event) => {
        const canvas = document.querySelector('[data-testid="paint-canvas"]');
        if (!canvas) return;
        const rect = canvas.getBoundingClientRect();
        const e = event as PointerEvent;
        log.push({ type, t: Date.now(), fx: (e.clientX - rect.left) / rect.width, fy: (e.clientY - rect.top) / rect.height });
      }, true);
    }
  });
}

/** Page-clock time of the first recorded pointer event of `type` at or right of `minFx` after `since`. */
export async function pointerEventTime(page: Page, type: string, since: number, minFx = -Infinity): Promise<number> {
  return page.evaluate(({ type, since, minFx }) => {
    const log = (window as unknown as { __pointerLog: Array<{ type: string; t: number; fx: number }> }).__pointerLog;
    const hit = log.find((e) => e.type === type && e.t >= since && e.fx >= minFx);
    if (!hit) throw new Error(`no ${type} event recorded`);
    return hit.t;
  }, { type, since, minFx });
}

/**
 * Starts watching (inside the page, every few ms) for `color` at the point; the promise resolves
 * with the page-clock time it appeared. Start it before the action that should cause it.
 */
export async function watchColor(page: Page, fx: number, fy: number, color: Rgb, timeoutMs = 10_000): Promise<{ seenAt: Promise<number> }> {
  const id = `watch-${Math.random().toString(36).slice(2)}`;
  type Watches = Record<string, Promise<number>>;
  await page.evaluate(({ id, fx, fy, color, timeoutMs }) => {
    const canvas = document.querySelector('[data-testid="paint-canvas"]') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const watches = ((window as unknown as { __watches?: Watches }).__watches ??= {});
    watches[id] = new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const d = ctx.getImageData(Math.floor(fx * canvas.width), Math.floor(fy * canvas.height), 1, 1).data;
        if (d[0] === color[0] && d[1] === color[1] && d[2] === color[2]) resolve(Date.now());
        else if (Date.now() - started > timeoutMs) reject(new Error(`colour ${color.join(',')} never appeared at ${fx},${fy}`));
        else setTimeout(check, 4);
      };
      check();
    });
  }, { id, fx, fy, color, timeoutMs });
  const seenAt = page.evaluate((id) => (window as unknown as { __watches: Watches }).__watches[id]!, id);
  seenAt.catch(() => undefined); // observed by the caller's await; avoid an unhandled rejection meanwhile
  return { seenAt };
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => Date.now());
}

/** Polls until the canvas shows `color` at the point; returns the milliseconds it took. */
export async function waitForColor(page: Page, fx: number, fy: number, color: Rgb, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  await expect.poll(() => canvasColor(page, fx, fy), { timeout: timeoutMs, intervals: [20] }).toEqual(color);
  return Date.now() - started;
}

export async function selectLabel(page: Page, name: string): Promise<void> {
  await page.getByTestId(`label-${name}`).click();
}

export async function selectTool(page: Page, name: string): Promise<void> {
  await page.getByTestId(`tool-${name}`).click();
}

/** The whole label map as drawn (for before/after comparisons at the same zoom). */
export async function canvasSnapshot(page: Page): Promise<string> {
  return page.getByTestId('paint-canvas').evaluate((element) => (element as HTMLCanvasElement).toDataURL('image/png'));
}

/** Number of distinct colours in the rendered photo (a real render is not one flat colour). */
export async function renderedColorCount(page: Page): Promise<number> {
  return page.getByTestId('render-image').evaluate((element) => {
    const canvas = element as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  });
}
