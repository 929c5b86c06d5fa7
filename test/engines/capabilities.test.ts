// What each engine does with the mechanisms the tracker leans on, measured without the tracker, and held against the
// README's "Browser support" table: where the engine's major version is the one the table names, every cell must be
// what was measured here (so the table stays true); for another version the measured column is printed instead.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, useEngine, type EngineSpec } from '../support/engines/spec.ts';

const README = new URL('../../README.md', import.meta.url);

/** The page with only the probe; `script` runs in it. */
const page = (script = '') => `<!doctype html><html><head><title>probe</title></head><body>
  <div id="target" style="padding:30px">target</div><a id="link" href="/blank">away</a><script>${script}</script></body></html>`;

/** A click notification the stand-in accepts, as the tracker would send it, for `ticket`. */
const NOTIFY = (apiBase: string) => `const notification = (ticket) => [
  '${apiBase}/api/v2/notifications/click?customerKey=' + crypto.randomUUID() + '&market=UK&sessionKey=' + crypto.randomUUID(),
  JSON.stringify({ ticket })];`;

type Measure = (spec: EngineSpec, tab: Tab) => Promise<string>;

/** Each row of the README's table, by its first cell, and how it is measured in a fresh context. */
const CAPABILITIES: [string, Measure][] = [
  ['`fetch` with `keepalive` at `pagehide` arrives', (spec, tab) =>
    sentAsPageGoes(spec, tab, `fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' })`)],
  ['`sendBeacon` at `pagehide` arrives', (spec, tab) =>
    sentAsPageGoes(spec, tab, `navigator.sendBeacon(url, body)`)],
  ['Back restores the page from the back/forward cache', async (spec, tab) => {
    await visit(spec, tab, '/one', page());
    await visit(spec, tab, '/two', page());
    return (await tab.back()).persisted ? 'yes' : 'no';
  }],
  ['A restored page gets the `storage` events it missed', async (spec, tab) => {
    await visit(spec, tab, '/one', page(`localStorage.length; addEventListener('storage', (event) => { window.missed = event.key; });`));
    await visit(spec, tab, '/two', page(`localStorage.setItem('probe-missed', String(Math.random()));`));
    await tab.back();
    await sleep(300);
    return await tab.evaluate(() => (window as any).missed == 'probe-missed') ? 'yes' : 'no';
  }],
  ['`storage` events reach a tab that has not used `localStorage`', async (spec, tab) => {
    await visit(spec, tab, '/one', page(`addEventListener('storage', (event) => { window.heard = event.key; });`));
    const other = await tab.context.newTab();
    await visit(spec, other, '/two', page(`localStorage.setItem('probe-heard', String(Math.random()));`));
    await sleep(300);
    return await tab.evaluate(() => (window as any).heard == 'probe-heard') ? 'yes' : 'no';
  }],
  ['Web Locks (`navigator.locks`)', async (spec, tab) => {
    await visit(spec, tab, '/one', page());
    return await tab.evaluate(() => typeof navigator.locks?.request == 'function') ? 'yes' : 'no';
  }],
  ['A middle click fires `auxclick`, not `click`', async (spec, tab) => {
    await visit(spec, tab, '/one', page(`window.seen = []; for (const type of ['click', 'auxclick']) addEventListener(type, (event) => seen.push(type + event.button));`));
    await tab.middleClick('#target');
    await sleep(200);
    return JSON.stringify(await tab.evaluate(() => (window as any).seen)) == '["auxclick1"]' ? 'yes' : 'no';
  }],
  ['Trusted Types', async (spec, tab) => {
    await visit(spec, tab, '/one', page());
    return await tab.evaluate(() => 'trustedTypes' in window) ? 'yes' : 'no';
  }],
];

async function visit(spec: EngineSpec, tab: Tab, path: string, html: string) {
  spec.site.setPage(path, html);
  await tab.goto(spec.site.siteUrl + path);
}

/** Whether what `send` (code using `url` and `body`) sends at `pagehide` arrives, as the tab follows a link. */
async function sentAsPageGoes(spec: EngineSpec, tab: Tab, send: string) {
  spec.site.setPage('/blank', page());
  await visit(spec, tab, '/one', page(`${NOTIFY(spec.site.apiBase)}
    addEventListener('pagehide', () => { const [url, body] = notification('K-leaving'); ${send}; });`));
  await tab.click('#link');
  await tab.waitFor(() => location.pathname == '/blank');
  await spec.site.settle(500);
  return spec.site.api.delivered('click').some((request) => request.ticket == 'K-leaving') ? 'yes' : 'no';
}

/** The README table: its header's engine columns, and each row's cells by its first cell. */
function readmeTable() {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Browser support'));
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const [header = [], , ...rows] = lines.map(cells);
  return { engines: header.slice(1), rows: new Map(rows.map((row) => [row[0], row.slice(1)])) };
}

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const measured = new Map<string, string>();

  it.each(CAPABILITIES)('%s', async (label, measure) => {
    const [tab] = (await spec.newContext()).tabs;
    measured.set(label, await measure(spec, tab));
  });

  afterAll(() => {
    const report = [...measured].map(([label, value]) => `  ${label}: ${value}`).join('\n');
    console.log(`${spec.engine.version}, measured:\n${report}`);
    const { engines, rows } = readmeTable();
    // e.g. 'Chromium 156' in the README for 'Chromium 156.0.8078.114'; 'WebKitGTK 2.50' for 'WebKitGTK 2.50.6 (MiniBrowser)'.
    const version = spec.engine.version.replace(/ESR /, '');
    const column = engines.findIndex((engine) => version.startsWith(engine.replace(/ESR /, '') + '.'));
    if (column < 0) return console.log(`README's Browser support table has no column for ${spec.engine.version}: add the one above`);
    for (const [label, value] of measured) {
      expect(rows.get(label)?.[column], `README, Browser support, "${label}" for ${engines[column]}`).toBe(value);
    }
  });
});
