// @ts-check
// The demo: a storefront on one port and the Elevate stand-ins on the next, a second origin, so the tracker's
// requests cross origins as they do on a real storefront. One process, Node built-ins only.
//
//   npm run demo                        storefront on http://127.0.0.1:8080, stand-in on http://127.0.0.1:8081
//   PORT=3000 HOST=127.0.0.1 npm run demo   storefront on 3000, stand-in on 3001
//   ELEVATE_CLUSTER_ID=w00000000 ELEVATE_MARKET=SE npm run demo
//                                       pages send to that real cluster (data-cluster-id instead of data-api-base);
//                                       the stand-in still runs, but its log stays empty. ELEVATE_MARKET defaults to UK.
//   ELEVATE_API_KEY=…                   the Api-Key the event-data stand-in accepts (default test-api-key).
//
// HTML files may use %API_BASE% (the stand-in's URL), %MARKET% and %CLUSTER_ID%, filled in at request time.
// With a cluster ID, the script tag's exact `data-api-base="%API_BASE%"` becomes `data-cluster-id="…"`, because an
// apiBase would win over the cluster; so pages must not use that exact attribute text anywhere else.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
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
  const eventData = createEventDataStandIn({ apiKey });
  // Event data goes first: the notification stand-in claims every path under /api/, answering 404 to the rest.
  const api = createServer((req, res) => {
    if (eventData.handle(req, res) || session.handle(req, res) || elevate.handle(req, res)) return;
    send(res, 404, `not found: ${req.url}`, { 'Access-Control-Allow-Origin': '*' });
  });
  /** @type {Record<string, string>} */
  const values = { MARKET: market, CLUSTER_ID: clusterId ?? '', API_BASE: '' };
  /** @param {string} html */
  const fill = (html) => (clusterId ? html.replaceAll('data-api-base="%API_BASE%"', 'data-cluster-id="%CLUSTER_ID%"') : html)
    .replace(/%(API_BASE|MARKET|CLUSTER_ID)%/g, (_, name) => escapeHtml(values[name]));
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
      await Promise.all([elevate.close(), stop(site), stop(api)]); // elevate.close() ends event streams
    },
  };
}

/**
 * Serves a file under MOUNTS, read-only; HTML gets its placeholders filled.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {(html: string) => string} fill
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
  if (extname(file) === '.html') body = Buffer.from(fill(body.toString('utf8')));
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
  console.log(`Elevate stand-in: ${demo.apiUrl}  (requests log: ${demo.apiUrl}/__standin/requests)`);
  console.log('Press Ctrl-C to stop.');
  const shutdown = async () => {
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
