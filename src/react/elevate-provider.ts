import { createElement, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import type { Consent, TrackerOptions } from '../config.js';
import { createTracker } from '../index.js';
import { TrackerContext } from './tracker-context.js';
import { createTrackerHandle } from './tracker-handle.js';

export interface ElevateProviderProps {
  /**
   * The tracker's options, as `createTracker` takes them. A new object with the same values changes nothing (an inline
   * `options={{ … }}` is fine); a changed value (say, the market) replaces the tracker with one made from the new
   * options: the keys stay (they are in the cookies), and the calls made meanwhile are held for the new tracker.
   */
  options: TrackerOptions;
  /**
   * The visitor's consent, from the site's consent manager: it wins over `options.consent`, and a change calls
   * `setConsent` (`'granted'` sends what was held). Defaults to `options.consent`.
   */
  consent?: Consent;
  children?: ReactNode;
}

/**
 * What tells one render's options from the last one's: their JSON, or the object itself when it has none (a BigInt, a
 * getter that throws: createTracker rejects them then).
 */
function keyOf(options: TrackerOptions): unknown {
  try {
    return JSON.stringify(options) ?? options;
  } catch {
    return options;
  }
}

/**
 * Gives its tree a tracker (`useTracker()`). The tracker is created in an effect, never in render, and destroyed in
 * its cleanup: StrictMode's mount, unmount and mount again leave one live tracker, and no click counts twice; on the
 * server, where effects do not run, it renders its children and creates nothing. A bad option throws createTracker's
 * ElevateConfigError from that effect, to the nearest error boundary.
 */
export function ElevateProvider({ options, consent, children }: ElevateProviderProps): ReactElement {
  const [handle] = useState(createTrackerHandle);
  /** The consent the live tracker has from this provider: the consent effect's starting point. */
  const applied = useRef<Consent | undefined>(undefined);
  const optionsKey = keyOf(options);
  useEffect(() => {
    // This render's options and consent: the effect runs again only when the options' values change.
    const live = createTracker(consent === undefined ? options : { ...options, consent });
    applied.current = consent;
    handle.attach(live);
    return () => {
      handle.detach();
      live.destroy();
    };
  }, [handle, optionsKey]);
  useEffect(() => {
    if (consent === undefined || consent === applied.current) return;
    applied.current = consent;
    handle.tracker.setConsent(consent);
  }, [handle, consent]);
  return createElement(TrackerContext.Provider, { value: handle.tracker }, children);
}
