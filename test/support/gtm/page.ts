// A storefront page that runs gtm/template.tpl's code as a GTM container would: the sandbox APIs of sandbox.ts on the
// real window and document (injectScript appends a real script element; createQueue creates window.elevateTracker),
// Consent Mode's state as a stub the spec changes, and the tag fired once as the page loads. The CDN URLs the tag
// injects are served by the test site (a URL map, as a CDN would serve the same file).
import { createSandbox, wrapSandboxedCode } from './sandbox.ts';
import type { TemplateFile } from './template-file.ts';

export interface GtmPageConfig {
  /** The template's code, wrapped (wrapSandboxedCode). */
  code: string;
  permissions: TemplateFile['permissions'];
  /** The tag's field values. */
  data: Record<string, unknown>;
  /** Consent Mode's default, e.g. `{ analytics_storage: 'denied' }`; an unset type counts as granted. */
  consent: Record<string, string>;
  /** Script URL the tag injects → where the test site serves that file. */
  urlMap: Record<string, string>;
}

/**
 * Installed in the page as `(${installGtm})((${createSandbox}), config)`; it may use nothing from this module.
 * Exposes `window.__gtm`: `fire()` fires the tag again, `outcomes` its gtmOnSuccess/gtmOnFailure calls,
 * `updateConsent(changes)` a Consent Mode update.
 */
export function installGtm(makeSandbox: typeof createSandbox, config: GtmPageConfig) {
  const w = window as any;
  const consent: Record<string, string | undefined> = { ...config.consent };
  const consentListeners: ((type: string, before: string | undefined, after: string | undefined) => void)[] = [];
  const outcomes: string[] = [];
  const sandbox = makeSandbox({
    window: w,
    // As gtm.js: an async script element, inserted before the page's first script.
    appendScript(url, onLoad, onError) {
      const script = document.createElement('script');
      script.type = 'text/javascript';
      script.async = true;
      script.src = Object.prototype.hasOwnProperty.call(config.urlMap, url) ? config.urlMap[url] : url;
      script.onload = onLoad;
      script.onerror = onError;
      const first = document.getElementsByTagName('script')[0];
      (first?.parentNode ?? document.head).insertBefore(script, first ?? null);
    },
    consentState: (type) => consent[type],
    onConsentChange: (listener) => void consentListeners.push(listener),
    log: (args) => console.log(...args),
    isDebug: false,
    later: (fn) => void setTimeout(fn, 0),
    permissions: config.permissions,
  });
  const template = (0, eval)(config.code);
  const fire = () => template((name: string) => sandbox.require(name), {
    ...config.data,
    gtmOnSuccess: () => void outcomes.push('success'),
    gtmOnFailure: () => void outcomes.push('failure'),
  });
  w.__gtm = {
    outcomes,
    fire,
    updateConsent(changes: Record<string, string>) {
      for (const type of Object.keys(changes)) {
        const before = consent[type];
        consent[type] = changes[type];
        consentListeners.forEach((listener) => listener(type, before, changes[type]));
      }
    },
  };
  fire();
}

/** The page: the container's tag fired in <head>, then `body`. */
export function gtmPage(template: TemplateFile, { data, consent = {}, urlMap, body }:
  { data: Record<string, unknown>; consent?: Record<string, string>; urlMap: Record<string, string>; body: string }): string {
  const config: GtmPageConfig = { code: wrapSandboxedCode(template.code), permissions: template.permissions, data, consent, urlMap };
  // JSON in a script element: no '<' that could close it.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script>(${installGtm})((${createSandbox}), ${json});</script></head><body>${body}</body></html>`;
}
