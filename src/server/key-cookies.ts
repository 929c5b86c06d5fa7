import { isCustomerKey, isSessionKey } from '../keys.js';
import { ownOptions } from './own-options.js';

/** Options of `keyCookieHeaders`: give the same `cookieDomain`, cookie names and `sessionTimeout` as the tracker's. */
export interface KeyCookieOptions {
  /** Cookie domain, e.g. `"example.com"` to share the keys across subdomains. Defaults to the request's host only. */
  cookieDomain?: string;
  /** Name of the cookie holding the customerKey. Defaults to `"elevate_customer_key"`. */
  customerKeyCookie?: string;
  /** Name of the cookie holding the sessionKey. Defaults to `"elevate_session_key"`. */
  sessionKeyCookie?: string;
  /** Minutes without activity after which a new session starts (at most 1440). Defaults to `30`. */
  sessionTimeout?: number;
  /** Mark the cookies `Secure`, as the tracker does on https pages; `false` only for local http (browsers drop Secure cookies sent over http). Defaults to `true`. */
  secure?: boolean;
  /** The clock, in milliseconds since the epoch (tests). Defaults to `Date.now`. */
  now?: () => number;
}

const DAY = 86_400_000;
const COOKIE_NAME = /^[\w!#$%&'*+.^`|~-]{1,64}$/;

/** Every option: its default, its rule and an example of a valid value, which the messages quote (as in ../config.ts). */
const options: Record<keyof KeyCookieOptions, [defaultValue: unknown, rule: (value: any) => unknown, example: string]> = {
  cookieDomain: [, (value) => typeof value == 'string' && /^\.?[a-z\d-]+(\.[a-z\d-]+)*$/i.test(value), '"example.com"'],
  customerKeyCookie: ['elevate_customer_key', (value) => typeof value == 'string' && COOKIE_NAME.test(value), '"elevate_ck"'],
  sessionKeyCookie: ['elevate_session_key', (value) => typeof value == 'string' && COOKIE_NAME.test(value), '"elevate_sk"'],
  sessionTimeout: [30, (value) => value === +value && value > 0 && value <= 1440, '30 (minutes, at most 1440)'],
  secure: [true, (value) => value === !!value, 'false (for local http)'],
  now: [Date.now, (value) => typeof value == 'function', '() => Date.now()'],
};

/** A value as a message can quote it, without calling anything on it. */
const quote = (value: unknown) =>
  typeof value == 'string' ? JSON.stringify(value) : typeof value == 'number' || typeof value == 'boolean' ? String(value) : `a ${typeof value}`;

/** Validates the options at the boundary, with defaults applied; throws a TypeError naming the first bad option. */
function resolveOptions(given: KeyCookieOptions): Required<Omit<KeyCookieOptions, 'cookieDomain'>> & Pick<KeyCookieOptions, 'cookieDomain'> {
  const names = Object.keys(options) as (keyof KeyCookieOptions)[];
  // Own properties only: a polluted Object.prototype.cookieDomain would hand the keys to another domain.
  const own = ownOptions(given);
  // A misspelt cookieDomain would write host-only twins of the tracker's domain cookies.
  for (const name in own) {
    if (!Object.hasOwn(options, name)) throw new TypeError(`Unknown option ${name}; known options: ${names.join(', ')}.`);
  }
  const resolved: Record<string, any> = {};
  for (const name of names) {
    const [defaultValue, rule, example] = options[name];
    const value = resolved[name] = own[name] ?? defaultValue;
    if (value !== undefined && !rule(value)) {
      throw new TypeError(`Option ${name} is invalid: ${quote(value)}. Example: ${example}.`);
    }
  }
  return resolved as ReturnType<typeof resolveOptions>;
}

/**
 * The cookies of a `Cookie` request header, read as js-cookie reads `document.cookie`: names and values
 * percent-decoded, one pair of quotes dropped, the first of duplicate names kept (browsers send the most specific
 * cookie first, RFC 6265 §5.4), undecodable pairs skipped. Only `wanted` names are kept. Never throws.
 */
function readCookies(header: unknown, wanted: string[]): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof header != 'string') return found;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    try {
      const name = decodeURIComponent(pair.slice(0, equals).trim());
      if (!wanted.includes(name) || found.has(name)) continue;
      let value = pair.slice(equals + 1).trim();
      if (value.length > 1 && value[0] == '"' && value.endsWith('"')) value = value.slice(1, -1);
      found.set(name, value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent));
    } catch { /* a malformed percent-encoding: skipped, as js-cookie skips it */ }
  }
  return found;
}

