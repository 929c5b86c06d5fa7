import type { Consent } from '../config.js';
import { listen } from '../listen.js';
import { consentReporter, type ConsentTarget } from './consent-reporter.js';
import { listOption } from './list-option.js';
import { pageValue } from './page-value.js';
import { wrapMethod } from './wrap-method.js';

export interface OneTrustOptions {
  /**
   * The OneTrust category IDs that must all be active. Defaults to `["C0002"]`, OneTrust's Performance Cookies: the
   * key cookies count visits and clicks to measure and improve search and recommendations, as that category says
   * (and OneTrust maps it to Consent Mode's analytics_storage).
   */
  groups?: string[];
}

/**
 * What OneTrust's active groups (the `OneTrustGroupsUpdated` event's `detail`, else `window.OnetrustActiveGroups`,
 * `",C0001,C0002,"`) come to: `granted` when every group is active (also by default, as an opt-out template has
 * them); otherwise `denied` once the visitor has answered (`OneTrust.IsAlertBoxClosed()`), `pending` before. OneTrust
 * raises the event with the default groups before the visitor has chosen. Undefined before OneTrust has loaded.
 */
function oneTrustConsent(groups: string[], detail?: unknown): Consent | undefined {
  let active = Array.isArray(detail) ? [...detail] : undefined;
  const global = pageValue(window, 'OnetrustActiveGroups');
  if (!active && typeof global == 'string') active = global.split(',');
  if (!active) return;
  if (groups.every((group) => active.includes(group))) return 'granted';
  const oneTrust = pageValue(window, 'OneTrust');
  const isAlertBoxClosed = pageValue(oneTrust, 'IsAlertBoxClosed');
  return typeof isAlertBoxClosed == 'function' && Reflect.apply(isAlertBoxClosed, oneTrust, []) === true ? 'denied' : 'pending';
}

/**
 * Follows OneTrust: its active groups as this runs, then each `OneTrustGroupsUpdated` event (raised as OneTrust loads,
 * later too, and at each change) and each call of the site's `OptanonWrapper` (OneTrust calls it the same times;
 * wrapped if the site has defined it, keeping what it does and returns), becomes `setConsent` on the tracker when what
 * `groups` come to changes. Returns what disconnects it. Throws `ConsentOptionError` for a bad argument; nothing later
 * throws.
 */
export function connectOneTrust(tracker: ConsentTarget, options?: OneTrustOptions): () => void {
  const report = consentReporter(tracker);
  const groups = listOption<string>(options, 'groups', 'data-onetrust-groups',
    (group) => typeof group == 'string' && /^[\w-]{1,64}$/.test(group), '["C0002"] (data-onetrust-groups="C0002")', ['C0002']);
  if (typeof window == 'undefined') return () => {};
  const update = (detail?: unknown) => {
    try {
      report(oneTrustConsent(groups, detail));
    } catch { /* a OneTrust that throws: what was known still holds */ }
  };
  const stops = [listen(window, 'OneTrustGroupsUpdated', (event) => update(pageValue(event, 'detail'))),
    wrapMethod(window, 'OptanonWrapper', () => update()) ?? (() => {})];
  update();
  return () => stops.forEach((stop) => stop());
}
