// Cookiebot as a page has it (https://www.cookiebot.com/en/developer/): `window.Cookiebot` with `consent`,
// `consented`, `declined` and `hasResponse`, its `submitCustomConsent` method, and its events on window. Installed into
// pages as `(${installCookiebot})()`: it may use nothing from this module.

/**
 * uc.js loading: the visitor's choice from its `CookieConsent` cookie, if any, and the events Cookiebot raises:
 * `CookiebotOnLoad`, then with a choice `CookiebotOnConsentReady` and `CookiebotOnAccept` or `CookiebotOnDecline`,
 * as at every `submitCustomConsent(preferences, statistics, marketing)` (the visitor's choice in its dialog).
 */
export function installCookiebot() {
  const w = window as any;
  const COOKIE = 'CookieConsent';
  const fire = (type: string) => window.dispatchEvent(new Event(type));
  const cookiebot = {
    consent: { necessary: true, preferences: false, statistics: false, marketing: false, method: null as string | null },
    consented: false,
    declined: false,
    hasResponse: false,
    doNotTrack: false,
    show() {},
    hide() {},
    submitCustomConsent(preferences: boolean, statistics: boolean, marketing: boolean) {
      apply({ preferences, statistics, marketing });
      document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify({ preferences, statistics, marketing }))}; path=/; max-age=3600`;
    },
  };
  function apply(choice: { preferences: boolean; statistics: boolean; marketing: boolean }) {
    cookiebot.consent = { necessary: true, ...choice, method: 'explicit' };
    cookiebot.consented = choice.preferences || choice.statistics || choice.marketing;
    cookiebot.declined = !cookiebot.consented;
    cookiebot.hasResponse = true;
    fire('CookiebotOnConsentReady');
    fire(cookiebot.consented ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
  }
  w.Cookiebot = w.CookieConsent = cookiebot;
  fire('CookiebotOnLoad');
  const stored = document.cookie.split('; ').find((cookie) => cookie.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  if (stored) apply(JSON.parse(decodeURIComponent(stored)));
}
