// @ts-check
// A stand-in for the Voyado Elevate (Apptus eSales) notification API, for tests and the demo: API v2
// (/api/v2/notifications/{type}) and the Storefront API v3 (/api/storefront/v3/notifications/{type}).
// It validates requests as ../shared/spec/notifications-{click,end}-v2.txt say, and the rest of the
// notification set (add-to-cart, add-favorite, remove-favorite, remove-recent-searches, remove-recently-viewed)
// and v3's userContext as issue 6 and the official client (@apptus/esales-api, src/notification.ts) say;
// it records every request (with the User-Agent, X-Forwarded-For and Origin headers, which tell a request through a
// first-party proxy from one straight from a browser), and can inject faults (drop, 500, 400, latency) for
// reliability tests.
// Node built-ins only. Run it alone with `node demo/elevate-standin.mjs [port]`.
import { createServer } from 'node:http';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

/** @typedef {'v2' | 'v3'} ApiVersion */
/** Path prefix of each API generation, and of its notifications. */
const API_PREFIXES = /** @type {const} */ ({ v2: '/api/v2/', v3: '/api/storefront/v3/' });
const NOTIFICATIONS = /** @type {const} */ ({ v2: '/api/v2/notifications/', v3: '/api/storefront/v3/notifications/' });
/** @type {ApiVersion[]} */
const BOTH = ['v2', 'v3'];
/**
 * Each notification type: the generations that have it, and its body's keys and rule (none for end).
 * @typedef {{ apiVersions: ApiVersion[], keys?: string[], check?: (body: Record<string, unknown>) => string | undefined }} TypeRule
 * @type {Record<string, TypeRule>}
 */
const TYPES = {
  // Click spec, schema TicketNotification: `ticket` is a required string. add-to-cart takes the variant's ticket.
  click: { apiVersions: BOTH, keys: ['ticket'], check: ticketRule },
  'add-to-cart': { apiVersions: BOTH, keys: ['ticket'], check: ticketRule },
  // The official client's FavoritePayload: { productKey } | { variantKey }.
  'add-favorite': { apiVersions: BOTH, keys: ['productKey', 'variantKey'], check: favoriteRule },
  'remove-favorite': { apiVersions: BOTH, keys: ['productKey', 'variantKey'], check: favoriteRule },
  'remove-recent-searches': { apiVersions: ['v3'], keys: ['phrases', 'removeAll'], check: removalRule('phrases') },
  'remove-recently-viewed': { apiVersions: ['v3'], keys: ['productKeys', 'removeAll'], check: removalRule('productKeys') },
  // Retail media (the official client's adImpression): the sponsored product's or banner's ticket.
  'ad-impression': { apiVersions: ['v3'], keys: ['ticket'], check: ticketRule },
  // The end spec has no request body.
  end: { apiVersions: BOTH },
};
// Both spec pages: all three query parameters are "Required". v3 keeps them, but userContext relaxes the keys.
const KEY_PARAMS = ['customerKey', 'market', 'sessionKey'];
/**
 * v3 `userContext` (consent level; PERSONALIZED when omitted): the keys each requires and forbids.
 * @type {Record<'PERSONALIZED' | 'UNPERSONALIZED' | 'ANONYMOUS', { required: string[], forbidden: string[] }>}
 */
