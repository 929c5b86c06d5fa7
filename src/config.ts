import { describe, type TrackerError } from './log.js';

/** The tracker's `sessionApi` option: the Session Management API to tie each visit to. */
export interface SessionApiOptions {
  /** Absolute URL the `/sessions/…` paths are appended to, e.g. `"https://shop.example/session-api"`. Required. */
  baseUrl: string;
  /** Sent as the `tenantId` URL parameter (newer server versions require it). Defaults to none. */
  tenantId?: string;
  /** Sent as the `gkc_agentId` header. Defaults to none. */
  agentId?: string;
}

/** Options of `createTracker` and the script tag (each option has a kebab-case `data-*` twin). */
export interface TrackerOptions {
  /** Elevate cluster ID, e.g. `"w00000000"`. Requests go to `https://{clusterId}.elevate-api.cloud` (API v2: `https://{clusterId}.api.esales.apptus.cloud`). Required unless `apiBase` is given. */
  clusterId?: string;
  /** Market identifier; must match the market in the Elevate data feed, e.g. `"UK"`. Required. */
  market: string;
  /** Base URL replacing the cluster's, for a proxy or a local server: https, or http on localhost/127.0.0.1. Defaults to the cluster's URL. */
  apiBase?: string;
  /** Attribute that carries an Elevate ticket on tiles, suggestions and banners. Defaults to `"data-elevate-ticket"`. */
  ticketAttribute?: string;
  /** Cookie domain, e.g. `"example.com"` to share the keys across subdomains. Defaults to the page's host only. */
  cookieDomain?: string;
  /** Name of the cookie holding the customerKey. Defaults to `"elevate_customer_key"`. */
  customerKeyCookie?: string;
  /** Name of the cookie holding the sessionKey. Defaults to `"elevate_session_key"`. */
  sessionKeyCookie?: string;
  /** Minutes without tracker activity after which a new session starts (at most 1440). Defaults to `30`. */
  sessionTimeout?: number;
  /** Log every notification and its outcome to the console. Defaults to `false`. */
  debug?: boolean;
  /** A Session Management API to tie each visit to: its base URL, or `{ baseUrl, tenantId, agentId }`. Defaults to none. */
  sessionApi?: string | SessionApiOptions;
  /** The visitor's consent: `"pending"` stores and sends nothing until it is `"granted"`; `"denied"` also deletes what was stored. Defaults to `"granted"`. */
  consent?: Consent;
  /** Treat the browser's Global Privacy Control signal (`navigator.globalPrivacyControl`) as consent denied. Defaults to `true`. */
  globalPrivacyControl?: boolean;
  /** Elevate API generation: `"v3"`, the Storefront API of today's clusters, or `"v2"` (end of life 2024-04-30) for a cluster that still serves it. Defaults to `"v3"`. */
  apiVersion?: 'v2' | 'v3';
  /** API v3: without consent, send notifications anonymously (`userContext=ANONYMOUS`, no keys, nothing stored) instead of not at all. Defaults to `false`. */
  anonymousTracking?: boolean;
  /** The site's server re-issues the key cookies (`keyCookieHeaders`), so the browser writes the customerKey cookie only when it changes (Safari caps script-written cookies at 7 days). Defaults to `false`. */
  serverKeyCookies?: boolean;
  /** Called with each integration mistake (also printed to the console) and each notification given up for good, for the site's error reporting. No `data-*` twin: the script tag takes it from its `init` command. Defaults to none. */
  onError?: (error: TrackerError) => void;
}

/** The visitor's consent to tracking. */
export type Consent = 'granted' | 'pending' | 'denied';

/** Validated options with defaults applied; `apiBase` is always set, without a trailing slash. */
export type Config = Required<Omit<TrackerOptions, 'clusterId' | 'cookieDomain' | 'sessionApi' | 'onError'>>
  & Pick<TrackerOptions, 'cookieDomain' | 'onError'> & { sessionApi?: SessionApiOptions };

