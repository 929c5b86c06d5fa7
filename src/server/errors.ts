/** What went wrong, so callers (and the CLI's exit codes) can branch without parsing messages. */
export type EventDataErrorCode =
  /** The customerKey or jid is empty, or Elevate answered 400 "Invalid or missing required arguments". */
  | 'invalid-arguments'
  /** Elevate answered 403 "Incorrect cluster credentials": wrong API key or cluster. */
  | 'bad-credentials'
  /** Elevate answered 5xx (after the retries), a redirect (never followed, never retried) or another unexpected status. */
  | 'server'
  /** No answer at all (DNS, refused connection, reset), after the retries. */
  | 'network'
  /** A request, or `waitForJob`, took longer than allowed. */
  | 'timeout'
  /** A 200 answer that is not an EventDataJobResult `{ jid, status }`. */
  | 'invalid-response'
  /** `waitForJob`: the job ended in `error`, or Elevate does not know it (`not_found`). */
  | 'job-failed'
  /** A bad client option or a missing API key. */
  | 'config';

/** The one error type of the event-data client. Never carries the API key: not in the message, stack or cause. */
export class EventDataError extends Error {
  readonly code: EventDataErrorCode;
  /** HTTP status of Elevate's answer, when there was one. */
  readonly status?: number;
  /** Elevate's own `message`, e.g. "Incorrect cluster credentials.". */
  readonly serverMessage?: string;

  constructor(code: EventDataErrorCode, message: string, details: { status?: number; serverMessage?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EventDataError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
  }
}
