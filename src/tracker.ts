import { watchAds } from './ad-watch';
import { createCookieJar } from './cookie-jar';
import type { watchImpressions } from './impressions';
import { createRepeatFilter, ownClicks } from './clicks';
import type { Config, Consent } from './config';
import { createKeyStore } from './keys';
import { takeLegacyKeys } from './legacy-keys';
import { readSignal, removeStoredKeys, tellOtherTabs } from './consent-signal';
import { createDebug, logError } from './log';
import { isTicket, type NotificationType } from './notifications';
import { createNotifier } from './notifier';
import { createOutbox } from './outbox';
import type { attachSessionApi } from './session-shim';
import { linkSession } from './session-link';
import { watchPageLifecycle } from './page-lifecycle';
import { trackerMethods, type Tracker } from './tracker-methods';

export type { Tracker } from './tracker-methods';

/** What the tracker needs only on some pages: bundled for npm, fetched on demand by the script tag. */
export interface Loaders {
  /** The session shim, with the `sessionApi` option, once consent is granted. */
  sessionApi: () => Promise<typeof attachSessionApi>;
  /** The ad-impression watcher, once a `data-elevate-impression-ticket` element is in the page (API v3). */
  impressions: () => Promise<typeof watchImpressions>;
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
  const isRepeat = createRepeatFilter();

  /** A notification of the visitor's own doing: activity that keeps the session alive (an ad impression is not). */
  function notifyActivity(type: NotificationType, body: object | undefined, isV3Only?: boolean, isActivity = true) {
    if (!stops.length) return;
    if (!body) return logError(`${type}: invalid argument; see the README's API section.`);
    if (isV3Only && config.apiVersion != 'v3') return logError(`${type} needs apiVersion "v3".`);
    if (isActivity) keys.touch();
    notify(type, body);
  }
  const adImpression = (ticket: string) => notifyActivity('ad-impression', isTicket(ticket) ? { ticket } : undefined, true, false);

  /**
   * Acts on the consent of now. At start, the keys' cookies were just written (with consent) as they were read: only
   * what the official client's keys change is written again. Later, a grant writes them all, as nothing was written
   * while consent was missing.
   */
  function applyConsent(isStart?: boolean) {
    if (isGranted()) {
      // A visitor new to the cookies may come from the official client, whose keys keep their history in Elevate.
      const legacy = keys.isNewVisitor && takeLegacyKeys();
      keys.isNewVisitor = false;
      if (legacy) Object.assign(keys, legacy);
      keys.persist(!isStart);
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
    if (isRepeat(ticket, time)) return debug('skipped: repeat', ticket);
    keys.touch();
    notify('click', { ticket });
  }

  /** Consent given here (or the visitor forgotten): applied, and told to the site's other tabs. */
  function consentTo(value: Consent | 'forget') {
    if (value == 'forget') follow(value);
    else {
      consent = value;
      if (!stops.length) return;
      applyConsent();
    }
    tellOtherTabs(value, keys);
  }

  const onMarkedClick = (ticket: string, isCart: boolean) => isCart
    ? isTicket(ticket) ? notifyActivity('add-to-cart', { ticket }) : debug('skipped: bad ticket', ticket)
    : click(ticket);

  const lifecycle = watchPageLifecycle(config, keys, outbox, cookies, { isGranted, follow });
  const isStopped = (): boolean => !stops.length;
  const stops = [ownClicks(onMarkedClick, config.ticketAttribute), watchAds(config, loaders.impressions, adImpression, isStopped), lifecycle.stop];
  applyConsent(true);

  debug('started', keys);
  return trackerMethods({ keys, outbox, lifecycle, sessions, stops, notify, notifyActivity, click, adImpression,
    isGranted, isPending, consentTo });
}
