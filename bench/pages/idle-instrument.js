// Init script of the idle pages (runs before any page script): wraps the ways a script schedules work for later (and
// sends requests) and logs each call and each callback run once `__openIdleWindow()` has been called. The stack
// lines say who.
(() => {
  const log = [];
  let openedAt = Infinity;
  window.__idleLog = log;
  window.__openIdleWindow = () => {
    openedAt = performance.now();
    log.length = 0;
  };
  const note = (api, detail) => {
    const at = performance.now();
    if (at < openedAt) return;
    const caller = (new Error().stack || '').split('\n').slice(3, 5).map((line) => line.trim()).join(' < ') || 'the browser';
    log.push({ api, detail, at: Math.round(at - openedAt), caller });
  };
  const wrapCallback = (api, callback) => (typeof callback == 'function'
    ? function (...args) { note(`${api} callback`); return callback.apply(this, args); }
    : callback);
  for (const api of ['setTimeout', 'setInterval', 'requestAnimationFrame', 'requestIdleCallback', 'queueMicrotask']) {
    const original = window[api];
    if (typeof original != 'function') continue;
    window[api] = function (callback, ...rest) {
      note(api, api.startsWith('set') ? rest[0] ?? 0 : undefined);
      return original.call(this, wrapCallback(api, callback), ...rest);
    };
  }
  // A timeout signal is a timer of the browser's own: log its creation, and its firing (the wake-up).
  if (typeof AbortSignal?.timeout == 'function') {
    const originalTimeout = AbortSignal.timeout;
    AbortSignal.timeout = function (ms) {
      note('AbortSignal.timeout', ms);
      const signal = originalTimeout.call(this, ms);
      signal.addEventListener('abort', () => note('AbortSignal.timeout fired', ms));
      return signal;
    };
  }
  const { fetch: originalFetch } = window;
  window.fetch = function (...args) {
    note('fetch', String(args[0]).slice(0, 80));
    return originalFetch.apply(this, args);
  };
  if (navigator.sendBeacon) {
    const originalBeacon = navigator.sendBeacon;
    navigator.sendBeacon = function (...args) {
      note('sendBeacon', String(args[0]).slice(0, 80));
      return originalBeacon.apply(this, args);
    };
  }
})();
