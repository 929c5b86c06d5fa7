import { logError } from '../log.js';
import { inertTracker, METHOD_NAMES } from '../public-tracker.js';
import type { SessionInfo } from '../session-api.js';
import type { Tracker } from '../tracker-methods.js';

/** What `<ElevateProvider>` hands to `useTracker()`: one Tracker for its lifetime, whatever live tracker it stands for. */
export interface TrackerHandle {
  /** Forwards to the live tracker; calls made while there is none are held and replayed, in order, to the next one. */
  readonly tracker: Tracker;
  /** The tracker the provider's effect created: what was held runs on it now. */
  attach(live: Tracker): void;
  /** The provider's effect cleaned up (unmounted, or StrictMode's rehearsal of it): calls are held again. */
  detach(): void;
}

type MethodName = typeof METHOD_NAMES[number];

/**
 * Calls held without a live tracker, at most: after the provider has unmounted for good, a component that kept the
 * tracker would otherwise grow the list for as long as the page lives.
 */
const MAX_HELD = 100;

/**
 * The handle of one provider. Children's effects run before their parent's, so a child's
 * `useTracker().setCustomerKey(…)` in its own effect comes before the provider's effect has created the tracker: it is
 * held, and runs on that tracker first thing. Before a tracker exists, `customerKey` and `sessionKey` read what the
 * inert tracker has (`''`), `forget()` returns `''` (it is held, and forgets once the tracker is there), and `session`
 * is a promise that follows the tracker's once it exists. Without a DOM (server rendering) the handle is the inert
 * tracker: nothing is held, nothing is ever created.
 */
export function createTrackerHandle(): TrackerHandle {
  const inert = inertTracker();
  if (typeof document == 'undefined') return { tracker: inert, attach() {}, detach() {} };
  let live: Tracker | undefined;
  const held: [MethodName, unknown[]][] = [];
  let isOverflowLogged = false;
  let sessionWaiting: Promise<SessionInfo | undefined> | undefined;
  let startSession: ((session: Promise<SessionInfo | undefined>) => void) | undefined;

  function hold(name: MethodName, args: unknown[]) {
    if (held.length < MAX_HELD) return void held.push([name, args]);
    if (!isOverflowLogged) logError(`useTracker(): ${MAX_HELD} calls are waiting for <ElevateProvider> to mount; later ones are dropped.`);
    isOverflowLogged = true;
  }
  function waitForSession() {
    if (!sessionWaiting) {
      sessionWaiting = new Promise((resolve) => { startSession = resolve; });
      sessionWaiting.catch(() => {}); // as the tracker's own: a rejection (SessionApiError) is never unhandled
    }
    return sessionWaiting;
  }

  const tracker = {
    get customerKey() { return (live ?? inert).customerKey; },
    get sessionKey() { return (live ?? inert).sessionKey; },
    get session() { return live ? live.session : waitForSession(); },
  } as Record<string, unknown>;
  for (const name of METHOD_NAMES) {
    tracker[name] = (...args: unknown[]) => {
      if (live) return (live[name] as (...args: unknown[]) => unknown)(...args);
      hold(name, args);
      return name == 'forget' ? inert.forget() : undefined;
    };
  }
  return {
    tracker: tracker as unknown as Tracker,
    attach(next) {
      live = next;
      for (const [name, args] of held.splice(0)) (next[name] as (...args: unknown[]) => unknown)(...args);
      startSession?.(next.session);
      sessionWaiting = startSession = undefined;
    },
    detach() {
      live = undefined;
    },
  };
}
