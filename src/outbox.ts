import type { Config } from './config';
import { toJson } from './json';
import { isPageHidden } from './is-page-hidden';
import type { Debug } from './log';
import { postNotification } from './post-notification';
import { OUTBOX_KEY } from './storage-names';
import { MAX_AGE, MAX_ATTEMPTS, MAX_BYTES, MAX_DELAY, storedKeys, takeStored, type Entry } from './stored-entries';

/** Delivers notifications at least once: retries failures, keeps what is undelivered across pages. */
export interface Outbox {
  /** Sends a notification now, and later again if it fails. */
  send(url: string, body?: string): void;
  /** Sends what is due (also when the browser comes back online). */
  flush(): void;
  /**
   * The page is here (again, after `release`): sends from now on, and takes over what pages that went away left in
   * storage (unless `canTake` is false: without consent, what is stored stays there).
   */
  adopt(canTake?: boolean): void;
  /**
   * The page is hidden or going away: sends first tries now (keepalive) and stores the rest, retries included, for the
   * next page or another tab (unless `canStore` is false: without consent, what is left stays with the page).
   */
  release(isGoingAway?: boolean, canStore?: boolean): void;
  /** Forgets everything waiting, here and in storage (consent withdrawn). */
  clear(): void;
}

const MAX_ENTRIES = 100;
/**
 * Bytes of keepalive requests in flight, at most: Chromium refuses keepalive fetches beyond 64 KiB of bodies in
 * flight (fetch spec, "inflight keepalive bytes"), as a rejection that a page going away can no longer act on.
 * Counting URLs too leaves room for other scripts' keepalive requests.
 */
const MAX_KEPT_ALIVE = 65_536;
/** Requests in flight at once: what HTTP/1.1 opens to one host, and well within Chromium's keepalive quota. */
const MAX_IN_FLIGHT = 6;
/** New notifications queued behind those in flight (a burst), at most. */
const MAX_QUEUED = 1000;
const UNLOAD_GRACE = 100;
/**
 * How long a tab holds the lock before it reads what is stored. Chromium keeps a copy of localStorage in each tab's
 * process and updates it a moment after another tab's change, so a tab granted the lock right after another took
 * the entries could still read them and send them twice (in 7.5% of rounds of eight tabs opening at once).
 */
const STORAGE_SETTLE = 100;

/**
 * `fetch` with `keepalive` outlives the page (a click that navigates, a tab closed) and works on hidden pages; unlike
 * sendBeacon, it shows the answer, can leave cookies out and does not follow redirects. The page may delete fetch.
 */
const canKeepAlive = typeof Request == 'function' && 'keepalive' in Request.prototype;
const canFetch = () => canKeepAlive && !!(window as Partial<Window>).fetch;

/** 1 s doubling with each attempt, capped at a minute, with ±25% jitter so that tabs do not retry in step. */
const backoff = (tries: number) => Math.min(MAX_DELAY, 500 * 2 ** tries) * (0.75 + Math.random() / 2);

/** What an entry weighs against the bounds. */
const weigh = (entry: Entry) => entry.url.length + (entry.body?.length || 0);

/**
 * The entries beyond the bounds, given newest first: beyond MAX_QUEUED in all, and among those `isWaiting` says count
 * (waiting for a retry or for the network, or stored), beyond MAX_ENTRIES or MAX_BYTES. So the oldest go first.
 */
function beyondBounds(newestFirst: Entry[], isWaiting: (entry: Entry) => unknown) {
  let queued = 0;
  let waiting = 0;
  let bytes = 0;
  return newestFirst.filter((entry) => ++queued > MAX_QUEUED
    || (isWaiting(entry) && (++waiting > MAX_ENTRIES || (bytes += weigh(entry)) > MAX_BYTES)));
}

/**
 * Adds entries to this page's own key (no other page writes it, so pages going away at once lose nothing), within
 * the bounds. Returns those that did not fit, or undefined when there is no storage.
 */
function store(key: string, entries: Entry[], apiBase: string): Entry[] | undefined {
  try {
    const all = takeStored(apiBase, [key]).concat(entries);
    // Every entry counts, so what is beyond the bounds is the oldest ones: a prefix.
    const beyond = beyondBounds(all.slice().reverse(), () => true);
    // Not JSON.stringify, which page globals change (Prototype.js turns arrays into strings: unreadable).
    localStorage.setItem(key, toJson(all.slice(beyond.length)));
    return beyond;
  } catch {
    // no storage, or blocked
  }
}

