// Before measuring: each contender, clicked once on the per-click page, gets its notification to its stand-in with
// the tile's ticket; and the official library's fetch() happens within the click's timed span (its listener calls
// it a few microtasks later, which the span drains). Returns, per contender, whether its fetch() ran in the span
// (a tracker may send from a task of its own instead, outside the click's task).
import { DRAIN } from './measure-clicks.mjs';
import { ticketFor } from './pages.mjs';

export async function checkWiring(browser, site, { names, received }) {
  const fetchInClickSpan = {};
  for (const name of names) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/clicks/${name}`, { waitUntil: 'load' });
    const fetchesInSpan = await page.evaluate(async (drain) => {
      let fetches = 0;
      const { fetch } = window;
      window.fetch = function (...args) {
        fetches++;
        return fetch.apply(this, args);
      };
      document.querySelectorAll('.tile .name')[7].dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      for (let turn = 0; turn < drain; turn++) await undefined;
      return fetches;
    }, DRAIN);
    const ticket = ticketFor('clicks', 7);
    const deadline = Date.now() + 5000;
    while (!received(name).some((request) => request.ticket == ticket) && Date.now() < deadline) await page.waitForTimeout(20);
    await context.close();
    if (!received(name).some((request) => request.ticket == ticket)) throw new Error(`${name}: the click notification did not arrive`);
    if (name == 'official' && fetchesInSpan != 1) {
      throw new Error(`official: ${fetchesInSpan} fetch() calls within ${DRAIN} microtask turns of a click, expected 1`);
    }
    fetchInClickSpan[name] = fetchesInSpan > 0;
  }
  return { fetchInClickSpan };
}
