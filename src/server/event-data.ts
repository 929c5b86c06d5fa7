import { MAX_TIMER_MS, presentClient, resolveAdminOptions } from './admin-options.js';
import type { AdminApiVersion, AdminClientOptions, AdminSettings } from './admin-options.js';
import { createAdminRequest, sleep } from './admin-request.js';
import { customerKeyProblem } from './customer-key-problem.js';
import { EventDataError } from './errors.js';
import { ownOptions } from './own-options.js';

/**
 * Client for Elevate's event-data jobs (GDPR removal and export of one visitor's data).
 * Spec: ../../../shared/spec/event-data-remove-customer-job-v2.txt
 */

/** Path prefix of the API: `v2` is the one the spec documents (deprecated, end of life 2024-04-30). */
export type EventDataApiVersion = AdminApiVersion;

/** Spec EventDataJobResult.status; unknown values are passed through as they come, never read as success. */
export type EventDataJobStatus = 'not_found' | 'created' | 'waiting' | 'running' | 'done' | 'error' | (string & {});

/** Spec schema EventDataJobResult. */
export interface EventDataJob {
  /** The identifier of the job, e.g. `"962d41f3-1a53-4bb8-bd01-3b85310fb45f"`. */
  jid: string;
  status: EventDataJobStatus;
}

/** The options of `createEventDataClient`: those of `createAdminClient`. */
export type EventDataClientOptions = AdminClientOptions;

export interface WaitForJobOptions {
  /** Milliseconds to wait for `done` before rejecting with code `timeout`, at most 2147483647 (24.8 days). Defaults to `600000` (10 minutes). */
  timeoutMs?: number;
  /** First delay between polls in milliseconds, at most 2147483647; it doubles each poll up to 15 s. Defaults to `1000`. */
  intervalMs?: number;
  /** Called with the job whenever its status changes, starting with the first status seen. Defaults to none. */
  onProgress?: (job: EventDataJob) => void;
  /** Stops waiting; the promise then rejects with the signal's reason. Defaults to none. */
  signal?: AbortSignal;
}

export interface EventDataClient {
  /**
   * Starts a job removing all data Elevate holds about the visitor `customerKey`. A key the tracker refuses (an
   * e-mail address, anything but 1–256 URL-safe characters) rejects with `invalid-arguments` before any request.
   */
  createRemoveCustomerJob(customerKey: string): Promise<EventDataJob>;
  /** Starts a job exporting all data Elevate holds about the visitor `customerKey`; refuses keys as `createRemoveCustomerJob` does. */
  createExportCustomerJob(customerKey: string): Promise<EventDataJob>;
  /** The current status of job `jid`; an unknown jid gives status `not_found`. */
  getJobStatus(jid: string): Promise<EventDataJob>;
  /** Polls until the job is `done`; rejects with `job-failed` on `error`/`not_found`, `timeout` after `timeoutMs`. */
  waitForJob(jid: string, options?: WaitForJobOptions): Promise<EventDataJob>;
}

const MAX_POLL_MS = 15_000;

/** The same rule for waitForJob, whose bad arguments are `invalid-arguments`. */
function checkWaitMs(option: string, ms: number, example: number): void {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new EventDataError('invalid-arguments', `waitForJob: ${option} must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (24.8 days), e.g. ${example}`);
  }
}

/** Validates the options once; throws an EventDataError with code `config` naming the first bad one. */
export function createEventDataClient(given: EventDataClientOptions): EventDataClient {
  const settings = resolveAdminOptions(given);
  return presentClient('EventDataClient', settings, createEventDataJobs(settings));
}

/** The job methods, on options already checked (`createAdminClient` shares them). */
export function createEventDataJobs(settings: AdminSettings): EventDataClient {
  const { request } = createAdminRequest(settings);
  const { base } = settings;
  const prefix = `/api/${settings.apiVersion}/event-data`;

  async function send(method: 'GET' | 'POST', endpoint: string, param: 'customerKey' | 'jid', value: string, signal?: AbortSignal): Promise<EventDataJob> {
    if (typeof value != 'string' || !value.trim()) {
      throw new EventDataError('invalid-arguments', `${param} must be a non-empty string, e.g. "962d41f3-1a53-4bb8-bd01-3b85310fb45f"`);
    }
    const url = `${base}${prefix}/${endpoint}?${param}=${encodeURIComponent(value)}`;
    // No query in messages: a customerKey identifies a person, and messages end up in logs.
    const label = `${method} ${base}${prefix}/${endpoint}`;
    // Retrying a create is safe enough: a duplicate remove or export job does no harm.
    const { status, json } = await request({ method, url, label, signal, isIdempotent: true });
    if (typeof json?.jid == 'string' && typeof json?.status == 'string') return { jid: json.jid, status: json.status };
    throw new EventDataError('invalid-response', `${label} answered ${status} without an EventDataJobResult { jid, status }`, { status });
  }

  /** A job for a key the tracker never sends would find nothing and still report success: refused before any request. */
  async function createJob(endpoint: string, customerKey: string): Promise<EventDataJob> {
    const problem = customerKeyProblem(customerKey);
    if (problem) throw new EventDataError('invalid-arguments', problem.message);
    return send('POST', endpoint, 'customerKey', customerKey);
  }

  async function waitForJob(jid: string, options: WaitForJobOptions = {}): Promise<EventDataJob> {
    const { timeoutMs: waitMs = 600_000, intervalMs = 1000, onProgress, signal } = ownOptions(options ?? {});
    checkWaitMs('timeoutMs', waitMs, 600_000);
    checkWaitMs('intervalMs', intervalMs, 1000);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), waitMs);
    const stop = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    let last: EventDataJob | undefined;
    try {
      for (let interval = intervalMs; ; interval = Math.min(interval * 2, Math.max(intervalMs, MAX_POLL_MS))) {
        const job = await send('GET', 'job-status', 'jid', jid, stop);
        if (job.status !== last?.status) onProgress?.(job);
        last = job;
        if (job.status == 'done') return job;
        if (job.status == 'error' || job.status == 'not_found') {
          throw new EventDataError('job-failed', job.status == 'error' ? `Job ${jid} ended in error` : `Job ${jid} is not known to Elevate (not_found)`);
        }
        await sleep(interval, stop);
      }
    } catch (error) {
      if (deadline.signal.aborted && !signal?.aborted) {
        // Elevate's GDPR documentation: jobs wait until the day after they were created before they run.
        const hint = last?.status == 'created' || last?.status == 'waiting'
          ? `. Elevate runs jobs from the day after they were created, so it goes on: check it later with getJobStatus (CLI: elevate-tracker job-status ${jid})`
          : '';
        throw new EventDataError('timeout', `Job ${jid} was not done within ${waitMs} ms; last status: ${last?.status ?? 'none yet'}${hint}`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    createRemoveCustomerJob: (customerKey: string) => createJob('create-remove-customer-job', customerKey),
    createExportCustomerJob: (customerKey: string) => createJob('create-export-customer-job', customerKey),
    getJobStatus: (jid: string) => send('GET', 'job-status', 'jid', jid),
    waitForJob,
  };
}
