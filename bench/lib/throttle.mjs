// CPU throttling through the Chrome DevTools Protocol, and a check that it is in effect.
//
// On Linux, Chromium throttles a renderer by interrupting its main thread every 200 µs and busy-waiting in a signal
// handler for (rate − 1) × the time it ran (third_party/blink/renderer/platform/scheduler/common/thread_cpu_throttler.cc).
// So a throttled renderer burns most of a core even when idle, and waits (IPC included) stretch too: only the page
// being measured is ever throttled, and only while it is measured.

/** A page in a context of its own (its own cookies and storage), with a CDP session. */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp };
}

/** Slows the page's renderer `rate` times (1: not at all). */
export const setCpuRate = (cdp, rate) => cdp.send('Emulation.setCPUThrottlingRate', { rate });

/**
 * Milliseconds a fixed piece of JavaScript takes in the page (median of 3): compared across rates, the slowdown
 * the page really gets.
 */
export function timeFixedWork(page) {
  return page.evaluate(() => {
    const times = [];
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      let sum = 0;
      for (let i = 0; i < 1e6; i++) sum += (i * 7) % 13;
      times.push(performance.now() - start + (sum < 0 ? 1 : 0));
    }
    return times.sort((a, b) => a - b)[1];
  });
}
