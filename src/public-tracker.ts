import { describe, logError } from './log';
import type { Tracker } from './tracker-methods';

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
 * The object the site holds: each method runs `methods()` (which starts the tracker if it has not run yet, and sends
 * what it holds first) and is safe to call with anything: an argument that throws when it is read (a getter, a
 * revoked Proxy) or converted (a Symbol, a BigInt) becomes one console error naming the call, never an exception in
 * the page. Built as the script runs, so it costs a loop, not the methods' code.
 */
export function publicTracker(methods: () => Tracker): Tracker {
  const tracker = {
    get customerKey() { return methods().customerKey; },
    get sessionKey() { return methods().sessionKey; },
    get session() { return methods().session; },
  } as Record<string, unknown>;
  for (const name of METHOD_NAMES) {
    tracker[name] = (...args: unknown[]) => {
      try {
        return (methods()[name] as (...args: unknown[]) => unknown)(...args);
      } catch {
        logError(`${name}(${args.map(describe).join(', ')}) failed: invalid argument; see the README's API section.`);
      }
    };
  }
  return tracker as unknown as Tracker;
}
