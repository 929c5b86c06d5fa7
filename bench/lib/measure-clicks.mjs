// Per-click cost: the same 1,000-tile page with each contender, clicks dispatched and timed in the page
// (bench/pages/clicks.js), repetitions interleaved across contenders, each repetition a fresh page load.
import { median, summarize } from './stats.mjs';
import { openPage, setCpuRate } from './throttle.mjs';

/** Microtask turns awaited after each dispatch; the wiring check proves the official chain reaches fetch() in fewer. */
export const DRAIN = 12;

/** Main-thread busy time of the page's renderer so far, in ms (CDP Performance.getMetrics, TaskDuration). */
async function taskTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name == 'TaskDuration').value * 1000;
}

/**
 * Back to back: `repetitions` page loads per contender, each with `warmup` untimed clicks then `perRepetition`
 * timed ones; the page's main-thread busy time over each repetition (responses included) per click, too.
 * Isolated: one more page load per contender, `warmup` back-to-back clicks, then `isolated` clicks `gapMs` apart.
 * Returns per contender the summaries of `total` (dispatch + microtasks) and `sync` (dispatch alone).
 */
export async function measureClicks(browser, site, { names, repetitions, perRepetition, warmup, isolated, gapMs, rate, pauseEvery, pauseMs }) {
  const runners = [];
  for (const name of names) {
    const runner = { name, ...await openPage(browser), total: [], sync: [], repetitionMedians: [], busyPerClick: [],
      longTasks: 0, slowClicks: 0, refusedRequests: 0 };
    await runner.cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    // Chromium refuses keepalive requests beyond its in-flight limit; the console says so, one line per request.
    runner.page.on('console', (message) => {
      if (message.text().includes('ERR_INSUFFICIENT_RESOURCES')) runner.refusedRequests++;
    });
    runners.push(runner);
  }
  const run = (runner, options) => runner.page.evaluate((options) => runClicks(options), { drain: DRAIN, pauseEvery, pauseMs, offset: 0, ...options });
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (let i = 0; i < runners.length; i++) {
      const runner = runners[(i + repetition) % runners.length];
      await setCpuRate(runner.cdp, rate);
      await runner.page.goto(`${site}/clicks/${runner.name}`, { waitUntil: 'load' });
      const busyBefore = await taskTime(runner.cdp);
      const result = await run(runner, { warmup, count: perRepetition, offset: repetition * 211 });
      if (!result.isolated) throw new Error('per-click pages must be cross-origin isolated (5 µs timer resolution)');
      await runner.page.waitForTimeout(300); // the last responses
      runner.busyPerClick.push((await taskTime(runner.cdp) - busyBefore) / (warmup + perRepetition));
      runner.longTasks += await runner.page.evaluate((since) => __takeLongTasks().filter((task) => task.start >= since).length, result.startedAt);
      runner.total.push(...result.total);
      runner.sync.push(...result.sync);
      runner.repetitionMedians.push(median(result.total));
      runner.slowClicks += result.total.filter((value) => value >= 50).length;
      await setCpuRate(runner.cdp, 1);
    }
  }
  for (const runner of runners) {
    await setCpuRate(runner.cdp, rate);
    await runner.page.goto(`${site}/clicks/${runner.name}`, { waitUntil: 'load' });
    await run(runner, { warmup, count: 0 });
    runner.isolated = await run(runner, { warmup: 0, count: isolated, offset: 500, gapMs });
    await setCpuRate(runner.cdp, 1);
  }
  // What the calls a click path may make cost on a warm page (the page without a tracker, CPU at `rate`).
  const none = runners.find((runner) => runner.name == 'none') ?? runners[0];
  await setCpuRate(none.cdp, rate);
  const hotCallsUs = await none.page.evaluate(() => timeHotCalls(2000));
  await setCpuRate(none.cdp, 1);
  const byName = {};
  for (const runner of runners) {
    byName[runner.name] = { total: summarize(runner.total), sync: summarize(runner.sync), repetitionMedians: runner.repetitionMedians,
      busyPerClick: median(runner.busyPerClick), busyPerClickByRepetition: runner.busyPerClick,
      longTasksWhileClicking: runner.longTasks, clicksOver50ms: runner.slowClicks, refusedRequests: runner.refusedRequests,
      isolated: { total: summarize(runner.isolated.total), sync: summarize(runner.isolated.sync) } };
    await runner.context.close();
  }
  const clicksPerContender = repetitions * (warmup + perRepetition) + warmup + isolated;
  return { rate, repetitions, perRepetition, warmup, isolated, gapMs, pauseEvery, pauseMs, clicksPerContender, hotCallsUs, byName };
}
