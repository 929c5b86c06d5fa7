// `npm run bench`: our tracker against the official @apptus/esales-api, side by side in one run of real Chromium,
// as issue 8 asks: size, init cost, per-click cost, delivery on navigation, idle cost, at 1× and 4× CPU.
// Writes bench/results.json and bench/results.md, prints a summary, and exits 1 when one of our budgets is missed.
// BENCH_QUICK=1 runs a few of everything (for working on the bench; its results say so).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createElevateStandIn } from '../demo/elevate-standin.mjs';
import { checkBudgets } from './lib/budgets.mjs';
import { launchChromium } from './lib/chromium.mjs';
import { checkWiring } from './lib/check-wiring.mjs';
import { LABELS, loadContenders, measureSizes, officialVersion } from './lib/contenders.mjs';
import { describeMachine } from './lib/machine.mjs';
import { measureClicks } from './lib/measure-clicks.mjs';
import { measureDelivery, waitForQuiet } from './lib/measure-delivery.mjs';
import { measureIdle } from './lib/measure-idle.mjs';
import { measurePageView } from './lib/measure-page-view.mjs';
import { measureInit } from './lib/measure-init.mjs';
import { createOfficialStandIn } from './lib/official-standin.mjs';
import { renderMarkdown, renderSummary } from './lib/report.mjs';
import { createSite } from './lib/site.mjs';

const QUICK = process.env.BENCH_QUICK == '1';
const SETTINGS = {
  rates: [1, 4],
  init: { loads: QUICK ? 10 : 50, warmups: QUICK ? 2 : 3, blocks: 5 },
  clicks: { repetitions: QUICK ? 2 : 5, perRepetition: QUICK ? 300 : 1000, warmup: QUICK ? 50 : 100, pauseEvery: 50, pauseMs: 5,
    isolated: QUICK ? 40 : 100, gapMs: 20 },
  delivery: { clicks: QUICK ? 30 : 200 },
  idle: { windowMs: QUICK ? 5000 : 30_000, settleMs: 1000 },
  pageView: { rounds: QUICK ? 2 : 7, windowMs: 10_000 },
};
const ALL = ['ours-script', 'ours-npm', 'official', 'none'];
const CLICKERS = ['ours-script', 'official', 'none'];

const loadAtStart = loadavg();
const startedAt = Date.now();
const step = (what) => console.log(`bench: ${what} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);

step('sizes');
const sizes = await measureSizes();

const ours = createElevateStandIn();
const official = createOfficialStandIn();
const apiBase = await ours.listen();
const officialBase = await official.listen();
const contenders = await loadContenders({ apiBase, officialBase });
const site = createSite(contenders);
const siteUrl = await site.listen();
const browser = await launchChromium();
/** The click notifications a contender's stand-in accepted. */
const received = (name) => (name.startsWith('ours') ? ours.delivered('click') : official.delivered());

try {
  step('wiring check');
  const wiring = await checkWiring(browser, siteUrl, { names: ['ours-script', 'ours-npm', 'official'], received });

  const init = {};
  const clicks = {};
  for (const rate of SETTINGS.rates) {
    step(`init, CPU ${rate}×`);
    init[rate] = await measureInit(browser, siteUrl, { names: ALL, rate, apiBase, ...SETTINGS.init });
    step(`per click, CPU ${rate}×`);
    ours.reset();
    official.reset();
    clicks[rate] = await measureClicks(browser, siteUrl, { names: CLICKERS, rate, ...SETTINGS.clicks });
    // Not a budget, a check: back-to-back clicks lose nothing.
    await waitForQuiet(() => ours.requests.length + official.requests.length, { quietMs: 500 });
    clicks[rate].delivered = { 'ours-script': received('ours-script').length, official: received('official').length };
  }

  step(`a page view's main-thread time, up to ${SETTINGS.pageView.windowMs / 1000} s after load (${SETTINGS.pageView.rounds} rounds)`);
  const pageView = await measurePageView(browser, siteUrl, { names: ALL, ...SETTINGS.pageView });

  step(`delivery on navigation, with idle pages alongside (${SETTINGS.idle.windowMs / 1000} s)`);
  ours.reset();
  official.reset();
  const [delivery, idle] = await Promise.all([
    measureDelivery(browser, siteUrl, { names: ['ours-script', 'official'], received, ...SETTINGS.delivery }),
    measureIdle(browser, siteUrl, { names: ALL, ...SETTINGS.idle }),
  ]);

  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    machine: { ...describeMachine(browser.version(), loadAtStart), loadAverageAtEnd: loadavg().map((value) => +value.toFixed(2)) },
    contenders: { labels: LABELS, officialVersion },
    settings: SETTINGS,
    wiring, sizes, init, clicks, pageView, delivery, idle,
  };
  results.budgets = checkBudgets(results);
  writeFileSync(new URL('results.json', import.meta.url), JSON.stringify(results, null, 1) + '\n');
  writeFileSync(new URL('results.md', import.meta.url), renderMarkdown(results));
  console.log(renderSummary(results));
  const missed = results.budgets.filter((budget) => !budget.ok);
  if (missed.length) {
    console.error(`bench: ${missed.length} budget(s) missed: ${missed.map((budget) => budget.name).join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await Promise.all([site.close(), ours.close(), official.close()]);
}
