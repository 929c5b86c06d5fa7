// The goals of issue 16 (after issue 8's), checked against a run's results: each with its limit, what was measured,
// and a verdict. Ratios against the official client are within one run.
import { LABELS } from './contenders.mjs';
import { int, percent, time } from './format.mjs';

const OURS = ['ours-script', 'ours-npm'];

export function checkBudgets({ sizes, init, clicks, delivery, idle }) {
  const scriptTag = sizes.rows.find((row) => row.name == 'ours-script');
  const npm = sizes.rows.find((row) => row.name == 'ours-npm');
  const ourClicks = clicks[1].byName['ours-script'];
  const rates = Object.keys(init);
  const longTasks = (rate) => clicks[rate].byName['ours-script'].longTasksWhileClicking
    + OURS.reduce((sum, name) => sum + init[rate].byName[name].loadsWithLongTaskInInit, 0);
  const ourDelivery = delivery.byName['ours-script'];
  const ourIdle = idle.pages.filter((page) => OURS.includes(page.name));
  const wakeups = ourIdle.reduce((sum, page) => sum + page.calls, 0);
  return [
    { name: 'Script-tag bundle, gzip', limit: '≤ 4,096 B', measured: `${int(scriptTag.gzip)} B`, ok: scriptTag.gzip <= 4096 },
    { name: 'npm entry (typical import, entry chunk), gzip', limit: `≤ script tag + 10% (${int(scriptTag.gzip * 1.1)} B)`,
      measured: `${int(npm.gzip)} B`, ok: npm.gzip <= scriptTag.gzip * 1.1 },
    { name: 'Per click, median (ours, CPU 1×)', limit: '≤ 15 µs', measured: time(ourClicks.total.median), ok: ourClicks.total.median <= 0.015 },
    ...rates.flatMap((rate) => OURS.map((name) => {
      const official = init[rate].byName.official.median;
      return { name: `Script start to ready, median (${LABELS[name]}, CPU ${rate}×)`, limit: `≤ official's (${time(official)})`,
        measured: time(init[rate].byName[name].median), ok: init[rate].byName[name].median <= official };
    })),
    ...rates.map((rate) => ({ name: `Long tasks (ours: overlapping init, or while clicking; CPU ${rate}×)`, limit: 'none',
      measured: String(longTasks(rate)), ok: longTasks(rate) == 0 })),
    { name: 'Delivery on navigation (ours)', limit: '100%', measured: `${percent(ourDelivery.share)} (${ourDelivery.delivered}/${ourDelivery.clicks})`,
      ok: ourDelivery.share == 1 },
    { name: `Timers and wake-ups on an idle page (ours, ${idle.windowMs / 1000} s, untouched or after one click)`, limit: 'none',
      measured: String(wakeups), ok: wakeups == 0 },
  ];
}
