export { createTracker } from './create-tracker.js';
export type { Tracker } from './tracker-methods.js';
export { ElevateConfigError } from './config.js';
export type { Consent, SessionApiOptions, TrackerOptions } from './config.js';
export type { TrackerError } from './log.js';
export { createSessionClient, SessionApiError } from './session-api.js';
export type { SessionClient, SessionClientOptions, SessionFields, SessionInfo, SessionApiErrorCode } from './session-api.js';