/** Thrown by `createTracker` for a bad option; the script tag prints the same message with `console.error`. */
export class ElevateConfigError extends Error {
  /** The option at fault, e.g. `"clusterId"`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.name = 'ElevateConfigError';
    this.option = option;
  }
}

const COOKIE_NAME = /^[\w!#$%&'*+.^`|~-]{1,64}$/;
/** The three consent states. */
export const CONSENT = /^(granted|pending|denied)$/;

/**
 * An https URL (http only on localhost) that a path can be appended to. The string is checked as well as the parsed
 * URL, which forgives what the string keeps and the request then carries: surrounding spaces, a bare `?` or `#`,
 * `https://:pw@host` (a password without a user name).
 */
function isBaseUrl(value: unknown) {
  try {
    const url = new URL(value as string);
    return typeof value == 'string' && !/[\s\0-\x1f?#]/.test(value) && !url.username && !url.password
      && (url.protocol == 'https:' || (url.protocol == 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname)));
  } catch { /* not a URL */ }
}

/**
 * `object[name]` if it is the object's own: a library on the page that pollutes `Object.prototype` (`apiBase`,
 * `globalPrivacyControl`, `baseUrl`, even `hasOwnProperty`…) must not configure the tracker.
 */
const own = (object: object, name: string): any => Object.getOwnPropertyDescriptor(object, name) && (object as any)[name];

/** Every option: its default, its rule and an example of a valid value, which the messages quote. */
const options: Record<keyof TrackerOptions, [defaultValue: unknown, rule: RegExp | ((value: any) => unknown), example: string]> = {
  clusterId: [, /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i, '"w00000000" (letters, digits, hyphens)'],
  market: [, /\S/, '"UK"'],
  apiBase: [, isBaseUrl, '"https://shop.example/elevate" (https; http only on localhost)'],
  ticketAttribute: ['data-elevate-ticket', /^[a-z_][\w.-]*$/i, '"data-elevate-ticket"'],
  cookieDomain: [, /^\.?[a-z\d-]+(\.[a-z\d-]+)*$/i, '"example.com"'],
  customerKeyCookie: ['elevate_customer_key', COOKIE_NAME, '"elevate_ck"'],
  sessionKeyCookie: ['elevate_session_key', COOKIE_NAME, '"elevate_sk"'],
  sessionTimeout: [30, (value) => typeof value == 'number' && value > 0 && value <= 1440, '30 (minutes, at most 1440)'],
  debug: [false, (value) => value === !!value, 'true'],
  sessionApi: [, (value) => isBaseUrl(typeof value == 'string' ? value : own(value, 'baseUrl')), '"https://shop.example/session-api"'],
  consent: ['granted', CONSENT, '"pending"'],
  globalPrivacyControl: [true, (value) => value === !!value, 'false'],
  serverKeyCookies: [false, (value) => value === !!value, 'true'],
  apiVersion: ['v3', /^v[23]$/, '"v2"'],
  anonymousTracking: [false, (value) => value === !!value, 'true'],
  onError: [, (value) => typeof value == 'function', '(error) => Sentry.captureException(error)'],
};

/** The option names; the script tag reads exactly these from its `data-*` attributes. */
export const optionNames = Object.keys(options) as (keyof TrackerOptions)[];

/** The options that are true or false, which `data-*` attributes spell as present, `"true"` or `"false"`. */
export const isBooleanOption = (name: keyof TrackerOptions) => typeof options[name][0] == 'boolean';

/** `clusterId` → `data-cluster-id`, so a message names both ways of setting an option. */
export const attributeOf = (name: string) => 'data-' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Catches a misspelt option from npm users (the script tag reads only known attributes). */
export function rejectUnknownOptions(given: object): void {
  for (const name of Object.keys(given)) {
    if (!own(options, name)) throw new ElevateConfigError(name, `Unknown option ${name}; known options: ${optionNames.join(', ')}.`);
  }
}

/** Validates options once, at the boundary; throws an ElevateConfigError naming the first bad option. */
export function resolveConfig(given: TrackerOptions): Config {
  const config: Record<string, any> = {};
  for (const name of optionNames) {
    const [defaultValue, rule, example] = options[name];
    const givenValue = own(given, name);
    const value = config[name] = givenValue ?? defaultValue;
    // clusterId is optional only next to apiBase; cookieDomain is optional.
    const isRequired = name == 'market' || (name == 'clusterId' && own(given, 'apiBase') == null);
    const isValid = () => (typeof rule == 'function' ? rule(value) : typeof value == 'string' && rule.test(value));
    // Defaults are valid: only given values are checked (each rule is a regular expression compiled at first use).
    if (value === undefined ? isRequired : givenValue != null && !isValid()) {
      throw new ElevateConfigError(name, `Option ${name}${name == 'onError' ? '' : ` (${attributeOf(name)})`} is ${value === undefined ? 'missing' : `invalid: ${describe(value)}`}. Example: ${example}.`);
    }
  }
  // Only a DNS label becomes part of the host name, so no config can point requests at another host.
  // API v3 lives on Voyado's current host; the older one serves both generations.
  config.apiBase = config.apiBase?.replace(/\/+$/, '')
    ?? `https://${config.clusterId}.${config.apiVersion == 'v3' ? 'elevate-api.cloud' : 'api.esales.apptus.cloud'}`;
  config.sessionTimeout *= 60_000;
  // A copy with every field the shim reads, so that none of them is looked up on Object.prototype later.
  const sessionApi = typeof config.sessionApi == 'string' ? { baseUrl: config.sessionApi } : config.sessionApi;
  if (sessionApi) {
    config.sessionApi = { baseUrl: own(sessionApi, 'baseUrl'), tenantId: own(sessionApi, 'tenantId'), agentId: own(sessionApi, 'agentId') };
  }
  return config as Config;
}
