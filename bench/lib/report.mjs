// bench/results.md and the summary printed at the end of a run, from the results object.
import { int, percent, ratio, table, time } from './format.mjs';

const label = (results, name) => results.contenders.labels[name];
const verdict = (ok) => (ok ? 'ok' : '**missed**');
const RATE = (rate) => `CPU ${rate}×`;

function budgetsTable(results) {
  return table(['Budget', 'Limit', 'Measured', 'Verdict'],
    results.budgets.map((budget) => [budget.name, budget.limit, budget.measured, verdict(budget.ok)]));
}

function sizeSection(results) {
  const [ours] = results.sizes.rows;
  const rows = results.sizes.rows.map((row) => [label(results, row.name), row.what, int(row.raw), int(row.gzip), int(row.brotli),
    ratio(row.gzip, ours.gzip)]);
  const bySource = (name, count) => results.sizes.rows.find((row) => row.name == name).bySource.slice(0, count)
    .map(({ source, bytes }) => `\`${source.replace(/^(\.\.\/)+/, '')}\` ${int(bytes)}`).join(', ');
  const esbuild = results.sizes.esbuild;
  return `## Size

Bytes; gzip at level 9, brotli at quality 11. The two bundles are built with the same esbuild settings
(\`bundle\`, \`minify\`, \`format: '${esbuild.format}'\`, \`target: ${esbuild.target.join(', ')}\`, our build's targets),
except that our npm entry's size is that of its entry chunk with code splitting (\`format: 'esm'\`, \`splitting\`), as a
site's bundler ships it: the session shim and the impression watcher are dynamic imports, loaded only when configured
or needed. The timing runs load it as one \`iife\` file, lazy parts included (an upper bound).

${table(['Contender', 'What', 'Raw', 'gzip', 'brotli', 'gzip vs ours (script tag)'], rows)}

Where the minified bytes go (esbuild metafile, before compression), largest first:
- script tag: ${bySource('ours-script', 8)}
- npm, typical import: ${bySource('ours-npm', 8)}
- official: ${bySource('official', 4)}
`;
}

function initSection(results) {
  const rates = Object.keys(results.init);
  const names = Object.keys(results.init[rates[0]].byName);
  const rows = names.map((name) => [label(results, name), ...rates.flatMap((rate) => {
    const figures = results.init[rate].byName[name];
    return [time(figures.median), time(figures.p95), ratio(figures.median, results.init[rate].byName['ours-script'].median),
      `${figures.loadsWithLongTaskInInit} / ${figures.longTasks}`];
  })]);
  const header = ['Contender', ...rates.flatMap((rate) => [`${RATE(rate)} median`, 'p95', 'median vs ours', 'long tasks: in init / in all loads'])];
  const primitives = results.init[rates[0]].byName.none.primitives;
  const primitiveRows = Object.keys(primitives ?? {}).map((call) => [`\`${call}\``,
    ...rates.flatMap((rate) => [time(results.init[rate].byName.none.primitives[call].median / 1000), time(results.init[rate].byName.none.primitives[call].p95 / 1000)])]);
  const { loads, warmups } = results.init[rates[0]];
  return `## Init: script start to ready

Main-thread time from the moment the contender's script starts (its text is inline, so parse and compile count) to
the end of its synchronous run, when the tracker is ready: keys read (ours: one \`document.cookie\` read, and the
cookie writes of a page view; the official library reads its localStorage session lazily, on the first click) and
the click listener added. ${loads} page loads per contender and CPU rate after ${warmups} warm-up loads, returning
visitor. The fixed piece of JavaScript used to check the throttling took ${rates.map((rate) => `${time(results.init[rate].fixedWorkMs)} at ${RATE(rate)}`).join(' and ')}
(${ratio(results.init[rates.at(-1)].fixedWorkMs, results.init[rates[0]].fixedWorkMs)} slower).

${table(header, rows)}

What the browser calls a tracker makes cost by themselves, timed on each fresh load of the page without a tracker
(after load, in this order; the first of its kind in the document):

${table(['Call', ...rates.flatMap((rate) => [`${RATE(rate)} median`, 'p95'])], primitiveRows)}
`;
}

/** Where each contender's fetch() runs, as the wiring check saw it. */
function sendsFrom(results) {
  const where = (name) => (results.wiring.fetchInClickSpan[name] ? 'inside the click\'s span' : 'in a task of its own, outside the click\'s span');
  return `The wiring check found our tracker calling \`fetch()\` ${where('ours-script')}, and the official library ${where('official')}; what happens outside the span shows in the all-in columns only.`;
}

