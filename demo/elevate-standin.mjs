// @ts-check
// A stand-in for the Voyado Elevate (Apptus eSales) v2 notification API, for tests and the demo.
// It validates requests as ../shared/spec/notifications-{click,end}-v2.txt say, records every
// request, and can inject faults (drop, 500, 400, latency) for reliability tests.
// Node built-ins only. Run it alone with `node demo/elevate-standin.mjs [port]`.
import { createServer } from 'node:http';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const NOTIFICATIONS = '/api/v2/notifications/';
const TYPES = new Set(['click', 'end']);
// Both spec pages: all three query parameters are "Required".
const REQUIRED_PARAMS = ['customerKey', 'market', 'sessionKey'];
// Click spec, "Supported Content-Type": application/json and text/plain, both charset=utf-8.
const CLICK_MEDIA_TYPES = new Set(['application/json', 'text/plain']);
const BODY_LIMIT = 64 * 1024;
const CORS = { 'Access-Control-Allow-Origin': '*' };
const PREFLIGHT = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Accept-Encoding',
  'Access-Control-Max-Age': '600',
};
/** Admin routes under /__standin/ and the methods each allows. */
const ADMIN_ROUTES = { requests: ['GET', 'DELETE'], preflights: ['GET'], faults: ['GET', 'PUT'], events: ['GET'] };

/**
 * @typedef {object} NotificationRecord
 * @property {number} seq 1-based arrival number.
 * @property {number} time Arrival time in ms since the epoch.
 * @property {string} type 'click', 'end', or the last path segment of an unknown path.
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query All query parameters (last value wins).
 * @property {string | null} contentType
 * @property {string | null} body Raw body; null when empty or over the 64 KiB limit.
 * @property {string | undefined} ticket The click ticket, when accepted.
 * @property {number | 'dropped'} status
 * @property {string | undefined} reason Why the request was refused.
 * @property {'500' | '400' | 'drop' | 'latency' | undefined} fault The injected fault, if any.
 */
/**
 * @typedef {object} PreflightRecord
 * @property {number} time
 * @property {string} path
 * @property {string | null} origin
 * @property {string | null} requestMethod Access-Control-Request-Method.
 * @property {string | null} requestHeaders Access-Control-Request-Headers.
 */
/**
 * @typedef {object} Faults
 * @property {number} [fail500] Probability of answering 500. Defaults to 0.
 * @property {number} [fail400] Probability of answering 400 `fault injected`. Defaults to 0.
 * @property {number} [drop] Probability of destroying the socket without an answer. Defaults to 0.
 * @property {number} [latencyMs] Delay before every notification answer. Defaults to 0.
 * @property {number} [seed] Integer seed for repeatable faults. Defaults to Math.random.
 */

