import type { Keys } from './keys';
import type { Debug } from './log';

/** Notification types of the Elevate API (../shared/spec/notifications-*-v2.txt). */
export type NotificationType = 'click' | 'end';

/** Longest ticket accepted; real tickets are a few hundred characters of base64. */
export const MAX_TICKET_LENGTH = 4096;

/** A ticket worth sending: not empty, not whitespace, not absurdly long. */
export const isTicket = (ticket: unknown): ticket is string =>
  typeof ticket == 'string' && !!ticket.trim() && ticket.length <= MAX_TICKET_LENGTH;

/** `{base}/api/v2/notifications/{type}?customerKey=…&market=…&sessionKey=…` (all three are required by the spec). */
export function notificationUrl(apiBase: string, market: string, type: NotificationType, keys: Keys): string {
  const query = new URLSearchParams({ customerKey: keys.customerKey, market, sessionKey: keys.sessionKey });
  return `${apiBase}/api/v2/notifications/${type}?${query}`;
}

/** `fetch` with `keepalive` outlives the page (a click that navigates) and, unlike sendBeacon, shows the answer. */
const canKeepAlive = typeof Request == 'function' && 'keepalive' in Request.prototype;

/**
 * POSTs a notification without a CORS preflight: credentials omitted, the body a string, so it goes as
 * text/plain;charset=utf-8, which the spec allows for `{"ticket":"…"}`. Never throws.
 */
export function sendNotification(url: string, body: string | undefined, debug: Debug): void {
  try {
    if (canKeepAlive) {
      fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).then(
        (response) => debug(response.status, url, body),
        (error) => debug(error, url, body),
      );
    } else {
      debug(navigator.sendBeacon(url, body) ? 'beacon queued' : 'beacon refused', url, body);
    }
  } catch (error) {
    debug(error, url, body);
  }
}
