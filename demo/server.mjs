// @ts-check
// The demo: a storefront on one port and the Elevate stand-ins on the next, a second origin, so the tracker's
// requests cross origins as they do on a real storefront. One process, Node built-ins only.
//
//   npm run demo                        storefront on http://127.0.0.1:8080, stand-in on http://127.0.0.1:8081
//   PORT=3000 HOST=127.0.0.1 npm run demo   storefront on 3000, stand-in on 3001
//   ELEVATE_CLUSTER_ID=w00000000 ELEVATE_MARKET=SE npm run demo
//                                       pages send to that real cluster (data-cluster-id instead of data-api-base);
//                                       the stand-in still runs, but its log stays empty. ELEVATE_MARKET defaults to UK.
//                                       The Session API calls still go to the local Session API stand-in.
//   ELEVATE_API_KEY=…                   the Api-Key the event-data stand-in accepts (default test-api-key).
//
// HTML files may use %API_BASE% (the stand-in's URL), %MARKET%, %CLUSTER_ID% and %CONSENT%, filled in at request
// time. %CONSENT% is the visitor's choice as the site records it, in the `demo_consent` cookie the pages' consent
// controls write: a server-rendered page tells the tracker the consent it already has, the tracker keeps none itself.
// With a cluster ID, the script tag's exact `data-api-base="%API_BASE%"` becomes `data-cluster-id="…"`, because an
// apiBase would win over the cluster; so pages must not use that exact attribute text anywhere else.
//
// Besides the stand-ins' own admin routes (/__standin/…), the stand-in port serves /__demo/… for the inspector page:
// the Session API requests (GET and DELETE session-requests, live as session-events) and its faults (session-faults).
// Every path under /spa/ without a file extension is the single-page app's index.html (its routes are History API
// paths, so a reload or a shared link must land in the app).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createElevateStandIn } from './elevate-standin.mjs';
import { createSessionStandIn } from './session-standin.mjs';
import { createEventDataStandIn } from './event-data-standin.mjs';

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
/** The single-page app's folder; its routes are paths below it. */
const SPA = '/spa/';

/**
 * Starts the storefront and the stand-ins. Port 0 (tests) puts both on any free port; otherwise the stand-in
 * takes port + 1.
 * @param {{ port?: number, host?: string, clusterId?: string, market?: string, apiKey?: string }} [options]
 *   clusterId: send to a real cluster instead of the stand-in. market defaults to 'UK', apiKey to 'test-api-key'.
 * @returns {Promise<{ siteUrl: string, apiUrl: string, close(): Promise<void> }>}
 */
export async function startDemo({ port = 8080, host = '127.0.0.1', clusterId, market = 'UK', apiKey = 'test-api-key' } = {}) {
  if (clusterId && !CLUSTER_ID.test(clusterId)) throw new Error(`cluster ID ${JSON.stringify(clusterId)} is invalid; e.g. w00000000`);
  const elevate = createElevateStandIn();
  const session = createSessionStandIn();
  const sessionLog = createSessionLog();
  const eventData = createEventDataStandIn({ apiKey });
  // Event data goes first: the notification stand-in claims every path under /api/, answering 404 to the rest.
  const api = createServer((req, res) => {
    if (sessionLog.handleAdmin(req, res, session)) return;
    if (eventData.handle(req, res)) return;
    if (session.handle(req, res)) return sessionLog.record(req, res);
    if (elevate.handle(req, res)) return;
    send(res, 404, `not found: ${req.url}`, { 'Access-Control-Allow-Origin': '*' });
  });
  /** @type {Record<string, string>} */
  const values = { MARKET: market, CLUSTER_ID: clusterId ?? '', API_BASE: '' };
  /** @param {string} html @param {import('node:http').IncomingMessage} req */
  const fill = (html, req) => {
    /** @type {Record<string, string>} */
    const filled = { ...values, CONSENT: consentOf(req) };
    return (clusterId ? html.replaceAll('data-api-base="%API_BASE%"', 'data-cluster-id="%CLUSTER_ID%"') : html)
      .replace(/%(API_BASE|MARKET|CLUSTER_ID|CONSENT)%/g, (_, name) => escapeHtml(filled[name]));
  };
  const site = createServer((req, res) => {
    serveFile(req, res, fill).catch((/** @type {Error} */ err) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, `demo server error: ${err.message}`);
    });
  });

  const siteUrl = await listen(site, port, host);
  let apiUrl;
  try {
    const sitePort = /** @type {import('node:net').AddressInfo} */ (site.address()).port;
    apiUrl = await listen(api, port === 0 ? 0 : sitePort + 1, host);
  } catch (err) {
    await stop(site);
    throw err;
  }
  values.API_BASE = apiUrl;
  return {
    siteUrl, apiUrl,
    async close() {
      session.close(); // clears its delayed answers
      sessionLog.close();
      await Promise.all([elevate.close(), stop(site), stop(api)]); // elevate.close() ends event streams
    },
  };
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

/**
 * The consent the visitor gave, from the site's own cookie; anything else is no choice yet.
 * @param {import('node:http').IncomingMessage} req
 */
function consentOf(req) {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=');
    if (name === CONSENT_COOKIE && CONSENTS.includes(value)) return value;
  }
  return DEFAULT_CONSENT;
}

