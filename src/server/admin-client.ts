import { presentClient, resolveAdminOptions } from './admin-options.js';
import type { AdminClientOptions } from './admin-options.js';
import { createEventDataJobs } from './event-data.js';
import type { EventDataClient } from './event-data.js';
import { createPaymentNotifier } from './payment.js';
import type { Payment } from './payment.js';

/** Elevate's admin API, the calls that take the Api-Key: payments and the event-data jobs. Server-side only. */
export interface AdminClient extends EventDataClient {
  /**
   * Notifies Elevate of a completed payment. Resolves when Elevate has taken it (204); rejects with an
   * `EventDataError` whose `mayHaveArrived` says whether it may have been counted all the same.
   */
  notifyPayment(payment: Payment): Promise<void>;
}

/** Validates the options once; throws an EventDataError with code `config` naming the first bad one. */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const settings = resolveAdminOptions(options);
  return presentClient('AdminClient', settings, { ...createEventDataJobs(settings), notifyPayment: createPaymentNotifier(settings) });
}
