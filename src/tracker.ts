import { watchAds } from './ad-watch';
import { createCookieJar } from './cookie-jar';
import type { watchImpressions } from './impressions';
import { createRepeatFilter, ownClicks } from './clicks';
import type { Config } from './config';
import { createKeyStore } from './keys';
import { createConsentRules, createConsentState } from './consent';
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
  const isStopped = (): boolean => !stops.length;
  const consent = createConsentState(config);
  const { isGranted, isPending } = consent;
  /** Without consent, nothing is written: the keys live in memory. */
  const jar = { ...cookies, write: (name: string, value: string, expires: Date) => isGranted() && cookies.write(name, value, expires) };
  const keys = createKeyStore(config, jar, Date.now, () => sessions.follow());
  const outbox = createOutbox(debug, config);
  const { notify, sendHeld, dropHeld } = createNotifier(config, keys, outbox, isGranted, isPending);
  const sessions = linkSession(config, loaders.sessionApi, keys, isGranted, isStopped, debug);
  const isRepeat = createRepeatFilter();

  /** A notification of the visitor's own doing: activity that keeps the session alive (an ad impression is not). */
  function notifyActivity(type: NotificationType, body: object | undefined, isV3Only?: boolean, isActivity = true) {
    if (isStopped()) return;
    if (!body) return logError(`${type}: invalid argument; see the README's API section.`);
    if (isV3Only && config.apiVersion != 'v3') return logError(`${type} needs apiVersion "v3".`);
    if (isActivity) keys.touch();
    notify(type, body);
  }
  const adImpression = (ticket: string) => notifyActivity('ad-impression', isTicket(ticket) ? { ticket } : undefined, true, false);

  function click(ticket: string) {
    const time = Date.now();
    if (isStopped()) return;
    if (!isTicket(ticket)) return debug('skipped: bad ticket', ticket);
    if (isRepeat(ticket, time)) return debug('skipped: repeat', ticket);
    keys.touch();
    notify('click', { ticket });
  }

  const onMarkedClick = (ticket: string, isCart: boolean) => isCart
    ? isTicket(ticket) ? notifyActivity('add-to-cart', { ticket }) : debug('skipped: bad ticket', ticket)
    : click(ticket);

  const { applyConsent, follow, consentTo } = createConsentRules(config, consent,
    { keys, outbox, cookies, sessions, sendHeld, dropHeld, isStopped });
  const lifecycle = watchPageLifecycle(config, keys, outbox, cookies, { isGranted, follow });
  const stops = [ownClicks(onMarkedClick, config.ticketAttribute), watchAds(config, loaders.impressions, adImpression, isStopped), lifecycle.stop];
  applyConsent(true);

  debug('started', keys);
  return trackerMethods({ keys, outbox, lifecycle, sessions, stops, notify, notifyActivity, click, adImpression,
    isGranted, isPending, consentTo });
}
