import type { EventDataErrorCode } from './errors.js';

/** The CLI's exit code for each EventDataError code (its --help lists them). */
export const EXIT_CODES: Record<EventDataErrorCode, number> = {
  'invalid-arguments': 2, config: 2, 'bad-credentials': 3, server: 4, network: 4, timeout: 4, 'invalid-response': 4, 'job-failed': 5,
};

/** Bad usage, input or configuration: also a bulk run's keys refused as invalid. */
export const USAGE_EXIT_CODE = 2;
/** A bulk run with keys that failed, or whose outcome is unknown. */
export const FAILED_EXIT_CODE = 4;
/** A bulk run stopped by Ctrl-C (SIGINT) after saving its state: 128 + the signal's number, as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;