const USER_CONTEXTS = {
  PERSONALIZED: { required: ['customerKey', 'sessionKey'], forbidden: [] },
  UNPERSONALIZED: { required: ['sessionKey'], forbidden: ['customerKey'] },
  ANONYMOUS: { required: [], forbidden: ['customerKey', 'sessionKey'] },
};
// Click spec, "Supported Content-Type": application/json and text/plain, both charset=utf-8 (for every body).
const BODY_MEDIA_TYPES = new Set(['application/json', 'text/plain']);
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
 * @property {string} type A key of TYPES ('click', 'end', …), or the last path segment of an unknown path.
 * @property {ApiVersion | undefined} apiVersion 'v2' for /api/v2/…, 'v3' for /api/storefront/v3/…, else undefined.
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query All query parameters (last value wins).
 * @property {string | null} contentType
 * @property {boolean} hasCookie Whether a Cookie header came along (the tracker sends none; a beacon would).
 * @property {string | null} userAgent The User-Agent header: the browser's, sent by it or forwarded by a first-party proxy.
 * @property {string | null} forwardedFor The X-Forwarded-For header: the visitor's address as a proxy added it; a
 *   browser never sends one, so null means the request came direct.
 * @property {string | null} origin The Origin header: a browser's cross-origin request carries the page's origin; a
 *   proxy forwards none.
 * @property {string | null} body Raw body; null when empty or over the 64 KiB limit.
 * @property {Record<string, unknown> | undefined} json The body parsed, when it is a JSON object and validation got
 *   as far as parsing it (so also on a request refused for its keys); undefined otherwise, and always for end.
 * @property {string | undefined} ticket The click or add-to-cart ticket, when accepted.
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
  /** API generations this cluster no longer serves (see `retire`). @type {Set<ApiVersion>} */
  let retired = new Set();
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
    const parsed = parsePath(path);
    const { apiVersion, type } = parsed;
    // A retired generation's paths do not exist on the cluster: 404, as on a real cluster after its end of life.
    const known = parsed.known && !retired.has(/** @type {ApiVersion} */ (apiVersion));
    if (req.method === 'OPTIONS') {
      preflights.push({ time: Date.now(), path, origin: headerOf(req, 'origin'),
        requestMethod: headerOf(req, 'access-control-request-method'), requestHeaders: headerOf(req, 'access-control-request-headers') });
      return known ? send(res, 204, undefined, PREFLIGHT) : send(res, 404, notFound(path, type, apiVersion));
    }
    const seq = ++lastSeq;
    const time = Date.now();
    const { body, tooLarge } = await readBody(req);
    const method = req.method ?? 'GET';
    /** @type {NotificationRecord} */
    const record = {
      seq, time, type, apiVersion, method, path,
      query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'] ?? null, hasCookie: 'cookie' in req.headers,
      userAgent: headerOf(req, 'user-agent'), forwardedFor: headerOf(req, 'x-forwarded-for'), origin: headerOf(req, 'origin'),
      body: tooLarge || body === '' ? null : body, json: undefined, ticket: undefined, status: 0, reason: undefined,
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
    if (!known || !r.apiVersion) return { status: 404, reason: notFound(r.path, r.type, r.apiVersion) };
    // Both spec pages list POST only.
    if (r.method !== 'POST') return { status: 405, reason: `method ${r.method} not allowed` };
    if (tooLarge) return { status: 413, reason: `body exceeds ${BODY_LIMIT} bytes` };
    const queryProblem = checkQuery(r.apiVersion, r.query);
    if (queryProblem) return { status: 400, reason: queryProblem };
    const rule = TYPES[r.type];
    if (!rule.check) return { status: 204 }; // The end spec has no request body: ignore any.
    if (!isBodyContentType(r.contentType)) return { status: 400, reason: `unsupported Content-Type: ${r.contentType ?? '(none)'}` };
    let parsed;
    try {
      parsed = JSON.parse(r.body ?? '');
    } catch {
      return { status: 400, reason: 'body is not valid JSON' };
    }
    const json = isObject(parsed) ? parsed : undefined;
    const unknown = json ? Object.keys(json).filter((key) => !rule.keys?.includes(key)) : [];
    const reason = unknown.length
      ? `unknown key(s) in body: ${unknown.map((key) => JSON.stringify(key)).join(', ')}; ${r.type} takes ${rule.keys?.map((key) => JSON.stringify(key)).join(', ')}`
      : rule.check(json ?? {});
    if (reason) return { status: 400, reason, json };
    return { status: 204, json, ticket: typeof json?.ticket === 'string' ? json.ticket : undefined };
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

  /**
   * The accepted (204) requests, optionally only those of one type and/or one API generation.
   * @param {string} [type] @param {ApiVersion} [apiVersion] @returns {NotificationRecord[]}
   */
  function delivered(type, apiVersion) {
    return requests.filter((r) => r.status === 204 && (type === undefined || r.type === type)
      && (apiVersion === undefined || r.apiVersion === apiVersion));
  }

  /**
   * Resolves with `delivered(type, apiVersion)` once it holds `count` records, or once `predicate(requests)` is true.
   * @param {number | ((requests: NotificationRecord[]) => boolean)} expected
   * @param {{ timeoutMs?: number, type?: string, apiVersion?: ApiVersion }} [options] timeoutMs defaults to 5000.
   * @returns {Promise<NotificationRecord[]>}
   */
  function waitFor(expected, { timeoutMs = 5000, type, apiVersion } = {}) {
    const isDone = typeof expected === 'function' ? () => expected(requests) : () => delivered(type, apiVersion).length >= expected;
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        events.off('request', poke);
      };
      const poke = () => {
        try {
          if (!isDone()) return false;
          stop();
          resolve(delivered(type, apiVersion));
        } catch (err) {
          stop();
          reject(err);
        }
        return true;
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(describeTimeout(expected, type, apiVersion, timeoutMs)));
      }, timeoutMs);
      if (!poke()) events.on('request', poke);
    });
  }

  /** @param {number | Function} expected @param {string | undefined} type @param {ApiVersion | undefined} apiVersion @param {number} timeoutMs */
  function describeTimeout(expected, type, apiVersion, timeoutMs) {
    const what = `delivered ${apiVersion ? `${apiVersion} ` : ''}${type ?? 'notification'} request(s)`;
    const lines = requests.map((r) => `    #${r.seq} ${r.method} ${r.path} ${r.status}${r.reason ? ` ${r.reason}` : ''}${r.fault ? ` [fault ${r.fault}]` : ''}`);
    return [
      `waitFor timed out after ${timeoutMs} ms`,
      typeof expected === 'function' ? `  expected: ${expected.name || 'predicate'}(requests) to be true` : `  expected: >= ${expected} ${what}`,
      `  received: ${delivered(type, apiVersion).length} ${what} among ${requests.length} request(s)${lines.length ? ':' : ''}`,
      ...lines,
    ].join('\n');
  }

  /** Serves the paths of `apiVersions` no more (404), as a cluster past their end of life. @param {ApiVersion[]} [apiVersions] */
  function retire(apiVersions = []) {
    retired = new Set(apiVersions);
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

  /** Clears the records, switches every fault off and serves every generation again. */
  function reset() {
    clearRecords();
    setFaults();
    retire();
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
    handle, listen, close, requests, preflights, delivered, waitFor, reset, setFaults, retire, events,
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

/**
 * A request header as one string (repeated ones joined with `, `, as Node joins X-Forwarded-For), or null.
 * @param {import('node:http').IncomingMessage} req @param {string} name lower case
 */
function headerOf(req, name) {
  const value = req.headers[name];
  return value === undefined ? null : [value].flat().join(', ');
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

/**
 * The generation, type and whether the path is a notification of that generation.
 * @param {string} path @returns {{ apiVersion: ApiVersion | undefined, type: string, known: boolean }}
 */
function parsePath(path) {
  const apiVersion = /** @type {ApiVersion[]} */ (Object.keys(API_PREFIXES)).find((v) => path.startsWith(API_PREFIXES[v]));
  const type = path.slice(path.lastIndexOf('/') + 1);
  const known = apiVersion !== undefined && path === NOTIFICATIONS[apiVersion] + type
    && Object.hasOwn(TYPES, type) && TYPES[type].apiVersions.includes(apiVersion);
  return { apiVersion, type, known };
}

/** @param {string} path @param {string} type @param {ApiVersion | undefined} apiVersion */
function notFound(path, type, apiVersion) {
  const v3Only = apiVersion === 'v2' && path === NOTIFICATIONS.v2 + type && Object.hasOwn(TYPES, type)
    && !TYPES[type].apiVersions.includes('v2');
  return `not found: ${path}${v3Only ? ` (${type} is Storefront API v3 only: ${NOTIFICATIONS.v3}${type})` : ''}`;
}

/**
 * "400 Invalid or missing required arguments." An empty value counts as missing; a forbidden key counts even empty.
 * @param {ApiVersion} apiVersion @param {Record<string, string>} query @returns {string | undefined} why it is refused
 */
function checkQuery(apiVersion, query) {
  const problems = [];
  let required = KEY_PARAMS;
  /** @type {string[]} */
  let forbidden = [];
  const userContext = query.userContext;
  if (apiVersion === 'v2') {
    if (userContext !== undefined) problems.push('query parameter userContext is Storefront API v3 only');
  } else if (userContext !== undefined && !Object.hasOwn(USER_CONTEXTS, userContext)) {
    problems.push(`unknown userContext ${JSON.stringify(userContext)}; expected one of ${Object.keys(USER_CONTEXTS).join(', ')}`);
    required = ['market']; // The keys it needs depend on the context.
  } else {
    const rule = USER_CONTEXTS[/** @type {keyof typeof USER_CONTEXTS} */ (userContext ?? 'PERSONALIZED')];
    required = KEY_PARAMS.filter((name) => name === 'market' || rule.required.includes(name));
    forbidden = rule.forbidden;
  }
  const missing = required.filter((name) => !query[name]?.trim());
  if (missing.length) problems.push(`missing required query parameter(s): ${missing.join(', ')}`);
  const sent = forbidden.filter((name) => Object.hasOwn(query, name));
  if (sent.length) problems.push(`query parameter(s) not allowed with userContext=${userContext}: ${sent.join(', ')}`);
  return problems.length ? problems.join('; ') : undefined;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {unknown} value @returns {value is string} */
const isFilledString = (value) => typeof value === 'string' && value !== '';

/** click and add-to-cart: `{ "ticket": string }`. @param {Record<string, unknown>} body */
function ticketRule(body) {
  return isFilledString(body.ticket) ? undefined : 'body needs a non-empty string "ticket"';
}

/** add-favorite and remove-favorite: exactly one of `productKey` and `variantKey`. @param {Record<string, unknown>} body */
function favoriteRule(body) {
  const given = ['productKey', 'variantKey'].filter((key) => Object.hasOwn(body, key));
  if (given.length === 2) return 'body needs "productKey" or "variantKey", not both';
  return given.length === 1 && isFilledString(body[given[0]]) ? undefined
    : 'body needs a non-empty string "productKey" or "variantKey"';
}

/**
 * remove-recent-searches and remove-recently-viewed: `{ [listKey]: non-empty string[] }` or `{ "removeAll": true }`.
 * @param {string} listKey @returns {(body: Record<string, unknown>) => string | undefined}
 */
function removalRule(listKey) {
  return (body) => {
    const list = body[listKey];
    if (Object.hasOwn(body, listKey) && Object.hasOwn(body, 'removeAll')) return `body needs "${listKey}" or "removeAll", not both`;
    if (body.removeAll === true || (Array.isArray(list) && list.length > 0 && list.every(isFilledString))) return undefined;
    return `body needs "${listKey}", a non-empty array of non-empty strings, or "removeAll": true`;
  };
}

/** Click spec lists `application/json;charset=utf-8` and `text/plain;charset=utf-8`; browsers send `charset=UTF-8` or none. @param {string | null} header */
function isBodyContentType(header) {
  if (!header) return false;
  const [media, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  return BODY_MEDIA_TYPES.has(media) && params.every((p) => p.replace(/\s*=\s*/, '=').replace(/"/g, '') === 'charset=utf-8');
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
