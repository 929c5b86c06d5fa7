import type { Consent } from '../config.js';
import { ConsentOptionError } from './consent-option-error.js';
import { pageValue } from './page-value.js';

/** What the adapters tell: a tracker of `createTracker`, or the script tag's queue (the script file's stand-in). */
export interface ConsentTarget {
  setConsent(consent: Consent): void;
}

/**
 * What tells the tracker the consent a manager's state comes to: only a change, and nothing while the manager has not
 * answered yet (the tracker was started `pending`, as the README says; telling it `pending` again would also tell the
 * site's other tabs, which their own managers do not correct). `undefined` (nothing to go by) changes nothing. The
 * tracker never throws; a stand-in that does is not let through to the manager that called.
 */
export function consentReporter(tracker: ConsentTarget): (consent: Consent | undefined) => void {
  if (typeof pageValue(tracker, 'setConsent') != 'function') {
    throw new ConsentOptionError('tracker', 'The first argument must be the tracker, e.g. connectTcf(createTracker({ …, consent: \'pending\' })).');
  }
  let told: Consent | undefined;
  return (consent) => {
    if (!consent || consent == (told ?? 'pending')) return;
    told = consent;
    try {
      tracker.setConsent(consent);
    } catch { /* not ours to throw */ }
  };
}
