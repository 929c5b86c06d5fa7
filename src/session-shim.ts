import type { SessionApiOptions } from './config.js';
import type { Keys } from './keys.js';
import type { Debug } from './log.js';
import { createSessionClient, type SessionInfo } from './session-api.js';
import { SESSION_API_ENTRY } from './storage-names.js';

/** What the tracker offers of the session: the current SessionInfo, and tying it to a known customer. */
export interface SessionShim {
  readonly session: Promise<SessionInfo | undefined>;
  identify(customerId: string): void;
  /** Called when the tracker's sessionKey changed: the new visit gets a session of its own. */
  follow(): void;
}

/** A session id as this tracker stores it: what the Session API returned, if it is plain enough to trust. */
const SESSION_ID = /^[\w.:~-]{1,128}$/;

/**
 * The visit's session id, if this origin stored one for `sessionKey`. It lives in localStorage, which only this
 * origin writes: a cookie could be planted by any subdomain (an attacker's session id, which `identify()` would
 * then tie the visitor's customer id to).
 */
function readStoredId(sessionKey: string): string | undefined {
  try {
    const [storedKey, storedId] = (localStorage.getItem(SESSION_API_ENTRY) || '').split(/\.(.*)/s);
    if (storedKey == sessionKey && SESSION_ID.test(storedId) && !/^\.\.?$/.test(storedId)) return storedId;
  } catch { /* no storage: a session per page */ }
}

function storeId(sessionKey: string, sessionId: string) {
  try { localStorage.setItem(SESSION_API_ENTRY, `${sessionKey}.${sessionId}`); } catch { /* no storage */ }
}

/**
 * Keeps one Session Management API session per visit (per sessionKey): created on the first page of a visit with
 * `visitId` = sessionKey and `globalVisitId` = customerKey, its id stored and reused by later pages. Nothing is sent
 * unless `isAllowed()` (consent) says so at the moment of the call. Nothing here can delay or fail a notification:
 * every call is asynchronous and its failure only logged.
 */
export function attachSessionApi(options: SessionApiOptions, keys: Keys, isAllowed: () => boolean, debug: Debug): SessionShim {
  const client = createSessionClient({ baseUrl: options.baseUrl, tenantId: options.tenantId, agentId: options.agentId });
  let sessionKey = '';
  let sessionId: Promise<string> | undefined;
  let info: Promise<SessionInfo> | undefined;

  /** A promise the page may ignore: its failure is logged, never an unhandled rejection. */
  const quietly = <T,>(promise: Promise<T>) => {
    promise.catch((error) => debug('session API:', error));
    return promise;
  };

  function follow() {
    if (!isAllowed() || keys.sessionKey == sessionKey) return;
    const visit = (sessionKey = keys.sessionKey);
    info = undefined;
    const storedId = readStoredId(visit);
    if (storedId) {
      sessionId = Promise.resolve(storedId);
      return;
    }
    const created = quietly(client.create({ visitId: visit, globalVisitId: keys.customerKey }));
    info = created;
    sessionId = quietly(created.then((session) => {
      // Kept for the visit's later pages (a new visit replaces it), unless consent went meanwhile.
      if (keys.sessionKey == visit && isAllowed()) storeId(visit, session.sessionId);
      return session.sessionId;
    }));
  }

  /** A call on the visit's session, once it exists and if consent still allows it then. */
  const withSession = (call: (id: string) => Promise<SessionInfo>) =>
    quietly(sessionId!.then((id) => isAllowed() ? call(id) : Promise.reject(new Error('consent withdrawn'))));

  follow();
  return {
    get session() {
      return isAllowed() && sessionId ? (info ??= withSession(client.get)) : Promise.resolve(undefined);
    },
    identify(customerId) {
      if (isAllowed() && sessionId) info = withSession((id) => client.update(id, { customerId }));
    },
    follow,
  };
}
