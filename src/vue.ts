// elevate-tracker/vue: a plugin and an inject, thin over createTracker.
import { inject, type App, type InjectionKey } from 'vue';
import { createTracker } from './index.js';
import type { TrackerOptions } from './config.js';
import { logError } from './log.js';
import { inertTracker } from './public-tracker.js';
import type { Tracker } from './tracker-methods.js';

export type { Consent, Tracker, TrackerOptions } from './index.js';

/** The plugin's object type: `app.use(elevateTracker, options)`. */
export interface ElevateTrackerPlugin {
  install(app: App, options: TrackerOptions): void;
}

/** Where the plugin provides the app's tracker. */
const TRACKER: InjectionKey<Tracker> = Symbol('elevate-tracker');

/** What `useTracker()` returns outside an app that installed the plugin: a tracker that does nothing. */
let outside: Tracker | undefined;

/**
 * `app.use(elevateTracker, options)`: creates the app's tracker (createTracker: a bad option throws ElevateConfigError;
 * during server rendering, without a DOM, a tracker that does nothing), provides it to every component
 * (`useTracker()`), and destroys it when the app unmounts: through `app.onUnmount` (Vue 3.5+), or before 3.5 around
 * the app's own `unmount`.
 */
export const elevateTracker: ElevateTrackerPlugin = {
  install(app, options) {
    const tracker = createTracker(options);
    app.provide(TRACKER, tracker);
    if (typeof app.onUnmount == 'function') return app.onUnmount(() => tracker.destroy());
    const { unmount } = app;
    app.unmount = function (this: App) {
      tracker.destroy();
      return unmount.call(this);
    };
  },
};

/**
 * The app's tracker, in a component's `setup()` (or `<script setup>`). Outside an app that installed the plugin, a
 * tracker that does nothing, and one console error per page.
 */
export function useTracker(): Tracker {
  const tracker = inject(TRACKER, undefined);
  if (tracker) return tracker;
  if (!outside) logError('useTracker() found no tracker: install the plugin first, app.use(elevateTracker, options).');
  return outside ||= inertTracker();
}