/**
 * @typedef {object} SessionRecord A request the Session API stand-in answered, for the inspector.
 * @property {number} seq 1-based arrival number.
 * @property {number} time Arrival time in ms since the epoch.
 * @property {string} method
 * @property {string} path The path below /session-api, e.g. `/sessions/new`.
 * @property {Record<string, string>} query
 * @property {string | null} customerId The gkc_customerId header.
 * @property {string | null} agentId The gkc_agentId header.
 * @property {string | null} body The raw request body; null when empty.
 * @property {number} status
 * @property {string | null} answer The raw answer (a SessionInfo or an error); null when empty.
 */

/**
 * A log of the Session API stand-in's requests with their answers (its own log has no status or time), served
 * with its faults under /__demo/. The stand-in keeps reading the body itself: a second `data` listener sees the
 * same chunks.
 */
function createSessionLog() {
  /** @type {SessionRecord[]} */
  const records = [];
  const events = new EventEmitter().setMaxListeners(0);
  /** @type {Set<import('node:http').ServerResponse>} */
  const streams = new Set();
  let lastSeq = 0;
  let faults = { down: false, latencyMs: 0 };
  const cors = { 'Access-Control-Allow-Origin': '*' };
  /** Route → methods; PUT and DELETE from the storefront's origin need a preflight. */
  const routes = { 'session-requests': ['GET', 'DELETE'], 'session-events': ['GET'], 'session-faults': ['GET', 'PUT'] };

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function record(req, res) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const header = (/** @type {string} */ name) => [req.headers[name]].flat().join(', ') || null;
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
    /** @type {string | null} */
    let answer = null;
    const end = res.end;
    // The stand-in answers with one res.end(text): keep the text.
    /** @type {any} */ (res).end = (/** @type {unknown[]} */ ...args) => {
      if (typeof args[0] === 'string' && args[0]) answer = args[0];
      return Reflect.apply(end, res, args);
    };
    const time = Date.now();
    res.on('finish', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      /** @type {SessionRecord} */
      const entry = { seq: ++lastSeq, time, method: req.method ?? 'GET', path: url.pathname.replace(/^\/session-api/, ''),
        query: Object.fromEntries(url.searchParams), customerId: header('gkc_customerid'), agentId: header('gkc_agentid'),
        body: body || null, status: res.statusCode, answer };
      records.push(entry);
      events.emit('record', entry);
    });
  }

  /**
   * Serves /__demo/…; returns false for any other path.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {ReturnType<typeof createSessionStandIn>} standIn
   */
  function handleAdmin(req, res, standIn) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (!url.pathname.startsWith('/__demo/')) return false;
    const name = /** @type {keyof typeof routes} */ (url.pathname.slice('/__demo/'.length));
    const methods = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!methods) return send(res, 404, `not found: ${url.pathname}`, cors), true;
    const allow = [...methods, 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': allow, 'Access-Control-Allow-Headers': 'Content-Type' }).end();
      return true;
    }
    if (!methods.includes(req.method ?? '')) return send(res, 405, `method ${req.method} not allowed`, { ...cors, Allow: allow }), true;
    const json = (/** @type {unknown} */ value) => res.writeHead(200, { ...cors, 'Content-Type': 'application/json; charset=utf-8' })
      .end(JSON.stringify(value));
    switch (`${req.method} ${name}`) {
      case 'GET session-requests': json(records); break;
      case 'DELETE session-requests':
        records.length = 0;
        lastSeq = 0;
        res.writeHead(204, cors).end();
        break;
      case 'GET session-events': stream(res); break;
      case 'GET session-faults': json(faults); break;
      case 'PUT session-faults': readJson(req).then((given) => {
        const { down = false, latencyMs = 0 } = /** @type {{ down?: unknown, latencyMs?: unknown }} */ (given ?? {});
        if (typeof down !== 'boolean' || typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000)) {
          return send(res, 400, 'bad faults: expected { "down": false, "latencyMs": 0 } (latency at most 60000)', cors);
        }
        faults = { down, latencyMs };
        standIn.setDown(down);
        standIn.setLatency(latencyMs);
        res.writeHead(204, cors).end();
      }, () => send(res, 400, 'bad faults: not JSON', cors));
    }
    return true;
  }

  /** Server-Sent Events: one `data: <SessionRecord JSON>` per answered request. @param {import('node:http').ServerResponse} res */
  function stream(res) {
    res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': connected\n\n');
    const forward = (/** @type {SessionRecord} */ entry) => res.write(`data: ${JSON.stringify(entry)}\n\n`);
    events.on('record', forward);
    streams.add(res);
    res.on('close', () => {
      events.off('record', forward);
      streams.delete(res);
    });
  }

  return {
    record, handleAdmin,
    /** Ends the open event streams. */
    close() {
      for (const res of streams) res.end();
    },
  };
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<unknown>} */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('too large');
  }
  return JSON.parse(text || '{}');
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status @param {string} text
 * @param {Record<string, string>} [headers]
 */
function send(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(text);
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
      market: env.ELEVATE_MARKET || undefined, apiKey: env.ELEVATE_API_KEY || undefined });
  } catch (err) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (err);
    console.error(code === 'EADDRINUSE' ? `demo: port ${port} or ${port + 1} is in use; try PORT=3000 npm run demo` : `demo: ${message}`);
    process.exit(1);
  }
  const target = env.ELEVATE_CLUSTER_ID ? `real cluster ${env.ELEVATE_CLUSTER_ID}` : 'the stand-in';
  console.log(`Storefront:       ${demo.siteUrl}  (market ${env.ELEVATE_MARKET || 'UK'}, notifications go to ${target})`);
  console.log(`Inspector:        ${demo.siteUrl}/inspector.html  (every request the stand-ins receive, live; fault switches)`);
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
