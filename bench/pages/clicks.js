// Click driver of the per-click pages. Each click is dispatched in a task of its own, on the name inside a tile (a
// real click lands on a tile's text or image): back to back (after a MessageChannel hop, so that the responses to
// earlier clicks are handled between clicks, outside the timed span, with a pause every `pauseEvery` clicks), or
// `gapMs` apart, as a visitor's clicks come. Two spans are timed per click:
// - sync: dispatchEvent() alone, i.e. the listeners' synchronous part;
// - total: the dispatch plus `drain` microtask turns. A real (trusted) click runs the listeners' microtasks before
//   its task ends, and the official library calls fetch() a few microtasks after its listener returns; `drain` is
//   checked to be enough (the bench's wiring check), and costs the page without a tracker the same.
// Tiles are clicked round-robin, so no two consecutive clicks carry the same ticket (ours skips a ticket repeated
// within 1 s).
window.runClicks = async ({ warmup, count, offset, drain, pauseEvery, pauseMs, gapMs }) => {
  const targets = [...document.querySelectorAll('.tile .name')];
  const channel = new MessageChannel();
  const nextTask = () => new Promise((resolve) => {
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(0);
  });
  const sync = new Float64Array(count);
  const total = new Float64Array(count);
  const startedAt = performance.now();
  for (let i = -warmup; i < count; i++) {
    const pause = gapMs || (pauseEvery && i % pauseEvery == 0 ? pauseMs : 0);
    await (pause ? new Promise((resolve) => setTimeout(resolve, pause)) : nextTask());
    const target = targets[(offset + i + warmup) % targets.length];
    const event = new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, button: 0, view: window });
    const t0 = performance.now();
    target.dispatchEvent(event);
    const t1 = performance.now();
    for (let turn = 0; turn < drain; turn++) await undefined;
    const t2 = performance.now();
    if (i >= 0) {
      sync[i] = t1 - t0;
      total[i] = t2 - t0;
    }
  }
  return { sync: [...sync], total: [...total], startedAt, isolated: crossOriginIsolated };
};

// Microseconds per call of what a click path may do, each call repeated `count` times back to back and the batch
// timed as a whole (so the 5 µs timer resolution does not matter): a warm page's cost, without the cold start an
// isolated click pays.
window.timeHotCalls = (count) => {
  const noop = () => {};
  const event = new MouseEvent('click', { bubbles: true, composed: true });
  const tile = document.querySelector('.tile .name');
  let timer;
  const calls = {
    'Date.now()': () => Date.now(),
    'array push': ((queue) => () => queue.push('ticket'))([]),
    "JSON.stringify({ ticket })": () => JSON.stringify({ ticket: tile.parentNode.dataset.elevateTicket }),
    'new URLSearchParams(3 keys) as text': () => String(new URLSearchParams({ customerKey: 'a', market: 'UK', sessionKey: 'b' })),
    "closest('[data-elevate-ticket]') + getAttribute": () => tile.closest('[data-elevate-ticket]').getAttribute('data-elevate-ticket'),
    'setTimeout(f, 0)': () => setTimeout(noop, 0),
    'clearTimeout + setTimeout(f, 0)': () => {
      clearTimeout(timer);
      timer = setTimeout(noop, 0);
    },
    'dispatchEvent, no listener for it': () => document.body.dispatchEvent(event),
  };
  const result = {};
  for (const [name, call] of Object.entries(calls)) {
    for (let i = 0; i < 100; i++) call(); // warm-up
    const start = performance.now();
    for (let i = 0; i < count; i++) call();
    result[name] = ((performance.now() - start) / count) * 1000;
  }
  return result;
};
