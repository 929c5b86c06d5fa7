// Hostile pages and bad input: generated tiles of every awkward kind, a strict CSP with Trusted Types.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS, startHarness, trackerPage, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

describe('fuzz', () => {
  it('1,000 generated tiles: no exception, every valid ticket sent exactly once with its body intact', async () => {
    h.setPage('/fuzz', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, body: '<main id="shop"></main>' }));
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/fuzz');
    // Built in the page from a seeded generator; returns the tickets a visitor could have clicked.
    const expected: string[] = await opened.page.evaluate(() => {
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
        if (isValid && kind != 3) reachable.push(ticket);
      }
      (window as any).fuzzTargets = targets;
      return reachable;
    });
    // Clicked in batches, as fast as a script can: 50 at a time.
    for (let start = 0; start < 1000; start += 50) {
      await opened.page.evaluate((start) => {
        for (const target of (window as any).fuzzTargets.slice(start, start + 50)) {
          target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
        }
      }, start);
      await h.settle(30);
    }
    await h.api.waitFor(expected.length, { type: 'click', timeoutMs: 20_000 });
    await h.settle(300);
    const delivered = h.api.delivered('click').map((request) => JSON.parse(request.body!).ticket);
    console.log(`fuzz: ${expected.length} valid reachable tickets of 1,000 tiles; ${delivered.length} delivered, ${h.api.requests.length} requests`);
    expect(delivered.sort()).toEqual(expected.sort());
    expect(h.api.requests.filter((request) => request.status != 204)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe.each(BUILDS)('%s build under a strict Content-Security-Policy with Trusted Types', (build) => {
  it('loads, tracks and delivers without a single violation', async () => {
    const importMap = JSON.stringify({ imports: { uuid: '/node_modules/uuid/dist/index.js', 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs' } });
    const hash = createHash('sha256').update(importMap).digest('base64');
    const policy = `default-src 'self'; script-src 'self' 'sha256-${hash}'; connect-src ${h.apiBase}; require-trusted-types-for 'script'; trusted-types 'none'`;
    const tiles = '<div id="tile" data-elevate-ticket="T-csp">tile</div>';
    const loader = build == 'script'
      ? `<script src="/dist/elevate-tracker.min.js" data-api-base="${h.apiBase}" data-market="UK" async></script>`
      : `<script type="importmap">${importMap}</script><script type="module" src="/csp-boot.js"></script>`;
    h.setPage('/csp-boot.js', `import { createTracker } from '/dist/index.js';
window.elevateTracker = createTracker({ apiBase: '${h.apiBase}', market: 'UK' });`, { 'Content-Type': 'text/javascript' });
    h.setPage('/csp', `<!doctype html><html><head>${loader}</head><body>${tiles}</body></html>`, { 'Content-Security-Policy': policy });
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/csp');
    await opened.page.click('#tile');
    await opened.page.evaluate(() => (window as any).elevateTracker.end());
    await h.api.waitFor(2);
    // Leaving the page exercises the outbox's beacon path under the policy too.
    await opened.page.goto(h.siteUrl + '/csp');
    await h.settle(200);
    expect(h.api.requests.map((request) => [request.type, request.status])).toEqual([['click', 204], ['end', 204]]);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    // The policy is in force: Trusted Types refuse a script's text given as a plain string.
    expect(await opened.page.evaluate(() => {
      try {
        document.createElement('script').text = '1';
        return 'allowed';
      } catch {
        return 'refused';
      }
    })).toBe('refused');
  });
});
