import { isCustomerKey } from '../is-customer-key.js';

/** What to pass instead of a key the tracker would refuse. */
const INSTEAD = 'pass the customerKey the tracker used instead: the one forget() returned, the key your site gave setCustomerKey, or the visitor\'s customerKey cookie';

/** Why a customer key will not do; a short reason for line-by-line reports. Never quotes the key: it may be an e-mail address. */
export type CustomerKeyProblem = { reason: 'empty' | 'e-mail-like' | 'not-a-customer-key'; message: string };

/**
 * The problem with `value` as the customerKey of an event-data job, or undefined when the tracker would take it
 * (`isCustomerKey`, the rule of `setCustomerKey`): a key it refuses never reached Elevate, so a job for it would
 * remove or export nothing and still report success.
 */
export function customerKeyProblem(value: unknown): CustomerKeyProblem | undefined {
  if (isCustomerKey(value)) return undefined;
  if (typeof value != 'string' || !value.trim()) {
    return { reason: 'empty', message: 'customerKey must be a non-empty string, e.g. "e3921377-18a2-47c9-a449-06b894898623"' };
  }
  if (value.includes('@')) {
    return { reason: 'e-mail-like', message: `customerKey looks like an e-mail address, which the tracker never sends as a key (setCustomerKey refuses it): ${INSTEAD}` };
  }
  return { reason: 'not-a-customer-key', message: `customerKey is not a key the tracker sends (1–256 characters: letters, digits and _ . : + / = ~ -): ${INSTEAD}` };
}
