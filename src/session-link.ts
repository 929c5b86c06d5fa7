import type { Config } from './config.js';
import type { KeyStore } from './keys.js';
import type { Debug } from './log.js';
import type { SessionInfo } from './session-api.js';
import type { attachSessionApi, SessionShim } from './session-shim.js';

/** The tracker's side of the Session Management API: the shim started with consent, and what waits for it. */
export interface SessionLink {
  /** Consent is granted: starts the shim (loading it if need be), follows the visit, ties a held identity. */
  grant(): void;
  /** Consent is withdrawn: a held identity is dropped. */
  deny(): void;
  /** The sessionKey changed: the new visit gets a session of its own. */
  follow(): void;
  /** Ties the session to `customerId` now (granted) or once consent is granted (`isHeld`). */
  identify(customerId: string, isHeld: boolean): void;
  readonly session: Promise<SessionInfo | undefined>;
}

/**
 * The session shim costs nothing unless configured (`sessionApi`): it is loaded and started with consent, and calls
 * made before wait for it. The shim checks consent again at every call: it may be withdrawn before it has loaded.
 */
export function linkSession(config: Config, load: () => Promise<typeof attachSessionApi>, keys: KeyStore,
  isGranted: () => boolean, isStopped: () => boolean, debug: Debug): SessionLink {
  let shim: Promise<SessionShim | undefined> | undefined;
  /** The customer id given to `identify()` while consent is pending, tied to the session once it is granted. */
  let heldIdentity: string | undefined;
  const withShim = (use: (session: SessionShim) => void) => shim?.then((session) => session && !isStopped() && use(session));

  return {
    grant() {
      const { sessionApi } = config;
      shim ??= sessionApi
        ? load().then((attach) => attach(sessionApi, keys, isGranted, debug), (error) => void debug('session API:', error))
        : undefined;
      const identity = heldIdentity;
      heldIdentity = undefined;
      withShim((session) => {
        session.follow(); // granted again after a denial: the visit needs its session
        if (identity) session.identify(identity);
      });
    },
    deny() {
      heldIdentity = undefined;
    },
    follow() {
      if (isGranted()) withShim((session) => session.follow());
    },
    identify(customerId, isHeld) {
      if (isHeld) heldIdentity = customerId;
      else if (isGranted()) withShim((session) => session.identify(customerId));
    },
    get session() {
      return Promise.resolve(shim).then((session) => session?.session);
    },
  };
}
