// @ts-check
// What the inspector page reads under /__demo/ on the stand-in port, besides the notification stand-in's own
// /__standin/ routes: the Session API requests with their answers and the Session API's faults, and the payment
// notifications the admin stand-in answered. Each log is a list (GET; DELETE clears it) and a live feed of
// Server-Sent Events, one `data: <record JSON>` per record. Node built-ins only.
//
//   GET, DELETE /__demo/session-requests   GET /__demo/session-events   GET, PUT /__demo/session-faults
//   GET, DELETE /__demo/payments           GET /__demo/payment-events   PUT /__demo/payment-faults {"fail500": n}
import { EventEmitter } from 'node:events';
import { send, sendJson } from './http.mjs';

/** The inspector is on the storefront's origin, another than the stand-ins'. */
const CORS = { 'Access-Control-Allow-Origin': '*' };

/**
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} Handler
 * @typedef {Record<string, Record<string, Handler>>} DemoRoutes route name under /__demo/ → method → handler
 */

/**
 * Serves /__demo/{name} from `routes`, with CORS and preflights (PUT and DELETE from the storefront's origin need
 * one); returns false for any other path.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {DemoRoutes} routes
 */
export function serveDemoRoute(req, res, routes) {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  if (!url.pathname.startsWith('/__demo/')) return false;
  const name = url.pathname.slice('/__demo/'.length);
  const methods = Object.hasOwn(routes, name) ? routes[name] : undefined;
  if (!methods) return send(res, 404, `not found: ${url.pathname}`, CORS), true;
  const allow = [...Object.keys(methods), 'OPTIONS'].join(', ');
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': allow, 'Access-Control-Allow-Headers': 'Content-Type' }).end();
  } else if (Object.hasOwn(methods, method)) {
    methods[method](req, res);
  } else {
    send(res, 405, `method ${method} not allowed`, { ...CORS, Allow: allow });
  }
  return true;
}

/**
 * Live feeds of one emitter's event, as Server-Sent Events; `close` ends every open one (the demo's shutdown).
 * @param {EventEmitter} emitter @param {string} event
 */
function createFeed(emitter, event) {
  /** @type {Set<import('node:http').ServerResponse>} */
  const streams = new Set();
  return {
    /** @param {import('node:http').ServerResponse} res */
    open(res) {
      res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(': connected\n\n');
      const forward = (/** @type {unknown} */ record) => res.write(`data: ${JSON.stringify(record)}\n\n`);
      emitter.on(event, forward);
      streams.add(res);
      res.on('close', () => {
        emitter.off(event, forward);
        streams.delete(res);
      });
    },
    close() {
      for (const res of streams) res.end();
    },
  };
}

/**
 * A JSON object from a small request body ({} when empty); rejects on anything else.
 * @param {import('node:http').IncomingMessage} req @returns {Promise<Record<string, unknown>>}
 */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('too large');
  }
  const value = JSON.parse(text || '{}');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value;
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
 * A log of the Session API stand-in's requests with their answers (its own log has no status or time), and its
 * fault switches. The stand-in keeps reading the body itself: a second `data` listener sees the same chunks.
 * @param {ReturnType<typeof import('./session-standin.mjs').createSessionStandIn>} standIn
 */
export function createSessionLog(standIn) {
  /** @type {SessionRecord[]} */
  const records = [];
  const events = new EventEmitter().setMaxListeners(0);
  const feed = createFeed(events, 'record');
  let lastSeq = 0;
  let faults = { down: false, latencyMs: 0 };

  /**
   * Records a request the stand-in is answering, once its answer is out.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   */
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

  /** @type {Handler} */
  function putFaults(req, res) {
    readJson(req).then((given) => {
      const { down = false, latencyMs = 0 } = given;
      if (typeof down !== 'boolean' || typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000)) {
        return send(res, 400, 'bad faults: expected { "down": false, "latencyMs": 0 } (latency at most 60000)', CORS);
      }
      faults = { down, latencyMs };
      standIn.setDown(down);
      standIn.setLatency(latencyMs);
      res.writeHead(204, CORS).end();
    }, () => send(res, 400, 'bad faults: not a JSON object', CORS));
  }

  /** @type {DemoRoutes} */
  const routes = {
    'session-requests': {
      GET: (_, res) => sendJson(res, 200, records, CORS),
      DELETE: (_, res) => {
        records.length = 0;
        lastSeq = 0;
        res.writeHead(204, CORS).end();
      },
    },
    'session-events': { GET: (_, res) => feed.open(res) },
    'session-faults': { GET: (_, res) => sendJson(res, 200, faults, CORS), PUT: putFaults },
  };

  return { record, routes, close: feed.close };
}

/**
 * The payment notifications the admin stand-in answered (its own records: seq, time, prefix, query, body, status,
 * reason), and a switch that makes it answer the next ones with 500, as a busy cluster may.
 * @param {ReturnType<typeof import('./event-data-standin.mjs').createEventDataStandIn>} eventData
 */
export function createPaymentLog(eventData) {
  const feed = createFeed(eventData.events, 'payment');

  /** @type {Handler} */
  function putFaults(req, res) {
    readJson(req).then(({ fail500 = 0 }) => {
      if (typeof fail500 !== 'number' || !Number.isInteger(fail500) || fail500 < 0 || fail500 > 100) {
        return send(res, 400, 'bad faults: expected { "fail500": 1 } (how many of the next requests answer 500, at most 100)', CORS);
      }
      eventData.setFail500(fail500);
      res.writeHead(204, CORS).end();
    }, () => send(res, 400, 'bad faults: not a JSON object', CORS));
  }

  /** @type {DemoRoutes} */
  const routes = {
    payments: {
      GET: (_, res) => sendJson(res, 200, eventData.payments, CORS),
      DELETE: (_, res) => {
        eventData.clearPayments();
        res.writeHead(204, CORS).end();
      },
    },
    'payment-events': { GET: (_, res) => feed.open(res) },
    'payment-faults': { PUT: putFaults },
  };

  return { routes, close: feed.close };
}
