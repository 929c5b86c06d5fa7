import { postNotification, type Answer } from './post-notification.js';
import type { Entry } from './stored-entries.js';

/**
 * Bytes of keepalive requests in flight, at most: Chromium refuses keepalive fetches beyond 64 KiB of bodies in
 * flight (fetch spec, "inflight keepalive bytes"), as a rejection that a page going away can no longer act on.
 * Counting URLs too leaves room for other scripts' keepalive requests.
 */
const MAX_KEPT_ALIVE = 65_536;

/**
 * `fetch` with `keepalive` outlives the page (a click that navigates, a tab closed) and works on hidden pages; unlike
 * sendBeacon, it shows the answer, can leave cookies out and does not follow redirects. The page may delete fetch.
 */
const canKeepAlive = typeof Request == 'function' && 'keepalive' in Request.prototype;

/** What an entry weighs against the bounds (and the keepalive quota). */
export const weigh = (entry: Entry) => entry.url.length + (entry.body?.length || 0);

/** How a page's notifications reach the API: keepalive fetches within the quota, or beacons where fetch cannot. */
export interface Transport {
  /** fetch with keepalive is there (else only sendBeacon is). */
  canFetch(): boolean;
  /** A keepalive request for `entry` fits in the quota now. */
  canKeepAliveFor(entry: Entry): boolean;
  /** One request; `isKeptAlive` counts it against the quota until it is answered. */
  post(entry: Entry, isKeptAlive: boolean): Promise<Answer>;
  /** sendBeacon: whether the browser took it (it never says more). */
  beacon(entry: Entry): boolean;
}

/** `isDebug`: the debug line reads the start of a refusal's body. */
export function createTransport(isDebug: boolean): Transport {
  /** Bytes of this page's keepalive requests in flight. */
  let keptAliveBytes = 0;
  return {
    canFetch: () => canKeepAlive && !!(window as Partial<Window>).fetch,
    canKeepAliveFor: (entry) => keptAliveBytes + weigh(entry) <= MAX_KEPT_ALIVE,
    post(entry, isKeptAlive) {
      const bytes = isKeptAlive ? weigh(entry) : 0;
      keptAliveBytes += bytes;
      return postNotification(entry.url, entry.body, isKeptAlive, isDebug).finally(() => { keptAliveBytes -= bytes; });
    },
    beacon(entry) {
      try {
        return navigator.sendBeacon(entry.url, entry.body);
      } catch {
        return false; // missing, or the body over the beacon quota
      }
    },
  };
}
