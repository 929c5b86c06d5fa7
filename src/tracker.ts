import { createCookieJar } from './cookie-jar';
import { guardMethods } from './guard-methods';
import { IMPRESSION_ATTRIBUTE, watchImpressions } from './impressions';
import { ownClicks } from './clicks';
import { CONSENT, rejectUnknownOptions, resolveConfig, type Config, type Consent, type TrackerOptions } from './config';
import { isCustomerKey, createKeyStore } from './keys';
import { takeLegacyKeys } from './legacy-keys';
import { readSignal, removeStoredKeys, tellOtherTabs } from './consent-signal';
import { createDebug, describe, logError } from './log';
import { favoriteBody, isTicket, removalBody, type FavoriteKey, type NotificationType } from './notifications';
import { createNotifier } from './notifier';
import { createOutbox } from './outbox';
import type { SessionInfo } from './session-api';
import { attachSessionApi } from './session-shim';
import { linkSession } from './session-link';
import { watchPageLifecycle } from './page-lifecycle';
import { whenMarked } from './when-marked';

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

/** What the tracker needs only on some pages: bundled for npm, fetched on demand by the script tag. */
export interface Loaders {
  /** The session shim, with the `sessionApi` option, once consent is granted. */
  sessionApi: () => Promise<typeof attachSessionApi>;
  /** The ad-impression watcher, once a `data-elevate-impression-ticket` element is in the page (API v3). */
  impressions: () => Promise<typeof watchImpressions>;
}

/** Clicks within this time on the same ticket are one click (a double click). */
const REPEAT_WINDOW = 1000;

/**
 * Creates the tracker: validates the options (throws `ElevateConfigError`), reads the keys, and listens for clicks
 * on ticketed elements. Without a DOM (server-side rendering) it returns a tracker that does nothing.
 */
export function createTracker(options: TrackerOptions): Tracker {
  rejectUnknownOptions(options);
  const config = resolveConfig(options);
  if (typeof document != 'undefined') return startTracker(config, { sessionApi: async () => attachSessionApi, impressions: async () => watchImpressions });
  const nothing = () => {};
  return { customerKey: '', sessionKey: '', click: nothing, end: nothing, setCustomerKey: nothing, reset: nothing,
    destroy: nothing, identify: nothing, session: Promise.resolve(undefined), setConsent: nothing, forget: () => '',
    addToCart: nothing, addFavorite: nothing, removeFavorite: nothing, removeRecentSearches: nothing, removeRecentlyViewed: nothing,
    adImpression: nothing };
}

