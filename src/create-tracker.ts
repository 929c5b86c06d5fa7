import { rejectUnknownOptions, resolveConfig, type TrackerOptions } from './config.js';
import { inertTracker } from './public-tracker.js';
import { startTracker } from './tracker.js';
import type { Tracker } from './tracker-methods.js';

/**
 * Creates the tracker: validates the options (throws `ElevateConfigError`) and listens for clicks on ticketed
 * elements; the keys are read as it starts, in a task of its own right after or at the first call (startTracker).
 * Without a DOM (server-side rendering) it returns a tracker that does nothing.
 */
export function createTracker(options: TrackerOptions): Tracker {
  rejectUnknownOptions(options);
  const config = resolveConfig(options);
  // Loaded when first needed: bundlers split them off (the Session API client is most of the npm entry's bytes).
  if (typeof document != 'undefined') {
    return startTracker({ config, ticketAttribute: config.ticketAttribute, loaders: {
      sessionApi: async () => (await import('./session-shim.js')).attachSessionApi,
      impressions: async () => (await import('./impressions.js')).watchImpressions,
    } });
  }
  return inertTracker();
}
