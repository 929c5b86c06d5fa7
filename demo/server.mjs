// @ts-check
// The demo: a storefront on one port and the Elevate stand-ins on the next, a second origin, so the tracker's
// requests cross origins as they do on a real storefront. One process; Node built-ins and the package's own server
// half (`elevate-tracker/server`, i.e. dist/server.js: `npm run demo` builds it first).
//
//   npm run demo                        storefront on http://127.0.0.1:8080, stand-ins on http://127.0.0.1:8081
//   PORT=3000 HOST=127.0.0.1 npm run demo   storefront on 3000, stand-ins on 3001
//   ELEVATE_DEMO_PROXY=0 npm run demo   pages send notifications straight to the stand-in by default (see below)
//   ELEVATE_CLUSTER_ID=w00000000 ELEVATE_MARKET=SE npm run demo
//                                       notifications go to that real cluster: through the proxy, or straight
//                                       from the browser (data-cluster-id instead of data-api-base) when the route
//                                       is direct; the notification stand-in still runs, but its log stays empty.
//                                       The Session API calls and the checkout's payments still go to the local
//                                       stand-ins (a demo order never reaches a real cluster). ELEVATE_MARKET
//                                       defaults to UK.
//   ELEVATE_API_KEY=…                   the Api-Key of the admin stand-in and of the checkout (default test-api-key).
//
// Two routes for the notifications, chosen per visitor by the `demo_route` cookie (`proxy` or `direct`, which the
// pages' "Notifications" switch writes; without one, the `route` option: `proxy`, or `direct` with
// ELEVATE_DEMO_PROXY=0):
//   proxy   the pages send to the storefront's own origin, `/elevate/…`, where the package's first-party proxy
//           (createNotificationProxy) forwards them to the stand-in, or with a cluster ID to that cluster, adding
//           the visitor's User-Agent and X-Forwarded-For. No CORS is involved.
//   direct  the pages send to the stand-in's origin (or the cluster's) themselves: cross-origin, with CORS.
// The notification stand-in records User-Agent, X-Forwarded-For and Origin, and the inspector shows them: a request
// through the proxy carries X-Forwarded-For and no Origin; one straight from the browser the opposite.
//
// The storefront also answers `POST /checkout` (checkout.mjs): it prices the order from the catalogue, reads the
// visitor's keys from the tracker's cookies (visitorKeys) and, with consent, sends the payment notification to the
// admin stand-in with the admin client (createAdminClient's notifyPayment).
//
// HTML files may use %API_BASE% (where the tracker sends notifications: the proxy or the stand-in), %STANDIN% (the
// stand-ins' URL: Session API, logs), %MARKET%, %CLUSTER_ID%, %CONSENT% and %ROUTE% (proxy or direct), filled in at
// request time. %CONSENT% is the visitor's choice as the site records it, in the `demo_consent` cookie the pages'
// consent controls write: a server-rendered page tells the tracker the consent it already has, the tracker keeps
// none itself. With a cluster ID and the direct route, %API_BASE% is empty and the script tag's exact
// `data-api-base="%API_BASE%"` becomes `data-cluster-id="…"`, because an apiBase would win over the cluster; so
// pages must not use that exact attribute text anywhere else.
//
// Besides the stand-ins' own admin routes (/__standin/…), the stand-in port serves /__demo/… for the inspector page
// (inspector-feeds.mjs): the Session API requests and faults, and the payments the admin stand-in received.
// Every path under /spa/ without a file extension is the single-page app's index.html (its routes are History API
// paths, so a reload or a shared link must land in the app).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdminClient, createNotificationProxy } from 'elevate-tracker/server';
import { createElevateStandIn } from './elevate-standin.mjs';
import { createSessionStandIn } from './session-standin.mjs';
import { createEventDataStandIn } from './event-data-standin.mjs';
import { createCheckout } from './checkout.mjs';
import { createPaymentLog, createSessionLog, serveDemoRoute } from './inspector-feeds.mjs';
import { cookieOf, send } from './http.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** URL prefix → folder, first match wins. Nothing else of the repository is served. */
const MOUNTS = [
  ['/dist/', 'dist'],
  ['/node_modules/uuid/', 'node_modules/uuid'],
  ['/node_modules/js-cookie/', 'node_modules/js-cookie'],
  ['/', 'demo/public'],
].map(([prefix, dir]) => ({ prefix, dir: resolve(ROOT, dir) }));
/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.ts': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};
// The tracker's own rule, so a typo fails here instead of as a console error in the page.
const CLUSTER_ID = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;
/** The site's record of the visitor's choice; a first visit has made none. */
const CONSENT_COOKIE = 'demo_consent';
const CONSENTS = ['granted', 'pending', 'denied'];
const DEFAULT_CONSENT = 'pending';
/** The visitor's choice of route for the notifications (see the top of this file). */
const ROUTE_COOKIE = 'demo_route';
/** @typedef {'proxy' | 'direct'} Route */
const ROUTES = ['proxy', 'direct'];
/** Where the first-party proxy is mounted on the storefront's origin. */
const PROXY_MOUNT = '/elevate';
/** A Host header fit to be put in a URL: a name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST_HEADER = /^(?:[a-z\d.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;
/** The single-page app's folder; its routes are paths below it. */
const SPA = '/spa/';

