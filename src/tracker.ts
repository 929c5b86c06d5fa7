import { watchAds } from './ad-watch.js';
import { createCookieJar } from './cookie-jar.js';
import type { watchImpressions } from './impressions.js';
import { createRepeatFilter, ownClicks } from './clicks.js';
import { isPageHidden } from './is-page-hidden.js';
import { listen } from './listen.js';
import type { Config } from './config.js';
import { createKeyStore } from './keys.js';
import { createConsentRules, createConsentState } from './consent.js';
import { createDebug, logError, setErrorHook } from './log.js';
import { isTicket, type NotificationType } from './notifications.js';
import { createNotifier } from './notifier.js';
import { createOutbox } from './outbox.js';
import type { attachSessionApi } from './session-shim.js';
import { linkSession } from './session-link.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import { publicTracker } from './public-tracker.js';
import { trackerMethods, type Tracker, type TrackerParts } from './tracker-methods.js';

export type { Tracker } from './tracker-methods.js';

/** What the tracker needs only on some pages: bundled for npm, fetched on demand by the script tag. */
export interface Loaders {
  /** The session shim, with the `sessionApi` option, once consent is granted. */
  sessionApi: () => Promise<typeof attachSessionApi>;
  /** The ad-impression watcher, once a `data-elevate-impression-ticket` element is in the page (API v3). */
  impressions: () => Promise<typeof watchImpressions>;
}


/** A marked element's click: its ticket, whether it is an add-to-cart button, and when. */
type MarkedClick = [ticket: string, isCart: boolean, time: number];

/** The running parts, and what a marked element's click does. */
type Running = TrackerParts & { onMarkedClick(...click: MarkedClick): void };

/** What starts a tracker. */
export interface Start {
  /** The validated options, or what reads and validates them (throwing ElevateConfigError) as the tracker starts. */
  config: Config | (() => Config);
  /** The attribute clicks are read from until then: `ticketAttribute` as given, or its default. */
  ticketAttribute: string;
  loaders: Loaders;
  /** Runs first thing at the start (the script tag replays its queue). */
  onRun?(): void;
  /** The options were bad: the message was printed, and nothing else happens (the script tag hands its global back). */
  onFail?(): void;
}

/**
 * Starts a tracker in the page. Only the listeners are added at once; the rest of a start (options checked, keys read
 * and written, consent applied, what other pages stored adopted, the session linked) runs in a task of its own right
 * after, so that the page's own start-up never waits for it. So does the work of each click: its task only notes the
 * ticket (a click on a link then navigates no later). The page hidden or left, or any method called, runs what waits
 * at once, in order.
 */
export function startTracker({ config, ticketAttribute, loaders, onRun, onFail }: Start): Tracker {
  const held: MarkedClick[] = [];
  let running: Running | undefined;
  /** Bad options, or destroyed before the start: nothing runs, and calls go to an inert tracker. */
  let isInert = false;
  /** While `onRun` replays what was queued before: the clicks held come after it, not amid it. */
  let isReplaying = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  function begin() {
    try {
      running = runTracker(typeof config == 'function' ? config() : config, loaders, own);
    } catch (error) {
      stop();
      logError((error as Error).message);
      return onFail?.();
    }
    // Never throws: the script tag runs each command guarded.
    isReplaying = true;
    onRun?.();
    isReplaying = false;
  }
  /** Starts the tracker if it has not run yet and sends the clicks held; undefined if it could not start. */
  function run() {
    clearTimeout(timer);
    timer = undefined;
    if (!running && !isInert) begin();
    if (!isReplaying) held.splice(0).forEach((click) => running?.onMarkedClick(...click));
    return running;
  }
  const runSoon = () => timer ||= setTimeout(run);
  /** The page hidden or left before the start: the page lifecycle's listeners, added by it, are not called this once. */
  const onHidden = (isLeaving?: boolean) => (running ? run() : run()?.lifecycle.suspend(isLeaving));
  const noteClick = (ticket: string, isCart: boolean) => {
    held.push([ticket, isCart, Date.now()]);
    runSoon();
  };
  const own = [
    ownClicks(noteClick, ticketAttribute),
    listen(window, 'pagehide', () => onHidden(true)),
    listen(document, 'visibilitychange', () => isPageHidden() && onHidden()),
  ];
  function stop() {
    isInert = true;
    clearTimeout(timer);
    own.forEach((stopIt) => stopIt());
  }
  runSoon();
  let methods: Tracker | undefined;
  return publicTracker((name) => {
    // destroy() before the start with nothing noted or queued (React StrictMode's first mount): nothing to start.
    if (name == 'destroy' && !running && !held.length && !onRun) return void stop();
    const parts = run();
    return parts && (methods ||= trackerMethods(parts));
  });
}

/** The tracker's start: its parts, wired; `listeners` are those startTracker added (what removes them). */
function runTracker(config: Config, loaders: Loaders, listeners: (() => void)[]): Running {
  const clearErrorHook = setErrorHook(config.onError);
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

  function click(ticket: string, time = Date.now()) {
    if (isStopped()) return;
    if (!isTicket(ticket)) return debug('skipped: bad ticket', ticket);
    if (isRepeat(ticket, time)) return debug('skipped: repeat', ticket);
    keys.touch();
    notify('click', { ticket });
  }

  const onMarkedClick = (ticket: string, isCart: boolean, time: number) => isCart
    ? isTicket(ticket) ? notifyActivity('add-to-cart', { ticket }) : debug('skipped: bad ticket', ticket)
    : click(ticket, time);

  const { applyConsent, follow, consentTo } = createConsentRules(config, consent,
    { keys, outbox, cookies, sessions, sendHeld, dropHeld, isStopped });
  const lifecycle = watchPageLifecycle(config, keys, outbox, cookies, { isGranted, follow });
  const stops = [...listeners, clearErrorHook, watchAds(config, loaders.impressions, adImpression, isStopped), lifecycle.stop];
  applyConsent(true);

  debug('started', keys);
  return { keys, outbox, lifecycle, sessions, stops, notify, notifyActivity, click, adImpression, isGranted, isPending,
    consentTo, onMarkedClick };
}
