import type { Config, Consent } from './config.js';
import { CONSENT } from './config.js';
import type { CookieJar } from './cookie-jar.js';
import { isCustomerKey, isSessionKey, type Keys } from './keys.js';
import { LEGACY_KEY_ENTRIES } from './legacy-keys.js';
import { CONSENT_SIGNAL, SESSION_API_ENTRY } from './storage-names.js';

/** A consent change another tab told of: the consent, and with a grant the keys that tab wrote, when valid. */
export interface ConsentSignal {
  consent: Consent | 'forget';
  keys?: Keys;
}

/**
 * Consent is the visitor's for the whole site: a change made here reaches the site's other tabs as a `storage`
 * event (the entry is removed at once, so nothing stays). A grant carries the keys: Firefox can deliver the event
 * before the cookies just written reach the other tab.
 */
export function tellOtherTabs(consent: Consent | 'forget', keys: Keys): void {
  try {
    localStorage.setItem(CONSENT_SIGNAL, consent == 'granted' ? `${consent} ${keys.customerKey} ${keys.sessionKey}` : consent);
    localStorage.removeItem(CONSENT_SIGNAL);
  } catch { /* no storage: other tabs follow from their next page */ }
}

/**
 * The signal's consent and keys, validated as cookies are (storage is anyone's on the origin); undefined when it is
 * none of the tracker's.
 */
export function readSignal(signal: string): ConsentSignal | undefined {
  const [consent, customerKey, sessionKey] = signal.split(' ');
  if (consent != 'forget' && !CONSENT.test(consent)) return;
  const keys = isCustomerKey(customerKey) && isSessionKey(sessionKey) ? { customerKey, sessionKey } : undefined;
  return { consent: consent as Consent | 'forget', keys: consent == 'granted' ? keys : undefined };
}

/**
 * Deletes what the tracker keeps of the visitor besides its outbox: the key cookies, the Session API entry (whose
 * name is also that of the cookie older versions kept it in), and the official client's keys, so that a visitor
 * forgotten here does not come back from them.
 */
export function removeStoredKeys(config: Config, cookies: CookieJar): void {
  [config.customerKeyCookie, config.sessionKeyCookie, SESSION_API_ENTRY].forEach(cookies.remove);
  try { [SESSION_API_ENTRY, ...LEGACY_KEY_ENTRIES].forEach((entry) => localStorage.removeItem(entry)); } catch { /* no storage: nothing stored */ }
}
