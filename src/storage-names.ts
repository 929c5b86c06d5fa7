/** What the tracker stores besides the key cookies (whose names are options): named in one place for the privacy docs. */

/**
 * localStorage entries holding the notifications not yet delivered: `elevate_outbox.{page}`, one for each page that
 * left some, so that pages going away at once never overwrite one another's (`elevate_outbox` alone: older versions).
 */
export const OUTBOX_KEY = 'elevate_outbox';

/** Whether a localStorage key is one of the outbox's. */
export const isOutboxKey = (key: string | null) => key?.split('.')[0] == OUTBOX_KEY;

/**
 * localStorage entry holding the Session Management API's sessionId of the current visit, as `{sessionKey}.{sessionId}`
 * (not a cookie: any subdomain can set a cookie for the domain, and plant a session of its own).
 */
export const SESSION_API_ENTRY = 'elevate_session_api';

/**
 * localStorage entry set and removed at once when consent changes (or `forget()`), so that the site's other tabs
 * follow: only the `storage` event it causes there is used, and nothing stays.
 */
export const CONSENT_SIGNAL = 'elevate_consent';
