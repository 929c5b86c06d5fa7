import { isCustomerKey } from '../keys.js';
import type { AdminSettings } from './admin-options.js';
import { createAdminRequest } from './admin-request.js';
import { EventDataError } from './errors.js';
import { ownOptions } from './own-options.js';

/** One order line of a payment: what the visitor bought, as Elevate's payment notification takes it. */
export interface PaymentLine {
  /** The key of the variant bought, as in the product feed, e.g. `"shirt_blue_79709"`. */
  variantKey: string;
  /** How many were bought: a positive integer. */
  quantity: number;
  /** The selling price of the line, in the market's currency: a finite number ≥ 0. */
  sellingPrice: number;
  /** The cost of the line, when known (only server-side payments may carry it): a finite number ≥ 0. Leave it out when unknown. */
  cost?: number;
}

/** A completed payment: the visitor's keys (those of the tracker's cookies, or `visitorKeys`), the market, the lines. */
export interface Payment {
  customerKey: string;
  sessionKey: string;
  /** The visitor's market, e.g. `"SE"`: the same as the tracker's `market`. */
  market: string;
  lines: PaymentLine[];
}

const LINE_FIELDS = ['variantKey', 'quantity', 'sellingPrice', 'cost'];
const EXAMPLE_LINE = '{ variantKey: "shirt_blue_79709", quantity: 1, sellingPrice: 20 }';

function invalid(problem: string): never {
  throw new EventDataError('invalid-arguments', `notifyPayment: ${problem}`);
}

const isPrice = (value: unknown): value is number => typeof value == 'number' && Number.isFinite(value) && value >= 0;

/** The line as it is sent, made of its own known fields only; throws naming the first thing wrong with it. */
function checkLine(given: unknown, index: number): PaymentLine {
  const at = `lines[${index}]`;
  if (!given || typeof given != 'object' || Array.isArray(given)) invalid(`${at} must be an object such as ${EXAMPLE_LINE}`);
  const line = ownOptions(given as PaymentLine);
  const unknown = Object.keys(line).find((name) => !LINE_FIELDS.includes(name));
  if (unknown) invalid(`${at} has an unknown field ${JSON.stringify(unknown)}; a line has ${LINE_FIELDS.join(', ')}`);
  const { variantKey, quantity, sellingPrice, cost } = line;
  if (typeof variantKey != 'string' || !variantKey.trim()) invalid(`${at}.variantKey must be a non-empty string, e.g. "shirt_blue_79709"`);
  if (!(typeof quantity == 'number' && Number.isSafeInteger(quantity) && quantity > 0)) invalid(`${at}.quantity must be a positive integer, not ${JSON.stringify(quantity)}`);
  if (!isPrice(sellingPrice)) invalid(`${at}.sellingPrice must be a finite number ≥ 0, not ${JSON.stringify(sellingPrice) ?? String(sellingPrice)}`);
  if (cost !== undefined && !isPrice(cost)) invalid(`${at}.cost must be a finite number ≥ 0, or left out when unknown, not ${JSON.stringify(cost) ?? String(cost)}`);
  return cost === undefined ? { variantKey, quantity, sellingPrice } : { variantKey, quantity, sellingPrice, cost };
}

/** The payment checked: keys, market and lines; throws `invalid-arguments` naming the first thing wrong. */
export function checkPayment(given: unknown): Payment {
  if (!given || typeof given != 'object') invalid('give { customerKey, sessionKey, market, lines }');
  const { customerKey, sessionKey, market, lines } = ownOptions(given as Payment);
  // Never quoted: a customerKey identifies a person, and messages end up in logs.
  if (!isCustomerKey(customerKey)) invalid('customerKey must be the visitor\'s key (1–256 URL-safe characters, never an e-mail address): the tracker\'s cookie, or visitorKeys()');
  if (!isCustomerKey(sessionKey)) invalid('sessionKey must be the visitor\'s session key (1–256 URL-safe characters): the tracker\'s cookie, or visitorKeys()');
  if (typeof market != 'string' || !market.trim()) invalid('market must be a non-empty string, the tracker\'s market, e.g. "SE"');
  if (!Array.isArray(lines) || lines.length == 0) invalid(`lines must be a non-empty array, e.g. [${EXAMPLE_LINE}]`);
  return { customerKey, sessionKey, market, lines: lines.map(checkLine) };
}

/** The query of the payment notification: `esales.`-prefixed names in v2 (the spec's), plain ones from admin/v3. */
function paymentQuery({ customerKey, sessionKey, market }: Payment, isV2: boolean): string {
  const prefix = isV2 ? 'esales.' : '';
  return new URLSearchParams({ [`${prefix}customerKey`]: customerKey, [`${prefix}market`]: market, [`${prefix}sessionKey`]: sessionKey }).toString();
}

/**
 * `notifyPayment`: tells Elevate what a visitor bought, with the Api-Key. A payment counted twice is worse than a
 * late one, so it is retried only when it cannot have arrived (see the README's "What is retried").
 */
export function createPaymentNotifier(settings: AdminSettings): (payment: Payment) => Promise<void> {
  const { request } = createAdminRequest(settings);
  const path = `${settings.base}/api/${settings.apiVersion}/notifications/payment`;
  return async (given: Payment) => {
    const payment = checkPayment(given);
    const url = `${path}?${paymentQuery(payment, settings.apiVersion == 'v2')}`;
    await request({ method: 'POST', url, label: `POST ${path}`, body: JSON.stringify({ lines: payment.lines }), isIdempotent: false });
  };
}
