import { isOutboxKey } from './storage-names.js';

/** A notification on its way: URL (with the keys), body, when it was made, how often it was tried. */
export interface Entry {
  url: string;
  body?: string;
  /** When it was made. */
  at: number;
  tries: number;
  /** When the next try is due. */
  due: number;
  /** A request for it is on its way. */
  sending?: boolean;
  /** That request is a keepalive one, which outlives the page. */
  isKeptAlive?: boolean;
}

export const MAX_ATTEMPTS = 10;
export const MAX_AGE = 86_400_000;
/** Bytes (URL and body) of what waits or is stored, at most. */
export const MAX_BYTES = 65_536;
/** The longest wait before a retry: the backoff's cap, and Retry-After's. */
export const MAX_DELAY = 60_000;

/** The notification paths of both API generations, for the types of notifications.ts, followed by the query. */
const NOTIFICATION_PATH = /^\/api\/(v2|storefront\/v3)\/notifications\/(click|end|add-to-cart|(add|remove)-favorite|remove-recent-searches|remove-recently-viewed)\?/;

/**
 * An entry read back from storage, if it is one the tracker could have written, else undefined. Every script of the
 * origin writes localStorage: an entry goes only to the configured API's notification paths (never to another host,
 * or to the shop's own origin, where the shop's cookies live), and its numbers are held to the attempt and age
 * limits (a missing `tries` or `at` escaped them; a `due` beyond setTimeout's 24.8 days fired at once, in a loop).
 * Only own properties count: a polluted Object.prototype supplies none.
 */
function toEntry(value: unknown, apiBase: string, now: number): Entry | undefined {
  const { url, body, at, tries, due } = Object.assign(Object.create(null), value);
  if (typeof url == 'string' && (body === undefined || typeof body == 'string')
    && url.length + (body?.length || 0) <= MAX_BYTES
    && url.startsWith(apiBase) && NOTIFICATION_PATH.test(url.slice(apiBase.length))
    && typeof at == 'number' && at <= now && at >= now - MAX_AGE
    && Number.isInteger(tries) && tries >= 0 && tries <= MAX_ATTEMPTS
    && typeof due == 'number' && due >= at) {
    return { url, body, at, tries, due: Math.min(due, now + MAX_DELAY) };
  }
}

/** The keys of what pages stored, this one's included. */
export function storedKeys(): string[] {
  try {
    return Object.keys(localStorage).filter(isOutboxKey);
  } catch {
    return []; // storage missing or blocked
  }
}

/**
 * Takes the entries stored under `keys` (by default, every page's) out of storage: those worth sending to `apiBase`.
 * The rest is dropped with them.
 */
export function takeStored(apiBase: string, keys = storedKeys()): Entry[] {
  const now = Date.now();
  return keys.flatMap((key) => {
    try {
      const stored = localStorage.getItem(key);
      localStorage.removeItem(key); // garbage too, which would otherwise be found again on every page view
      const entries: unknown = JSON.parse(stored!);
      return Array.isArray(entries) ? entries.flatMap((entry) => toEntry(entry, apiBase, now) || []) : [];
    } catch {
      return []; // storage blocked, or garbage
    }
  });
}