/**
 * @typedef {object} DemoOptions
 * @property {number} [port] The storefront's port; the stand-ins take the next one. 0 (tests) puts both on any free
 *   port. Defaults to 8080.
 * @property {string} [host] Defaults to `'127.0.0.1'`.
 * @property {string} [clusterId] Send notifications to this real cluster instead of the stand-in. Defaults to none.
 * @property {string} [market] Defaults to `'UK'`.
 * @property {string} [apiKey] The Api-Key the admin stand-in accepts and the checkout sends. Defaults to `'test-api-key'`.
 * @property {Route} [route] The notifications' route for a visitor whose demo_route cookie chooses none. Defaults to `'proxy'`.
 */

/**
 * Starts the storefront and the stand-ins.
 * @param {DemoOptions} [options]
 * @returns {Promise<{ siteUrl: string, apiUrl: string, close(): Promise<void> }>}
 */
export async function startDemo({ port = 8080, host = '127.0.0.1', clusterId, market = 'UK', apiKey = 'test-api-key', route = 'proxy' } = {}) {
  if (clusterId && !CLUSTER_ID.test(clusterId)) throw new Error(`cluster ID ${JSON.stringify(clusterId)} is invalid; e.g. w00000000`);
  if (!ROUTES.includes(route)) throw new Error(`route ${JSON.stringify(route)} is invalid; use "proxy" or "direct"`);
  const standIns = createStandIns(apiKey);
  // The storefront needs the stand-ins' URL, known only once they listen on the port after the storefront's.
  /** @type {import('node:http').RequestListener | undefined} */
  let storefront;
  const site = createServer((req, res) => (storefront ? storefront(req, res) : send(res, 503, 'starting, try again')));
  const siteUrl = await listen(site, port, host);
  let apiUrl;
  try {
    const sitePort = /** @type {import('node:net').AddressInfo} */ (site.address()).port;
    apiUrl = await listen(standIns.server, port === 0 ? 0 : sitePort + 1, host);
  } catch (err) {
    await stop(site);
    throw err;
  }
  storefront = createStorefront({ siteUrl, apiUrl, clusterId, market, apiKey, route });
  return {
    siteUrl, apiUrl,
    async close() {
      await Promise.all([standIns.close(), stop(site)]);
    },
  };
}

/**
 * The stand-ins on one server: the notification API, the Session API, the admin API (event data and payments), and
 * the inspector's /__demo/ feeds of them.
 * @param {string} apiKey
 */
function createStandIns(apiKey) {
  const elevate = createElevateStandIn();
  const session = createSessionStandIn();
  const eventData = createEventDataStandIn({ apiKey });
  const sessionLog = createSessionLog(session);
  const paymentLog = createPaymentLog(eventData);
  const routes = { ...sessionLog.routes, ...paymentLog.routes };
  // Event data goes first: the notification stand-in claims every path under /api/, answering 404 to the rest.
  const server = createServer((req, res) => {
    if (serveDemoRoute(req, res, routes)) return;
    if (eventData.handle(req, res)) return;
    if (session.handle(req, res)) return sessionLog.record(req, res);
    if (elevate.handle(req, res)) return;
    send(res, 404, `not found: ${req.url}`, { 'Access-Control-Allow-Origin': '*' });
  });
  return {
    server,
    async close() {
      session.close(); // clears its delayed answers
      sessionLog.close();
      paymentLog.close();
      await Promise.all([elevate.close(), stop(server)]); // elevate.close() ends its event streams
    },
  };
}

