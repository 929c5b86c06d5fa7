import { inspect } from 'node:util';
import type { InspectOptions } from 'node:util';
import { EventDataError } from './errors.js';
import { ownOptions } from './own-options.js';

/** Path prefix of the admin API: `v2` is the one the specs in ../../../shared/spec document (end of life 2024-04-30). */
export type AdminApiVersion = 'v2' | 'admin/v3' | 'admin/v4';

export interface AdminClientOptions {
  /** Elevate cluster ID, e.g. `"w00000000"`; requests go to `https://{clusterId}.api.esales.apptus.cloud`. Required unless `apiBase` is given. Defaults to none. */
  clusterId?: string;
  /** Base URL replacing the cluster's (a proxy, a stand-in): https, or http on localhost/127.0.0.1. Defaults to none; give exactly one of `clusterId` and `apiBase`. */
  apiBase?: string;
  /** The Api-Key supplied during on-boarding. Defaults to `process.env.ELEVATE_API_KEY`. */
  apiKey?: string;
  /** API version, i.e. the path prefix `/api/{apiVersion}/…`: `'admin/v4'`, the current one, or `'admin/v3'` (until 2026-12-31) or `'v2'` (the spec's; end of life 2024-04-30) for clusters that still serve them, with a process warning. Defaults to `'admin/v4'`. */
  apiVersion?: AdminApiVersion;
  /** Milliseconds one HTTP request may take before it counts as timed out, at most 2147483647 (24.8 days). Defaults to `30000`. */
  timeoutMs?: number;
  /** How many times a failed request is tried again when that is safe (see the README: payments are retried only when they cannot have arrived). Defaults to `3`. */
  retries?: number;
  /** First delay between retries in milliseconds; it doubles each retry, with jitter. Defaults to `500`. */
  retryDelayMs?: number;
  /** The fetch to use (tests, proxies). Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** The options once checked: what every request of the admin client is made from. */
export interface AdminSettings {
  /** `https://{clusterId}.api.esales.apptus.cloud` or the apiBase, without a trailing slash. */
  base: string;
  apiVersion: AdminApiVersion;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  fetch: typeof fetch;
}

const OPTION_NAMES = ['clusterId', 'apiBase', 'apiKey', 'apiVersion', 'timeoutMs', 'retries', 'retryDelayMs', 'fetch'];
const API_VERSIONS: readonly string[] = ['v2', 'admin/v3', 'admin/v4'];
/** When Elevate retires (retired) each older version: v2 is the one the spec documents. */
export const END_OF_LIFE: Partial<Record<AdminApiVersion, string>> = { v2: '2024-04-30', 'admin/v3': '2026-12-31' };
const DNS_LABEL = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
// Visible ASCII only: fetch rejects other header values with a message that quotes the value, i.e. the key.
const HEADER_VALUE = /^[\x21-\x7e]+$/;
/** The longest a timer can wait: setTimeout (and AbortSignal.timeout) fire at once beyond it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function fail(option: string, problem: string, example: string): never {
  throw new EventDataError('config', `Invalid option ${option}: ${problem}. Example: ${example}.`);
}

const warned = new Set<string>();

/** A version with an end of life is told once per process, as a Node warning (on stderr unless the app handles it). */
function warnOfEndOfLife(apiVersion: AdminApiVersion) {
  const endOfLife = END_OF_LIFE[apiVersion];
  if (!endOfLife || warned.has(apiVersion)) return;
  warned.add(apiVersion);
  const isPast = endOfLife < new Date().toISOString().slice(0, 10);
  process.emitWarning(`Elevate's ${apiVersion} API ${isPast ? 'reached its end of life on' : 'is supported until'} ${endOfLife}: use apiVersion "admin/v4" (--api-version admin/v4).`,
    { code: 'ELEVATE_API_END_OF_LIFE' });
}

function resolveBase({ clusterId, apiBase }: AdminClientOptions): string {
  if (clusterId == null && apiBase == null) fail('clusterId', 'give clusterId or apiBase', 'clusterId: "w00000000"');
  if (clusterId != null && apiBase != null) fail('apiBase', 'give clusterId or apiBase, not both', 'clusterId: "w00000000"');
  if (clusterId != null) {
    // Only a DNS label may become part of the host name: no config can point requests (and the key) at another host.
    if (typeof clusterId != 'string' || !DNS_LABEL.test(clusterId)) fail('clusterId', `${JSON.stringify(clusterId)} is not a cluster ID (letters, digits and hyphens)`, '"w00000000"');
    return `https://${clusterId}.api.esales.apptus.cloud`;
  }
  let url: URL | undefined;
  try { url = new URL(apiBase as string); } catch { /* reported below */ }
  // Plain http would send the key in clear text, so it is only allowed to this machine.
  if (!url || !(url.protocol == 'https:' || (url.protocol == 'http:' && LOCAL_HOSTS.includes(url.hostname)))
    || url.username || url.password || url.search || url.hash) {
    fail('apiBase', `${JSON.stringify(apiBase)} must be an https URL (http only on localhost) without credentials or query`, '"https://elevate-proxy.example"');
  }
  return url.href.replace(/\/+$/, '');
}

function resolveNumber(option: string, value: unknown, fallback: number, min: number, example: string): number {
  const number = value ?? fallback;
  if (typeof number != 'number' || !Number.isFinite(number) || number < min) fail(option, `${JSON.stringify(value)} must be a number ≥ ${min}`, example);
  return number;
}

/** Milliseconds one timer waits: at least 1, and at most MAX_TIMER_MS. */
function resolveTimerMs(option: string, value: unknown, fallback: number, example: string): number {
  const ms = value ?? fallback;
  if (!(typeof ms == 'number' && ms >= 1 && ms <= MAX_TIMER_MS)) {
    fail(option, `${typeof value == 'number' ? value : JSON.stringify(value)} must be a number from 1 to ${MAX_TIMER_MS} (ms, 24.8 days)`, example);
  }
  return ms;
}

/** The key is checked here and never echoed: it must not reach a message. */
function resolveApiKey(apiKey: unknown): string {
  if (apiKey == null || apiKey === '') {
    throw new EventDataError('config', 'Missing API key: set the ELEVATE_API_KEY environment variable (or the apiKey option) to the Api-Key supplied during on-boarding.');
  }
  if (typeof apiKey != 'string' || !HEADER_VALUE.test(apiKey)) fail('apiKey', 'it must be printable ASCII without spaces (value not shown)', '"pkA123456789AB1BE…"');
  return apiKey;
}

/** Validates the options once; throws an EventDataError with code `config` naming the first bad one. */
export function resolveAdminOptions(given: AdminClientOptions): AdminSettings {
  if (!given || typeof given != 'object') fail('clusterId', 'options are missing', '{ clusterId: "w00000000" }');
  // Own properties only: a polluted Object.prototype.fetch or .apiBase would receive the key.
  const options = ownOptions(given);
  const unknown = Object.keys(options).find((name) => !OPTION_NAMES.includes(name));
  if (unknown) fail(unknown, `unknown option; known options are ${OPTION_NAMES.join(', ')}`, '{ clusterId: "w00000000" }');
  const base = resolveBase(options);
  const { apiVersion = 'admin/v4', fetch: fetchFunction = globalThis.fetch } = options;
  if (!API_VERSIONS.includes(apiVersion)) fail('apiVersion', `${JSON.stringify(apiVersion)} is not one of ${API_VERSIONS.join(', ')}`, '"admin/v4"');
  warnOfEndOfLife(apiVersion);
  if (typeof fetchFunction != 'function') fail('fetch', 'it must be a function (no global fetch here)', 'globalThis.fetch');
  return {
    base, apiVersion, fetch: fetchFunction,
    timeoutMs: resolveTimerMs('timeoutMs', options.timeoutMs, 30_000, '30000'),
    retries: Math.floor(resolveNumber('retries', options.retries, 3, 0, '3')),
    retryDelayMs: resolveNumber('retryDelayMs', options.retryDelayMs, 500, 0, '500'),
    apiKey: resolveApiKey(options.apiKey ?? ownOptions(process.env).ELEVATE_API_KEY),
  };
}

/**
 * The client's methods, frozen, printed and serialised as where they send, never with the key: it lives in the
 * methods' closure only, in no property, so nothing that prints or logs the client can show it.
 */
export function presentClient<T extends object>(name: string, { base, apiVersion }: AdminSettings, methods: T): Readonly<T> {
  const view = { apiBase: base, apiVersion, apiKey: '[redacted]' };
  return Object.freeze({
    ...methods,
    toJSON: () => ({ ...view }),
    [inspect.custom]: (_depth: number, options: InspectOptions) => `${name} ${inspect(view, options)}`,
  });
}
