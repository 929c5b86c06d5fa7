import { createConsentModeState, CONSENT_MODE_TYPES } from './consent-mode-state.js';
import { consentReporter, type ConsentTarget } from './consent-reporter.js';
import { listOption } from './list-option.js';
import { pageValue } from './page-value.js';
import { wrapMethod } from './wrap-method.js';

export interface ConsentModeOptions {
  /**
   * The consent types that must all be granted for the tracker to track. Defaults to `["analytics_storage"]`: the
   * key cookies are first-party analytics storage, which every Consent Mode v2 set-up sets.
   */
  types?: string[];
}

/**
 * Follows Google Consent Mode v2: every `gtag('consent', 'default' | 'update', …)` the page has pushed to
 * `window.dataLayer`, and each one after, becomes `setConsent` on the tracker when what `types` come to changes.
 * Returns what disconnects it. Throws `ConsentOptionError` for a bad argument; nothing later throws.
 */
export function connectConsentMode(tracker: ConsentTarget, options?: ConsentModeOptions): () => void {
  const report = consentReporter(tracker);
  const types = listOption<string>(options, 'types', 'data-consent-types', (type) => CONSENT_MODE_TYPES.includes(type as string),
    `["analytics_storage"] (data-consent-types="analytics_storage"; one or more of ${CONSENT_MODE_TYPES.join(', ')})`, ['analytics_storage']);
  if (typeof window == 'undefined') return () => {};
  const state = createConsentModeState(types);
  const read = (entries: unknown[]) => {
    for (const entry of entries) {
      try {
        state.read(entry);
      } catch { /* an entry that cannot be read (a Proxy whose traps throw) is no consent command */ }
    }
    report(state.consent());
  };
  try {
    return followDataLayer(read);
  } catch {
    return () => {}; // a dataLayer that cannot be read (a Proxy whose traps throw): nothing to follow
  }
}

/**
 * Reads what was pushed to `window.dataLayer` before, then every push: Google Tag Manager, as gtm.js loads, wraps the
 * push it finds and calls it (each container on a page wraps the one before), so this wrapper is called before or
 * after it alike. Creates the dataLayer as gtag's snippet does (`window.dataLayer = window.dataLayer || []`), so that
 * commands pushed later are heard.
 */
function followDataLayer(read: (entries: unknown[]) => void): () => void {
  let dataLayer = pageValue(window, 'dataLayer');
  if (dataLayer === undefined) dataLayer = (window as unknown as { dataLayer: unknown[] }).dataLayer = [];
  if (!Array.isArray(dataLayer)) return () => {};
  const entries = [];
  for (let index = 0; index < dataLayer.length; index++) entries.push(Object.getOwnPropertyDescriptor(dataLayer, index)?.value);
  read(entries);
  const unwrap = wrapMethod(dataLayer, 'push', read);
  return () => unwrap?.();
}
