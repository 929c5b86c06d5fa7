/**
 * Script-file entry, beside the tracker's script tag: `<script src=".../elevate-tracker.consent.js"
 * data-consent-manager="tcf" data-tcf-purposes="1 5 6 8" async>`. Connects the manager its attributes name to the
 * tracker through the tracker's queue, `window.elevateTracker.push(['setConsent', …])`, which works before the tracker
 * has loaded and after. Never throws into the page: a bad attribute is one console.error, and nothing else happens.
 */
import type { Consent } from '../config.js';
import { connectConsentMode } from './connect-consent-mode.js';
import { connectCookiebot } from './connect-cookiebot.js';
import { connectOneTrust } from './connect-onetrust.js';
import { connectTcf } from './connect-tcf.js';

/** Each manager's name in `data-consent-manager`, its adapter, and its list attribute with the option it fills. */
const MANAGERS: Record<string, [connect: (tracker: any, options?: any) => unknown, attribute: string, option: string]> = {
  'google-consent-mode': [connectConsentMode, 'data-consent-types', 'types'],
  tcf: [connectTcf, 'data-tcf-purposes', 'purposes'],
  cookiebot: [connectCookiebot, 'data-cookiebot-categories', 'categories'],
  onetrust: [connectOneTrust, 'data-onetrust-groups', 'groups'],
};

/** The tracker as the queue reaches it: an array until the tracker has loaded, then the tracker, whose push runs it. */
const tracker = {
  setConsent(consent: Consent) {
    const page = window as unknown as { elevateTracker?: unknown[] };
    (page.elevateTracker = page.elevateTracker || []).push(['setConsent', consent]);
  },
};

function start() {
  // Its own element, through Document's getter: markup can shadow document.currentScript (<img name="currentScript">).
  const script = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')!.get!.call(document);
  if (!(script instanceof HTMLScriptElement)) {
    throw new Error('cannot find its own <script> element; load it with <script src=".../elevate-tracker.consent.js">.');
  }
  const attribute = (name: string) => Element.prototype.getAttribute.call(script, name);
  const name = attribute('data-consent-manager');
  const manager = Object.prototype.hasOwnProperty.call(MANAGERS, name ?? '') ? MANAGERS[name!] : undefined;
  if (!manager) {
    throw new Error(`data-consent-manager is ${name == null ? 'missing' : `invalid: ${JSON.stringify(name.slice(0, 100))}`}. `
      + `Example: data-consent-manager="google-consent-mode" (or tcf, cookiebot, onetrust).`);
  }
  const [connect, listAttribute, option] = manager;
  for (const [, other] of Object.values(MANAGERS)) {
    if (other != listAttribute && attribute(other) != null) throw new Error(`${other} is for another consent manager than "${name}"; use ${listAttribute}.`);
  }
  const list = attribute(listAttribute);
  // Space- or comma-separated; TCF's purposes are numbers (anything else stays text, which the check then quotes).
  const items = list?.split(/[\s,]+/).filter(Boolean).map((item) => (option == 'purposes' && /^\d+$/.test(item) ? +item : item));
  connect(tracker, items && { [option]: items.length ? items : list });
}

try {
  start();
} catch (error) {
  // As the tracker's logError prints it; its onError hook is the tracker's, which this file does not reach.
  console.error(`[elevate-tracker] ${(error as Error).message}`);
}