/** Starts a tracker in the page with validated options. */
export function startTracker(config: Config, loaders: Loaders): Tracker {
  const debug = createDebug(config.debug);
  const cookies = createCookieJar(config.cookieDomain);
  // Global Privacy Control (https://globalprivacycontrol.github.io/gpc-spec/) is a refusal the site cannot override.
  const isRefusedByBrowser = config.globalPrivacyControl && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  let consent = config.consent;
  const isGranted = () => consent == 'granted' && !isRefusedByBrowser;
  /** Without consent, nothing is written: the keys live in memory. */
  const jar = { ...cookies, write: (name: string, value: string, expires: Date) => isGranted() && cookies.write(name, value, expires) };
  const keys = createKeyStore(config, jar, Date.now, () => sessions.follow());
  const outbox = createOutbox(debug, config);
  const isPending = () => consent == 'pending' && !isRefusedByBrowser;
  const { notify, sendHeld, dropHeld } = createNotifier(config, keys, outbox, isGranted, isPending);
  const sessions = linkSession(config, loaders.sessionApi, keys, isGranted, () => !stops.length, debug);
  let lastTicket = '';
  let lastClickAt = 0;

  /** A notification of the visitor's own doing: activity that keeps the session alive (an ad impression is not). */
  function notifyActivity(type: NotificationType, body: object | undefined, isV3Only?: boolean, isActivity = true) {
    if (!stops.length) return;
    if (!body) return logError(`${type}: invalid argument; see the README's API section.`);
    if (isV3Only && config.apiVersion != 'v3') return logError(`${type} needs apiVersion "v3".`);
    if (isActivity) keys.touch();
    notify(type, body);
  }
  const adImpression = (ticket: string) => notifyActivity('ad-impression', isTicket(ticket) ? { ticket } : undefined, true, false);

  /** Ad impressions are Storefront API v3 only: with v2, marked elements are not even looked for. */
  function watchAds(): () => void {
    if (config.apiVersion != 'v3') return () => {};
    // A file that is missing, or is not the watcher (self-hosted under other names), is one console error.
    let stop = whenMarked(IMPRESSION_ATTRIBUTE, () => loaders.impressions().then((watch) => {
      if (stops.length) stop = watch(adImpression);
    }).catch(() => logError('cannot load elevate-tracker.impressions.js beside the script: ad impressions are not counted.')));
    return () => stop();
  }

  function applyConsent() {
    if (isGranted()) {
      // A visitor new to the cookies may come from the official client, whose keys keep their history in Elevate.
      const legacy = keys.isNewVisitor && takeLegacyKeys();
      keys.isNewVisitor = false;
      if (legacy) Object.assign(keys, legacy);
      keys.persist(true);
      outbox.adopt();
      sendHeld();
      sessions.grant();
    } else if (consent == 'denied' || isRefusedByBrowser) {
      dropHeld();
      sessions.deny();
      outbox.clear();
      removeStoredKeys(config, cookies);
    }
  }

  /** A consent change made elsewhere (another tab, or a page this one was cached behind), or a forgotten visitor. */
  function follow(signal: string) {
    const followed = readSignal(signal);
    if (!followed) return;
    if (followed.consent == 'forget') {
      keys.rotate(true); // a new visitor in memory: the forgotten key is never sent again
    } else if (followed.consent == 'granted') {
      // The keys the granting tab wrote, rather than this tab's own: from the signal, else from the cookies.
      keys.load();
      keys.isNewVisitor = false; // the granting tab's keys, not the official client's
      Object.assign(keys, followed.keys);
    }
    consent = followed.consent == 'forget' ? 'denied' : followed.consent;
    applyConsent();
  }

  function click(ticket: string) {
    const time = Date.now();
    if (!stops.length) return;
    if (!isTicket(ticket)) return debug('skipped: bad ticket', ticket);
    if (ticket == lastTicket && time - lastClickAt < REPEAT_WINDOW) return debug('skipped: repeat', ticket);
    lastTicket = ticket;
    lastClickAt = time;
    keys.touch();
    notify('click', { ticket });
  }

  const onMarkedClick = (ticket: string, isCart: boolean) => isCart
    ? isTicket(ticket) ? notifyActivity('add-to-cart', { ticket }) : debug('skipped: bad ticket', ticket)
    : click(ticket);

  const lifecycle = watchPageLifecycle(config, keys, outbox, cookies, { isGranted, follow });
  const stops = [ownClicks(onMarkedClick, config.ticketAttribute), watchAds(), lifecycle.stop];
  applyConsent();

  debug('started', keys);
  return guardMethods<Tracker>({
    get customerKey() { return keys.customerKey; },
    get sessionKey() { return keys.sessionKey; },
    click,
    end() {
      if (!stops.length) return;
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
    adImpression,
    setCustomerKey(key) {
      if (!stops.length) return;
      if (!isCustomerKey(key)) return logError(`setCustomerKey: ${describe(key)} is not a secret customer-bound key of 1-256 URL-safe characters (never an e-mail).`);
      keys.customerKey = key;
      keys.persist();
    },
    reset() {
      if (!stops.length) return;
      keys.rotate(true);
      keys.persist();
    },
    destroy() {
      if (stops.length) lifecycle.suspend();
      stops.splice(0).forEach((stop) => stop());
    },
    identify: (customerId) => sessions.identify(customerId, isPending()),
    get session() {
      return sessions.session;
    },
    setConsent(value) {
      if (typeof value != 'string' || !CONSENT.test(value)) return logError(`setConsent: ${describe(value)} is not "granted", "pending" or "denied".`);
      consent = value;
      if (!stops.length) return;
      applyConsent();
      tellOtherTabs(value, keys);
    },
    forget() {
      const { customerKey } = keys;
      if (isGranted()) {
        notify('end');
        outbox.flush(); // on its way before the outbox is cleared
      }
      follow('forget');
      tellOtherTabs('forget', keys);
      return customerKey;
    },
  });
}
