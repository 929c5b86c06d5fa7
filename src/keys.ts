import { v4 as newKey } from 'uuid';
import type { Config } from './config.js';
import type { CookieJar } from './cookie-jar.js';
import { isCustomerKey } from './is-customer-key.js';

/** The pair of keys every notification carries. */
export interface Keys {
  customerKey: string;
  sessionKey: string;
}

/** Keys held in memory, read from cookies at start and when the tab comes back, written only when they change. */
export interface KeyStore extends Keys {
  /** The page found no valid customerKey cookie as it started: a new visitor, as far as the cookies know. */
  isNewVisitor: boolean;
  /** Reads the cookies again: another tab may have rotated the session or signed the visitor in or out. */
  load(): void;
  /** Marks tracker activity; rotates an expired session first. No cookie access. */
  touch(): void;
  /** Starts a new session (after an end notification), for a new visitor too on sign-out. */
  rotate(isNewVisitor?: boolean): void;
  /** Writes what changed since the last write; everything with `isForced` (consent given). */
  persist(isForced?: boolean): void;
}

const DAY = 86_400_000;

// The rule lives in a module of its own, which the server's files share without the key store (issue 17).
export { isCustomerKey };

/** A sessionKey is a UUID v4, as the tracker issues them (uuid's `validate` also takes other versions, nil and max). */
export const isSessionKey = (value: unknown): value is string =>
  typeof value == 'string' && /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/i.test(value);

/** The keys the cookies hold (one `document.cookie` read), each `''` where it is missing or not valid. */
function readKeyCookies(jar: CookieJar, { customerKeyCookie, sessionKeyCookie }: Config): [customerKey: string, sessionKey: string] {
  const cookies = jar.readAll();
  const customerKey = cookies[customerKeyCookie];
  const sessionKey = cookies[sessionKeyCookie];
  return [isCustomerKey(customerKey) ? customerKey : '', isSessionKey(sessionKey) ? sessionKey : ''];
}

/**
 * Key lifecycle. The session cookie expires when the session does (after `sessionTimeout` without activity, or at
 * 00:00 UTC when Elevate ends every session), so its presence alone says the session is alive: a new page adopts
 * it, or starts a new session. Cookies are read at start and when the tab comes back (one `document.cookie` read
 * each), and never on the click path: a cookie access is a synchronous round-trip to the browser process.
 */
export function createKeyStore(config: Config, jar: CookieJar, now: () => number = Date.now,
  onNewSession: () => void = () => {}): KeyStore {
  const { customerKeyCookie, sessionKeyCookie, sessionTimeout, serverKeyCookies } = config;
  /** Sliding refreshes of the session cookie are written at most once a minute (a tenth of a short timeout). */
  const refreshInterval = Math.min(60_000, sessionTimeout / 10);
  /** When the session in memory expires, and what the cookies hold as far as this page knows. */
  let activeUntil = 0;
  let writtenUntil = 0;
  let writtenCustomerKey = '';
  let writtenSessionKey = '';
  let writeScheduled = false;

  const deadline = (time: number) => Math.min(time + sessionTimeout, (Math.floor(time / DAY) + 1) * DAY);
  const isWritten = () => writtenCustomerKey == store.customerKey && writtenSessionKey == store.sessionKey;

  const store: KeyStore = {
    customerKey: '',
    sessionKey: '',
    isNewVisitor: false,

    load() {
      const [storedCustomerKey, storedSessionKey] = readKeyCookies(jar, config);
      const isStarting = !store.customerKey;
      // Garbage or tampered values are replaced; on a later read they leave the keys in memory as they are
      // (cookies blocked or cleared since).
      if (storedCustomerKey) store.customerKey = storedCustomerKey;
      else if (isStarting) store.isNewVisitor = !!(store.customerKey = newKey());
      if (storedSessionKey) {
        // The cookie is there, so the session is alive.
        if (storedSessionKey != store.sessionKey && !isStarting) setTimeout(onNewSession);
        store.sessionKey = storedSessionKey;
        activeUntil = Math.max(activeUntil, deadline(now()));
      } else if (isStarting) {
        store.rotate();
      }
      if (isStarting) {
        // A page view is activity, and refreshes the customerKey's 365 days, unless the site's server re-issues the
        // cookie: a script's write would cap it to 7 days in Safari again.
        writtenCustomerKey = serverKeyCookies ? storedCustomerKey : '';
        store.persist();
      } else {
        writtenCustomerKey = store.customerKey;
        writtenSessionKey = store.sessionKey;
        writtenUntil = activeUntil;
      }
    },

    touch() {
      const time = now();
      if (time >= activeUntil) store.rotate();
      activeUntil = deadline(time);
      if (!isWritten() || activeUntil - writtenUntil > refreshInterval) {
        // Written in a task of its own, off the click path; `pagehide` writes it if the page goes first.
        if (!writeScheduled) setTimeout(store.persist, 0);
        writeScheduled = true;
      }
    },

    rotate(isNewVisitor) {
      if (isNewVisitor) store.customerKey = newKey();
      store.sessionKey = newKey();
      activeUntil = deadline(now());
      // Not at start (nothing was written yet), and off the click path: a rotation can happen inside touch().
      if (writtenSessionKey) setTimeout(onNewSession);
    },

    persist(isForced) {
      writeScheduled = false;
      if (isForced || writtenCustomerKey != store.customerKey) {
        jar.write(customerKeyCookie, writtenCustomerKey = store.customerKey, new Date(now() + 365 * DAY));
      }
      if (isForced || writtenSessionKey != store.sessionKey || writtenUntil != activeUntil) {
        jar.write(sessionKeyCookie, writtenSessionKey = store.sessionKey, new Date(writtenUntil = activeUntil));
      }
    },
  };
  store.load();
  return store;
}