/** A cookie name and value encoded exactly as js-cookie 3 writes them (validated keys and names come out unchanged, or `%` as `%25`). */
const encodeName = (name: string) => encodeURIComponent(name).replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent);
const encodeValue = (value: string) =>
  encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent);

/**
 * `Set-Cookie` header values that re-issue the tracker's key cookies found in a request, so Safari keeps them.
 *
 * Safari caps cookies written with `document.cookie` at 7 days (ITP 2.1,
 * https://webkit.org/blog/8613/intelligent-tracking-prevention-2-1/), so a returning visitor would get a new
 * customerKey every week; the same cookies sent by the site's own server in `Set-Cookie` keep their full lifetime.
 * Call it on the storefront's page responses, from the same server as the pages (Safari 16.4 caps cookies from
 * third-party IP addresses, e.g. a tracking subdomain CNAMEd elsewhere, at 7 days too). Never on a response a CDN or
 * shared cache may store: it would hand one visitor's keys to others.
 *
 * Values are validated, never invented: the customerKey cookie is re-issued only when `isCustomerKey` accepts it,
 * for 365 days; the sessionKey cookie only when it is a UUID, until the session deadline (the request is activity):
 * `sessionTimeout` from now, or the next 00:00 UTC when Elevate ends every session, whichever comes first. Attributes
 * match the tracker's (Path=/, SameSite=Lax, Secure, Domain), and not HttpOnly: the tracker reads the keys.
 *
 * @example Node `http` (`setHeader` replaces other Set-Cookie headers; use `appendHeader` if the app sets some)
 * response.setHeader('Set-Cookie', keyCookieHeaders(request.headers.cookie, { cookieDomain: 'example.com' }));
 * @example Express
 * res.append('Set-Cookie', keyCookieHeaders(req.headers.cookie, { cookieDomain: 'example.com' }));
 * @param cookieHeader The request's raw `Cookie` header; anything else (missing, garbage) gives `[]`.
 * @returns Zero, one or two header values, customerKey first; `[]` when there is nothing to re-issue.
 * @throws TypeError for a bad or unknown option, naming it with an example of a valid value. Never for the header.
 */
export function keyCookieHeaders(cookieHeader: string | undefined | null, options?: KeyCookieOptions): string[] {
  const { resolved, time, cookies } = readKeyCookies(cookieHeader, options);
  return writeKeyCookies(cookies, resolved, time);
}

/** The options resolved, the clock read once, and the valid keys of the request's cookies (missing when invalid). */
export function readKeyCookies(cookieHeader: unknown, options: KeyCookieOptions | undefined) {
  const resolved = resolveOptions(options ?? {});
  const time = resolved.now();
  if (!Number.isFinite(time)) throw new TypeError(`Option now returned ${quote(time)}; it must return milliseconds since the epoch. Example: () => Date.now().`);
  const found = readCookies(cookieHeader, [resolved.customerKeyCookie, resolved.sessionKeyCookie]);
  const customerKey = found.get(resolved.customerKeyCookie);
  const sessionKey = found.get(resolved.sessionKeyCookie);
  const cookies = { customerKey: isCustomerKey(customerKey) ? customerKey : undefined, sessionKey: isSessionKey(sessionKey) ? sessionKey : undefined };
  return { resolved, time, cookies };
}

/**
 * `Set-Cookie` values for the keys given, as the tracker writes them: the customerKey for 365 days, the sessionKey
 * until the session deadline of ../keys.ts (`sessionTimeout` from now, or the next 00:00 UTC).
 */
export function writeKeyCookies(keys: { customerKey?: string; sessionKey?: string }, resolved: ReturnType<typeof resolveOptions>, time: number): string[] {
  const { cookieDomain, customerKeyCookie, sessionKeyCookie, sessionTimeout, secure } = resolved;
  const attributes = `; SameSite=Lax${secure ? '; Secure' : ''}${cookieDomain ? `; Domain=${cookieDomain}` : ''}`;
  const headers: string[] = [];
  // Max-Age wins over Expires where both are understood; Expires is for the clients that know only it.
  const write = (name: string, value: string, expires: number) => {
    const maxAge = Math.floor((expires - time) / 1000);
    if (maxAge > 0) headers.push(`${encodeName(name)}=${encodeValue(value)}; Path=/; Expires=${new Date(expires).toUTCString()}; Max-Age=${maxAge}${attributes}`);
  };
  if (keys.customerKey) write(customerKeyCookie, keys.customerKey, time + 365 * DAY);
  // Under a second left rounds to nothing to write (never a deletion).
  if (keys.sessionKey) write(sessionKeyCookie, keys.sessionKey, Math.min(time + sessionTimeout * 60_000, (Math.floor(time / DAY) + 1) * DAY));
  return headers;
}
