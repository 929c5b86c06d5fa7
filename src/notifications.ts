import type { Keys } from './keys';

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