function clicksSection(results) {
  const rates = Object.keys(results.clicks);
  const first = results.clicks[rates[0]];
  const names = Object.keys(first.byName);
  const backToBack = rates.map((rate) => {
    const { byName } = results.clicks[rate];
    const rows = names.map((name) => {
      const figures = byName[name];
      return [label(results, name), time(figures.total.median), time(figures.total.p95), time(figures.total.mean),
        time(figures.sync.median), time(figures.total.median - byName.none.total.median), ratio(figures.total.median, byName['ours-script'].total.median),
        time(figures.busyPerClick), time(figures.busyPerClick - byName.none.busyPerClick), `${figures.longTasksWhileClicking}`,
        figures.repetitionMedians.map(time).join(', ')];
    });
    return `### ${RATE(rate)}, back to back

${table(['Contender', 'median', 'p95', 'mean', 'dispatch alone, median', 'median − no tracker', 'median vs ours',
  'all-in busy time per click', 'all-in − no tracker', 'long tasks', 'median of each repetition'], rows)}

Official ÷ ours: ${ratio(byName.official.total.median, byName['ours-script'].total.median)} (median),
${ratio(byName.official.total.p95, byName['ours-script'].total.p95)} (p95),
${ratio(byName.official.busyPerClick - byName.none.busyPerClick, byName['ours-script'].busyPerClick - byName.none.busyPerClick)} (all-in, less the page's own).
Ours ÷ no tracker: ${ratio(byName['ours-script'].total.median, byName.none.total.median)} (median).
Notifications accepted by the stand-ins over the phase (${int(results.clicks[rate].clicksPerContender)} clicks each, warm-up and
isolated clicks included): ours ${int(results.clicks[rate].delivered['ours-script'])}, official ${int(results.clicks[rate].delivered.official)}.
Requests Chromium refused (\`net::ERR_INSUFFICIENT_RESOURCES\`, its limit on keepalive requests in flight): ours
${int(byName['ours-script'].refusedRequests)}, official ${int(byName.official.refusedRequests)}.
`;
  });
  const isolatedRows = names.map((name) => [label(results, name), ...rates.flatMap((rate) => {
    const { byName } = results.clicks[rate];
    return [time(byName[name].isolated.total.median), time(byName[name].isolated.total.p95),
      ratio(byName[name].isolated.total.median, byName['ours-script'].isolated.total.median)];
  })]);
  return `## Per click

A page of 1,000 tiles; ${int(first.repetitions * first.perRepetition)} clicks per contender and CPU rate
(${first.repetitions} page loads × ${int(first.perRepetition)}, after ${first.warmup} warm-up clicks each, contenders
interleaved), dispatched one per task on the name inside a tile, round-robin over the tiles so that no two
consecutive clicks carry the same ticket, with a ${first.pauseMs} ms pause every ${first.pauseEvery} clicks. A click's time is
\`performance.now()\` around \`dispatchEvent(new MouseEvent('click', { bubbles: true }))\` plus the microtask turns
that follow it (a trusted click runs them inside its task, and that is where the official library calls
\`fetch()\`); "dispatch alone" leaves them out. ${sendsFrom(results)} Timer resolution is 5 µs (pages are cross-origin isolated), so
medians move in 5 µs steps. "All-in busy time" is the renderer's main-thread task time over a repetition (CDP
\`Performance.getMetrics\`, \`TaskDuration\`), responses and garbage collection included, divided by the clicks.

${backToBack.join('\n')}
### Isolated clicks, ${first.gapMs} ms apart

${first.isolated} clicks per contender after ${first.warmup} back-to-back warm-up clicks, each in a task of its own
${first.gapMs} ms after the last, as a visitor's clicks come (the browser has gone idle in between, and every call is
slower from cold).

${table(['Contender', ...rates.flatMap((rate) => [`${RATE(rate)} median`, 'p95', 'median vs ours'])], isolatedRows)}

### What the calls on a click path cost, warm

Each call repeated 2,000 times back to back on the page without a tracker, the batch timed as a whole (so the 5 µs
timer resolution does not matter), after the clicks above; a warm page's cost per call, without an isolated click's
cold start.

${table(['Call', ...rates.map((rate) => RATE(rate))], Object.keys(first.hotCallsUs).map((call) =>
    [`\`${call}\``, ...rates.map((rate) => `${results.clicks[rate].hotCallsUs[call].toFixed(2)} µs`)]))}
`;
}

function deliverySection(results) {
  const rows = Object.entries(results.delivery.byName).map(([name, figures]) => [label(results, name),
    `${figures.delivered} / ${figures.clicks}`, percent(figures.share), String(figures.duplicates),
    figures.missingClickIndexes.length ? figures.missingClickIndexes.slice(0, 12).join(', ') + (figures.missingClickIndexes.length > 12 ? ', …' : '') : '–']);
  return `## Delivery on navigation

A chain of ${results.delivery.clicks} pages per contender (both chains at once); on each, as soon as it has loaded, a
real mouse click (Playwright's \`page.mouse\`) on its one tile, a link to the next page, so every notification leaves
with its page unloading. The scripts load from \`src\` as on a site. The last page stays open until the stand-in has
been quiet for 1 s, then closes.

${table(['Contender', 'delivered', 'share', 'duplicates', 'missing (click numbers)'], rows)}
`;
}

