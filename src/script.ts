/**
 * Script-tag entry: `<script src=".../elevate-tracker.min.js" data-cluster-id="w00000000" data-market="UK" async>`.
 * Reads the options from its own `data-*` attributes, replays the commands queued in `window.elevateTracker` and
 * takes its place. Never throws into the page: a bad option is one console.error, and nothing else happens.
 */
import { attributeOf, isBooleanOption, optionNames, resolveConfig } from './config.js';
import { describe, logError } from './log.js';
import { startTracker } from './tracker.js';
import type { Tracker } from './tracker-methods.js';

type ScriptTracker = Tracker & { push(...commands: unknown[]): void };

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
  logError(`unknown command ${describe(method)}; e.g. push(['end'])`);
}

function start(queue: unknown) {
  const script = findOwnScript();
  const isQueue = !queue || Array.isArray(queue);
  // What was queued before this file loaded, replayed when the tracker runs (its start is deferred): first, in order.
  const queued = isQueue ? [...(queue as unknown[] | undefined) || []] : [];
  // The session shim and the impression watcher are modules beside this file, loaded only when needed
  // (`data-session-api`; a marked ad in the page): found from this element's src alone. Async, so that a src they
  // cannot be found beside (a data: URL) rejects rather than throws where they are loaded.
  const load = async (file: string) => import(new URL(`elevate-tracker.${file}.js`, script.src).href);
  const tracker = startTracker({
    // Read and checked as the tracker starts, in a task of its own; until then clicks are noted by this attribute.
    config() {
      const config = resolveConfig(readOptions(script));
      if (config.sessionApi && !script.src) throw new Error('data-session-api needs <script src=".../elevate-tracker.min.js">.');
      return config;
    },
    ticketAttribute: script.getAttribute(attributeOf('ticketAttribute')) ?? 'data-elevate-ticket',
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
