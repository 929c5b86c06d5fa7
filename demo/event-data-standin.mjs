// In-memory stand-in for Elevate's admin API (event-data jobs and payment notifications), for tests and the demo.
// Node built-ins only. Event data follows ../../shared/spec/event-data-remove-customer-job-v2.txt: Api-Key header,
// 403 for wrong credentials, 400 for missing arguments, 200 with an EventDataJobResult { jid, status }. Payments
// follow Elevate's secure payment notification: POST with the Api-Key, the visitor's keys and market in the query
// (`esales.`-prefixed in v2), a JSON body { lines: [{ variantKey | productKey, quantity, sellingPrice, cost? }] };
// 204, 400 for no or invalid lines or arguments, 403 for wrong credentials.
// Run alone: `node demo/event-data-standin.mjs [port]` prints its base URL; the key is `test-api-key`.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

/** @typedef {{ jid: string, kind: 'remove' | 'export', customerKey: string, createdAt: number, steps: string[], shown: number }} StandInJob */
/** @typedef {{ method: string, prefix: string, endpoint: string, query: Record<string, string>, status: number }} StandInRequest */
/**
 * @typedef {object} StandInPayment A payment notification as the stand-in answered it.
 * @property {number} seq 1-based arrival number.
 * @property {number} time Arrival time in ms since the epoch.
 * @property {string} prefix The API version, e.g. `admin/v4`.
 * @property {Record<string, string>} query
 * @property {unknown} body The parsed JSON body; the raw text when it is not JSON.
 * @property {number} status 204 when taken.
 * @property {string} [reason] Why it was refused.
 */

const PAYMENT_PATH = /^\/api\/(v2|admin\/v3|admin\/v4)\/notifications\/payment$/;
const MAX_PAYMENT_BODY = 65_536;

const PATH = /^\/api\/(v2|admin\/v3|admin\/v4)\/event-data\/([a-z-]+)$/;
/** @type {Map<string, { method: string, param: string, kind?: 'remove' | 'export' }>} */
const ENDPOINTS = new Map([
  ['create-remove-customer-job', { method: 'POST', param: 'customerKey', kind: 'remove' }],
  ['create-export-customer-job', { method: 'POST', param: 'customerKey', kind: 'export' }],
  ['job-status', { method: 'GET', param: 'jid' }],
]);

/**
 * @param {object} [options]
 * @param {string} [options.apiKey] The only Api-Key accepted. Defaults to `'test-api-key'`.
 * @param {number} [options.stepMs] Milliseconds a job spends in each status. Defaults to `300`.
 * @param {string[]} [options.steps] Statuses every new job goes through. Defaults to `['created', 'waiting', 'running', 'done']`.
 * @param {boolean} [options.everyStatus] Moves a job on at most one status between two answers, so that a client
 *   polling it sees every status however slow its polls (for tests). Defaults to `false`: the status follows the
 *   job's age only, as on a cluster.
 */
