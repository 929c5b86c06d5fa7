// Hostile pages in every engine: generated tiles of every awkward kind, and a strict CSP with Trusted Types (with an
// ad, so that the script tag's on-demand watcher is imported under the policy too).
import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { sleep, trackerUp, useEngine } from '../support/engines/spec.ts';
import { BUILDS, trackerPage } from '../support/harness.ts';

/** A ticket's fingerprint, the same in the page and here: tickets run to 100 KB, too much to carry through a driver. */
const fingerprint = (ticket: string) => `${ticket.length}:${ticket.slice(0, 40)}…${ticket.slice(-20)}`;

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const api = () => spec.site.api;

  it('1,000 generated tiles: no exception, every valid ticket sent exactly once with its body intact', async () => {
    spec.site.setPage('/fuzz', trackerPage('script', { options: spec.options(), body: '<main id="shop"></main>' }));
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/fuzz');
    // Built in the page from a seeded generator; returns the fingerprints of the tickets a visitor could click.
    const expected: string[] = await tab.evaluate((fingerprintSource: string) => {
      const fingerprint = new Function(`return ${fingerprintSource}`)() as (ticket: string) => string;
      let seed = 20261125;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)];
      const shop = document.getElementById('shop')!;
      const targets: EventTarget[] = [];
      const reachable: string[] = [];
      const ticketOf = (index: number): string => {
        switch (index % 10) {
          case 0: return '';
          case 1: return pick([' ', '\n\t  ', '\u00a0\u2003']); // whitespace only
          case 2: return 'x'.repeat(100_000) + index; // 100 KB
          case 3: return `ünïcødé ✓ 🛒 مرحبا ${index} \u0301\u200d`;
          case 4: return `<img src=x onerror=alert(${index})><b>"bold"</b>`;
          case 5: return `quote " apostrophe ' backslash \\ \\" \\u0000 \u2028\u2029 ${index}`;
          case 6: return `{"ticket":"${index}"}\n`;
          default: return `Oy9mYXNoaW9uL0RFU0tUT1A7${index};#;`;
        }
      };
      for (let index = 0; index < 1000; index++) {
        const ticket = ticketOf(index);
        const isValid = ticket.trim() != '' && ticket.length <= 4096;
        const kind = index % 7;
        let tile: Element;
        let target: EventTarget;
        if (kind == 0) { // an SVG tile, clicked on a child shape
          tile = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
          const circle = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
          tile.append(circle);
          target = circle;
        } else if (kind == 1) { // a click whose target is a text node
          tile = document.createElement('a');
          tile.append('some text');
          target = tile.firstChild!;
        } else if (kind == 2) { // inside an open shadow root
          const host = document.createElement('product-card');
          const root = host.attachShadow({ mode: 'open' });
          tile = document.createElement('div');
          tile.append(document.createElement('span'));
          root.append(tile);
          shop.append(host);
          target = tile.firstChild!;
        } else if (kind == 3) { // detached: not in the page, so nobody clicks it
          tile = document.createElement('div');
          target = tile;
        } else {
          tile = document.createElement(pick(['div', 'a', 'button', 'li']));
          tile.append(document.createElement('span'));
          target = pick([tile, tile.firstChild!]);
        }
        tile.setAttribute('data-elevate-ticket', ticket);
        if (kind != 2 && kind != 3) shop.append(tile);
        targets.push(target);
        if (isValid && kind != 3) reachable.push(fingerprint(ticket));
      }
      (window as any).fuzzTargets = targets;
      return reachable;
    }, fingerprint.toString());
    // Clicked in batches, as fast as a script can: 50 at a time.
    for (let start = 0; start < 1000; start += 50) {
      await tab.evaluate((start: number) => {
        for (const target of (window as any).fuzzTargets.slice(start, start + 50)) {
          target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
        }
      }, start);
      await spec.site.settle(30);
    }
    await api().waitFor(expected.length, { type: 'click', timeoutMs: 20_000 });
    await spec.site.settle(300);
    const delivered = api().delivered('click').map((request) => fingerprint(JSON.parse(request.body!).ticket));
    expect(expected.length).toBeGreaterThan(500);
    expect(delivered.sort()).toEqual(expected.sort());
    expect(api().requests.filter((request) => request.status != 204)).toEqual([]);
  });

  it.each(BUILDS)('%s build under a strict Content-Security-Policy with Trusted Types: tracks without a violation', async (build) => {
    const importMap = JSON.stringify({ imports: { uuid: '/node_modules/uuid/dist/index.js', 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs' } });
    const boot = `import { createTracker } from '/dist/index.js'; window.elevateTracker = createTracker(${JSON.stringify(spec.options())});`;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const policy = `default-src 'self'; script-src 'self' ${hash(importMap)} ${hash(boot)}; connect-src ${spec.site.apiBase}; `
      + `require-trusted-types-for 'script'; trusted-types 'none'`;
    const loader = build == 'script'
      ? `<script src="/dist/elevate-tracker.min.js" data-api-base="${spec.site.apiBase}" data-market="UK" async></script>`
      : `<script type="importmap">${importMap}</script><script type="module">${boot}</script>`;
    spec.site.setPage('/csp', `<!doctype html><html><head>${loader}</head><body>
      <div id="tile" data-elevate-ticket="T-csp">tile</div><div data-elevate-impression-ticket="AD-csp">ad</div></body></html>`,
    { 'Content-Security-Policy': policy });
    const [tab] = (await spec.newContext()).tabs;
    await tab.goto(spec.site.siteUrl + '/csp');
    await tab.waitFor(trackerUp);
    await tab.click('#tile');
    await tab.evaluate(() => (window as any).elevateTracker.end());
    // The script tag imports its impression watcher (a file beside it) under the policy too.
    await api().waitFor(3);
    // Leaving the page exercises the outbox's pagehide path under the policy too.
    await tab.goto(spec.site.siteUrl + '/csp');
    await tab.waitFor(trackerUp);
    await sleep(200);
    expect(api().requests.map((request) => [request.type, request.status]).sort()).toEqual([['ad-impression', 204], ['click', 204], ['end', 204]]);
    expect(await tab.evaluate(() => (window as any).__engineProbe.violations()), 'CSP violations').toEqual([]);
    // The policy is in force: inline script is refused, and where the engine has Trusted Types, so is a script's text
    // given as a plain string.
    const enforced = await tab.evaluate(() => {
      const script = document.createElement('script');
      try {
        script.text = '1';
      } catch {
        return 'trusted types';
      }
      return 'trustedTypes' in window ? 'trusted types not enforced' : 'no trusted types in this engine';
    });
    console.log(`${spec.engine.name} ${build} CSP: ${enforced}`);
    expect(enforced).not.toBe('trusted types not enforced');
    expect(await tab.evaluate(() => (window as any).__engineProbe.violations().length), 'the refusal is reported').toBeGreaterThan(0);
  });
});
