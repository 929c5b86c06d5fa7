import { sleep } from './admin-request.js';
import type { BulkState, JobOutcome } from './bulk-state.js';
import { EventDataError } from './errors.js';
import type { EventDataJob } from './event-data.js';
import type { KeyEntry } from './key-list.js';
import type { ProgressCounts } from './progress.js';

/** A key that did not get a job: its line, the EventDataError code (or `interrupted`) and what happened. */
export interface KeyReport {
  line: number;
  code: string;
  message: string;
}

export interface BulkJobsOptions {
  entries: KeyEntry[];
  /** Starts one job: a client's create method, made with `retries: 0` (retries are decided here). */
  start(key: string): Promise<EventDataJob>;
  state: BulkState;
  /** Jobs asked for at once, at least 1. */
  concurrency: number;
  /** Retries of a creation that certainly did not reach Elevate (refused connection, 429, 503). */
  retries: number;
  /** First delay between retries in ms; it doubles each retry, with jitter. Defaults to 500. */
  retryDelayMs?: number;
  /** Tries again the keys whose outcome an earlier run left unknown (a duplicate job is then possible). */
  retryUnknown: boolean;
  /** Aborted on Ctrl-C: no new job is started, those in flight are waited for. */
  signal?: AbortSignal;
  /** Called once the plan is made, before the first job. */
  onStart?(counts: ProgressCounts): void;
  /** Called as each key started in this run has its outcome. */
  onResult?(entry: KeyEntry, outcome: JobOutcome, counts: ProgressCounts): void;
}

export interface BulkResult {
  /** Keys given a job in this run. */
  created: number;
  /** Keys an earlier run gave a job (the state file says so): not started again. */
  skipped: number;
  /** Keys that certainly got no job: a re-run tries them again. */
  failed: KeyReport[];
  /** Keys that may or may not have a job (a timeout, a reset, a 5xx after sending): not retried without `retryUnknown`. */
  unknown: KeyReport[];
  /** Keys left for a re-run by an interruption or a fatal error. */
  notStarted: number;
  interrupted: boolean;
  /** What stopped the run early: bad credentials (every key would fail alike), a state file that cannot be written. */
  fatal?: Error;
}

const MAX_RETRY_DELAY_MS = 30_000;
/** The earlier run's record of a key, as reported when it is not tried again. */
const EARLIER_SENDING = 'an earlier run ended while asking for this job: it may have been created';

/** Whether Elevate certainly did not take the request, so that sending it again makes no duplicate (admin-request's own rule). */
const isNotTaken = (error: EventDataError) => !error.mayHaveArrived
  && (error.code == 'network' || (error.code == 'server' && (error.status == 429 || error.status == 503)));

/** One job, retried only while it certainly did not arrive: a creation that may have arrived is never sent again. */
async function createJob(key: string, options: BulkJobsOptions): Promise<JobOutcome> {
  const { start, retries, retryDelayMs = 500, signal } = options;
  for (let retry = 0; ; retry++) {
    try {
      const { jid, status } = await start(key);
      return { outcome: 'created', jid, status, at: new Date().toISOString() };
    } catch (error) {
      const failure = error instanceof EventDataError ? error : new EventDataError('network', String((error as Error)?.message ?? error), { mayHaveArrived: true });
      const at = new Date().toISOString();
      if (failure.mayHaveArrived) return { outcome: 'unknown', code: failure.code, message: failure.message, at };
      const failed: JobOutcome = { outcome: 'failed', code: failure.code, message: failure.message, at };
      if (!isNotTaken(failure) || retry >= retries || signal?.aborted) return failed;
      const delay = Math.min(retryDelayMs * 2 ** retry, MAX_RETRY_DELAY_MS);
      const isStopped = await sleep(delay / 2 + Math.random() * delay / 2, signal).then(() => false, () => true);
      if (isStopped) return failed;
    }
  }
}

/** Which keys to start: those without a job yet, failed ones again; the rest is counted or reported from the state file. */
function plan({ entries, state, retryUnknown }: BulkJobsOptions) {
  const todo: KeyEntry[] = [];
  const unknown: KeyReport[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const record = state.get(entry.key);
    if (record?.outcome == 'created') skipped++;
    else if ((record?.outcome == 'unknown' || record?.outcome == 'sending') && !retryUnknown) {
      unknown.push(record.outcome == 'sending' ? { line: entry.line, code: 'interrupted', message: EARLIER_SENDING }
        : { line: entry.line, code: record.code, message: `${record.message} (an earlier run)` });
    } else todo.push(entry);
  }
  return { todo, unknown, skipped };
}

/**
 * Starts a job for each key at most `concurrency` at a time, recording each outcome in the state file as it comes
 * (and each key as `sending` before its request, so that no death of the process can lose a job that was created).
 */
export async function runBulkJobs(options: BulkJobsOptions): Promise<BulkResult> {
  const { state, signal } = options;
  const { todo, unknown, skipped } = plan(options);
  const result: BulkResult = { created: 0, skipped, failed: [], unknown, notStarted: 0, interrupted: false };
  const counts: ProgressCounts = { done: 0, total: todo.length, created: 0, failed: 0, unknown: 0 };
  const isStopping = () => signal?.aborted || result.fatal !== undefined;
  let next = 0;
  const work = async () => {
    while (next < todo.length && !isStopping()) {
      const entry = todo[next++];
      const previous = state.get(entry.key);
      state.set(entry.key, { outcome: 'sending', at: new Date().toISOString() });
      try {
        await state.save();
      } catch (error) {
        result.fatal ??= error as Error;
      }
      if (isStopping()) {
        // Not sent after all: the key keeps its earlier record, and counts as not started.
        if (previous) state.set(entry.key, previous);
        else state.delete(entry.key);
        break;
      }
      const outcome = await createJob(entry.key, options);
      state.set(entry.key, outcome);
      counts.done++;
      if (outcome.outcome == 'created') {
        counts.created++;
        result.created++;
      } else {
        (outcome.outcome == 'failed' ? result.failed : result.unknown).push({ line: entry.line, code: outcome.code, message: outcome.message });
        counts[outcome.outcome]++;
        if (outcome.code == 'bad-credentials') result.fatal ??= new EventDataError('bad-credentials', outcome.message);
      }
      options.onResult?.(entry, outcome, { ...counts });
      state.save().catch((error: Error) => { result.fatal ??= error; });
    }
  };
  options.onStart?.({ ...counts });
  await Promise.all(Array.from({ length: Math.min(options.concurrency, todo.length) }, work));
  try {
    await state.save();
  } catch (error) {
    result.fatal ??= error as Error;
  }
  result.notStarted = todo.length - counts.done;
  result.interrupted = signal?.aborted === true;
  return result;
}
