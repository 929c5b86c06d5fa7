import { inspect } from 'node:util';
import type { InspectOptions } from 'node:util';
import { EventDataError } from './errors.js';
import { ownOptions } from './own-options.js';

/**
 * Client for Elevate's event-data jobs (GDPR removal and export of one visitor's data).
 * Spec: ../../../shared/spec/event-data-remove-customer-job-v2.txt
 */

/** Path prefix of the API: `v2` is the one the spec documents (deprecated, end of life 2024-04-30). */
export type EventDataApiVersion = 'v2' | 'admin/v3' | 'admin/v4';

/** Spec EventDataJobResult.status; unknown values are passed through as they come, never read as success. */
export type EventDataJobStatus = 'not_found' | 'created' | 'waiting' | 'running' | 'done' | 'error' | (string & {});

/** Spec schema EventDataJobResult. */
export interface EventDataJob {
  /** The identifier of the job, e.g. `"962d41f3-1a53-4bb8-bd01-3b85310fb45f"`. */
  jid: string;
  status: EventDataJobStatus;
}

export interface EventDataClientOptions {
  /** Elevate cluster ID, e.g. `"w00000000"`; requests go to `https://{clusterId}.api.esales.apptus.cloud`. Required unless `apiBase` is given. Defaults to none. */
  clusterId?: string;
  /** Base URL replacing the cluster's (a proxy, a stand-in): https, or http on localhost/127.0.0.1. Defaults to none; give exactly one of `clusterId` and `apiBase`. */
  apiBase?: string;
  /** The Api-Key supplied during on-boarding. Defaults to `process.env.ELEVATE_API_KEY`. */
  apiKey?: string;
  /** API version, i.e. the path prefix `/api/{apiVersion}/event-data/…`: `'admin/v4'`, the current one, or `'admin/v3'` (until 2026-12-31) or `'v2'` (the spec's; end of life 2024-04-30) for clusters that still serve them, with a process warning. Defaults to `'admin/v4'`. */
  apiVersion?: EventDataApiVersion;
  /** Milliseconds one HTTP request may take before it counts as timed out (and is retried), at most 2147483647 (24.8 days). Defaults to `30000`. */
  timeoutMs?: number;
  /** How many times a 5xx, network error or timeout is retried; 400 and 403 never are. Defaults to `3`. */
  retries?: number;
  /** First delay between retries in milliseconds; it doubles each retry, with jitter. Defaults to `500`. */
  retryDelayMs?: number;
  /** The fetch to use (tests, proxies). Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface WaitForJobOptions {
  /** Milliseconds to wait for `done` before rejecting with code `timeout`, at most 2147483647 (24.8 days). Defaults to `600000` (10 minutes). */
  timeoutMs?: number;
  /** First delay between polls in milliseconds, at most 2147483647; it doubles each poll up to 15 s. Defaults to `1000`. */
  intervalMs?: number;
  /** Called with the job whenever its status changes, starting with the first status seen. Defaults to none. */
  onProgress?: (job: EventDataJob) => void;
  /** Stops waiting; the promise then rejects with the signal's reason. Defaults to none. */
  signal?: AbortSignal;
}

export interface EventDataClient {
  /** Starts a job removing all data Elevate holds about the visitor `customerKey`. */
  createRemoveCustomerJob(customerKey: string): Promise<EventDataJob>;
  /** Starts a job exporting all data Elevate holds about the visitor `customerKey`. */
  createExportCustomerJob(customerKey: string): Promise<EventDataJob>;
  /** The current status of job `jid`; an unknown jid gives status `not_found`. */
  getJobStatus(jid: string): Promise<EventDataJob>;
  /** Polls until the job is `done`; rejects with `job-failed` on `error`/`not_found`, `timeout` after `timeoutMs`. */
  waitForJob(jid: string, options?: WaitForJobOptions): Promise<EventDataJob>;
}

const OPTION_NAMES = ['clusterId', 'apiBase', 'apiKey', 'apiVersion', 'timeoutMs', 'retries', 'retryDelayMs', 'fetch'];
const API_VERSIONS: readonly string[] = ['v2', 'admin/v3', 'admin/v4'];
/** When Elevate retires (retired) each older version: v2 is the one the spec documents. */
const END_OF_LIFE: Partial<Record<EventDataApiVersion, string>> = { v2: '2024-04-30', 'admin/v3': '2026-12-31' };
const DNS_LABEL = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
// Visible ASCII only: fetch rejects other header values with a message that quotes the value, i.e. the key.
const HEADER_VALUE = /^[\x21-\x7e]+$/;
/** The longest a timer can wait: setTimeout (and AbortSignal.timeout) fire at once beyond it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_POLL_MS = 15_000;
const MAX_RETRY_DELAY_MS = 30_000;
const REDIRECTS = [301, 302, 303, 307, 308];

function fail(option: string, problem: string, example: string): never {
  throw new EventDataError('config', `Invalid option ${option}: ${problem}. Example: ${example}.`);
}

const warned = new Set<string>();

/** A version with an end of life is told once per process, as a Node warning (on stderr unless the app handles it). */
function warnOfEndOfLife(apiVersion: EventDataApiVersion) {
  const endOfLife = END_OF_LIFE[apiVersion];
  if (!endOfLife || warned.has(apiVersion)) return;
  warned.add(apiVersion);
  const isPast = endOfLife < new Date().toISOString().slice(0, 10);
  process.emitWarning(`Elevate's ${apiVersion} API ${isPast ? 'reached its end of life on' : 'is supported until'} ${endOfLife}: use apiVersion "admin/v4" (--api-version admin/v4).`,
    { code: 'ELEVATE_API_END_OF_LIFE' });
}

