// A script of our own that the test site puts first in every page's <head>: it collects console.error calls and
// uncaught errors, the page's CSP violations and its pageshow/pagehide events, the same way in every engine. WebKitWebDriver has no
// console endpoint, and Playwright's Firefox over BiDi reports a console call twice; this reads the same in all three.
// Errors are kept in sessionStorage, so that they outlive the page: a tab keeps them across its navigations.

export interface ProbeRecord {
  /** console.error calls, each as its arguments joined by a space. */
  console: string[];
  /** Uncaught exceptions and unhandled rejections, as their messages. */
  page: string[];
}

/** Installed in the page as `(${installProbe})()`; it may use nothing from this module. */
export function installProbe() {
  const w = window as any;
  if (w.__engineProbe) return;
  const KEY = '__engine_probe';
  let store: Storage | undefined;
  try {
    store = window.sessionStorage;
  } catch { /* storage blocked: this page's errors only, in memory */ }
  const memory: ProbeRecord = { console: [], page: [] };
  const lifecycle: { type: string; persisted: boolean }[] = [];
  const read = (): ProbeRecord => {
    try {
      const stored = store && JSON.parse(store.getItem(KEY) ?? 'null');
      if (stored) return stored;
    } catch { /* unreadable: memory */ }
    return memory;
  };
  const add = (kind: keyof ProbeRecord, text: string) => {
    memory[kind].push(text);
    try {
      const record = read();
      if (record != memory) {
        record[kind].push(text);
        store!.setItem(KEY, JSON.stringify(record));
      } else if (store) {
        store.setItem(KEY, JSON.stringify(memory));
      }
    } catch { /* quota or blocked: memory */ }
  };
  const describe = (value: unknown) => {
    if (value instanceof Error) return String(value);
    if (typeof value == 'object' && value !== null) {
      try {
        return JSON.stringify(value);
      } catch { /* cyclic */ }
    }
    return String(value);
  };
  const messageOf = (error: unknown, fallback: string) => error instanceof Error ? error.message : fallback;
  const original = console.error;
  console.error = function (...args: unknown[]) {
    add('console', args.map(describe).join(' '));
    return original.apply(this, args);
  };
  addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) add('page', messageOf(event.error, event.message));
  }, true);
  addEventListener('unhandledrejection', (event) => add('page', messageOf(event.reason, describe(event.reason))));
  // Content-Security-Policy (and Trusted Types) violations of this page, as `directive blocked-URI`.
  const violations: string[] = [];
  addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`), true);
  for (const type of ['pageshow', 'pagehide']) {
    addEventListener(type, (event) => lifecycle.push({ type, persisted: (event as PageTransitionEvent).persisted }), true);
  }
  Object.defineProperty(w, '__engineProbe', { value: Object.freeze({ read, lifecycle: () => lifecycle.slice(), violations: () => violations.slice() }) });
}

/** Evaluated by the drivers: what the probe collected in this tab, or null on a page without it. */
export function readProbe(): ProbeRecord | null {
  return (window as any).__engineProbe?.read() ?? null;
}

/** The probe as a classic script. */
export const PROBE_SCRIPT = `(${installProbe})();\n`;
