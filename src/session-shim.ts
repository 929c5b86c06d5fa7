import type { CookieJar } from './cookie-jar';
import type { Keys } from './keys';
import type { Debug } from './log';
import { createSessionClient, type SessionInfo } from './session-api';
import { SESSION_API_COOKIE } from './storage-names';

/** The tracker's `sessionApi` option: the Session Management API to tie each visit to. */
export interface SessionApiOptions {
  /** Absolute URL the `/sessions/…` paths are appended to, e.g. `"https://shop.example/session-api"`. Required. */
  baseUrl: string;
  /** Sent as the `tenantId` URL parameter (newer server versions require it). Defaults to none. */
  tenantId?: string;
  /** Sent as the `gkc_agentId` header. Defaults to none. */
  agentId?: string;
}

/** What the tracker offers of the session: the current SessionInfo, and tying it to a known customer. */
export interface SessionShim {
  readonly session: Promise<SessionInfo | undefined>;
  identify(customerId: string): void;
  /** Called when the tracker's sessionKey changed: the new visit gets a session of its own. */
  follow(): void;
}


/**
 * Keeps one Session Management API session per visit (per sessionKey): created on the first page of a visit with
 * `visitId` = sessionKey and `globalVisitId` = customerKey, its id kept in a cookie and reused by later pages.
 * Nothing here can delay or fail a notification: every call is asynchronous and its failure only logged.
 */
export function attachSessionApi(options: SessionApiOptions, keys: Keys, jar: CookieJar, debug: Debug): SessionShim {
  const client = createSessionClient({ baseUrl: options.baseUrl, tenantId: options.tenantId, agentId: options.agentId });
  let sessionKey = '';
  let sessionId: Promise<string>;
  let info: Promise<SessionInfo> | undefined;

  /** A promise the page may ignore: its failure is logged, never an unhandled rejection. */
  const quietly = <T,>(promise: Promise<T>) => {
    promise.catch((error) => debug('session API:', error));
    return promise;
  };

  function follow() {
    if (keys.sessionKey == sessionKey) return;
    const visit = (sessionKey = keys.sessionKey);
    info = undefined;
    const [storedKey, storedId] = (jar.readAll()[SESSION_API_COOKIE] || '').split(/\.(.*)/s);
    if (storedKey == visit && storedId) {
      sessionId = Promise.resolve(storedId);
      return;
    }
    const created = quietly(client.create({ visitId: visit, globalVisitId: keys.customerKey }));
    info = created;
    sessionId = quietly(created.then((session) => {
      // Kept for the visit's later pages; the visit ends at 00:00 UTC at the latest.
      if (keys.sessionKey == visit) {
        jar.write(SESSION_API_COOKIE, `${visit}.${session.sessionId}`, new Date((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000));
      }
      return session.sessionId;
    }));
  }

  follow();
  return {
    get session() {
      return quietly(info ??= sessionId.then((id) => client.get(id)));
    },
    identify(customerId) {
      info = quietly(sessionId.then((id) => client.update(id, { customerId })));
    },
    follow,
  };
}
