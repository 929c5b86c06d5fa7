import { createAttempts, type Attempts } from './attempts.js';
import type { Config } from './config.js';
import { toJson } from './json.js';
import type { Debug } from './log.js';
import { OUTBOX_KEY } from './storage-names.js';
import { MAX_BYTES, storedKeys, takeStored, type Entry } from './stored-entries.js';
import { createTransport, weigh, type Transport } from './transport.js';

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
/** New notifications queued behind those in flight (a burst), at most. */
const MAX_QUEUED = 1000;
/**
 * How long a tab holds the lock before it reads what is stored. Chromium keeps a copy of localStorage in each tab's
 * process and updates it a moment after another tab's change, so a tab granted the lock right after another took
 * the entries could still read them and send them twice (in 7.5% of rounds of eight tabs opening at once without a
 * wait; with 100 ms, a loaded 2-core CI machine still had three of four fresh tabs send them, the copy 200–300 ms
 * late). Only pages that find something stored wait, off the main thread.
 */
const STORAGE_SETTLE = 300;

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
 * What can go now goes, as keepalive requests within the quota (a beacon where there is no keepalive). A page that
 * goes cannot read the answer: only a first try goes blind (a click on a link). A retry, which may fail again,
 * waits in storage for a page that can: the next one, another tab, or this one shown again. It is stored as soon
 * as the page is hidden: in Firefox, a tab closed right after it was hidden sometimes kept nothing it wrote at
 * `pagehide` (3 of 8 runs).
 */
function sendFirstTries(attempts: Attempts, transport: Transport) {
  if (!attempts.canSendNow()) return;
  // A copy: a beacon finishes its entry, which takes it out of `pending`.
  for (const entry of [...attempts.pending]) {
    if (entry.sending || entry.tries) continue;
    if (transport.canFetch()) {
      if (transport.canKeepAliveFor(entry)) attempts.transmit(entry, true);
    } else if (transport.beacon(entry)) {
      attempts.finish(entry, 'beacon');
    }
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
  const transport = createTransport(isDebug);
  const attempts = createAttempts(debug, transport);
  const { pending } = attempts;
  const drop = (entries: Entry[]) => entries.forEach((entry) => attempts.finish(entry, 'dropped: outbox full'));

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
      attempts.schedule();
    },

    flush: attempts.flush,

    adopt(canTake = true) {
      attempts.leave(false);
      if (pending.length) attempts.schedule(); // what waited while the page was away (anonymous ones too, without consent)
      // Nearly every page view finds nothing stored: then no lock is asked for (a round-trip to the browser).
      if (!canTake || !storedKeys().length) return;
      const take = () => {
        add(takeStored(apiBase));
        attempts.schedule();
      };
      try {
        // Under the lock, one tab at a time takes what is stored; each lets its copy of localStorage catch up first.
        navigator.locks.request(OUTBOX_KEY, () => new Promise<void>((done) => setTimeout(() => done(take()), STORAGE_SETTLE)));
      } catch {
        take(); // no Web Locks (older browsers, plain-http pages)
      }
    },

    clear() {
      attempts.stopTimer();
      pending.length = 0;
      takeStored(apiBase);
    },

    release(isGoingAway, canStore = true) {
      attempts.stopTimer();
      if (isGoingAway) attempts.leave(true);
      sendFirstTries(attempts, transport);
      // What is left is handed over to storage (within its bounds), or stays with this page (no consent, no
      // storage), which retries it for as long as it lives. A plain request in flight dies with a page that goes, and
      // a retry in flight has no answer to read: kept too (at least once, under faults).
      // What is stored leaves this page's hands: Firefox fires `visibilitychange` after `pagehide` as a page is left,
      // which stored an entry still in flight (a failed request waiting out UNLOAD_GRACE) twice.
      const { isLeaving } = attempts;
      const stored = pending.filter((entry) => !entry.sending || (isLeaving && (!entry.isKeptAlive || entry.tries > 1)));
      pending.splice(0, Infinity, ...pending.filter((entry) => !stored.includes(entry)));
      const dropped = stored.length && canStore ? store(ownKey, stored, apiBase) : undefined;
      if (dropped) drop(dropped);
      else pending.push(...stored);
    },
  };
}