/**
 * The storefront's request handler: the first-party proxy under PROXY_MOUNT, the checkout, and the files.
 * @param {{ siteUrl: string, apiUrl: string, clusterId: string | undefined, market: string, apiKey: string, route: Route }} setup
 * @returns {import('node:http').RequestListener}
 */
function createStorefront({ siteUrl, apiUrl, clusterId, market, apiKey, route }) {
  const proxy = createNotificationProxy({ ...(clusterId ? { clusterId } : { apiBase: apiUrl }), mount: PROXY_MOUNT });
  // Payments always go to the admin stand-in, also with a cluster ID: a demo order is no sale. The page waits for
  // the answer, so a stand-in made slow gives up after 10 s rather than the client's default 30.
  const admin = createAdminClient({ apiBase: apiUrl, apiKey, timeoutMs: 10_000 });
  const checkout = createCheckout({ admin, market, consentOf });
  /** @param {string} html @param {import('node:http').IncomingMessage} req */
  const fill = (html, req) => fillPage(html, pageValues(req, { siteUrl, apiUrl, clusterId, market, route }));
  return (req, res) => {
    const path = (req.url ?? '/').split(/[?#]/)[0];
    if (path === PROXY_MOUNT || path.startsWith(`${PROXY_MOUNT}/`)) return proxy.node(req, res);
    const answer = path === '/checkout' ? checkout(req, res) : serveFile(req, res, fill);
    answer.catch((/** @type {Error} */ err) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, `demo server error: ${err.message}`);
    });
  };
}

/**
 * The values of a page's placeholders for this request (see the top of this file).
 * @param {import('node:http').IncomingMessage} req
 * @param {{ siteUrl: string, apiUrl: string, clusterId: string | undefined, market: string, route: Route }} setup
 * @returns {Record<string, string>}
 */
function pageValues(req, { siteUrl, apiUrl, clusterId, market, route }) {
  const chosen = routeOf(req, route);
  // Direct to a cluster: no apiBase at all, the script tag gets data-cluster-id (fillPage).
  const apiBase = chosen === 'proxy' ? `${originOf(req, siteUrl)}${PROXY_MOUNT}` : clusterId ? '' : apiUrl;
  return { API_BASE: apiBase, STANDIN: apiUrl, MARKET: market, CLUSTER_ID: clusterId ?? '', CONSENT: consentOf(req), ROUTE: chosen };
}

/**
 * A page with its placeholders filled, HTML-escaped.
 * @param {string} html @param {Record<string, string>} values
 */
function fillPage(html, values) {
  const byClusterId = values.API_BASE === '' && values.CLUSTER_ID !== '';
  return (byClusterId ? html.replaceAll('data-api-base="%API_BASE%"', 'data-cluster-id="%CLUSTER_ID%"') : html)
    .replace(/%(API_BASE|STANDIN|MARKET|CLUSTER_ID|CONSENT|ROUTE)%/g, (_, name) => escapeHtml(values[name]));
}

/**
 * The storefront's origin as the browser reached it (its Host header), so that the proxy is same-origin also on
 * http://localhost:8080; the listening URL when the header is missing or odd.
 * @param {import('node:http').IncomingMessage} req @param {string} siteUrl
 */
function originOf(req, siteUrl) {
  const host = req.headers.host;
  return host && HOST_HEADER.test(host) ? `http://${host}` : siteUrl;
}

/**
 * The consent the visitor gave, from the site's own cookie; anything else is no choice yet.
 * @param {import('node:http').IncomingMessage} req
 */
function consentOf(req) {
  const value = cookieOf(req, CONSENT_COOKIE);
  return value && CONSENTS.includes(value) ? value : DEFAULT_CONSENT;
}

