import type { Consent } from '../config.js';
import { listen } from '../listen.js';
import { consentReporter, type ConsentTarget } from './consent-reporter.js';
import { listOption } from './list-option.js';
import { pageValue } from './page-value.js';

export type CookiebotCategory = 'preferences' | 'statistics' | 'marketing';

export interface CookiebotOptions {
  /**
   * The Cookiebot categories that must all be accepted. Defaults to `["statistics"]`: the key cookies measure how
   * visitors use search and recommendations, which is what Cookiebot's statistics category covers (and what it maps
   * to Consent Mode's analytics_storage).
   */
  categories?: CookiebotCategory[];
}

/** Cookiebot's events, raised on window: consent read from its cookie or just given, accepted, declined. */
const EVENTS = ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline'];

/**
 * What `window.Cookiebot` (https://www.cookiebot.com/en/developer/) comes to: `pending` until the visitor has
 * answered (`hasResponse`; `consented` or `declined` also for consent Cookiebot implies where none is asked for);
 * then `granted` when every category in `consent` is true, else `denied`. Undefined before Cookiebot has loaded.
 */
function cookiebotConsent(categories: CookiebotCategory[]): Consent | undefined {
  const cookiebot = pageValue(window, 'Cookiebot');
  const consent = pageValue(cookiebot, 'consent');
  if (typeof consent != 'object' || !consent) return;
  const isAnswered = ['hasResponse', 'consented', 'declined'].some((name) => pageValue(cookiebot, name) === true);
  return !isAnswered ? 'pending' : categories.every((category) => pageValue(consent, category) === true) ? 'granted' : 'denied';
}

/**
 * Follows Cookiebot: its consent as this runs, then each of its events (a Cookiebot loading later raises them too),
 * becomes `setConsent` on the tracker when what `categories` come to changes. Returns what disconnects it. Throws
 * `ConsentOptionError` for a bad argument; nothing later throws.
 */
export function connectCookiebot(tracker: ConsentTarget, options?: CookiebotOptions): () => void {
  const report = consentReporter(tracker);
  const categories = listOption<CookiebotCategory>(options, 'categories', 'data-cookiebot-categories',
    (category) => ['preferences', 'statistics', 'marketing'].includes(category as string),
    '["statistics"] (data-cookiebot-categories="statistics"; any of preferences, statistics, marketing)', ['statistics']);
  if (typeof window == 'undefined') return () => {};
  const update = () => report(cookiebotConsent(categories));
  const stops = EVENTS.map((type) => listen(window, type, update));
  update();
  return () => stops.forEach((stop) => stop());
}