/**
 * The outbox. Entries are owned either by one page, in memory, or by no page, in localStorage: a page that is
 * hidden or goes away sends what it holds and stores the rest; a visible page adopts what is stored (under a
 * Web Lock where there is one), so two tabs do not send one entry twice. No timer runs while nothing is pending.
 * Entries read back from storage go only to `apiBase`'s notification paths; `debug` says whether to read refusals.
 */
export function createOutbox(debug: Debug, { apiBase, debug: isDebug }: Pick<Config, 'apiBase' | 'debug'>): Outbox {
  const ownKey = `${OUTBOX_KEY}.${Math.random()}`; // elevate_outbox.0.7351…, this page's
  let pending: Entry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer is set for a flush at once (rather than for the next retry). */
  let isFlushSoon = false;
  /**
   * Set from `pagehide` until the page shows again. Chromium rejects an unloading page's keepalive fetches with
   * "Failed to fetch" although the browser still delivers them; sending those again would duplicate them.
   */
  let isLeaving = false;
  /** Bytes of this page's keepalive requests in flight. */
  let keptAliveBytes = 0;
  /** No request before then: the API asked for a pause (Retry-After), which holds for every entry. */
  let pausedUntil = 0;

  function stopTimer() {
    clearTimeout(timer);
    timer = undefined;
    isFlushSoon = false;
  }

  function finish(entry: Entry, outcome: unknown) {
    pending = pending.filter((other) => other != entry);
    debug(outcome, entry.url, entry.body);
    if (entry.sending) schedule(); // room for the next one
  }

  const drop = (entries: Entry[]) => entries.forEach((entry) => finish(entry, 'dropped: outbox full'));

  function fail(entry: Entry, reason: unknown, retryAfter = 0) {
    if (isLeaving) return;
    const now = Date.now();
    entry.sending = false;
    entry.due = now + backoff(entry.tries);
    pausedUntil = Math.max(pausedUntil, now + retryAfter);
    debug('retry:', reason, entry.url, entry.body);
    schedule();
  }

  function beacon(entry: Entry) {
    try {
      return navigator.sendBeacon(entry.url, entry.body);
    } catch {
      return false; // missing, or the body over the beacon quota
    }
  }

  const canKeepAliveFor = (entry: Entry) => keptAliveBytes + weigh(entry) <= MAX_KEPT_ALIVE;

  /** One attempt: fetch, with `keepalive` if asked; sendBeacon only where keepalive is missing. */
  function transmit(entry: Entry, isKeptAlive: boolean) {
    entry.tries++;
    if (!canFetch()) return beacon(entry) ? finish(entry, 'beacon') : fail(entry, 'beacon');
    const bytes = isKeptAlive ? weigh(entry) : 0;
    keptAliveBytes += bytes;
    entry.sending = true;
    entry.isKeptAlive = isKeptAlive;
    postNotification(entry.url, entry.body, isKeptAlive, isDebug)
      .finally(() => { keptAliveBytes -= bytes; })
      .then(([isDone, outcome, retryAfter]) => (isDone ? finish(entry, outcome) : fail(entry, outcome, retryAfter)),
        // Chromium also rejects the keepalive fetches of a page that is unloading, a moment before `pagehide`,
        // while the browser still delivers them: a network error counts only if the page is still here later.
        (error) => setTimeout(() => fail(entry, error), UNLOAD_GRACE));
  }

  /** Sends what is due, drops what is too old or tried too often, and sets one timer for the next due entry. */
  function flush() {
    stopTimer();
    if (isLeaving) return;
    const now = Date.now();
    let nextDueAt = Infinity;
    let inFlight = pending.filter((entry) => entry.sending).length;
    for (const entry of pending) {
      const due = Math.max(entry.due, pausedUntil);
      if (entry.sending) continue;
      if (entry.tries >= MAX_ATTEMPTS || now - entry.at > MAX_AGE) finish(entry, 'dropped: too old');
      // Offline, the browser says so and a request would only burn an attempt: `online` flushes again. Beyond
      // MAX_IN_FLIGHT, an answer makes room and flushes again.
      else if (due > now || navigator.onLine === false) nextDueAt = Math.min(nextDueAt, due);
      else if (inFlight < MAX_IN_FLIGHT) {
        // A first try needs keepalive to outlive a click that navigates, any try on a hidden page to outlive a tab
        // closed; retries on a visible page do not, and leave the quota to those.
        transmit(entry, (!entry.tries || isPageHidden()) && canKeepAliveFor(entry));
        if (entry.sending) inFlight++;
      }
    }
    if (nextDueAt < Infinity && navigator.onLine !== false) timer = setTimeout(flush, nextDueAt - now);
  }

  /** Flushes in a task of its own, soon: network calls cost hundreds of microseconds, never spent in a click handler. */
  function schedule() {
    if (isFlushSoon) return;
    clearTimeout(timer);
    timer = setTimeout(flush, 0);
    isFlushSoon = true;
  }

  /**
   * Adds entries. What waits for a retry (or for the network, offline) is bounded in count and bytes, and a burst of
   * new ones queued behind the requests in flight in count; the oldest entries go first.
   */
  function add(entries: Entry[]) {
    pending.push(...entries);
    const isOffline = navigator.onLine === false;
    drop(beyondBounds(pending.filter((entry) => !entry.sending).reverse(), (entry) => entry.tries || isOffline));
  }

  return {
    send(url, body) {
      const now = Date.now();
      add([{ url, body, at: now, tries: 0, due: now }]);
      // If the page goes first (a link), `pagehide` beacons it.
      schedule();
    },

    flush,

    adopt(canTake = true) {
      isLeaving = false;
      if (pending.length) schedule(); // what waited while the page was away (anonymous ones too, without consent)
      // Nearly every page view finds nothing stored: then no lock is asked for (a round-trip to the browser).
      if (!canTake || !storedKeys().length) return;
      const take = () => {
        add(takeStored(apiBase));
        schedule();
      };
      try {
        // Under the lock, one tab at a time takes what is stored; each lets its copy of localStorage catch up first.
        navigator.locks.request(OUTBOX_KEY, () => new Promise<void>((done) => setTimeout(() => done(take()), STORAGE_SETTLE)));
      } catch {
        take(); // no Web Locks (older browsers, plain-http pages)
      }
    },

    clear() {
      stopTimer();
      pending = [];
      takeStored(apiBase);
    },

    release(isGoingAway, canStore = true) {
      stopTimer();
      if (isGoingAway) isLeaving = true;
      const canSend = navigator.onLine !== false && Date.now() >= pausedUntil;
      // What can go now goes, as keepalive requests within the quota (a beacon where there is no keepalive).
      for (const entry of pending) {
        // A page that goes cannot read the answer: only a first try goes blind (a click on a link). A retry, which may
        // fail again, waits in storage for a page that can: the next one, another tab, or this one shown again. It is
        // stored as soon as the page is hidden: in Firefox, a tab closed right after it was hidden sometimes kept
        // nothing it wrote at `pagehide` (3 of 8 runs).
        if (entry.sending || !canSend || entry.tries) continue;
        if (canFetch()) {
          if (canKeepAliveFor(entry)) transmit(entry, true);
        } else if (beacon(entry)) {
          finish(entry, 'beacon');
        }
      }
      // What is left is handed over to storage (within its bounds), or stays with this page (no consent, no
      // storage), which retries it for as long as it lives. A plain request in flight dies with a page that goes, and
      // a retry in flight has no answer to read: kept too (at least once, under faults).
      // What is stored leaves this page's hands: Firefox fires `visibilitychange` after `pagehide` as a page is left,
      // which stored an entry still in flight (a failed request waiting out UNLOAD_GRACE) twice.
      const stored = pending.filter((entry) => !entry.sending || (isLeaving && (!entry.isKeptAlive || entry.tries > 1)));
      pending = pending.filter((entry) => !stored.includes(entry));
      const dropped = stored.length && canStore ? store(ownKey, stored, apiBase) : undefined;
      if (dropped) drop(dropped);
      else pending.push(...stored);
    },
  };
}