/**
 * The visitor's route for the notifications, from the site's own cookie, or `fallback`.
 * @param {import('node:http').IncomingMessage} req @param {Route} fallback @returns {Route}
 */
function routeOf(req, fallback) {
  const value = cookieOf(req, ROUTE_COOKIE);
  return value && ROUTES.includes(value) ? /** @type {Route} */ (value) : fallback;
}

/**
 * Serves a file under MOUNTS, read-only; HTML gets its placeholders filled.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {(html: string, req: import('node:http').IncomingMessage) => string} fill
 */
async function serveFile(req, res, fill) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const file = fileFor(req.url ?? '');
  if (!file) return send(res, 400, 'bad path');
  let body;
  try {
    body = await readFile(file);
  } catch {
    return send(res, 404, 'not found'); // missing, or a folder (EISDIR)
  }
  if (extname(file) === '.html') body = Buffer.from(fill(body.toString('utf8'), req));
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length,
    'Cache-Control': 'no-store', // a rebuilt dist/ shows on reload
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The file a request path names, or undefined if it tries to leave its folder. Works on the raw path, as
 * `new URL()` would silently resolve `..` and `%2e%2e` and hide the attempt.
 * @param {string} url
 */
function fileFor(url) {
  let path;
  try {
    path = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    return; // malformed %-escape
  }
  // Checked after decoding, so %2e%2e, %2f and %5c are caught too; a NUL would make fs throw anyway.
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return;
  if (path.endsWith('/')) path += 'index.html';
  else if (path.startsWith(SPA) && !extname(path)) path = `${SPA}index.html`; // an app route
  const mount = MOUNTS.find(({ prefix }) => path.startsWith(prefix));
  if (!mount) return;
  const file = join(mount.dir, path.slice(mount.prefix.length));
  // Belt and braces: whatever the checks above missed, never leave the folder.
  return file.startsWith(mount.dir + sep) ? file : undefined;
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @param {import('node:http').Server} server @param {number} port @param {string} host
 * @returns {Promise<string>} the base URL
 */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { address, port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
      // A wildcard address is no URL a browser can open, and the tracker takes http only on localhost.
      const shown = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
      resolve(`http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`);
    });
  });
}

/** @param {import('node:http').Server} server @returns {Promise<void>} */
function stop(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // keep-alive and the log page's polling would hold close() open
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const port = env.PORT ? Number(env.PORT) : 8080;
  let demo;
  try {
    demo = await startDemo({ port, host: env.HOST || undefined, clusterId: env.ELEVATE_CLUSTER_ID || undefined,
      market: env.ELEVATE_MARKET || undefined, apiKey: env.ELEVATE_API_KEY || undefined,
      route: env.ELEVATE_DEMO_PROXY === '0' ? 'direct' : 'proxy' });
  } catch (err) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (err);
    console.error(code === 'EADDRINUSE' ? `demo: port ${port} or ${port + 1} is in use; try PORT=3000 npm run demo` : `demo: ${message}`);
    process.exit(1);
  }
  const target = env.ELEVATE_CLUSTER_ID ? `real cluster ${env.ELEVATE_CLUSTER_ID}` : 'the stand-in';
  const route = env.ELEVATE_DEMO_PROXY === '0' ? 'straight from the browser' : `through the proxy at ${demo.siteUrl}/elevate`;
  console.log(`Storefront:       ${demo.siteUrl}  (market ${env.ELEVATE_MARKET || 'UK'}, notifications go to ${target},`);
  console.log(`                  ${route} unless the page's Notifications switch says otherwise)`);
  console.log(`Inspector:        ${demo.siteUrl}/inspector.html  (every request the stand-ins receive, live, payments too; fault switches)`);
  console.log(`Checkout:         ${demo.siteUrl}/checkout  ("Place order" in the shop: payments go to the admin stand-in)`);
  console.log(`Single-page app:  ${demo.siteUrl}/spa/  (the npm build, History API routes)`);
  console.log(`Elevate stand-in: ${demo.apiUrl}  (requests log: ${demo.apiUrl}/__standin/requests)`);
  console.log('Press Ctrl-C to stop.');
  const shutdown = async () => {
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
