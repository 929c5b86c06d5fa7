// The demo storefront driven as a person would, in real Chromium.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { chromium, type Browser } from 'playwright';
import { startDemo } from '../../demo/server.mjs';
import { CHROMIUM_ARGS } from '../support/chromium.ts';

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
beforeAll(async () => {
  demo = await startDemo({ port: 0 });
  // Playwright's default flags (back/forward cache off): every page the visitor leaves is unloaded.
  browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const received = async () => (await (await fetch(`${demo.apiUrl}/__standin/requests`)).json()) as { type: string; ticket?: string; status: number }[];

it('delivers each product-tile click exactly once, though every click leaves the page', async () => {
  await fetch(`${demo.apiUrl}/__standin/requests`, { method: 'DELETE' });
  const page = await browser.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  const clicked: string[] = [];
  for (let n = 0; n < 10; n++) {
    await page.goto(`${demo.siteUrl}/`);
    await page.waitForFunction(() => (window as any).elevateTracker?.click);
    const tile = page.locator('.tile').nth(n);
    clicked.push((await tile.getAttribute('data-elevate-ticket'))!);
    await Promise.all([page.waitForURL('**/product.html*'), tile.click()]);
    await page.waitForFunction(() => (window as any).elevateTracker?.click);
  }
  await expect.poll(async () => (await received()).length).toBeGreaterThanOrEqual(10);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const tickets = (await received()).filter((request) => request.type == 'click').map((request) => request.ticket);
  expect(tickets).toEqual(clicked);
  expect(errors).toEqual([]);
  await page.close();
});
