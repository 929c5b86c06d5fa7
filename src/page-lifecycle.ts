import type { Config } from './config.js';
import type { CookieJar } from './cookie-jar.js';
import { isCustomerKey, type KeyStore } from './keys.js';
import { isPageHidden } from './is-page-hidden.js';
import { listen } from './listen.js';
import type { Outbox } from './outbox.js';
import { CONSENT_SIGNAL, isOutboxKey } from './storage-names.js';

/** What the page's comings and goings act on: the consent of now, and a change of it made elsewhere. */
export interface ConsentView {
  isGranted(): boolean;
  /** Follows a consent change made elsewhere (`granted`, `denied`, `forget`, with keys after a grant). */
  follow(signal: string): void;
}

export interface PageLifecycle {
  /** The page is hidden, going away (`isLeaving`) or the tracker destroyed: keys written, the outbox released. */
  suspend(isLeaving?: boolean): void;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Page lifecycle (https://developer.chrome.com/docs/web-platform/page-lifecycle-api): hidden or leaving, the keys are
 * written and the outbox released; back, or restored from the back/forward cache, the keys are read again (another
 * tab may have rotated them) and the outbox takes over what other pages stored. Never `unload`, which would keep the
 * page out of the back/forward cache. Also the `storage` events by which other tabs tell of consent and stored
 * notifications.
 */
export function watchPageLifecycle(config: Config, keys: KeyStore, outbox: Outbox, cookies: CookieJar, consent: ConsentView): PageLifecycle {
  /** The customerKey cookie as the page went away (read off the click path), to tell what changed when it is back. */
  let leftWith: string | undefined;
  const readKeyCookie = () => cookies.readAll()[config.customerKeyCookie];

  const resume = () => {
    keys.load();
    outbox.adopt(consent.isGranted());
  };
  const suspend = (isLeaving?: boolean) => {
    keys.persist();
    outbox.release(isLeaving, consent.isGranted());
    if (isLeaving) leftWith = readKeyCookie();
  };

  /**
   * Restored from the back/forward cache, the page missed what other pages did meanwhile, and only Chromium replays
   * the `storage` events it missed: the cookies tell. If the cookie it had written is gone, consent was withdrawn or
   * the visitor forgotten there (or the site's data cleared): its keys are not used again and it waits for consent.
   * If a key cookie appeared on a page without consent, consent was granted there (only a grant writes one).
   */
  function restore(event: PageTransitionEvent) {
    if (!event.persisted) return;
    const now = readKeyCookie();
    const isGranted = consent.isGranted();
    if (isGranted ? leftWith == keys.customerKey && !now : isCustomerKey(now) && now != leftWith) {
      consent.follow(isGranted ? 'forget' : 'granted');
    }
    resume();
  }

  const stops = [
    listen(document, 'visibilitychange', () => isPageHidden() ? suspend() : resume()),
    listen(window, 'pagehide', () => suspend(true)),
    listen(window, 'pageshow', restore),
    listen(window, 'online', outbox.flush),
    // Another tab changed consent, or went away and stored what it could not deliver.
    listen(window, 'storage', ({ key, newValue }: StorageEvent) => newValue && (key == CONSENT_SIGNAL
      ? consent.follow(newValue)
      : isOutboxKey(key) && !isPageHidden() && resume())),
  ];
  // WebKit sends `storage` events only to documents that have used localStorage: a page rendered pending, which
  // stores nothing, would never hear of consent granted in another tab (seen in WebKitGTK 2.50).
  try { localStorage.length; } catch { /* no storage: other tabs follow from their next page */ }
  return { suspend, stop: () => stops.splice(0).forEach((stop) => stop()) };
}
