// A page view's whole main-thread time: from navigation to `windowMs` after load, with no click, per contender, so
// that work a tracker moves out of its start (a task later, an idle callback) is still counted. CDP's
// ScriptDuration (JavaScript) and TaskDuration (every main-thread task: script, style, layout, parsing), minus the
// page without a tracker in the same round.
import { median } from './stats.mjs';

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const value = (name) => list.find((metric) => metric.name == name).value * 1000;
  return { scriptMs: value('ScriptDuration'), taskMs: value('TaskDuration') };
}

/** One page view of contender `name`, in a fresh context (a first visit): its main-thread time in ms. */
async function viewOnce(browser, site, name, windowMs) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    const before = await metrics(cdp);
    await page.goto(`${site}/idle/${name}`, { waitUntil: 'load' });
    await page.waitForTimeout(windowMs);
    const after = await metrics(cdp);
    return { scriptMs: after.scriptMs - before.scriptMs, taskMs: after.taskMs - before.taskMs };
  } finally {
    await context.close();
  }
}

/**
 * `rounds` rounds; in each, every contender's page view runs at the same time (so each round's machine state is
 * shared). Returns per contender the medians, and the medians of each round's difference from the page without a
 * tracker: what the tracker itself costs the page view.
 */
export async function measurePageView(browser, site, { names, rounds, windowMs }) {
  const views = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.all(names.map((name) => viewOnce(browser, site, name, windowMs)));
    names.forEach((name, index) => views[name].push(results[index]));
  }
  const byName = {};
  for (const name of names) {
    const extra = views[name].map((view, round) => ({ scriptMs: view.scriptMs - views.none[round].scriptMs,
      taskMs: view.taskMs - views.none[round].taskMs }));
    byName[name] = {
      scriptMs: median(views[name].map((view) => view.scriptMs)), taskMs: median(views[name].map((view) => view.taskMs)),
      extraScriptMs: median(extra.map((view) => view.scriptMs)), extraTaskMs: median(extra.map((view) => view.taskMs)),
    };
  }
  return { rounds, windowMs, byName };
}
