/**
 * Script-tag entry: `<script src=".../elevate-tracker.min.js" data-cluster-id="w00000000" data-market="UK" async>`.
 * Reads the options from its own `data-*` attributes, replays the commands queued in `window.elevateTracker` and
 * takes its place. Never throws into the page: a bad option is one console.error, and nothing else happens.
 */
import { isBooleanOption, optionNames, resolveConfig } from './config';
import { logError } from './log';
import { startTracker, type Tracker } from './tracker';

/** `['click', ticket]`: a method name and its arguments. */
type Command = [method: string, ...args: unknown[]];

const GLOBAL = 'elevateTracker';
const page = window as any;
const queue = page[GLOBAL];

/** Options from `data-*` (`dataset` camel-cases them): an empty `data-debug` means true, numbers are parsed. */
function readOptions(script: HTMLElement | null) {
  const options: any = {};
  for (const name of optionNames) {
    const value = script?.dataset[name];
    if (value != null) options[name] = isBooleanOption(name) ? value != 'false' : name == 'sessionTimeout' ? +value || NaN : value;
  }
  return options;
}

function run(tracker: any, command: Command) {
  const [method, ...args] = Array.isArray(command) ? command : [''];
  if (method != 'push' && typeof tracker[method] == 'function') tracker[method](...args);
  else logError(`unknown command ${JSON.stringify(command)}; e.g. push(['end'])`);
}

// A second copy of the script on the page leaves the first in charge.
if (!queue?.destroy) {
  try {
    const script = (document.currentScript || document.querySelector('script[src*="elevate-tracker"]')) as HTMLScriptElement | null;
    // The session shim is a module of its own beside this file, loaded only for `data-session-api`.
    const loadSessionApi = () => import(new URL('elevate-tracker.session.js', script?.src || location.href).href)
      .then((module) => module.attachSessionApi);
    const tracker = startTracker(resolveConfig(readOptions(script)), loadSessionApi) as Tracker & { push(...commands: Command[]): void };
    tracker.push = (...commands) => commands.forEach((command) => run(tracker, command));
    if (queue && !Array.isArray(queue)) {
      logError(`window.${GLOBAL} is taken by something else: the tracker runs without it.`);
    } else {
      page[GLOBAL] = tracker;
      tracker.push(...queue || []);
    }
  } catch (error) {
    logError((error as Error).message);
  }
}
