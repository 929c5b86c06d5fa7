// The budgets of issue 8, checked against a run's results: each with its limit, what was measured, and a verdict.
import { LABELS } from './contenders.mjs';
import { int, percent, time } from './format.mjs';

const OURS = ['ours-script', 'ours-npm'];

export function checkBudgets({ sizes, init, clicks, delivery, idle }) {
  const scriptTag = sizes.rows.find((row) => row.name == 'ours-script');
  const ourClicks = clicks[1].byName['ours-script'];
  const rates = Object.keys(init);
  const longTasks = (rate) => clicks[rate].byName['ours-script'].longTasksWhileClicking
    + OURS.reduce((sum, name) => sum + init[rate].byName[name].loadsWithLongTaskInInit, 0);
  const ourDelivery = delivery.byName['ours-script'];
  const ourIdle = idle.pages.filter((page) => OURS.includes(page.name));
  const wakeups = ourIdle.reduce((sum, page) => sum + page.calls, 0);
  return [
    { name: 'Script-tag bundle, gzip', limit: '≤ 2,560 B', measured: `${int(scriptTag.gzip)} B`, ok: scriptTag.gzip <= 2560 },
    { name: 'Per click, median (ours, CPU 1×)', limit: '≤ 20 µs', measured: time(ourClicks.total.median), ok: ourClicks.total.median <= 0.020 },
    ...OURS.map((name) => ({ name: `Script start to ready, median (${LABELS[name]}, CPU 1×)`, limit: '≤ 5 ms',
      measured: time(init[1].byName[name].median), ok: init[1].byName[name].median <= 5 })),
    ...rates.map((rate) => ({ name: `Long tasks (ours: overlapping init, or while clicking; CPU ${rate}×)`, limit: 'none',
      measured: String(longTasks(rate)), ok: longTasks(rate) == 0 })),
    { name: 'Delivery on navigation (ours)', limit: '100%', measured: `${percent(ourDelivery.share)} (${ourDelivery.delivered}/${ourDelivery.clicks})`,
      ok: ourDelivery.share == 1 },
    { name: `Timers and wake-ups on an idle page (ours, ${idle.windowMs / 1000} s, untouched or after one click)`, limit: 'none',
      measured: String(wakeups), ok: wakeups == 0 },
  ];
}