function pageViewSection(results) {
  const { rounds, windowMs, byName } = results.pageView;
  const rows = Object.entries(byName).filter(([name]) => name != 'none').map(([name, view]) => [label(results, name),
    time(view.extraScriptMs), time(view.extraTaskMs), time(view.scriptMs), time(view.taskMs)]);
  return `## A page view's main-thread time

From navigation to ${windowMs / 1000} s after load, no click, a first visit (fresh context): CDP's \`ScriptDuration\`
(JavaScript) and \`TaskDuration\` (every main-thread task), so that work moved out of a tracker's start is counted
too. Medians of ${rounds} rounds; in each, all contenders' pages load at once, and the tracker's own cost is its page's
figure minus that of the page without a tracker in the same round (${time(byName.none.scriptMs)} script,
${time(byName.none.taskMs)} tasks).

${table(['Contender', 'tracker script time', 'tracker task time', 'page script time', 'page task time'], rows)}
`;
}

function idleSection(results) {
  const rows = results.idle.pages.map((page) => [label(results, page.name), page.variant, String(page.calls),
    Object.entries(page.byApi).map(([api, count]) => `${api} ${count}`).join(', ') || '–', time(page.scriptMs), page.visibility]);
  const details = results.idle.pages.filter((page) => page.calls).map((page) =>
    `- ${label(results, page.name)}, ${page.variant}: ${page.first.map((call) => `\`${call.api}\`${call.detail === undefined ? '' : ` (${call.detail})`} at ${call.at} ms from ${call.caller || '?'}`).join('; ')}`);
  return `## Idle

Each page alone in its context, left untouched, or after one real click on a tile; the window opens
${results.idle.settleMs / 1000} s after load (or after the click) and lasts ${results.idle.windowMs / 1000} s. Every
\`setTimeout\`, \`setInterval\`, \`requestAnimationFrame\`, \`requestIdleCallback\`, \`queueMicrotask\`,
\`AbortSignal.timeout\`, \`fetch\` and \`sendBeacon\` call, and every timer, frame callback or timeout signal that
fires, is logged (bench/pages/idle-instrument.js). Script time is CDP's \`ScriptDuration\` over the window.

${table(['Contender', 'page', 'calls and callbacks', 'by API', 'script time', 'visibility'], rows)}
${details.length ? `\nFirst calls:\n${details.join('\n')}\n` : ''}`;
}

export function renderMarkdown(results) {
  const { machine } = results;
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.mjs) on ${results.date.slice(0, 10)}, in ${results.seconds} s.${results.quick
    ? ' **Quick run (BENCH_QUICK=1): fewer samples than the figures below should be quoted from.**' : ''}
Contenders: our script tag (\`dist/elevate-tracker.min.js\`), our npm entry bundled by a site (bench/contenders/ours-npm.js),
\`@apptus/esales-api\` ${results.contenders.officialVersion} wired for click tracking (bench/contenders/official.js),
and the same pages without a tracker. Pages come from a local server on 127.0.0.1, notifications go to local
stand-ins on other ports (ours: demo/elevate-standin.mjs; the official library's v3 path:
bench/lib/official-standin.mjs), so nothing here includes a real network.

| Machine | |
| --- | --- |
| OS | ${machine.os} |
| CPU | ${machine.cpu}, ${machine.cores} cores |
| Memory | ${machine.memoryGiB} GiB |
| Load average (1, 5, 15 min) | at start ${machine.loadAverageAtStart.join(', ')}; at end ${machine.loadAverageAtEnd.join(', ')} |
| Browser | Chromium ${machine.chromium}, headless, through Playwright ${machine.playwright} |
| Node | ${machine.node} |

## Budgets

${budgetsTable(results)}

${sizeSection(results)}
${initSection(results)}
${clicksSection(results)}
${pageViewSection(results)}
${deliverySection(results)}
${idleSection(results)}`;
}

/** What the run prints: the budgets and the headline figures. */
export function renderSummary(results) {
  const rates = Object.keys(results.clicks);
  const rows = ['ours-script', 'ours-npm', 'official', 'none'].map((name) => {
    const size = results.sizes.rows.find((row) => row.name == name);
    return [label(results, name), size ? int(size.gzip) : '–',
      ...rates.map((rate) => time(results.init[rate].byName[name].median)),
      ...rates.map((rate) => time(results.clicks[rate].byName[name]?.total.median)),
      results.delivery.byName[name] ? percent(results.delivery.byName[name].share) : '–',
      String(results.idle.pages.filter((page) => page.name == name).reduce((sum, page) => sum + page.calls, 0)),
      name == 'none' ? '–' : time(results.pageView.byName[name].extraScriptMs)];
  });
  return `\n${table(['Contender', 'gzip B', ...rates.map((rate) => `init ${RATE(rate)}`), ...rates.map((rate) => `click ${RATE(rate)}`),
    'delivery', 'idle calls', 'page view, script'], rows)}\n\n${budgetsTable(results)}\n\nFull results: bench/results.md, bench/results.json\n`;
}
