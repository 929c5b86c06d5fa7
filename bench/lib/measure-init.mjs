// Init cost: script start to ready over many page loads, per contender. Each page reloads itself (init-loop.js) a
// block of loads at a time; blocks rotate across contenders so that no contender runs while the machine is in
// one state only.
import { median, summarize } from './stats.mjs';
import { openPage, setCpuRate, timeFixedWork } from './throttle.mjs';

/**
 * Loads /init/{name} `warmups + loads` times per contender, each contender in a context of its own (after the
 * first load every visit is a returning visitor's, cookies or localStorage set). Records `__ready - __scriptStart`
 * and the long tasks of each load; for the page without a tracker, the primitives' times (init-loop.js).
 */
export async function measureInit(browser, site, { names, loads, warmups, blocks, rate, apiBase }) {
  const runners = [];
  for (const name of names) runners.push({ name, ...await openPage(browser), results: [] });
  const fixedWork = [];
  const runBlock = async (runner, block, count) => {
    const query = new URLSearchParams({ block: `${rate}-${block}`, loads: count, api: apiBase, ...runner.name == 'none' && { primitives: 1 } });
    await setCpuRate(runner.cdp, rate);
    await runner.page.goto(`${site}/init/${runner.name}?${query}`);
    await runner.page.waitForFunction(() => window.__done, null, { timeout: 120_000, polling: 50 });
    fixedWork.push(await timeFixedWork(runner.page)); // still throttled after the reloads?
    await setCpuRate(runner.cdp, 1);
    const results = await runner.page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)), `bench:${rate}-${block}`);
    if (!results.every((result) => result.isolated)) throw new Error('init pages must be cross-origin isolated (5 µs timer resolution)');
    return results;
  };
  for (const runner of runners) await runBlock(runner, 'warmup', warmups);
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < runners.length; i++) {
      const runner = runners[(i + block) % runners.length];
      runner.results.push(...await runBlock(runner, block, Math.ceil(loads / blocks)));
    }
  }
  const byName = {};
  for (const runner of runners) {
    const results = runner.results.slice(0, loads);
    const longTasksInInit = results.filter((result) =>
      result.longTasks.some((task) => task.start < result.ready && task.start + task.duration > result.start)).length;
    byName[runner.name] = { ...summarize(results.map((result) => result.ready - result.start)),
      longTasks: results.reduce((sum, result) => sum + result.longTasks.length, 0), loadsWithLongTaskInInit: longTasksInInit,
      primitives: results[0].primitives && Object.fromEntries(Object.keys(results[0].primitives).map((call) =>
        [call, summarize(results.map((result) => result.primitives[call]))])) };
    await runner.context.close();
  }
  return { rate, loads, warmups, fixedWorkMs: median(fixedWork), byName };
}
