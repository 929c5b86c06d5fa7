import type { Consent } from '../config.js';
import { pageValue } from './page-value.js';

/** The purposes TCF v2.2 lets a vendor process on legitimate interest; 1 and 3–6 need consent. */
const LEGITIMATE_INTEREST_PURPOSES = [2, 7, 8, 9, 10, 11];

/**
 * What a TCF v2.2 `tcData` (https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework,
 * "CMP JS API v2.2") comes to for `purposes`: `granted` where GDPR does not apply (`gdprApplies: false`); once the TC
 * string is loaded or the visitor has acted (`tcloaded`, `useractioncomplete`), `granted` if every purpose has
 * consent (or, for a purpose TCF allows on legitimate interest, the visitor has not objected to it), else `denied`.
 * Undefined for anything else, e.g. `cmpuishown`: the visitor is choosing, and what was known still holds.
 */
export function tcfConsent(tcData: unknown, purposes: number[]): Consent | undefined {
  if (pageValue(tcData, 'gdprApplies') === false) return 'granted';
  const status = pageValue(tcData, 'eventStatus');
  if (status != 'tcloaded' && status != 'useractioncomplete') return;
  const purpose = pageValue(tcData, 'purpose');
  const consents = pageValue(purpose, 'consents');
  const legitimateInterests = pageValue(purpose, 'legitimateInterests');
  const isAllowed = (id: number) => pageValue(consents, String(id)) === true
    || (LEGITIMATE_INTEREST_PURPOSES.includes(id) && pageValue(legitimateInterests, String(id)) === true);
  return purposes.every(isAllowed) ? 'granted' : 'denied';
}
