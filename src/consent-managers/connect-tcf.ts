import { listen } from '../listen.js';
import { consentReporter, type ConsentTarget } from './consent-reporter.js';
import { listOption } from './list-option.js';
import { pageValue } from './page-value.js';
import { tcfConsent } from './tcf-consent.js';

export interface TcfOptions {
  /**
   * The TCF v2.2 purposes the tracker needs (each with consent, or for 8 and the other purposes TCF allows on
   * legitimate interest, not objected to). Defaults to `[1, 5, 6, 8]`: store and access information on a device (the
   * key cookies), create and use profiles to personalise content (Elevate's personal results and recommendations),
   * and measure content performance (the clicks).
   */
  purposes?: number[];
}

type TcfApi = (command: string, version: number, callback: (...args: any[]) => void, parameter?: unknown) => void;

/**
 * Follows an IAB TCF v2.2 consent manager through `window.__tcfapi('addEventListener', 2, …)`: the TC data it has,
 * then each change (the visitor's choice, or a change of mind), becomes `setConsent` on the tracker when what
 * `purposes` come to changes. Called through the CMP's stub, whose queue the CMP serves once loaded; a page whose
 * stub comes after this is looked at again as it is parsed and loaded. Returns what disconnects it (the CMP's
 * `removeEventListener`). Throws `ConsentOptionError` for a bad argument; nothing later throws.
 */
export function connectTcf(tracker: ConsentTarget, options?: TcfOptions): () => void {
  const report = consentReporter(tracker);
  const purposes = listOption<number>(options, 'purposes', 'data-tcf-purposes',
    (id) => Number.isInteger(id) && (id as number) >= 1 && (id as number) <= 11, '[1, 5, 6, 8] (data-tcf-purposes="1 5 6 8"; TCF v2.2 purposes are 1–11)', [1, 5, 6, 8]);
  if (typeof window == 'undefined') return () => {};
  let isConnected = true;
  let listenerId: unknown;
  let isStarted = false;
  /** Through the `__tcfapi` of now: the stub the listener was added through is replaced once the CMP has loaded. */
  const remove = (id: unknown) => {
    try {
      const api = pageValue(window, '__tcfapi');
      if (id !== undefined && typeof api == 'function') (api as TcfApi)('removeEventListener', 2, () => {}, id);
    } catch { /* the CMP's: nothing to undo */ }
  };
  const listener = (tcData: unknown, success: unknown) => {
    try {
      const id = pageValue(tcData, 'listenerId');
      // Disconnected while the call waited in the stub's queue: removed as soon as the CMP names it.
      if (!isConnected) return remove(id);
      listenerId = id;
      if (success !== false) report(tcfConsent(tcData, purposes));
    } catch { /* never into the CMP */ }
  };
  const start = () => {
    const api = pageValue(window, '__tcfapi');
    if (isStarted || typeof api != 'function') return;
    isStarted = true;
    stops.forEach((stop) => stop());
    try {
      (api as TcfApi)('addEventListener', 2, listener);
    } catch { /* a CMP that throws: nothing heard */ }
  };
  // TCF asks for the stub before any script that calls it; a page that puts it later still has it by these events.
  const stops = [listen(document, 'DOMContentLoaded', start), listen(window, 'load', start)];
  start();
  return () => {
    isConnected = false;
    stops.forEach((stop) => stop());
    remove(listenerId);
  };
}
