// In-memory stand-in of the Elevate Session Management API (../shared/spec/session-management*.txt), served
// under /session-api, for the demo and for tests. Node built-ins only.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const PREFIX = '/session-api';
const SESSION_PATH = /^\/sessions\/([^/]+)$/;
const MAX_BODY_BYTES = 64 * 1024;
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, PUT, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Accept, gkc_agentId, gkc_customerId',
  'Access-Control-Max-Age': '600',
};

/**
 * @typedef {{ sessionId: string, customerId?: string, agentId?: string, visitId?: string, globalVisitId?: string }} SessionInfo
 * @typedef {{ method: string, path: string, query: Record<string, string>,
 *   headers: { gkc_agentId: string | undefined, gkc_customerId: string | undefined }, body: unknown }} LoggedRequest
 *   `path` is the raw (still encoded) path below /session-api, e.g. `/sessions/a%2Fb`; `body` is the parsed JSON,
 *   the raw text if it is not JSON, or undefined if empty.
 */

/** Creates a stand-in; `listen()` serves it alone, `handle()` mounts it in another server. */
export function createSessionStandIn() {
  /** @type {Map<string, SessionInfo>} */
  const sessions = new Map();
  /** @type {LoggedRequest[]} */
  const requests = [];
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();
  /** @type {import('node:http').Server | undefined} */
  let server;
  let isDown = false;
  let latencyMs = 0;

  /**
   * Answers a request under /session-api; returns false, answering nothing, for any other path.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean}
   */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    readBody(req, (text, isTooLarge) => {
      /** @type {LoggedRequest} */
      const logged = {
        method: req.method ?? 'GET',
        path: url.pathname.slice(PREFIX.length),
        query: Object.fromEntries(url.searchParams),
        // Node lowercases header names.
        headers: { gkc_agentId: readHeader(req, 'gkc_agentid'), gkc_customerId: readHeader(req, 'gkc_customerid') },
        body: text ? parseJson(text) ?? text : undefined,
      };
      requests.push(logged);
      const [status, answer, extraHeaders] = isTooLarge ? error(413, 'Request body too large') : route(logged, text);
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(res, status, answer, extraHeaders);
      }, latencyMs);
      timers.add(timer);
    });
    return true;
  }

  /**
   * @param {LoggedRequest} request
   * @param {string} text
   * @returns {[number, unknown, Record<string, string>?]}
   */
  function route({ method, path, headers }, text) {
    if (isDown) return error(503, 'Session API is down');
    if (method === 'OPTIONS') return [204, undefined];
    const match = SESSION_PATH.exec(path);
    if (!match) return error(404, `No route for ${path}`);
    const isNew = match[1] === 'new';
    // Only PUT reads "new" as a command; GET and POST take it as an ID, like any other.
    if (method === 'PUT' ? !isNew : method !== 'GET' && method !== 'POST') {
      return error(405, `${method} is not allowed on ${path}`, { Allow: `GET, ${isNew ? 'PUT, ' : ''}POST, OPTIONS` });
    }
    let sessionId;
    try {
      sessionId = isNew && method === 'PUT' ? randomUUID() : decodeURIComponent(match[1]);
    } catch {
      return error(400, `Malformed session ID in ${path}`);
    }
    if (method === 'GET') {
      const session = sessions.get(sessionId);
      // The summary spec: a "Session not found" error when no session has the ID.
      return session ? [200, session] : error(404, 'Session not found');
    }
    const fields = text ? parseJson(text) : {};
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      return error(400, 'Request body must be a JSON object');
    }
    for (const key of ['visitId', 'globalVisitId']) {
      if (fields[key] !== undefined && typeof fields[key] !== 'string') return error(400, `${key} must be a string`);
    }
    // POST on an unknown ID creates the session (summary spec, "Update Session Information").
    const session = { ...sessions.get(sessionId), sessionId };
    const given = { customerId: headers.gkc_customerId, agentId: headers.gkc_agentId,
      visitId: fields.visitId, globalVisitId: fields.globalVisitId };
    for (const [key, value] of Object.entries(given)) if (value) Object.assign(session, { [key]: value });
    sessions.set(sessionId, session);
    return [200, session];
  }

  /**
   * Serves the stand-in alone; resolves to its base URL, e.g. `http://127.0.0.1:PORT/session-api`.
   * @param {number} [port] Defaults to `0` (any free port).
   * @param {string} [host] Defaults to `'127.0.0.1'`.
   * @returns {Promise<string>}
   */
  function listen(port = 0, host = '127.0.0.1') {
    if (server) return Promise.reject(new Error('session stand-in: already listening; close() it first'));
    const started = createServer((req, res) => {
      if (!handle(req, res)) send(res, ...error(404, `No route for ${req.url}`));
    });
    server = started;
    return new Promise((resolve, reject) => {
      started.once('error', (error) => {
        server = undefined;
        reject(error);
      });
      started.listen(port, host, () => {
        const address = /** @type {import('node:net').AddressInfo} */ (started.address());
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}${PREFIX}`);
      });
    });
  }

  /**
   * Stops serving, dropping open connections and delayed answers.
   * @returns {Promise<void>}
   */
  function close() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const stopped = server;
    server = undefined;
    if (!stopped) return Promise.resolve();
    return new Promise((resolve) => {
      stopped.close(() => resolve());
      stopped.closeAllConnections();
    });
  }

  return {
    handle,
    listen,
    close,
    sessions,
    requests,
    /** Forgets sessions and requests; comes back up with no latency. Delayed answers still go out. */
    reset() {
      sessions.clear();
      requests.length = 0;
      isDown = false;
      latencyMs = 0;
    },
    /** @param {boolean} down While true every request, preflights included, answers 503. */
    setDown(down) {
      isDown = down;
    },
    /** @param {number} ms Delay before each answer. */
    setLatency(ms) {
      latencyMs = ms;
    },
  };
}

/**
 * @param {number} status
 * @param {string} message
 * @param {Record<string, string>} [headers]
 * @returns {[number, unknown, Record<string, string>?]}
 */
function error(status, message, headers) {
  return [status, { status, message }, headers];
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {string} name lowercase
 */
function readHeader(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the body as UTF-8, stopping at MAX_BODY_BYTES.
 * @param {import('node:http').IncomingMessage} req
 * @param {(text: string, isTooLarge: boolean) => void} done
 */
function readBody(req, done) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  let isFinished = false;
  /** @param {boolean} isTooLarge */
  const finish = (isTooLarge) => {
    if (isFinished) return;
    isFinished = true;
    done(isTooLarge ? '' : Buffer.concat(chunks).toString('utf8'), isTooLarge);
  };
  req.on('data', (/** @type {Buffer} */ chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) finish(true);
    else chunks.push(chunk);
  });
  req.on('end', () => finish(false));
  // An aborted upload gets no answer: nobody is left to read it.
  req.on('error', () => {
    isFinished = true;
  });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers) {
  if (res.writableEnded || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    ...(text ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) } : {}),
  });
  res.end(text);
}