function resolveBase({ clusterId, apiBase }: EventDataClientOptions): string {
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

/** The same rule for waitForJob, whose bad arguments are `invalid-arguments`. */
function checkWaitMs(option: string, ms: number, example: number): void {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new EventDataError('invalid-arguments', `waitForJob: ${option} must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (24.8 days), e.g. ${example}`);
  }
}

/** The key is checked here and never echoed: it must not reach a message. */
function resolveApiKey(apiKey: unknown): string {
  if (apiKey == null || apiKey === '') {
    throw new EventDataError('config', 'Missing API key: set the ELEVATE_API_KEY environment variable (or the apiKey option) to the Api-Key supplied during on-boarding.');
  }
  if (typeof apiKey != 'string' || !HEADER_VALUE.test(apiKey)) fail('apiKey', 'it must be printable ASCII without spaces (value not shown)', '"pkA123456789AB1BE…"');
  return apiKey;
}

const describeError = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${describeError(error.cause)})` : '';
  return (error instanceof Error ? error.message : String(error)) + cause;
};

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Validates the options once; throws an EventDataError with code `config` naming the first bad one. */
export function createEventDataClient(given: EventDataClientOptions): EventDataClient {
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
  const timeoutMs = resolveTimerMs('timeoutMs', options.timeoutMs, 30_000, '30000');
  const retries = Math.floor(resolveNumber('retries', options.retries, 3, 0, '3'));
  const retryDelayMs = resolveNumber('retryDelayMs', options.retryDelayMs, 500, 0, '500');
  // Kept in this closure only, never in a property: nothing that prints the client can print the key.
  const apiKey = resolveApiKey(options.apiKey ?? ownOptions(process.env).ELEVATE_API_KEY);
  const prefix = `/api/${apiVersion}/event-data`;
  const redact = (text: string) => text.split(apiKey).join('[redacted]');

  type Outcome = EventDataJob | { error: EventDataError; isRetryable: boolean };

  /** One attempt: a job, or the error and whether another attempt may help. */
  async function attempt(method: string, url: string, label: string, signal?: AbortSignal): Promise<Outcome> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number, body: string, isRedirect: boolean;
    try {
      // Redirects are never followed: fetch would send the Api-Key along to wherever they point, even plain http.
      const response = await fetchFunction(url, { method, headers: { 'Api-Key': apiKey, Accept: 'application/json' },
        redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      status = response.status;
      isRedirect = REDIRECTS.includes(status) || response.type == 'opaqueredirect';
      body = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // A fresh, scrubbed cause: the original may quote request details.
      const cause = new Error(redact(describeError(error)));
      return timeout.aborted
        ? { error: new EventDataError('timeout', `${label} got no answer within ${timeoutMs} ms`, { cause }), isRetryable: true }
        : { error: new EventDataError('network', `${label} failed: ${cause.message}`, { cause }), isRetryable: true };
    }
    return readAnswer(label, status, body, isRedirect);
  }

  /** Elevate's answer as a job, or the error it means. */
  function readAnswer(label: string, status: number, body: string, isRedirect: boolean): Outcome {
    if (isRedirect) {
      const message = `${label} answered with a redirect (HTTP ${status}), which is not followed (it could take the Api-Key elsewhere): set apiBase to the final URL`;
      return { error: new EventDataError('server', message, { status }), isRetryable: false };
    }
    let json: any;
    try { json = JSON.parse(body); } catch { /* not JSON: handled per status below */ }
    if (status >= 200 && status < 300) {
      if (typeof json?.jid == 'string' && typeof json?.status == 'string') return { jid: json.jid, status: json.status };
      return { error: new EventDataError('invalid-response', `${label} answered ${status} without an EventDataJobResult { jid, status }`, { status }), isRetryable: false };
    }
    // Redacted before it is cut: a key straddling the cut would otherwise leave its first part in the message.
    const serverMessage = (typeof json?.message == 'string' ? redact(json.message) : redact(body).slice(0, 200)).trim() || undefined;
    const details = { status, serverMessage };
    // Spec response codes: 400 invalid or missing arguments, 403 incorrect cluster credentials. Neither can change on retry.
    if (status == 400) {
      return { error: new EventDataError('invalid-arguments', `${label} was rejected (HTTP 400): ${serverMessage || 'Invalid or missing required arguments.'}`, details), isRetryable: false };
    }
    if (status == 401 || status == 403) {
      return { error: new EventDataError('bad-credentials', `${label} was refused (HTTP ${status}): ${serverMessage || 'Incorrect cluster credentials.'} Check the API key (ELEVATE_API_KEY) and the cluster.`, details), isRetryable: false };
    }
    const said = serverMessage ? `: ${serverMessage}` : '';
    // A 404 from a retired API version most likely means it is gone.
    const endOfLife = END_OF_LIFE[apiVersion];
    const hint = (status == 404 || status == 410) && endOfLife ? ` (the ${apiVersion} API's end of life is ${endOfLife}: try apiVersion "admin/v4")` : '';
    return { error: new EventDataError('server', `${label} failed (HTTP ${status})${said}${hint}`, details), isRetryable: status >= 500 || status == 429 };
  }

  async function send(method: 'GET' | 'POST', endpoint: string, param: 'customerKey' | 'jid', value: string, signal?: AbortSignal): Promise<EventDataJob> {
    if (typeof value != 'string' || !value.trim()) {
      throw new EventDataError('invalid-arguments', `${param} must be a non-empty string, e.g. "962d41f3-1a53-4bb8-bd01-3b85310fb45f"`);
    }
    const url = `${base}${prefix}/${endpoint}?${param}=${encodeURIComponent(value)}`;
    // No query in messages: a customerKey identifies a person, and messages end up in logs.
    const label = `${method} ${base}${prefix}/${endpoint}`;
    for (let retry = 0; ; retry++) {
      const result = await attempt(method, url, label, signal);
      if (!('error' in result)) return result;
      if (!result.isRetryable) throw result.error;
      if (retry >= retries) {
        const { code, message, status, serverMessage, cause } = result.error;
        throw retries == 0 ? result.error : new EventDataError(code, `${message} (after ${retries + 1} attempts)`, { status, serverMessage, cause });
      }
      // Exponential backoff with jitter, so many clients failing together do not retry in lockstep.
      // Retrying a create is safe enough: a duplicate remove or export job does no harm.
      const delay = Math.min(retryDelayMs * 2 ** retry, MAX_RETRY_DELAY_MS);
      await sleep(delay / 2 + Math.random() * delay / 2, signal);
    }
  }

  async function waitForJob(jid: string, options: WaitForJobOptions = {}): Promise<EventDataJob> {
    const { timeoutMs: waitMs = 600_000, intervalMs = 1000, onProgress, signal } = ownOptions(options ?? {});
    checkWaitMs('timeoutMs', waitMs, 600_000);
    checkWaitMs('intervalMs', intervalMs, 1000);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), waitMs);
    const stop = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    let last: EventDataJob | undefined;
    try {
      for (let interval = intervalMs; ; interval = Math.min(interval * 2, Math.max(intervalMs, MAX_POLL_MS))) {
        const job = await send('GET', 'job-status', 'jid', jid, stop);
        if (job.status !== last?.status) onProgress?.(job);
        last = job;
        if (job.status == 'done') return job;
        if (job.status == 'error' || job.status == 'not_found') {
          throw new EventDataError('job-failed', job.status == 'error' ? `Job ${jid} ended in error` : `Job ${jid} is not known to Elevate (not_found)`);
        }
        await sleep(interval, stop);
      }
    } catch (error) {
      if (deadline.signal.aborted && !signal?.aborted) {
        // Elevate's GDPR documentation: jobs wait until the day after they were created before they run.
        const hint = last?.status == 'created' || last?.status == 'waiting'
          ? `. Elevate runs jobs from the day after they were created, so it goes on: check it later with getJobStatus (CLI: elevate-tracker job-status ${jid})`
          : '';
        throw new EventDataError('timeout', `Job ${jid} was not done within ${waitMs} ms; last status: ${last?.status ?? 'none yet'}${hint}`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  const view = { apiBase: base, prefix, apiKey: '[redacted]' };
  return Object.freeze({
    createRemoveCustomerJob: (customerKey: string) => send('POST', 'create-remove-customer-job', 'customerKey', customerKey),
    createExportCustomerJob: (customerKey: string) => send('POST', 'create-export-customer-job', 'customerKey', customerKey),
    getJobStatus: (jid: string) => send('GET', 'job-status', 'jid', jid),
    waitForJob,
    toJSON: () => ({ ...view }),
    [inspect.custom]: (_depth: number, options: InspectOptions) => `EventDataClient ${inspect(view, options)}`,
  });
}
