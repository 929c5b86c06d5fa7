import type { Consent } from '../config.js';
import { pageValue } from './page-value.js';

/** Google Consent Mode v2's consent types (https://developers.google.com/tag-platform/security/guides/consent). */
export const CONSENT_MODE_TYPES = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage',
  'functionality_storage', 'personalization_storage', 'security_storage'];

type Choice = 'granted' | 'denied';

/** Consent Mode as the page's `gtag('consent', …)` commands have set it, for the types that gate the tracker. */
export interface ConsentModeState {
  /** Takes one dataLayer entry in, in order; anything but a consent command is left alone. */
  read(entry: unknown): void;
  /**
   * `granted` once every type is granted (by an update, or by a default: a site that needs no consent says so);
   * `denied` once an update has set one of them and they are not all granted; until then `pending`, as a denied
   * default only means that the visitor has not chosen yet.
   */
  consent(): Consent;
}

export function createConsentModeState(types: string[]): ConsentModeState {
  const defaults = new Map<string, Choice>();
  const updates = new Map<string, Choice>();
  // A default scoped to regions applies to visitors there, which only Google's servers can tell (by IP address): a
  // regional denial is taken to apply here, a regional grant is not.
  const regionalDenials = new Set<string>();
  return {
    read(entry) {
      // gtag() pushes its `arguments` object; Google's tags take no array for a command, so neither does this.
      if (Object.prototype.toString.call(entry) != '[object Arguments]' || pageValue(entry, 0) != 'consent') return;
      const action = pageValue(entry, 1);
      const params = pageValue(entry, 2);
      if ((action != 'default' && action != 'update') || typeof params != 'object' || !params) return;
      const isRegional = pageValue(params, 'region') !== undefined;
      for (const type of types) {
        const choice = pageValue(params, type);
        if (choice != 'granted' && choice != 'denied') continue;
        if (action == 'update') updates.set(type, choice);
        else if (!isRegional) defaults.set(type, choice);
        else if (choice == 'denied') regionalDenials.add(type);
      }
    },
    consent() {
      const isGranted = types.every((type) => (updates.get(type)
        ?? (regionalDenials.has(type) ? 'denied' : defaults.get(type))) == 'granted');
      return isGranted ? 'granted' : updates.size ? 'denied' : 'pending';
    },
  };
}
