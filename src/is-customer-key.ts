/**
 * A customerKey is a UUID or a site's own key: 1–256 URL-safe characters, never an e-mail address (no `@`). The one
 * rule for the tracker (`setCustomerKey`, the cookies) and the server (payments, the event-data jobs, the CLI): a key
 * the tracker would refuse never reached Elevate, so a job for it could only remove or export nothing.
 */
export const isCustomerKey = (value: unknown): value is string =>
  typeof value == 'string' && /^[\w.:+/=~-]{1,256}$/.test(value);
