import { describe, logError } from './log.js';
import type { Tracker } from './tracker-methods.js';

/** The tracker's methods by name (its three getters aside). */
export const METHOD_NAMES = ['click', 'addToCart', 'addFavorite', 'removeFavorite', 'removeRecentSearches',
  'removeRecentlyViewed', 'adImpression', 'end', 'setCustomerKey', 'reset', 'destroy', 'identify', 'setConsent',
  'forget'] as const;

/** The methods of Tracker missing from METHOD_NAMES: none, or EveryMethodListed does not compile. */
type Unlisted = Exclude<{ [K in keyof Tracker]: Tracker[K] extends (...args: never[]) => unknown ? K : never }[keyof Tracker],
  typeof METHOD_NAMES[number]>;
type IsTrue<T extends true> = T;
export type EveryMethodListed = IsTrue<[Unlisted] extends [never] ? true : false>;

/**
 * The object the site holds. Each method runs `methods(name)`, which starts the tracker if it has not run yet and sends
 * what it holds first (undefined if it could not or need not start: bad options, or destroyed before it; then the
 * calls go to an inert tracker), and is safe to call with anything: an argument that throws when it is read (a
 * getter, a revoked Proxy) or converted (a Symbol, a BigInt) becomes one console error naming the call, never an
 * exception in the page. Built as the script runs, so it costs a loop, not the methods' code.
 */
export function publicTracker(methods: (name?: string) => Tracker | undefined): Tracker {
  let inert: Tracker | undefined;
  const target = (name?: string) => methods(name) ?? (inert ||= inertTracker());
  const tracker = {
    get customerKey() { return target().customerKey; },
    get sessionKey() { return target().sessionKey; },
    get session() { return target().session; },
  } as Record<string, unknown>;
  for (const name of METHOD_NAMES) {
    tracker[name] = (...args: unknown[]) => {
      try {
        return (target(name)[name] as (...args: unknown[]) => unknown)(...args);
      } catch {
        logError(`${name}(${args.map(describe).join(', ')}) failed: invalid argument; see the README's API section.`);
      }
    };
  }
  return tracker as unknown as Tracker;
}

/** A tracker that does nothing: for server-side rendering (no DOM), and after bad options. */
export function inertTracker(): Tracker {
  const nothing = () => {};
  const inert = Object.fromEntries(METHOD_NAMES.map((name) => [name, nothing]));
  return { ...inert, customerKey: '', sessionKey: '', session: Promise.resolve(undefined), forget: () => '' } as Tracker;
}
