/** What the tracker stores besides the key cookies (whose names are options): named in one place for the privacy docs. */

/** localStorage entry holding the notifications not yet delivered. */
export const OUTBOX_KEY = 'elevate_outbox';

/** Cookie holding the Session Management API's sessionId of the current visit, as `{sessionKey}.{sessionId}`. */
export const SESSION_API_COOKIE = 'elevate_session_api';
