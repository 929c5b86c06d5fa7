import { END_OF_LIFE } from './admin-options.js';
import type { AdminSettings } from './admin-options.js';
import { EventDataError } from './errors.js';

/** An HTTP answer from Elevate (or whatever answered in its place). */
export interface Answer {
  status: number;
  /** The body, parsed when it is JSON; undefined otherwise. */
  json: any;
  /** Elevate's `message`, or the start of the body, with the key redacted; undefined when empty. */
  serverMessage?: string;
}

/** A request that failed, and whether trying it again is safe and may help. */
export interface Failure {
  error: EventDataError;
  isRetryable: boolean;
}

export interface RequestOptions {
  method: 'GET' | 'POST';
  url: string;
  /** Names the request in messages: method and path, never the query (a customerKey identifies a person). */
  label: string;
  /** Sent as application/json. */
  body?: string;
  signal?: AbortSignal;
  /** Whether a request that may have reached Elevate (a timeout, a reset, a 5xx) may be sent again. */
  isIdempotent: boolean;
}

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_RETRY_DELAY_MS = 30_000;
/**
 * Network errors that happen before a byte of the request has left: no DNS answer, nobody listening, no route.
 * Anything else (a reset, a closed socket, a timeout) may come after Elevate has taken the request.
 */
const NOT_SENT = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH'];
/** Statuses by which a server says it did not take the request: safe to send again even when not idempotent. */
const NOT_TAKEN = [429, 503];

const describeError = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${describeError(error.cause)})` : '';
  return (error instanceof Error ? error.message : String(error)) + cause;
};

const codeOf = (error: unknown): unknown => (error as { cause?: { code?: unknown } })?.cause?.code;

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Requests with the Api-Key, redirects never followed, the key kept out of every message; retries where safe. */
export function createAdminRequest({ apiKey, apiVersion, fetch: fetchFunction, timeoutMs, retries, retryDelayMs }: AdminSettings) {
  const redact = (text: string) => text.split(apiKey).join('[redacted]');

  /** One attempt: Elevate's answer, or the failure and whether another attempt is safe and may help. */
  async function attempt({ method, url, label, body, signal, isIdempotent }: RequestOptions): Promise<Answer | Failure> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { 'Api-Key': apiKey, Accept: 'application/json' };
    if (body != null) headers['Content-Type'] = 'application/json';
    let status: number, text: string;
    try {
      // Redirects are never followed: fetch would send the Api-Key along to wherever they point, even plain http.
      const response = await fetchFunction(url, { method, headers, body, redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      status = response.type == 'opaqueredirect' ? 302 : response.status;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // A fresh, scrubbed cause: the original may quote request details.
      const cause = new Error(redact(describeError(error)));
      const isUnsent = !timeout.aborted && NOT_SENT.includes(codeOf(error) as string);
      const failure = timeout.aborted
        ? new EventDataError('timeout', `${label} got no answer within ${timeoutMs} ms`, { cause, mayHaveArrived: true })
        : new EventDataError('network', `${label} failed: ${cause.message}`, { cause, mayHaveArrived: !isUnsent });
      return { error: failure, isRetryable: isIdempotent || isUnsent };
    }
    let json: any;
    try { json = JSON.parse(text); } catch { /* not JSON: read per status */ }
    // Redacted before it is cut: a key straddling the cut would otherwise leave its first part in the message.
    const serverMessage = (typeof json?.message == 'string' ? redact(json.message) : redact(text).slice(0, 200)).trim() || undefined;
    if (REDIRECTS.includes(status)) {
      const message = `${label} answered with a redirect (HTTP ${status}), which is not followed (it could take the Api-Key elsewhere): set apiBase to the final URL`;
      return { error: new EventDataError('server', message, { status, mayHaveArrived: false }), isRetryable: false };
    }
    if (status >= 200 && status < 300) return { status, json, serverMessage };
    return { error: statusError(label, status, serverMessage), isRetryable: NOT_TAKEN.includes(status) || (isIdempotent && status >= 500) };
  }

  /** The error an answer other than 2xx or a redirect means. */
  function statusError(label: string, status: number, serverMessage: string | undefined): EventDataError {
    // 400 invalid or missing arguments, 403 incorrect credentials: neither taken, neither changes on retry.
    const details = { status, serverMessage, mayHaveArrived: status >= 500 && !NOT_TAKEN.includes(status) };
    if (status == 400) {
      return new EventDataError('invalid-arguments', `${label} was rejected (HTTP 400): ${serverMessage || 'Invalid or missing required arguments.'}`, details);
    }
    if (status == 401 || status == 403) {
      return new EventDataError('bad-credentials', `${label} was refused (HTTP ${status}): ${serverMessage || 'Incorrect cluster credentials.'} Check the API key (ELEVATE_API_KEY) and the cluster.`, details);
    }
    const said = serverMessage ? `: ${serverMessage}` : '';
    // A 404 from a retired API version most likely means it is gone.
    const endOfLife = END_OF_LIFE[apiVersion];
    const hint = (status == 404 || status == 410) && endOfLife ? ` (the ${apiVersion} API's end of life is ${endOfLife}: try apiVersion "admin/v4")` : '';
    return new EventDataError('server', `${label} failed (HTTP ${status})${said}${hint}`, details);
  }

  /** Attempts until one is answered, or fails in a way no retry helps, or the retries are spent. */
  async function request(options: RequestOptions): Promise<Answer> {
    for (let retry = 0; ; retry++) {
      const result = await attempt(options);
      if (!('error' in result)) return result;
      if (!result.isRetryable) throw result.error;
      if (retry >= retries) {
        const { code, message, status, serverMessage, cause, mayHaveArrived } = result.error;
        throw retries == 0 ? result.error : new EventDataError(code, `${message} (after ${retries + 1} attempts)`, { status, serverMessage, cause, mayHaveArrived });
      }
      // Exponential backoff with jitter, so many clients failing together do not retry in lockstep.
      const delay = Math.min(retryDelayMs * 2 ** retry, MAX_RETRY_DELAY_MS);
      await sleep(delay / 2 + Math.random() * delay / 2, options.signal);
    }
  }

  return { request, redact };
}
