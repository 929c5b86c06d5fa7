// elevate-tracker/consent: the tracker's consent from the consent manager a storefront uses. Each connect… function
// only calls the tracker's setConsent, so sites that use none ship none of this.
export { connectConsentMode, type ConsentModeOptions } from './connect-consent-mode.js';
export { connectTcf, type TcfOptions } from './connect-tcf.js';
export { connectCookiebot, type CookiebotCategory, type CookiebotOptions } from './connect-cookiebot.js';
export { connectOneTrust, type OneTrustOptions } from './connect-onetrust.js';
export { ConsentOptionError } from './consent-option-error.js';
export type { ConsentTarget } from './consent-reporter.js';
