import { useContext } from 'react';
import { logError } from '../log.js';
import { inertTracker } from '../public-tracker.js';
import type { Tracker } from '../tracker-methods.js';
import { TrackerContext } from './tracker-context.js';

/** What `useTracker()` returns outside any `<ElevateProvider>`: a tracker that does nothing. */
let outside: Tracker | undefined;

/**
 * The tracker of the nearest `<ElevateProvider>`: the same object for the provider's lifetime, so it is safe in an
 * effect's dependencies. Its calls are held until the provider's effect has created the tracker (see
 * createTrackerHandle). Outside any provider, a tracker that does nothing, and one console error per page.
 */
export function useTracker(): Tracker {
  const tracker = useContext(TrackerContext);
  if (tracker) return tracker;
  if (!outside) logError('useTracker() is called outside <ElevateProvider>: its tracker does nothing.');
  return outside ||= inertTracker();
}
