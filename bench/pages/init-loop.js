// End of every init page: once the page has loaded, stores this load's
// figures in sessionStorage and loads the page again, `loads` times, with no round trip to the bench in between;
// then sets `__done`. Runs after the ready mark, so it costs the measured span nothing. With `primitives=1` (the
// page without a tracker) it also times, on each fresh page, the browser calls a tracker's init and click paths
// make: the first is the first of its kind in the document.
addEventListener('load', () => setTimeout(() => {
  const params = new URLSearchParams(location.search);
  const key = `bench:${params.get('block')}`;
  const results = JSON.parse(sessionStorage.getItem(key) || '[]');
  const result = { start: __scriptStart, ready: __ready, longTasks: __takeLongTasks(), isolated: crossOriginIsolated };
  if (params.get('primitives')) result.primitives = timePrimitives(params.get('api'));
  results.push(result);
  sessionStorage.setItem(key, JSON.stringify(results));
  if (results.length < +params.get('loads')) location.replace(location.href);
  else window.__done = true;
}));

/** Microseconds each call takes, in this order, on this fresh page. */
function timePrimitives(apiBase) {
  const time = (call) => {
    const start = performance.now();
    call();
    return (performance.now() - start) * 1000;
  };
  const url = `${apiBase}/api/storefront/v3/notifications/click?customerKey=bench&market=UK&sessionKey=bench`;
  const body = JSON.stringify({ ticket: 'Oy9mYXNoaW9uL0RFU0tUT1A7YmVuY2g=' });
  return {
    'document.cookie, first read': time(() => document.cookie),
    'document.cookie, a write': time(() => { document.cookie = 'bench_probe=1; path=/; SameSite=Lax'; }),
    'document.cookie, a second read': time(() => document.cookie),
    "addEventListener('storage', f)": time(() => addEventListener('storage', () => {})),
    'localStorage, first getItem': time(() => localStorage.getItem('bench_probe')),
    'navigator.locks.request()': time(() => navigator.locks?.request('bench_probe', () => {})),
    'setTimeout(f, 0)': time(() => setTimeout(() => {}, 0)),
    'new URLSearchParams(keys) as text': time(() => String(new URLSearchParams({ customerKey: 'a', market: 'UK', sessionKey: 'b' }))),
    'fetch(url, { keepalive: true }), first': time(() => fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {})),
    'fetch(url, { keepalive: true }), second': time(() => fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {})),
    'navigator.sendBeacon(url, body)': time(() => navigator.sendBeacon(url, body)),
    "document.addEventListener('click', f, true)": time(() => document.addEventListener('click', () => {}, true)),
  };
}
