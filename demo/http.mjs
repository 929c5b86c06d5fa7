// @ts-check
// Small HTTP helpers the demo server's parts share (server.mjs, checkout.mjs, inspector-feeds.mjs). Node built-ins only.

/**
 * A plain-text answer.
 * @param {import('node:http').ServerResponse} res @param {number} status @param {string} text
 * @param {Record<string, string>} [headers]
 */
export function send(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

/**
 * A JSON answer.
 * @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} value
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(value));
}

/**
 * The request's body as text, or undefined once it passes `limit` bytes: then the rest is left unread, and the
 * caller answers with `Connection: close` so that the client stops sending.
 * @param {import('node:http').IncomingMessage} req @param {number} limit
 * @returns {Promise<string | undefined>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    const onData = (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).pause();
      resolve(undefined);
    };
    req.on('data', onData).once('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).once('error', reject);
  });
}

/**
 * The value of one cookie of the request, or undefined. Values are taken as they are (the demo's own cookies hold
 * plain words; callers check them against what they allow).
 * @param {import('node:http').IncomingMessage} req @param {string} name
 */
export function cookieOf(req, name) {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [key, value] = pair.trim().split('=');
    if (key === name) return value;
  }
  return undefined;
}

/**
 * The media type of a Content-Type header, lower case without parameters: `application/json`.
 * @param {string | undefined} header
 */
export function mediaTypeOf(header) {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}