/** Creates a stand-in Elevate notification API; mount `handle` in a server or call `listen`. */
export function createElevateStandIn() {
  /** @type {NotificationRecord[]} */
  const requests = [];
  /** @type {PreflightRecord[]} */
  const preflights = [];
  const events = new EventEmitter().setMaxListeners(0);
  /** @type {Set<import('node:http').ServerResponse>} */
  const streams = new Set();
  /** @type {Required<Omit<Faults, 'seed'>> & { seed?: number }} */
  let faults = { fail500: 0, fail400: 0, drop: 0, latencyMs: 0 };
  let random = Math.random;
  let lastSeq = 0;
  /** @type {import('node:http').Server | undefined} */
  let server;

  /**
   * Handles the API and admin paths; returns false for any other path.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://standin');
    const route = url.pathname.startsWith('/api/') ? handleApi
      : url.pathname.startsWith('/__standin/') ? handleAdmin : undefined;
    if (!route) return false;
    route(req, res, url).catch((/** @type {Error} */ err) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, `stand-in error: ${err.message}`);
    });
    return true;
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function handleApi(req, res, url) {
    const path = url.pathname;
    const known = path.startsWith(NOTIFICATIONS) && TYPES.has(path.slice(NOTIFICATIONS.length));
    if (req.method === 'OPTIONS') {
      const header = (/** @type {string} */ name) => /** @type {string | undefined} */ (req.headers[name]) ?? null;
      preflights.push({ time: Date.now(), path, origin: header('origin'),
        requestMethod: header('access-control-request-method'), requestHeaders: header('access-control-request-headers') });
      return known ? send(res, 204, undefined, PREFLIGHT) : send(res, 404, `not found: ${path}`);
    }
    const seq = ++lastSeq;
    const time = Date.now();
    const { body, tooLarge } = await readBody(req);
    const method = req.method ?? 'GET';
    /** @type {NotificationRecord} */
    const record = {
      seq, time, type: path.slice(path.lastIndexOf('/') + 1), method, path,
      query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'] ?? null,
      body: tooLarge || body === '' ? null : body, ticket: undefined, status: 0, reason: undefined,
      // Faults hit only accepted-looking requests, before validation.
      fault: known && method === 'POST' ? drawFault() : undefined,
    };
    Object.assign(record, record.fault && record.fault !== 'latency' ? injected(record.fault) : check(record, known, tooLarge));
    requests.push(record);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (record.status === 'dropped') req.socket.destroy();
    else send(res, record.status, record.reason, record.status === 405 ? { Allow: 'POST, OPTIONS' } : {});
    events.emit('request', record);
  }

  /** @returns {NotificationRecord['fault']} */
  function drawFault() {
    const r = random();
    if (r < faults.drop) return 'drop';
    if (r < faults.drop + faults.fail500) return '500';
    if (r < faults.drop + faults.fail500 + faults.fail400) return '400';
    return faults.latencyMs > 0 ? 'latency' : undefined;
  }

  /** @param {NotificationRecord['fault']} fault @returns {Partial<NotificationRecord>} */
  function injected(fault) {
    if (fault === 'drop') return { status: 'dropped' };
    // Spec "Response codes": 500 is a cluster unavailable or busy; its body may say more.
    if (fault === '500') return { status: 500, reason: 'fault injected: cluster unavailable or busy' };
    return { status: 400, reason: 'fault injected' };
  }

  /** @param {NotificationRecord} r @param {boolean} known @param {boolean} tooLarge @returns {Partial<NotificationRecord>} */
  function check(r, known, tooLarge) {
    if (!known) return { status: 404, reason: `not found: ${r.path}` };
    // Both spec pages list POST only.
    if (r.method !== 'POST') return { status: 405, reason: `method ${r.method} not allowed` };
    if (tooLarge) return { status: 413, reason: `body exceeds ${BODY_LIMIT} bytes` };
    // "400 Invalid or missing required arguments." An empty value counts as missing.
    const missing = REQUIRED_PARAMS.filter((name) => !r.query[name]?.trim());
    if (missing.length) return { status: 400, reason: `missing required query parameter(s): ${missing.join(', ')}` };
    if (r.type === 'end') return { status: 204 }; // The end spec has no request body: ignore any.
    if (!isClickContentType(r.contentType)) return { status: 400, reason: `unsupported Content-Type: ${r.contentType ?? '(none)'}` };
    let json;
    try {
      json = JSON.parse(r.body ?? '');
    } catch {
      return { status: 400, reason: 'body is not valid JSON' };
    }
    // Click spec, schema TicketNotification: `ticket` is a required string.
    const ticket = json?.ticket;
    if (typeof ticket !== 'string' || ticket === '') return { status: 400, reason: 'body needs a non-empty string "ticket"' };
    return { status: 204, ticket };
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function handleAdmin(req, res, url) {
    const name = /** @type {keyof typeof ADMIN_ROUTES} */ (url.pathname.slice('/__standin/'.length));
    const methods = Object.hasOwn(ADMIN_ROUTES, name) ? ADMIN_ROUTES[name] : undefined;
    if (!methods) return send(res, 404, `not found: ${url.pathname}`);
    const allow = [...methods, 'OPTIONS'].join(', ');
    // The inspector page may live on another origin and PUT/DELETE need a preflight.
    if (req.method === 'OPTIONS') {
      return send(res, 204, undefined, { ...PREFLIGHT, 'Access-Control-Allow-Methods': allow });
    }
    if (!methods.includes(req.method ?? '')) return send(res, 405, `method ${req.method} not allowed`, { Allow: allow });
    switch (`${req.method} ${name}`) {
      case 'GET requests': return sendJson(res, requests);
      case 'GET preflights': return sendJson(res, preflights);
      case 'DELETE requests': clearRecords(); return send(res, 204);
      case 'GET faults': return sendJson(res, faults);
      case 'PUT faults':
        try {
          setFaults(JSON.parse((await readBody(req)).body));
        } catch (err) {
          return send(res, 400, `bad faults: ${/** @type {Error} */ (err).message}`);
        }
        return send(res, 204);
      case 'GET events': return streamEvents(res);
    }
  }

  /** Server-Sent Events: one `data: <record JSON>` per notification request. @param {import('node:http').ServerResponse} res */
  function streamEvents(res) {
    res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': connected\n\n');
    const forward = (/** @type {NotificationRecord} */ record) => res.write(`data: ${JSON.stringify(record)}\n\n`);
    events.on('request', forward);
    streams.add(res);
    res.on('close', () => {
      events.off('request', forward);
      streams.delete(res);
    });
  }

  /** @param {string} [type] @returns {NotificationRecord[]} */
  function delivered(type) {
    return requests.filter((r) => r.status === 204 && (type === undefined || r.type === type));
  }

  /**
   * Resolves with `delivered(type)` once it holds `count` records, or once `predicate(requests)` is true.
   * @param {number | ((requests: NotificationRecord[]) => boolean)} expected
   * @param {{ timeoutMs?: number, type?: string }} [options] timeoutMs defaults to 5000.
   * @returns {Promise<NotificationRecord[]>}
   */
  function waitFor(expected, { timeoutMs = 5000, type } = {}) {
    const isDone = typeof expected === 'function' ? () => expected(requests) : () => delivered(type).length >= expected;
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        events.off('request', poke);
      };
      const poke = () => {
        try {
          if (!isDone()) return false;
          stop();
          resolve(delivered(type));
        } catch (err) {
          stop();
          reject(err);
        }
        return true;
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(describeTimeout(expected, type, timeoutMs)));
      }, timeoutMs);
      if (!poke()) events.on('request', poke);
    });
  }

  /** @param {number | Function} expected @param {string | undefined} type @param {number} timeoutMs */
  function describeTimeout(expected, type, timeoutMs) {
    const what = `delivered ${type ?? 'notification'} request(s)`;
    const lines = requests.map((r) => `    #${r.seq} ${r.method} ${r.path} ${r.status}${r.reason ? ` ${r.reason}` : ''}${r.fault ? ` [fault ${r.fault}]` : ''}`);
    return [
      `waitFor timed out after ${timeoutMs} ms`,
      typeof expected === 'function' ? `  expected: ${expected.name || 'predicate'}(requests) to be true` : `  expected: >= ${expected} ${what}`,
      `  received: ${delivered(type).length} ${what} among ${requests.length} request(s)${lines.length ? ':' : ''}`,
      ...lines,
    ].join('\n');
  }

  /** Replaces all faults; omitted options switch that fault off. @param {Faults} [options] */
  function setFaults({ fail500 = 0, fail400 = 0, drop = 0, latencyMs = 0, seed } = {}) {
    for (const [name, p] of Object.entries({ fail500, fail400, drop })) {
      if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
        throw new RangeError(`${name} must be a probability from 0 to 1, e.g. 0.1; got ${JSON.stringify(p)}`);
      }
    }
    if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, e.g. 200; got ${JSON.stringify(latencyMs)}`);
    if (seed !== undefined && !Number.isInteger(seed)) throw new RangeError(`seed must be an integer, e.g. 42; got ${JSON.stringify(seed)}`);
    faults = { fail500, fail400, drop, latencyMs, ...(seed === undefined ? {} : { seed }) };
    random = seed === undefined ? Math.random : mulberry32(seed);
  }

  function clearRecords() {
    requests.length = 0;
    preflights.length = 0;
    lastSeq = 0;
  }

  /** Clears the records and switches every fault off. */
  function reset() {
    clearRecords();
    setFaults();
  }

  /** Serves only the stand-in (404 otherwise). @returns {Promise<string>} the base URL */
  function listen(port = 0, host = '127.0.0.1') {
    const s = createServer((req, res) => {
      if (!handle(req, res)) send(res, 404, `not found: ${req.url}`);
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        const { port: bound } = /** @type {import('node:net').AddressInfo} */ (s.address());
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
      });
    });
  }

  /** Ends open event streams and stops the server started by `listen`. @returns {Promise<void>} */
  function close() {
    for (const res of streams) res.end();
    const s = server;
    server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve, reject) => {
      s.close((err) => (err ? reject(err) : resolve()));
      s.closeAllConnections(); // fetch keeps connections alive; don't wait for them.
    });
  }

  return {
    handle, listen, close, requests, preflights, delivered, waitFor, reset, setFaults, events,
    /** A copy of the current faults. */
    get faults() {
      return { ...faults };
    },
  };
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status
 * @param {string} [text] plain-text body @param {Record<string, string>} [headers]
 */
function send(res, status, text, headers = {}) {
  const type = text === undefined ? {} : { 'Content-Type': 'text/plain; charset=utf-8' };
  res.writeHead(status, { ...CORS, ...type, ...headers });
  res.end(text);
}

/** @param {import('node:http').ServerResponse} res @param {unknown} value */
function sendJson(res, value) {
  res.writeHead(200, { ...CORS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** Reads the whole body, keeping at most BODY_LIMIT bytes. @param {import('node:http').IncomingMessage} req */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= BODY_LIMIT) chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks).toString('utf8'), tooLarge: size > BODY_LIMIT };
}

/** Click spec lists `application/json;charset=utf-8` and `text/plain;charset=utf-8`; browsers send `charset=UTF-8` or none. @param {string | null} header */
function isClickContentType(header) {
  if (!header) return false;
  const [media, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  return CLICK_MEDIA_TYPES.has(media) && params.every((p) => p.replace(/\s*=\s*/, '=').replace(/"/g, '') === 'charset=utf-8');
}

/** A tiny seeded PRNG (mulberry32) so fault sequences repeat. @param {number} seed */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `node demo/elevate-standin.mjs [port]`: serve the stand-in alone, e.g. for tests in another process.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = await createElevateStandIn().listen(Number(process.argv[2] ?? 0));
  console.log(`Elevate stand-in listening on ${url}`);
}
