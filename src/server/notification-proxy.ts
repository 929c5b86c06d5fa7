import type { IncomingMessage, ServerResponse } from 'node:http';
import { ownOptions } from './own-options.js';

/** Options of `createNotificationProxy`. */
export interface NotificationProxyOptions {
  /** Elevate cluster ID, e.g. `"w00000000"`: notifications go to `https://{clusterId}.elevate-api.cloud` (API v2: `https://{clusterId}.api.esales.apptus.cloud`). Give exactly one of `clusterId` and `apiBase`. */
  clusterId?: string;
  /** Base URL of the cluster (or a stand-in): https, or http on localhost/127.0.0.1. */
  apiBase?: string;
  /** The notification API generation forwarded, as the tracker's `apiVersion`. Defaults to `"v3"`. */
  apiVersion?: 'v2' | 'v3';
  /** The path the proxy is mounted at on the shop's origin; the tracker's `apiBase` is the shop's origin plus it. Defaults to `"/elevate"`. */
  mount?: string;
  /** Milliseconds the cluster may take to answer before the proxy answers 504, at most 60000. Defaults to `10000`. */
  timeoutMs?: number;
  /** The fetch used to reach the cluster (tests). Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** What the fetch-style handler may be told about the request besides the request itself. */
export interface ProxyRequestInfo {
  /** The visitor's IP address as the server saw it (e.g. Hono's `getConnInfo(c).remote.address`). */
  clientAddress?: string;
}

/** The proxy: a fetch-style handler (Next.js App Router, Hono, Deno, Bun) and a Node `http` one. */
export interface NotificationProxy {
  fetch(request: Request, info?: ProxyRequestInfo): Promise<Response>;
  node(request: IncomingMessage, response: ServerResponse): void;
}

/** The notification types of each generation (../notifications.ts), the only paths forwarded. */
const TYPES = {
  v2: ['click', 'end', 'add-to-cart', 'add-favorite', 'remove-favorite'],
  v3: ['click', 'end', 'add-to-cart', 'add-favorite', 'remove-favorite', 'remove-recent-searches', 'remove-recently-viewed', 'ad-impression'],
};
const PREFIX = { v2: '/api/v2/notifications/', v3: '/api/storefront/v3/notifications/' };
/** The query parameters forwarded, each at most once; anything else is left out. */
const PARAMETERS = { v2: ['customerKey', 'market', 'sessionKey'], v3: ['customerKey', 'market', 'sessionKey', 'userContext'] };
/** Bodies are a ticket or a short list: 4 KiB tickets (the tracker's limit) fit with room to spare. */
export const MAX_PROXIED_BODY = 8192;
const MAX_VALUE = 4096;
const DNS_LABEL = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const NAMES = ['clusterId', 'apiBase', 'apiVersion', 'mount', 'timeoutMs', 'fetch'];

function fail(option: string, problem: string, example: string): never {
  throw new TypeError(`Option ${option} is invalid: ${problem}. Example: ${example}.`);
}

/** The cluster's base URL, from exactly one of clusterId and apiBase; no option can point the proxy elsewhere. */
function resolveBase({ clusterId, apiBase }: NotificationProxyOptions, apiVersion: 'v2' | 'v3'): string {
  if ((clusterId == null) == (apiBase == null)) fail('clusterId', 'give exactly one of clusterId and apiBase', '"w00000000"');
  if (clusterId != null) {
    if (typeof clusterId != 'string' || !DNS_LABEL.test(clusterId)) fail('clusterId', JSON.stringify(String(clusterId)), '"w00000000"');
    return `https://${clusterId}.${apiVersion == 'v3' ? 'elevate-api.cloud' : 'api.esales.apptus.cloud'}`;
  }
  let url: URL | undefined;
  try { url = new URL(apiBase as string); } catch { /* reported below */ }
  if (!url || !(url.protocol == 'https:' || (url.protocol == 'http:' && LOCAL_HOSTS.includes(url.hostname)))
    || url.username || url.password || url.search || url.hash) {
    fail('apiBase', `${JSON.stringify(String(apiBase))} (https, or http on localhost; no credentials, query or fragment)`, '"https://w00000000.elevate-api.cloud"');
  }
  return url.href.replace(/\/+$/, '');
}

const answer = (status: number, text = '', headers: Record<string, string> = {}) =>
  new Response(text || null, { status, headers: { 'Cache-Control': 'no-store', ...(text ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}), ...headers } });

/**
 * A first-party proxy for the tracker's notifications, mounted on the shop's own origin (ad blockers leave it alone,
 * and retail media gets the visitor's User-Agent and address). It is not an open proxy: only POSTs to the
 * generation's notification paths, with only their query parameters and a body of at most 8 KiB, go to the
 * configured cluster; anything else is 404, 405 or 413. It adds `User-Agent` and `X-Forwarded-For`, forwards no
 * cookie, `Authorization` or other header, follows no redirect (502), times out (504), and answers with the
 * cluster's status. Point the tracker at it with `apiBase: 'https://shop.example/elevate'`.
 * @throws TypeError for a bad or unknown option.
 */
