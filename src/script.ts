/**
 * Script-tag entry: `<script src=".../elevate-tracker.min.js" data-cluster-id="w00000000" data-market="UK" async>`.
 * Reads the options from its own `data-*` attributes and from an `['init', options]` command queued before it loaded
 * (a tag manager's injected script has no attributes), replays the commands queued in `window.elevateTracker` and
 * takes its place. Never throws into the page: a bad option is one console.error, and nothing else happens.
 */
import { attributeOf, isBooleanOption, optionNames, rejectUnknownOptions, resolveConfig } from './config.js';
import { describe, logError } from './log.js';
import { startTracker } from './tracker.js';
import type { ScriptTracker } from './global.js';

const GLOBAL = 'elevateTracker';
/** Marks the tracker this file publishes, so that a second copy knows it: markup cannot set a Symbol-keyed property. */
const PUBLISHED = Symbol.for('elevate-tracker.script');
const page = window as unknown as Record<string | symbol, any>;

/**
 * The tracker's own `<script>`, through the getter Document defines: markup can shadow `document.currentScript`
 * itself (`<img name="currentScript">`; named elements are properties of `document`). There is no guess such as
 * `querySelector('script[src*="elevate-tracker"]')` when it is unknown: an inert script inserted by page content
 * (`innerHTML`) would win it.
 */
function findOwnScript(): HTMLScriptElement {
  const script = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')!.get!.call(document);
  if (script instanceof HTMLScriptElement) return script;
  throw new Error('cannot find its own <script> element; load it with <script src=".../elevate-tracker.min.js">.');
}

/** Options from `data-*`: an empty `data-debug` means true, numbers are parsed (`dataset` would read Object.prototype). */
function readOptions(script: HTMLScriptElement) {
  const options: any = {};
  for (const name of optionNames) {
    const value = script.getAttribute(attributeOf(name));
    if (value != null) options[name] = isBooleanOption(name) ? value != 'false' : name == 'sessionTimeout' ? +value || NaN : value;
  }
  return options;
}

/** The on-demand files, whose own options (script tag only, `sessionScript`…) give their URLs under other names. */
type OnDemandFile = 'session' | 'impressions';

/**
 * The queue's first `['init', options]`, taken out of it: a copy of the options' own properties, made now. Anywhere
 * in the queue, as a tag manager may add it after the page has queued its own commands.
 */
function takeInit(queued: unknown[]): Record<string, unknown> {
  const at = queued.findIndex((command) => {
    try {
      return Array.isArray(command) && command[0] === 'init';
    } catch { /* unreadable (a revoked Proxy): a command, reported when it runs */ }
  });
  if (at < 0) return {};
  const options = (queued.splice(at, 1)[0] as unknown[])[1];
  if (options && typeof options == 'object') return { ...options };
  throw new Error(`init needs the options, e.g. push(['init', { clusterId: 'w00000000', market: 'UK' }]).`);
}

/** An on-demand file's URL from its option (relative to the page), if it has one: http(s) only. */
function fileOption(script: HTMLScriptElement, init: Record<string, unknown>, file: OnDemandFile) {
  const name = file + 'Script';
  const value = init[name] ?? script.getAttribute(attributeOf(name));
  if (value == null) return;
  let url: URL | undefined;
  try {
    url = new URL(value as string, document.baseURI);
  } catch { /* told below */ }
  if (typeof value == 'string' && url && /^https?:$/.test(url.protocol)) return url.href;
  throw new Error(`Option ${name} (${attributeOf(name)}) is invalid: ${describe(value)}. Example: "/assets/elevate-tracker.${file}.3f9a1c.js".`);
}

/** Runs one command, `['click', ticket]`: only the tracker's own methods (never `__defineGetter__` and its kin). */
function run(tracker: object, command: unknown) {
  let method = command;
  try {
    if (Array.isArray(command)) {
      const [name, ...args] = command;
      method = name;
      const own = Object.getOwnPropertyDescriptor(tracker, name as PropertyKey)?.value;
      if (name != 'push' && typeof own == 'function') return void own(...args);
    }
  } catch { /* unreadable (a revoked Proxy): reported below */ }
  logError(method === 'init' ? 'init is read from the queue before the script loads, once: ignored.' : `unknown command ${describe(method)}; e.g. push(['end'])`);
}

function start(queue: unknown) {
  const script = findOwnScript();
  const isQueue = !queue || Array.isArray(queue);
  // What was queued before this file loaded, replayed when the tracker runs (its start is deferred): first, in order.
  const queued = isQueue ? [...(queue as unknown[] | undefined) || []] : [];
  const init = takeInit(queued);
  const ticketAttribute = init.ticketAttribute ?? script.getAttribute(attributeOf('ticketAttribute'));
  // The session shim and the impression watcher are modules beside this file (or where their options say), loaded
  // only when needed (`data-session-api`; a marked ad in the page). Async, so that a URL they cannot be found at (a
  // data: URL's neighbour) rejects rather than throws where they are loaded.
  const load = async (file: OnDemandFile) =>
    import(fileOption(script, init, file) ?? new URL(`elevate-tracker.${file}.js`, script.src).href);
  const tracker = startTracker({
    // Read and checked as the tracker starts, in a task of its own; until then clicks are noted by this attribute.
    config() {
      const { sessionScript, impressionsScript, ...options } = init;
      rejectUnknownOptions(options);
      const config = resolveConfig({ ...readOptions(script), ...options });
      if (config.sessionApi && !script.src && sessionScript == null) throw new Error('data-session-api needs <script src=".../elevate-tracker.min.js">.');
      // Checked now, so that a bad one is told at the start, not when the file is first needed.
      for (const file of ['session', 'impressions'] as const) fileOption(script, init, file);
      return config;
    },
    ticketAttribute: typeof ticketAttribute == 'string' ? ticketAttribute : 'data-elevate-ticket',
    loaders: {
      sessionApi: async () => (await load('session')).attachSessionApi,
      impressions: async () => (await load('impressions')).watchImpressions,
    },
    onRun: () => runAll(queued),
    // Bad options: the page gets its global back as it was, as if the tracker had never loaded.
    onFail() {
      if (!isQueue) return;
      if (queue) page[GLOBAL] = queue;
      else delete page[GLOBAL];
    },
  }) as ScriptTracker;
  // Each command on its own: one that fails never stops the next.
  const runAll = (commands: unknown[]) => commands.forEach((command) => run(tracker, command));
  tracker.push = (...commands) => runAll(commands);
  if (isQueue) page[GLOBAL] = Object.assign(tracker, { [PUBLISHED]: true });
  else logError(`window.${GLOBAL} is taken by something else: the tracker runs without it.`);
}

try {
  const queue = page[GLOBAL];
  // A second copy of the script on the page leaves the first in charge.
  if (!queue?.[PUBLISHED]) start(queue);
} catch (error) {
  logError((error as Error).message);
}
