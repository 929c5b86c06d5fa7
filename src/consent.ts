import type { Config, Consent } from './config.js';
import { readSignal, removeStoredKeys, tellOtherTabs } from './consent-signal.js';
import type { CookieJar } from './cookie-jar.js';
import type { KeyStore } from './keys.js';
import { takeLegacyKeys } from './legacy-keys.js';
import type { Outbox } from './outbox.js';
import type { SessionLink } from './session-link.js';

/** The visitor's consent as this page knows it: the site's choice (option, setConsent, other tabs) and the browser's. */
export interface ConsentState {
  isGranted(): boolean;
  /** No choice yet (and no refusal by the browser): notifications are held. */
  isPending(): boolean;
  /** Denied by the site, or refused by the browser (Global Privacy Control). */
  isRefused(): boolean;
  choose(consent: Consent): void;
}

export function createConsentState(config: Config): ConsentState {
  // Global Privacy Control (https://globalprivacycontrol.github.io/gpc-spec/) is a refusal the site cannot override.
  const isRefusedByBrowser = config.globalPrivacyControl && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  let consent = config.consent;
  return {
    isGranted: () => consent == 'granted' && !isRefusedByBrowser,
    isPending: () => consent == 'pending' && !isRefusedByBrowser,
    isRefused: () => consent == 'denied' || isRefusedByBrowser,
    choose: (value) => { consent = value; },
  };
}

/** What consent acts on. */
export interface ConsentParts {
  keys: KeyStore;
  outbox: Outbox;
  cookies: CookieJar;
  sessions: SessionLink;
  sendHeld(): void;
  dropHeld(): void;
  isStopped(): boolean;
}

/** Consent put to work: on this page, from other tabs, and told to them. */
export interface ConsentRules {
  /** Acts on the consent of now (`isStart`: the page's first time). */
  applyConsent(isStart?: boolean): void;
  /** A consent change made elsewhere (another tab, or a page this one was cached behind), or a forgotten visitor. */
  follow(signal: string): void;
  /** Consent given here (or the visitor forgotten): applied, and told to the site's other tabs. */
  consentTo(consent: Consent | 'forget'): void;
}

export function createConsentRules(config: Config, state: ConsentState, parts: ConsentParts): ConsentRules {
  const { keys, outbox, cookies, sessions } = parts;

  /**
   * At start, the keys' cookies were just written (with consent) as they were read: only what the official client's
   * keys change is written again. Later, a grant writes them all, as nothing was written while consent was missing.
   */
  function applyConsent(isStart?: boolean) {
    if (state.isGranted()) {
      // A visitor new to the cookies may come from the official client, whose keys keep their history in Elevate.
      const legacy = keys.isNewVisitor && takeLegacyKeys();
      keys.isNewVisitor = false;
      if (legacy) Object.assign(keys, legacy);
      keys.persist(!isStart);
      outbox.adopt();
      parts.sendHeld();
      sessions.grant();
    } else if (state.isRefused()) {
      parts.dropHeld();
      sessions.deny();
      outbox.clear();
      removeStoredKeys(config, cookies);
    }
  }

  function follow(signal: string) {
    const followed = readSignal(signal);
    if (!followed) return;
    if (followed.consent == 'forget') {
      keys.rotate(true); // a new visitor in memory: the forgotten key is never sent again
    } else if (followed.consent == 'granted') {
      // The keys the granting tab wrote, rather than this tab's own: from the signal, else from the cookies.
      keys.load();
      keys.isNewVisitor = false; // the granting tab's keys, not the official client's
      Object.assign(keys, followed.keys);
    }
    state.choose(followed.consent == 'forget' ? 'denied' : followed.consent);
    applyConsent();
  }

  return {
    applyConsent,
    follow,
    consentTo(value) {
      if (value == 'forget') follow(value);
      else {
        state.choose(value);
        if (parts.isStopped()) return;
        applyConsent();
      }
      tellOtherTabs(value, keys);
    },
  };
}