export function createNotificationProxy(given: NotificationProxyOptions): NotificationProxy {
  const options = ownOptions(given ?? {}) as NotificationProxyOptions;
  const unknown = Object.keys(options).find((name) => !NAMES.includes(name));
  if (unknown) throw new TypeError(`Unknown option ${unknown}; known options: ${NAMES.join(', ')}.`);
  const { apiVersion = 'v3', mount = '/elevate', timeoutMs = 10_000, fetch: send = globalThis.fetch } = options;
  if (apiVersion != 'v2' && apiVersion != 'v3') fail('apiVersion', JSON.stringify(String(apiVersion)), '"v3"');
  if (typeof mount != 'string' || !/^(\/[\w.~-]+)*$/.test(mount)) fail('mount', JSON.stringify(String(mount)), '"/elevate"');
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= 60_000)) fail('timeoutMs', String(timeoutMs), '10000');
  if (typeof send != 'function') fail('fetch', 'it must be a function', 'globalThis.fetch');
  const base = resolveBase(options, apiVersion);
  const prefix = mount + PREFIX[apiVersion];

  /** The cluster's URL for a request, or the status refusing it. */
  function target(url: URL): string | number {
    if (!url.pathname.startsWith(prefix) || !TYPES[apiVersion].includes(url.pathname.slice(prefix.length))) return 404;
    const query = new URLSearchParams();
    for (const name of PARAMETERS[apiVersion]) {
      const values = url.searchParams.getAll(name);
      if (values.length > 1 || values.some((value) => value.length > MAX_VALUE)) return 400;
      if (values.length) query.set(name, values[0]);
    }
    return `${base}${url.pathname.slice(mount.length)}?${query}`;
  }

  async function handle(request: Request, { clientAddress }: ProxyRequestInfo = {}): Promise<Response> {
    const url = new URL(request.url);
    const to = target(url);
    if (typeof to == 'number') return answer(to, to == 404 ? 'not an Elevate notification path' : 'bad query parameters');
    if (request.method != 'POST') return answer(405, 'POST only', { Allow: 'POST' });
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > MAX_PROXIED_BODY) return answer(413, `body over ${MAX_PROXIED_BODY} bytes`);
    const body = await request.text().catch(() => '');
    if (new TextEncoder().encode(body).length > MAX_PROXIED_BODY) return answer(413, `body over ${MAX_PROXIED_BODY} bytes`);
    const forwardedFor = [request.headers.get('x-forwarded-for'), clientAddress].filter(Boolean).join(', ');
    const headers: Record<string, string> = { 'Content-Type': 'text/plain;charset=UTF-8' };
    const userAgent = request.headers.get('user-agent');
    if (userAgent) headers['User-Agent'] = userAgent;
    if (forwardedFor) headers['X-Forwarded-For'] = forwardedFor;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const upstream = await send(to, { method: 'POST', body: body || undefined, headers, redirect: 'manual', credentials: 'omit', signal: abort.signal });
      await upstream.body?.cancel().catch(() => {});
      // A redirect would carry the keys elsewhere: not followed, as in the tracker.
      if (upstream.type == 'opaqueredirect' || (upstream.status >= 300 && upstream.status < 400)) return answer(502, 'the cluster redirected; set apiBase to the final URL');
      return answer(upstream.status);
    } catch {
      return answer(abort.signal.aborted ? 504 : 502, abort.signal.aborted ? 'the cluster did not answer in time' : 'the cluster is unreachable');
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    fetch: handle,
    node(request, response) {
      nodeRequest(request).then(async (converted) => {
        const proxied = typeof converted == 'number' ? answer(converted, `body over ${MAX_PROXIED_BODY} bytes`, { Connection: 'close' })
          : await handle(converted, { clientAddress: request.socket.remoteAddress });
        response.writeHead(proxied.status, Object.fromEntries(proxied.headers)).end(await proxied.text());
        if (typeof converted == 'number') response.once('finish', () => request.destroy());
      }).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy();
      });
    },
  };
}

/**
 * A Node request as a fetch Request, its body read up to the limit: beyond it, 413 (the rest is not read; the
 * connection is closed once the answer is out).
 */
async function nodeRequest(request: IncomingMessage): Promise<Request | number> {
  const chunks: Buffer[] = [];
  if (request.method == 'POST') {
    const isTooLarge = await new Promise<boolean>((resolve, reject) => {
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_PROXIED_BODY) return void chunks.push(chunk);
        request.off('data', onData).pause();
        resolve(true);
      };
      request.on('data', onData).once('end', () => resolve(false)).once('error', reject);
    });
    if (isTooLarge) return 413;
  }
  const headers = new Headers();
  for (const name of ['user-agent', 'x-forwarded-for', 'content-type']) {
    const value = request.headers[name];
    if (typeof value == 'string') headers.set(name, value);
  }
  const body = request.method == 'POST' ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(request.url ?? '/', 'http://proxy.invalid'), { method: request.method, headers, body });
}
