/** What went wrong, so callers (and the CLI's exit codes) can branch without parsing messages. */
export type EventDataErrorCode =
  /** An argument is invalid (an empty customerKey or jid, a payment line without variantKey…), or Elevate answered 400. */
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

/** The one error type of the admin and event-data clients. Never carries the API key: not in the message, stack or cause. */
export class EventDataError extends Error {
  readonly code: EventDataErrorCode;
  /** HTTP status of Elevate's answer, when there was one. */
  readonly status?: number;
  /** Elevate's own `message`, e.g. "Incorrect cluster credentials.". */
  readonly serverMessage?: string;
  /**
   * Whether Elevate may have taken the request despite the error: a timeout, a reset connection, a 5xx other than
   * 503. What matters for `notifyPayment`: `true` means the payment may have been counted, so do not send it again
   * blindly; `false` (an invalid line, 400, 403, a refused connection) means it certainly was not.
   */
  readonly mayHaveArrived: boolean;

  constructor(code: EventDataErrorCode, message: string,
    details: { status?: number; serverMessage?: string; cause?: unknown; mayHaveArrived?: boolean } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EventDataError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
    this.mayHaveArrived = details.mayHaveArrived ?? false;
  }
}
