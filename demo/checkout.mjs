// @ts-check
// The storefront's checkout, `POST /checkout`: what a shop's backend does once a payment is complete. It takes the
// order's variantKeys and quantities from the page, prices them from the catalogue (never from the page), reads the
// visitor's Elevate keys from the tracker's cookies with `visitorKeys`, and tells Elevate with the admin client's
// `notifyPayment` (README, "Payments"). Payments need consent as every notification does: without a `granted`
// choice (the site's demo_consent cookie) the order is placed and Elevate hears nothing of it.
//
// Request: `{ "lines": [{ "variantKey": "P1003-01", "quantity": 2 }] }`, Content-Type application/json (a form or
// a text/plain beacon from another site cannot send that without a CORS preflight, which this route never
// answers), at most 4 KiB; an Origin header, when sent, must be this site's. Any other field, such as a price, is
// ignored. Answers 200 with what happened (below), or 400, 403, 405, 413 or 415 with the reason as text.
import { visitorKeys } from 'elevate-tracker/server';
import { PRODUCTS, variantKeyOf } from './public/catalog.js';
import { mediaTypeOf, readBody, send, sendJson } from './http.mjs';

/** The body of an order is a short list; anything larger is not one. */
export const MAX_ORDER_BODY = 4096;
const MAX_LINES = 20;
const MAX_QUANTITY = 99;
/** variantKey → unit price in £, from the catalogue the pages show. */
const PRICES = new Map(PRODUCTS.map((product) => [variantKeyOf(product), product.price]));

/**
 * @typedef {{ variantKey: string, quantity: number, sellingPrice: number }} OrderLine sellingPrice: the line's
 *   total (unit price × quantity), as Elevate's payment notification takes it.
 * @typedef {object} CheckoutAnswer What the page is told.
 * @property {string} order The order number, e.g. `NV-1001`.
 * @property {number} total In £.
 * @property {OrderLine[]} lines
 * @property {boolean} notified Whether Elevate took the payment notification (204).
 * @property {string} [customerKey] The keys the payment was sent with (absent without consent).
 * @property {string} [sessionKey]
 * @property {boolean} [isNew] No tracker cookie came with the order: the keys were made for it.
 * @property {string} [reason] Why nothing was sent (no consent).
 * @property {{ code: string, status?: number, mayHaveArrived: boolean, message: string }} [error] Why the
 *   notification failed: the EventDataError's fields.
 */

/**
 * Creates the checkout route.
 * @param {{ admin: import('elevate-tracker/server').AdminClient, market: string, consentOf: (req: import('node:http').IncomingMessage) => string }} options
 *   admin: the client payments go through; market: the pages' market; consentOf: the visitor's recorded choice.
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function createCheckout({ admin, market, consentOf }) {
  let lastOrder = 1000;
  return async (req, res) => {
    const refusal = refusalOf(req);
    if (refusal) return send(res, refusal.status, refusal.text, refusal.headers);
    const text = Number(req.headers['content-length'] ?? 0) > MAX_ORDER_BODY ? undefined : await readBody(req, MAX_ORDER_BODY);
    if (text === undefined) return tooLarge(req, res);
    const lines = orderLinesOf(text);
    if (typeof lines === 'string') return send(res, 400, lines);
    const placed = { order: `NV-${++lastOrder}`, total: lines.reduce((sum, line) => sum + line.sellingPrice, 0), lines };
    const consent = consentOf(req);
    /** @type {CheckoutAnswer} */
    const answer = consent === 'granted'
      ? { ...placed, ...await notify(admin, { cookieHeader: req.headers.cookie, market, lines }) }
      : { ...placed, notified: false, reason: `the visitor's consent is ${consent}, and without consent nothing of a visitor goes to Elevate, payments included` };
    sendJson(res, 200, answer, { 'Cache-Control': 'no-store' });
  };
}

