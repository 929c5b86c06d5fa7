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
 * what it holds first; undefined if it could not start: then every call does nothing) and is safe to call with anything: an argument that throws when it is read (a getter, a
 * revoked Proxy) or converted (a Symbol, a BigInt) becomes one console error naming the call, never an exception in
 * the page. Built as the script runs, so it costs a loop, not the methods' code.
 */
export function publicTracker(methods: () => Tracker | undefined): Tracker {
  const tracker = {
    get customerKey() { return methods()?.customerKey ?? ''; },
    get sessionKey() { return methods()?.sessionKey ?? ''; },
    get session() { return methods()?.session ?? Promise.resolve(undefined); },
  } as Record<string, unknown>;
  for (const name of METHOD_NAMES) {
    tracker[name] = (...args: unknown[]) => {
      try {
        return (methods()?.[name] as ((...args: unknown[]) => unknown) | undefined)?.(...args) ?? (name == 'forget' ? '' : undefined);
      } catch {
        logError(`${name}(${args.map(describe).join(', ')}) failed: invalid argument; see the README's API section.`);
      }
    };
  }
  return tracker as unknown as Tracker;
}

/** A tracker that does nothing, for server-side rendering (no DOM). */
export function inertTracker(): Tracker {
  const nothing = () => {};
  const inert = Object.fromEntries(METHOD_NAMES.map((name) => [name, nothing]));
  return { ...inert, customerKey: '', sessionKey: '', session: Promise.resolve(undefined), forget: () => '' } as Tracker;
}
