/**
 * Client of the Elevate Session Management API (../shared/spec/session-management.txt and
 * session-management-summary.txt): create, read and update a session. Browser and Node; global `fetch` only.
 */

/** Options of `createSessionClient`. */
export interface SessionClientOptions {
  /** Absolute http(s) URL the `/sessions/…` paths are appended to, e.g. `"https://shop.example.com/session-api"`. Required; there is no default. */
  baseUrl: string;
  /** Tenant sent as the `tenantId` query parameter on every call (newer server versions require it). Defaults to none (not sent). */
  tenantId?: string;
  /** Agent ID sent as the `gkc_agentId` header on every call; a per-call `agentId` overrides it. Defaults to none (not sent). */
  agentId?: string;
  /** Milliseconds to wait for each attempt (answer and body) before giving up with code `timeout`. Defaults to `10000`. */
  timeoutMs?: number;
  /** Delays in milliseconds before each retry of a GET, each at most 2147483647 (24.8 days); its length is the number of retries. Defaults to `[250, 500]`. */
  retryDelaysMs?: readonly number[];
  /** The `fetch` to use, for tests or a polyfill. Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** What a call sends: `customerId` and `agentId` as headers, `visitId` and `globalVisitId` in a JSON body. */
export interface SessionFields {
  /** Sent as the `gkc_customerId` header. Defaults to none (not sent). */
  customerId?: string;
  /** Sent as the `gkc_agentId` header. Defaults to the client's `agentId` option. */
  agentId?: string;
  /** Sent in the JSON body. Defaults to none (not sent). */
  visitId?: string;
  /** Sent in the JSON body. Defaults to none (not sent). */
  globalVisitId?: string;
}

/** The server's SessionInfo; fields this client does not know are kept as they came. */
export interface SessionInfo {
  sessionId: string;
  customerId?: string;
  agentId?: string;
  visitId?: string;
  globalVisitId?: string;
  [field: string]: unknown;
}

export interface SessionClient {
  /** `PUT /sessions/new`: starts a session. */
  create(fields?: SessionFields): Promise<SessionInfo>;
  /** `GET /sessions/{sessionId}`: reads a session; retried on network error, timeout and 5xx. */
  get(sessionId: string): Promise<SessionInfo>;
  /** `POST /sessions/{sessionId}`: associates fields with a session; the server creates it if unknown. */
  update(sessionId: string, fields?: SessionFields): Promise<SessionInfo>;
}

/** `redirect`: the server answered with a redirect, which is never followed; `http`: any other unexpected status. */
export type SessionApiErrorCode =
  | 'already-exists' | 'not-found' | 'bad-request' | 'server' | 'timeout' | 'network' | 'invalid-response' | 'redirect' | 'http';

/** Rejection of every failed call except programmer errors (those are `TypeError`s). */
export class SessionApiError extends Error {
  /** HTTP status; `0` when no answer came (network error, timeout), or for a redirect in a browser, which hides its status. */
  readonly status: number;
  readonly code: SessionApiErrorCode;
  /** The server's own message, from a JSON error body or plain text. */
  readonly serverMessage?: string;
  constructor(message: string, code: SessionApiErrorCode, status: number, serverMessage?: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'SessionApiError';
    this.code = code;
    this.status = status;
    if (serverMessage !== undefined) this.serverMessage = serverMessage;
  }
}

type Method = 'GET' | 'PUT' | 'POST';

const RETRIED_CODES: readonly SessionApiErrorCode[] = ['network', 'timeout', 'server'];
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout fires at once above this.
const REDIRECTS = [301, 302, 303, 307, 308];

export function createSessionClient(given: SessionClientOptions): SessionClient {
  const options = readOwn(given);
  const baseUrl = readBaseUrl(options.baseUrl);
  const { tenantId, agentId, timeoutMs = 10_000 } = options;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new TypeError(`createSessionClient: options.timeoutMs must be a positive number of milliseconds, e.g. 10000; got ${String(timeoutMs)}`);
  }
  const retryDelaysMs = readRetryDelays(options.retryDelaysMs ?? [250, 500]);
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== 'function') {
    throw new TypeError('createSessionClient: no global fetch here; pass one as options.fetch, e.g. { fetch: myFetch }');
  }
  const query = tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : '';

  async function call(method: Method, path: string, fields?: SessionFields): Promise<SessionInfo> {
    const { customerId, agentId: callAgentId, visitId, globalVisitId } = readOwn(fields);
    const headers: Record<string, string> = { Accept: 'application/json' };
    setHeader(headers, 'gkc_agentId', callAgentId || agentId);
    setHeader(headers, 'gkc_customerId', customerId);
    const init: RequestInit = { method, headers };
    if (visitId || globalVisitId) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify({ visitId: visitId || undefined, globalVisitId: globalVisitId || undefined });
    }
    const label = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchSession(baseUrl + path + query, init, label);
      } catch (error) {
        // Only GET is safe to repeat: a retried PUT or POST could create or change a session twice.
        const isRetried = method === 'GET' && attempt < retryDelaysMs.length &&
          error instanceof SessionApiError && RETRIED_CODES.includes(error.code);
        if (!isRetried) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempt]));
      }
    }
  }

  async function fetchSession(url: string, init: RequestInit, label: string): Promise<SessionInfo> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answer: [Response, string];
    try {
      // Racing the timer, not only aborting, settles even with a fetch that ignores the signal.
      answer = await new Promise<[Response, string]>((resolve, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new SessionApiError(`Session API ${label} timed out after ${timeoutMs} ms`, 'timeout', 0));
        }, timeoutMs);
        Promise.resolve()
          // Redirects are never followed: a 307 would carry the visitor's ids to whatever origin it names.
          .then(() => send(url, { ...init, redirect: 'manual', signal: controller.signal }))
          .then(async (response) => [response, await response.text()] as [Response, string])
          .then(resolve, (cause: unknown) =>
            reject(new SessionApiError(`Session API ${label} failed: network error`, 'network', 0, undefined, cause)));
      });
    } finally {
      clearTimeout(timer);
    }
    const [response, text] = answer;
    if (response.type === 'opaqueredirect' || REDIRECTS.includes(response.status)) throw readRedirect(label, response.status);
    const body = parseBody(text);
    if (!response.ok) throw readHttpError(label, response.status, body, init.method === 'PUT');
    const info = readSessionInfo(body);
    if (!info) {
      throw new SessionApiError(`Session API ${label} answered without a sessionId`, 'invalid-response', response.status);
    }
    return info;
  }

  return {
    create: (fields) => call('PUT', '/sessions/new', fields),
    // async, so a bad sessionId rejects like every other failure instead of throwing.
    get: async (sessionId) => call('GET', readSessionPath(sessionId)),
    update: async (sessionId, fields) => call('POST', readSessionPath(sessionId), fields),
  };
}