/**
 * Why a request cannot be an order from this site's pages, before its body is read; undefined when it may be.
 * @param {import('node:http').IncomingMessage} req
 * @returns {{ status: number, text: string, headers?: Record<string, string> } | undefined}
 */
function refusalOf(req) {
  if (req.method !== 'POST') return { status: 405, text: 'POST an order to /checkout', headers: { Allow: 'POST' } };
  if (mediaTypeOf(req.headers['content-type']) !== 'application/json') {
    return { status: 415, text: 'an order is JSON: Content-Type: application/json' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, req.headers.host)) return { status: 403, text: 'orders come from this site\'s pages only' };
  return undefined;
}

/** @param {string} origin @param {string | undefined} host */
function isOwnOrigin(origin, host) {
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // `null` (a sandboxed frame, a file) or garbage
  }
}

/** 413, and the connection closed once the answer is out: the rest of the body is never read. @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
function tooLarge(req, res) {
  res.once('finish', () => req.destroy());
  send(res, 413, `an order is at most ${MAX_ORDER_BODY} bytes`, { Connection: 'close' });
}

/**
 * The order's lines priced from the catalogue, or what is wrong with the body (for the 400).
 * @param {string} text @returns {OrderLine[] | string}
 */
function orderLinesOf(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the order is not JSON; send { "lines": [{ "variantKey": "P1003-01", "quantity": 1 }] }';
  }
  const lines = body?.lines;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
    return `the order needs "lines": 1 to ${MAX_LINES} of { "variantKey": "P1003-01", "quantity": 1 }`;
  }
  /** @type {OrderLine[]} */
  const priced = [];
  for (const [index, line] of lines.entries()) {
    const problem = lineProblem(line, index, priced);
    if (problem) return problem;
    const { variantKey, quantity } = line;
    priced.push({ variantKey, quantity, sellingPrice: /** @type {number} */ (PRICES.get(variantKey)) * quantity });
  }
  return priced;
}

/**
 * What is wrong with one line of the order; undefined when it is fine. Fields other than variantKey and quantity
 * (a price the page made up) are not looked at.
 * @param {any} line @param {number} index @param {OrderLine[]} before the lines already taken
 */
function lineProblem(line, index, before) {
  const at = `lines[${index}]`;
  if (typeof line !== 'object' || line === null) return `${at} must be { "variantKey": "P1003-01", "quantity": 1 }`;
  if (!PRICES.has(line.variantKey)) return `${at}.variantKey ${JSON.stringify(line.variantKey) ?? 'undefined'} is not in the catalogue`;
  if (before.some((taken) => taken.variantKey === line.variantKey)) return `${at}.variantKey ${line.variantKey} is in the order twice`;
  if (!(Number.isInteger(line.quantity) && line.quantity >= 1 && line.quantity <= MAX_QUANTITY)) {
    return `${at}.quantity must be a whole number from 1 to ${MAX_QUANTITY}`;
  }
  return undefined;
}

/**
 * Sends the payment notification with the keys of the tracker's cookies; never throws. The answer sets no cookie:
 * the page's tracker already holds its keys (`setCookie` matters on the first page of a visit, not here).
 * @param {import('elevate-tracker/server').AdminClient} admin
 * @param {{ cookieHeader: string | undefined, market: string, lines: OrderLine[] }} order
 * @returns {Promise<Omit<CheckoutAnswer, 'order' | 'total' | 'lines'>>}
 */
async function notify(admin, { cookieHeader, market, lines }) {
  const { customerKey, sessionKey, isNew } = visitorKeys(cookieHeader, { consent: 'granted' });
  const sent = { customerKey, sessionKey, isNew };
  try {
    await admin.notifyPayment({ customerKey, sessionKey, market, lines });
    return { ...sent, notified: true };
  } catch (error) {
    const { code = 'unknown', status, mayHaveArrived = true, message } = /** @type {any} */ (error);
    return { ...sent, notified: false, error: { code, ...(status === undefined ? {} : { status }), mayHaveArrived, message: String(message) } };
  }
}
