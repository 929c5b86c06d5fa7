import { logError } from './log.js';
import { MAX_DELAY } from './stored-entries.js';

/** What came of a request: delivered or refused for good (`isDone`), or worth another try, not before `retryAfter` ms. */
export type Answer = [isDone: boolean, outcome: unknown, retryAfter?: number];

const REQUEST_TIMEOUT = 10_000;
/** Characters of a refusal's body shown in the debug line. */
const MAX_REASON = 200;

/** Integration mistakes already reported on this page: each is told once, debug or not. */
const reported = new Set<string>();
const reportOnce = (mistake: string, message: string) => reported.has(mistake) || (reported.add(mistake), logError(message));

/** What a 404 from the notification API means, for the API generation of `path`. */
const notFoundAdvice = (path: string) => path.includes('/v3/')
  ? 'no Storefront API v3 here: check clusterId and apiBase, or set apiVersion "v2" for a cluster serving only v2.'
  : 'API v2 is retired (end of life 2024-04-30): remove apiVersion "v2" to use v3.';

/** The wait a 429 or 503 asks for (seconds or an HTTP-date, RFC 9110 §10.2.3), within MAX_DELAY. */
function readRetryAfter(response: Response) {
  // Readable across origins only if the API lists it in Access-Control-Expose-Headers; otherwise null: the backoff.
  const value = response.headers.get('Retry-After');
  const ms = value && (/^\d+$/.test(value) ? +value * 1000 : Date.parse(value) - Date.now());
  return ms && ms > 0 ? Math.min(ms, MAX_DELAY) : undefined;
}

/**
 * The start of the body as text when `isWanted` (debug on), else nothing; either way the rest is never downloaded
 * (an API or proxy may answer a refusal with megabytes).
 */
async function readStart(response: Response, isWanted: boolean) {
  const reader = response.body?.getReader();
  try {
    return isWanted && reader ? new TextDecoder().decode((await reader.read()).value).slice(0, MAX_REASON) : '';
  } catch {
    return ''; // the connection went
  } finally {
    reader?.cancel().catch(() => {});
  }
}

/** Reads an answer: 2xx is delivered; 5xx, 408 and 429 are retried; any other refusal (400: bad arguments, spec) is final. */
async function readAnswer(response: Response, url: string, isDebug: boolean): Promise<Answer> {
  const { status } = response;
  if (response.ok) return [true, status];
  // A redirect would carry the keys and ticket to wherever it points (a 302 also turns the POST into a GET that
  // "succeeds"): never followed, it is a mistake in the integration, which only the site can fix.
  const path = url.split('?')[0];
  if (response.type == 'opaqueredirect') {
    reportOnce('redirect', `${path} redirects, and redirects are not followed: set apiBase (data-api-base) to the final URL.`);
    return [true, 'dropped: redirect'];
  }
  // A path that does not exist is a wrong API generation or host, not a lost notification to try again.
  if (status == 404 || status == 410) reportOnce('not found', `${path} answered ${status}: ${notFoundAdvice(path)}`);
  const isFinal = status < 500 && status != 408 && status != 429;
  const reason = await readStart(response, isFinal && isDebug);
  return [isFinal, isFinal ? `dropped: ${status} ${reason}` : status, readRetryAfter(response)];
}

/**
 * POSTs a notification without credentials (the shop's cookies stay home, even on a same-site API or proxy) and
 * without following redirects. It settles within REQUEST_TIMEOUT whatever `fetch` does: a page's fetch wrapper may
 * drop the abort signal, and a request that never settled would hold its slot for good. The timer is ours, cleared
 * with the answer: AbortSignal.timeout would wake an idle page up ten seconds later.
 */
export function postNotification(url: string, body: string | undefined, isKeptAlive: boolean, isDebug: boolean): Promise<Answer> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    // In a promise, so that a wrapper throwing at once rejects it rather than throwing into the caller.
    new Promise<Response>((resolve) => resolve(fetch(url, { method: 'POST', body, keepalive: isKeptAlive, credentials: 'omit',
      redirect: 'manual', signal: abort.signal }))).then((response) => readAnswer(response, url, isDebug)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject('timeout');
      }, REQUEST_TIMEOUT);
    }),
  ]).finally(() => clearTimeout(timer));
}
