import { randomUUID } from 'node:crypto';
import type { Consent } from '../config.js';
import { readKeyCookies, writeKeyCookies, type KeyCookieOptions } from './key-cookies.js';

/** Options of `visitorKeys`: those of `keyCookieHeaders` (the tracker's cookie settings), and the visitor's consent. */
export interface VisitorKeyOptions extends KeyCookieOptions {
  /** The visitor's consent as the site recorded it: only `"granted"` gives `Set-Cookie` values; `"denied"` also ignores the keys the cookies hold (fresh ones, for this response only). Defaults to `"granted"`, as the tracker's `consent`. */
  consent?: Consent;
}

/** The keys of one request, for the server's own Elevate queries and for the page it renders. */
export interface VisitorKeys {
  customerKey: string;
  sessionKey: string;
  /** No valid customerKey cookie came with the request: the customerKey was created here. */
  isNew: boolean;
  /** `Set-Cookie` header values that make the browser's tracker adopt exactly these keys; `[]` without consent. */
  setCookie: string[];
}

const CONSENT = ['granted', 'pending', 'denied'];

/**
 * The visitor's keys for this request: read from the tracker's cookies (same names, validation and options as the
 * tracker), or created as UUID v4 when missing or invalid. A session cookie expires with the session (after
 * `sessionTimeout` without activity, or at 00:00 UTC), so a missing one means a new session. With consent, `setCookie`
 * re-issues both cookies (the request is activity, as a page view is for the tracker, and a server-set cookie keeps
 * its full lifetime in Safari); send them on the page's response, never on one a shared cache may store.
 *
 * @example Node `http`
 * const keys = visitorKeys(request.headers.cookie, { consent: consentOf(request) });
 * response.appendHeader('Set-Cookie', keys.setCookie);
 * @throws TypeError for a bad or unknown option, naming it with an example of a valid value. Never for the header.
 */
export function visitorKeys(cookieHeader: string | undefined | null, options: VisitorKeyOptions = {}): VisitorKeys {
  const { consent = 'granted', ...cookieOptions } = Object.getOwnPropertyDescriptor(options, 'consent')
    ? options : { ...options, consent: undefined };
  if (!CONSENT.includes(consent as string)) throw new TypeError(`Option consent is invalid: ${typeof consent == 'string' ? JSON.stringify(consent) : `a ${typeof consent}`}. Example: "pending".`);
  const { resolved, time, cookies: found } = readKeyCookies(cookieHeader, cookieOptions);
  // A visitor who refused is not recognised: the keys the cookies still hold are not used (nor sent to Elevate).
  const cookies: { customerKey?: string; sessionKey?: string } = consent == 'denied' ? {} : found;
  const keys = { customerKey: cookies.customerKey ?? randomUUID(), sessionKey: cookies.sessionKey ?? randomUUID() };
  return { ...keys, isNew: !cookies.customerKey, setCookie: consent == 'granted' ? writeKeyCookies(keys, resolved, time) : [] };
}