export function createEventDataStandIn({ apiKey = 'test-api-key', stepMs = 300, steps = ['created', 'waiting', 'running', 'done'], everyStatus = false } = {}) {
  /** @type {Map<string, StandInJob>} Tests may edit a job's `steps`, e.g. to end it in `error`. */
  const jobs = new Map();
  /** @type {StandInRequest[]} Every request handled, in order. */
  const requests = [];
  /** @type {StandInPayment[]} */
  const payments = [];
  const events = new EventEmitter().setMaxListeners(0);
  let failuresLeft = 0;
  /** @type {import('node:http').Server | undefined} */
  let server;

  /** Status from the job's age (no timers to clean up); with `everyStatus`, one status on from the last answer at most. */
  const statusOf = (/** @type {StandInJob} */ job) => {
    const byAge = Math.floor((Date.now() - job.createdAt) / stepMs);
    job.shown = Math.min(byAge, everyStatus ? job.shown + 1 : byAge, job.steps.length - 1);
    return job.steps[job.shown];
  };

  /**
   * Answers the event-data endpoints under all three prefixes.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean} false when the request is not for the event-data API (left unanswered).
   */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const [, paymentPrefix] = PAYMENT_PATH.exec(url.pathname) ?? [];
    if (paymentPrefix) {
      handlePayment(req, res, url, paymentPrefix).catch(() => res.destroy());
      return true;
    }
    const [, prefix, endpoint] = PATH.exec(url.pathname) ?? [];
    const route = ENDPOINTS.get(endpoint);
    if (!route) return false;
    const send = (/** @type {number} */ status, /** @type {object} */ body, headers = {}) => {
      requests.push({ method: req.method ?? '', prefix, endpoint, query: Object.fromEntries(url.searchParams), status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      return true;
    };
    if (failuresLeft > 0) {
      failuresLeft--;
      return send(500, { message: 'Internal server error (stand-in, setFail500).' });
    }
    if (req.method !== route.method) return send(405, { message: `Use ${route.method}.` }, { allow: route.method });
    if (req.headers['api-key'] !== apiKey) return send(403, { message: 'Incorrect cluster credentials.' });
    const value = url.searchParams.get(route.param);
    if (!value) return send(400, { message: `Invalid or missing required arguments: ${route.param}.` });
    if (route.kind) {
      const job = { jid: randomUUID(), kind: route.kind, customerKey: value, createdAt: Date.now(), steps: [...steps], shown: -1 };
      jobs.set(job.jid, job);
      return send(200, { jid: job.jid, status: statusOf(job) });
    }
    const job = jobs.get(value);
    return send(200, { jid: value, status: job ? statusOf(job) : 'not_found' });
  }

  /**
   * One payment notification: refused with the status and message the API gives, or taken (204) and recorded.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {URL} url @param {string} prefix
   */
  async function handlePayment(req, res, url, prefix) {
    const time = Date.now();
    const text = await readBody(req);
    let body = text;
    try { body = JSON.parse(text ?? ''); } catch { /* kept as text */ }
    const answer = (/** @type {number} */ status, /** @type {string} */ reason = '') => {
      /** @type {StandInPayment} */
      const payment = { seq: payments.length + 1, time, prefix, query: Object.fromEntries(url.searchParams), body, status };
      if (reason) payment.reason = reason;
      payments.push(payment);
      requests.push({ method: req.method ?? '', prefix, endpoint: 'payment', query: payment.query, status });
      events.emit('payment', payment);
      if (status === 204) return res.writeHead(204).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: reason }));
    };
    if (failuresLeft > 0) {
      failuresLeft--;
      return answer(500, 'Internal server error (stand-in, setFail500).');
    }
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    if (req.headers['api-key'] !== apiKey) return answer(403, 'Incorrect cluster credentials.');
    if (text === undefined) return answer(413, `The body is larger than ${MAX_PAYMENT_BODY} bytes.`);
    const problem = paymentProblem(url.searchParams, prefix === 'v2' ? 'esales.' : '', req.headers['content-type'], body);
    return problem ? answer(400, problem) : answer(204);
  }

  return {
    handle,
    jobs,
    requests,
    /** @type {StandInPayment[]} Every payment notification answered (taken or refused), in order. */
    payments,
    /** Emits `payment` with each StandInPayment as it is answered. */
    events,
    /** Listens on its own server; anything but the event-data API gets 404. Resolves with the base URL. */
    listen(port = 0, host = '127.0.0.1') {
      server = createServer((req, res) => {
        if (!handle(req, res)) res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found."}');
      });
      const listening = server;
      return new Promise((resolve, reject) => {
        listening.once('error', reject).listen(port, host, () => {
          const address = /** @type {import('node:net').AddressInfo} */ (listening.address());
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      });
    },
    /** Stops the server started by `listen`, dropping idle keep-alive connections. */
    close() {
      const closing = server;
      server = undefined;
      if (!closing) return Promise.resolve();
      return new Promise((resolve) => { closing.close(() => resolve(undefined)); closing.closeAllConnections(); });
    },
    /** Forgets jobs, requests and pending failures. */
    reset() {
      jobs.clear();
      requests.length = 0;
      payments.length = 0;
      failuresLeft = 0;
    },
    /** Forgets the payments only (the inspector's "Clear all"); their numbering starts again at 1. */
    clearPayments() {
      payments.length = 0;
    },
    /** Answers the next `n` event-data or payment requests with 500, whatever they are. */
    setFail500(/** @type {number} */ n) {
      failuresLeft = n;
    },
  };
}

/**
 * What is wrong with a payment notification, as the API's 400 says it; undefined when it is valid.
 * @param {URLSearchParams} query @param {string} prefix `esales.` in v2 @param {string | undefined} contentType
 * @param {unknown} body
 */
function paymentProblem(query, prefix, contentType, body) {
  const missing = ['customerKey', 'market', 'sessionKey'].map((name) => prefix + name).find((name) => !query.get(name));
  if (missing) return `Missing or invalid required arguments: ${missing}.`;
  if (!/^application\/json\b/i.test(contentType ?? '')) return 'The request content-type must be application/json.';
  const lines = /** @type {{ lines?: unknown }} */ (body)?.lines;
  if (!Array.isArray(lines) || lines.length === 0) return 'There were no order lines in the payment notification.';
  const index = lines.findIndex((line) => !isPaymentLine(line));
  return index < 0 ? undefined : `Invalid order line ${index}: productKey or variantKey, an integer quantity and a sellingPrice are required.`;
}

/** @param {any} line */
function isPaymentLine(line) {
  const isKey = (/** @type {unknown} */ key) => typeof key === 'string' && key !== '';
  return typeof line === 'object' && line !== null && (isKey(line.variantKey) || isKey(line.productKey))
    && Number.isInteger(line.quantity) && line.quantity > 0 && typeof line.sellingPrice === 'number'
    && (line.cost === undefined || typeof line.cost === 'number');
}

/**
 * The request's body as text, or undefined once it passes MAX_PAYMENT_BODY (the rest is not read).
 * @param {import('node:http').IncomingMessage} req @returns {Promise<string | undefined>}
 */
async function readBody(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_PAYMENT_BODY) return undefined;
  }
  return text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const standIn = createEventDataStandIn();
  const base = await standIn.listen(Number(process.argv[2] ?? 0));
  console.log(`event-data stand-in on ${base} (Api-Key: test-api-key)`);
}