/**
 * The own enumerable properties of `value` on an object without a prototype: options and fields planted on
 * `Object.prototype` by a prototype-polluting library on the page (a `fetch`, a `customerId`) are never read.
 */
function readOwn<T extends object>(value: T | null | undefined): Partial<T> {
  return Object.assign(Object.create(null), value);
}

/** A copy of the delays, each one a timer can wait (setTimeout fires at once beyond MAX_TIMEOUT_MS). */
function readRetryDelays(value: unknown): readonly number[] {
  const delays = Array.isArray(value) ? [...value] : [NaN];
  if (!delays.every((ms) => typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMEOUT_MS)) {
    throw new TypeError(`createSessionClient: options.retryDelaysMs must be an array of milliseconds, each from 0 to ${MAX_TIMEOUT_MS} (24.8 days), e.g. [250, 500]`);
  }
  return delays;
}

function readBaseUrl(value: unknown): string {
  const trimmed = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    // Reported below.
  }
  // Paths are appended to the string, so a query or fragment in it would swallow them.
  if (!url || !/^https?:$/.test(url.protocol) || /[?#]/.test(trimmed) || url.username || url.password) {
    throw new TypeError(
      `createSessionClient: options.baseUrl must be an absolute http(s) URL without query, e.g. "https://shop.example.com/session-api"; got ${JSON.stringify(value)}`);
  }
  return trimmed;
}

function readSessionPath(sessionId: string): string {
  // URL parsers resolve "." and ".." (even as %2E) as dot segments, so no encoding keeps them in the path.
  if (typeof sessionId !== 'string' || sessionId === '' || sessionId === '.' || sessionId === '..') {
    throw new TypeError(`Session API: sessionId must be a non-empty string other than "." or ".."; got ${JSON.stringify(sessionId)}`);
  }
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

function setHeader(headers: Record<string, string>, name: string, value: string | undefined): void {
  if (!value) return;
  // fetch rejects non-Latin-1 and line breaks, and sends Latin-1 as raw bytes servers misread: fail clearly instead.
  if (!/^[\x20-\x7e]+$/.test(value)) {
    throw new TypeError(`Session API: ${name} must be printable ASCII to travel in a header; got ${JSON.stringify(value)}`);
  }
  headers[name] = value;
}

/** JSON if it parses, else the text itself (a plain-text error message). */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A SessionInfo, bare or wrapped as `{ "response": SessionInfo }`. */
function readSessionInfo(body: unknown): SessionInfo | undefined {
  for (const candidate of [body, isRecord(body) ? body.response : undefined]) {
    if (isRecord(candidate) && typeof candidate.sessionId === 'string' && candidate.sessionId) {
      return candidate as SessionInfo;
    }
  }
  return undefined;
}

/** The first message in `message`, `errorMessage`, `error` or `response`, at any depth, or plain text. */
function readMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 200) || undefined; // an HTML error page can be long
  if (!isRecord(body)) return undefined;
  for (const key of ['message', 'errorMessage', 'error', 'response']) {
    const message = readMessage(body[key]);
    if (message) return message;
  }
  return undefined;
}

/** A browser gives a redirect it was told not to follow as an `opaqueredirect` with status 0, Node with its status. */
function readRedirect(label: string, status: number): SessionApiError {
  return new SessionApiError(`Session API ${label} answered with a redirect${status ? ` (HTTP ${status})` : ''}, `
    + "which is not followed (it could take the visitor's ids elsewhere): set baseUrl to the final URL", 'redirect', status);
}

function readHttpError(label: string, status: number, body: unknown, isCreate: boolean): SessionApiError {
  const serverMessage = readMessage(body);
  const message = serverMessage ?? '';
  // The spec: GET answers a "Session not found" error for an unknown id (servers use 404 or 400), and
  // PUT /sessions/new answers 400 BAD REQUEST "if the dataset already exists".
  const code: SessionApiErrorCode = /session not found/i.test(message) ? 'not-found'
    : status === 400 && isCreate && /already exist/i.test(message) ? 'already-exists'
      : status === 400 ? 'bad-request'
        : status >= 500 ? 'server'
          : 'http';
  return new SessionApiError(
    `Session API ${label} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`, code, status, serverMessage);
}
