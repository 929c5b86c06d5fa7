import type { Keys } from './keys.js';

/**
 * Notification types: click and end are in both API generations (../shared/spec/notifications-*-v2.txt), so are
 * add-to-cart and the favorites; the removals of recent searches and recently viewed products, and ad impressions
 * (retail media), are Storefront API v3.
 */
export type NotificationType = 'click' | 'end' | 'add-to-cart' | 'add-favorite' | 'remove-favorite'
  | 'remove-recent-searches' | 'remove-recently-viewed' | 'ad-impression';

/** A product, by its product key or by one variant's key. */
export type FavoriteKey = string | { productKey: string } | { variantKey: string };

/** Longest ticket accepted; real tickets are a few hundred characters of base64. */
export const MAX_TICKET_LENGTH = 4096;

const isText = (value: unknown): value is string => typeof value == 'string' && !!value.trim();

/** A ticket worth sending: not empty, not whitespace, not absurdly long. */
export const isTicket = (ticket: unknown): ticket is string => isText(ticket) && ticket.length <= MAX_TICKET_LENGTH;

/** The body of a favorite notification: `{"productKey"}` or `{"variantKey"}`, or undefined when the key is bad. */
export function favoriteBody(key: FavoriteKey): object | undefined {
  const body: Record<string, unknown> = typeof key == 'string' ? { productKey: key } : { ...key };
  const names = Object.keys(body);
  if (names.length == 1 && /^(productKey|variantKey)$/.test(names[0]) && isText(body[names[0]])) return body;
}

/** The body of a removal: `{ [name]: [...] }`, `{"removeAll": true}` for `'removeAll'`, or undefined when bad. */
export function removalBody(name: string, items: string[] | 'removeAll'): object | undefined {
  if (items == 'removeAll') return { removeAll: true };
  if (Array.isArray(items) && items.length && items.every(isText)) return { [name]: items };
}

/**
 * `{base}/api/v2/notifications/{type}` or, for the Storefront API v3, `{base}/api/storefront/v3/notifications/{type}`,
 * with `customerKey`, `market` and `sessionKey`; without keys (v3 only), `userContext=ANONYMOUS` instead.
 */
export function notificationUrl(apiBase: string, apiVersion: string, market: string, type: NotificationType, keys?: Keys): string {
  // encodeURIComponent rather than URLSearchParams: this runs in the click handler, and is ten times cheaper.
  const query = keys
    ? `customerKey=${encodeURIComponent(keys.customerKey)}&market=${encodeURIComponent(market)}&sessionKey=${encodeURIComponent(keys.sessionKey)}`
    : `market=${encodeURIComponent(market)}&userContext=ANONYMOUS`;
  return `${apiBase}/api/${apiVersion == 'v3' ? 'storefront/v3' : 'v2'}/notifications/${type}?${query}`;
}
