export { createTracker } from './create-tracker';
export type { Tracker } from './tracker-methods';
export { ElevateConfigError } from './config';
export type { Consent, SessionApiOptions, TrackerOptions } from './config';
export { createSessionClient, SessionApiError } from './session-api';
export type { SessionClient, SessionClientOptions, SessionFields, SessionInfo, SessionApiErrorCode } from './session-api';
