// Google Consent Mode v2 as a page has it: gtag's snippet (https://developers.google.com/tag-platform/security/guides/consent)
// and what Google Tag Manager's gtm.js does to the dataLayer as it loads. Installed into pages as `(${installGtm})()`:
// it may use nothing from this module.

/** gtag's snippet: the dataLayer, and gtag(), which pushes its `arguments` object. */
export const GTAG_SNIPPET = 'window.dataLayer = window.dataLayer || []; function gtag() { dataLayer.push(arguments); }';

/**
 * gtm.js loading: like its data layer helper (github.com/google/data-layer-helper, src/helper/helper.js), it
 * processes what was pushed so far, then replaces `dataLayer.push` with its own function, which calls the push it
 * found and then processes the new entries. What it makes of consent commands is `window.gtmSeen`, so that a spec can
 * tell that nothing wrapped around it kept Google from hearing them.
 */
export function installGtm() {
  const w = window as any;
  const dataLayer: unknown[] = w.dataLayer = w.dataLayer || [];
  const seen: { consent: Record<string, string>; commands: number } = w.gtmSeen = { consent: {}, commands: 0 };
  const process = (entry: any) => {
    if (Object.prototype.toString.call(entry) != '[object Arguments]') return;
    seen.commands++;
    if (entry[0] == 'consent' && (entry[1] == 'default' || entry[1] == 'update')) {
      for (const [type, value] of Object.entries(entry[2] ?? {})) if (value == 'granted' || value == 'denied') seen.consent[type] = value as string;
    }
  };
  dataLayer.forEach(process);
  const oldPush = dataLayer.push;
  dataLayer.push = function (...states: unknown[]) {
    const result = oldPush.apply(dataLayer, states);
    states.forEach(process);
    return result;
  };
}
