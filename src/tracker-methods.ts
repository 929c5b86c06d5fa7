import { CONSENT, type Consent } from './config.js';
import { isCustomerKey, type KeyStore } from './keys.js';
import { describe, logError } from './log.js';
import { favoriteBody, isTicket, removalBody, type FavoriteKey, type NotificationType } from './notifications.js';
import type { Outbox } from './outbox.js';
import type { PageLifecycle } from './page-lifecycle.js';
import type { SessionInfo } from './session-api.js';
import type { SessionLink } from './session-link.js';

/** A running tracker. Methods never throw; after `destroy()` they do nothing. */
export interface Tracker {
  /** The visitor's key (a UUID, or the key given to `setCustomerKey`). */
  readonly customerKey: string;
  /** The current session's key (a UUID). */
  readonly sessionKey: string;
  /** Sends a click notification for a ticket (tiles with the ticket attribute are tracked without this). */
  click(ticket: string): void;
  /** Sends an add-to-cart notification with the variant's ticket (`data-elevate-cart-ticket` buttons are tracked without this). */
  addToCart(ticket: string): void;
  /** Sends an add-favorite notification: a product key, or `{ productKey }` or `{ variantKey }`. */
  addFavorite(key: FavoriteKey): void;
  /** Sends a remove-favorite notification: a product key, or `{ productKey }` or `{ variantKey }`. */
  removeFavorite(key: FavoriteKey): void;
  /** API v3: removes the visitor's recent searches (phrases as Elevate returned them), or all of them with `'removeAll'`. */
  removeRecentSearches(phrases: string[] | 'removeAll'): void;
  /** API v3: removes products from the visitor's recently viewed, by product key, or all of them with `'removeAll'`. */
  removeRecentlyViewed(productKeys: string[] | 'removeAll'): void;
  /** API v3: sends an ad-impression notification for a sponsored product's or banner's ticket (`data-elevate-impression-ticket` elements are tracked without this). */
  adImpression(ticket: string): void;
  /** Sends an end notification for the current session, then starts a new session. */
  end(): void;
  /** Uses a signed-in visitor's own key from now on (a secret customer-bound key, never an e-mail); keeps the session. */
  setCustomerKey(key: string): void;
  /** Sign-out: new customerKey and sessionKey. */
  reset(): void;
  /** Removes every listener; the tracker does nothing afterwards. */
  destroy(): void;
  /** With the `sessionApi` option: ties the visit's session to a known customer (`gkc_customerId`). */
  identify(customerId: string): void;
  /** With the `sessionApi` option: the current visit's SessionInfo; without it, `undefined`. */
  readonly session: Promise<SessionInfo | undefined>;
  /** Records the visitor's consent: `"granted"` sends what was held; `"denied"` deletes the cookies and the outbox. */
  setConsent(consent: Consent): void;
  /**
   * Ends the session (when consent allows), deletes the tracker's cookies and outbox, and stops tracking until consent
   * is given again. Returns the customerKey forgotten, for the site's backend to run the removal job with.
   */
  forget(): string;
}

/** The running parts the methods act on (startTracker wires them). */
export interface TrackerParts {
  keys: KeyStore;
  outbox: Outbox;
  lifecycle: PageLifecycle;
  sessions: SessionLink;
  /** What stops the tracker's listeners and watchers; empty once destroyed. */
  stops: (() => void)[];
  notify(type: NotificationType, body?: object): void;
  /** A notification of the visitor's own doing: checked, activity (unless `isActivity` is false), then notified. */
  notifyActivity(type: NotificationType, body: object | undefined, isV3Only?: boolean, isActivity?: boolean): void;
  click(ticket: string): void;
  adImpression(ticket: string): void;
  isGranted(): boolean;
  isPending(): boolean;
  /** Records consent given here, or the visitor forgotten: applied, and told to the site's other tabs. */
  consentTo(consent: Consent | 'forget'): void;
}

/** The methods of a running tracker (publicTracker makes them safe to call with anything and starts it first). */
export function trackerMethods(parts: TrackerParts): Tracker {
  const { keys, outbox, lifecycle, sessions, stops, notify, notifyActivity } = parts;
  const isRunning = () => stops.length > 0;
  return {
    get customerKey() { return keys.customerKey; },
    get sessionKey() { return keys.sessionKey; },
    click: parts.click,
    end() {
      if (!isRunning()) return;
      // Ends the session in memory as it is: an expired one is not renewed only to be ended.
      notify('end');
      keys.rotate();
      keys.persist();
    },
    addToCart: (ticket) => notifyActivity('add-to-cart', isTicket(ticket) ? { ticket } : undefined),
    addFavorite: (key) => notifyActivity('add-favorite', favoriteBody(key)),
    removeFavorite: (key) => notifyActivity('remove-favorite', favoriteBody(key)),
    removeRecentSearches: (phrases) => notifyActivity('remove-recent-searches', removalBody('phrases', phrases), true),
    removeRecentlyViewed: (productKeys) => notifyActivity('remove-recently-viewed', removalBody('productKeys', productKeys), true),
    adImpression: parts.adImpression,
    setCustomerKey(key) {
      if (!isRunning()) return;
      if (!isCustomerKey(key)) return logError(`setCustomerKey: ${describe(key)} is not a secret customer-bound key of 1-256 URL-safe characters (never an e-mail).`);
      keys.customerKey = key;
      keys.persist();
    },
    reset() {
      if (!isRunning()) return;
      keys.rotate(true);
      keys.persist();
    },
    destroy() {
      if (isRunning()) lifecycle.suspend();
      stops.splice(0).forEach((stop) => stop());
    },
    identify: (customerId) => sessions.identify(customerId, parts.isPending()),
    get session() {
      return sessions.session;
    },
    setConsent(value) {
      if (typeof value != 'string' || !CONSENT.test(value)) return logError(`setConsent: ${describe(value)} is not "granted", "pending" or "denied".`);
      parts.consentTo(value);
    },
    forget() {
      const { customerKey } = keys;
      if (parts.isGranted()) {
        notify('end');
        outbox.flush(); // on its way before the outbox is cleared
      }
      parts.consentTo('forget');
      return customerKey;
    },
  };
}
