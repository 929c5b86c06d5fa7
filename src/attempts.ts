import { report, type Debug } from './log.js';
import { isPageHidden } from './is-page-hidden.js';
import { MAX_AGE, MAX_ATTEMPTS, MAX_DELAY, type Entry } from './stored-entries.js';
import type { Transport } from './transport.js';

/** Requests in flight at once: what HTTP/1.1 opens to one host, and well within Chromium's keepalive quota. */
const MAX_IN_FLIGHT = 6;
const UNLOAD_GRACE = 100;

/** 1 s doubling with each attempt, capped at a minute, with ±25% jitter so that tabs do not retry in step. */
const backoff = (tries: number) => Math.min(MAX_DELAY, 500 * 2 ** tries) * (0.75 + Math.random() / 2);

/** The entries a page holds, and its attempts at them: due times, retries, one timer. */
export interface Attempts {
  /** This page's entries, in order: one array, changed in place (the outbox adds and takes entries too). */
  readonly pending: Entry[];
  /** From `pagehide` until the page shows again (`isLeaving`), nothing is sent or retried. */
  leave(isLeaving: boolean): void;
  readonly isLeaving: boolean;
  /** Sends what is due, drops what is too old or tried too often, and sets one timer for the next due entry. */
  flush(): void;
  /** Flushes in a task of its own, soon: network calls cost hundreds of microseconds, never spent in a click handler. */
  schedule(): void;
  stopTimer(): void;
  /** One attempt: fetch, with `keepalive` if asked; sendBeacon only where keepalive is missing. */
  transmit(entry: Entry, isKeptAlive: boolean): void;
  /** The entry is done with (`outcome` for the debug line). */
  finish(entry: Entry, outcome: unknown): void;
  /** The API and the network may be tried now (online, no Retry-After pause). */
  canSendNow(): boolean;
}

/** One timer for the next flush: soon (a task of its own, at once) or later (the next retry). */
function createFlushTimer(flush: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer is set for a flush at once (rather than for the next retry). */
  let isSoon = false;
  const stop = () => {
    clearTimeout(timer);
    isSoon = false;
  };
  return {
    stop,
    soon() {
      if (isSoon) return;
      stop();
      timer = setTimeout(flush, 0);
      isSoon = true;
    },
    later(delay: number) {
      timer = setTimeout(flush, delay);
    },
  };
}

export function createAttempts(debug: Debug, transport: Transport): Attempts {
  const pending: Entry[] = [];
  const timer = createFlushTimer(flush);
  /**
   * Set from `pagehide` until the page shows again. Chromium rejects an unloading page's keepalive fetches with
   * "Failed to fetch" although the browser still delivers them; sending those again would duplicate them.
   */
  let isLeaving = false;
  /** No request before then: the API asked for a pause (Retry-After), which holds for every entry. */
  let pausedUntil = 0;

  function finish(entry: Entry, outcome: unknown) {
    const at = pending.indexOf(entry);
    if (at >= 0) pending.splice(at, 1);
    debug(outcome, entry.url, entry.body);
    // The site's error reporting hears of it (the URL without its query: the keys stay out of it).
    if (`${outcome}`.startsWith('dropped')) report('dropped', `${outcome}: ${entry.url.split('?')[0]}`);
    if (entry.sending) timer.soon(); // room for the next one
  }

  function fail(entry: Entry, reason: unknown, retryAfter = 0) {
    if (isLeaving) return;
    const now = Date.now();
    entry.sending = false;
    entry.due = now + backoff(entry.tries);
    pausedUntil = Math.max(pausedUntil, now + retryAfter);
    debug('retry:', reason, entry.url, entry.body);
    timer.soon();
  }

  function transmit(entry: Entry, isKeptAlive: boolean) {
    entry.tries++;
    if (!transport.canFetch()) return transport.beacon(entry) ? finish(entry, 'beacon') : fail(entry, 'beacon');
    entry.sending = true;
    entry.isKeptAlive = isKeptAlive;
    transport.post(entry, isKeptAlive).then(([isDone, outcome, retryAfter]) => (isDone ? finish(entry, outcome) : fail(entry, outcome, retryAfter)),
      // Chromium also rejects the keepalive fetches of a page that is unloading, a moment before `pagehide`,
      // while the browser still delivers them: a network error counts only if the page is still here later.
      (error) => setTimeout(() => fail(entry, error), UNLOAD_GRACE));
  }

  function flush() {
    timer.stop();
    if (isLeaving) return;
    const now = Date.now();
    let nextDueAt = Infinity;
    let inFlight = pending.filter((entry) => entry.sending).length;
    // A copy: finishing an entry takes it out of `pending`.
    for (const entry of [...pending]) {
      const due = Math.max(entry.due, pausedUntil);
      if (entry.sending) continue;
      if (entry.tries >= MAX_ATTEMPTS || now - entry.at > MAX_AGE) finish(entry, 'dropped: too old');
      // Offline, the browser says so and a request would only burn an attempt: `online` flushes again. Beyond
      // MAX_IN_FLIGHT, an answer makes room and flushes again.
      else if (due > now || navigator.onLine === false) nextDueAt = Math.min(nextDueAt, due);
      else if (inFlight < MAX_IN_FLIGHT) {
        // A first try needs keepalive to outlive a click that navigates, any try on a hidden page to outlive a tab
        // closed; retries on a visible page do not, and leave the quota to those.
        transmit(entry, (!entry.tries || isPageHidden()) && transport.canKeepAliveFor(entry));
        if (entry.sending) inFlight++;
      }
    }
    if (nextDueAt < Infinity && navigator.onLine !== false) timer.later(nextDueAt - now);
  }

  return {
    pending,
    leave: (value) => { isLeaving = value; },
    get isLeaving() { return isLeaving; },
    flush, schedule: timer.soon, stopTimer: timer.stop, transmit, finish,
    canSendNow: () => navigator.onLine !== false && Date.now() >= pausedUntil,
  };
}
