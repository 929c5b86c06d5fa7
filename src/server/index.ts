// `elevate-tracker/server`: Node-only code, kept out of the browser entries.
export { createAdminClient } from './admin-client.js';
export type { AdminClient } from './admin-client.js';
export type { AdminApiVersion, AdminClientOptions } from './admin-options.js';
export type { Payment, PaymentLine } from './payment.js';
export { createEventDataClient } from './event-data.js';
export type {
  EventDataApiVersion, EventDataClient, EventDataClientOptions, EventDataJob, EventDataJobStatus, WaitForJobOptions,
} from './event-data.js';
export { EventDataError } from './errors.js';
export type { EventDataErrorCode } from './errors.js';
export { keyCookieHeaders } from './key-cookies.js';
export type { KeyCookieOptions } from './key-cookies.js';
export { visitorKeys } from './visitor-keys.js';
export type { VisitorKeyOptions, VisitorKeys } from './visitor-keys.js';
export { createNotificationProxy, MAX_PROXIED_BODY } from './notification-proxy.js';
export type { NotificationProxy, NotificationProxyOptions, ProxyRequestInfo } from './notification-proxy.js';
