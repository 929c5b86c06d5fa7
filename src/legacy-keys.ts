import { isCustomerKey, isSessionKey, type Keys } from './keys.js';

/**
 * Where the official client keeps a visitor's keys in localStorage, as `{"customerKey","sessionKey"}`:
 * `localStorageBackedSession()` of @apptus/esales-api 3.x, and the session handling of 2.x.
 */
export const LEGACY_KEY_ENTRIES = ['voyado.session', 'apptus.session'];

/**
 * The keys the official client left in this browser, if valid (own properties, validated as cookies are: anyone on
 * the origin can write storage), newest format first. Both entries are removed once taken, so that they are adopted
 * once; garbage is left alone.
 */
export function takeLegacyKeys(): Keys | undefined {
  try {
    for (const entry of LEGACY_KEY_ENTRIES) {
      const stored = JSON.parse(localStorage.getItem(entry)!);
      const { customerKey, sessionKey } = Object.assign(Object.create(null), stored);
      if (isCustomerKey(customerKey) && isSessionKey(sessionKey)) {
        LEGACY_KEY_ENTRIES.forEach((name) => localStorage.removeItem(name));
        return { customerKey, sessionKey };
      }
    }
  } catch { /* no storage, or not JSON: nothing to adopt */ }
}
