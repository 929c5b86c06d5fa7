/**
 * `elevate-tracker/global`: the type of the script tag's `window.elevateTracker`, for a site's TypeScript. Types only
 * (`import 'elevate-tracker/global'`; its JavaScript is an empty module): the queue a page fills before the script has
 * loaded, and the tracker that takes its place, each with the commands they accept.
 */
import type { TrackerOptions } from './config.js';
import type { METHOD_NAMES } from './public-tracker.js';
import type { Tracker } from './tracker-methods.js';

/** A tracker method's name, as a command names it. */
export type ElevateTrackerMethod = typeof METHOD_NAMES[number];

/** A command: a Tracker method's name and its arguments, e.g. `['setConsent', 'granted']` or `['end']`. */
export type ElevateTrackerCommand = { [K in ElevateTrackerMethod]: [K, ...Parameters<Tracker[K]>] }[ElevateTrackerMethod];

/**
 * The script tag's options: createTracker's, and the URLs of its on-demand files when they are self-hosted under
 * other names (`data-session-script`, `data-impressions-script`).
 */
export type ScriptOptions = TrackerOptions & { sessionScript?: string; impressionsScript?: string };

/** The script tag's options as a command of the queue (a tag manager's script has no `data-*` attributes). */
export type ElevateTrackerInit = ['init', ScriptOptions];

/** What `window.elevateTracker` is before the script has loaded: the commands it replays in order; an `init` gives the options. */
export type ElevateTrackerQueue = (ElevateTrackerCommand | ElevateTrackerInit)[];

/**
 * What `window.elevateTracker` is once the script has loaded: the tracker, whose `push` runs each command at once.
 * `init` is read from the queue only (pushed later, it is ignored with a console error), so `push` does not take it.
 */
export type ScriptTracker = Tracker & { push(...commands: ElevateTrackerCommand[]): void };

declare global {
  interface Window {
    /** The script tag's tracker (`elevate-tracker.min.js`), or the queue of commands kept for it until it loads. */
    elevateTracker?: ElevateTrackerQueue | ScriptTracker;
  }
}
