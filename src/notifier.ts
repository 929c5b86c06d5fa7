import type { Config } from './config.js';
import { toJson } from './json.js';
import { report } from './log.js';
import type { Keys } from './keys.js';
import { notificationUrl, type NotificationType } from './notifications.js';
import type { Outbox } from './outbox.js';

/** Notifications held while consent is pending, at most (the oldest go first). */
const MAX_HELD = 100;

/** Turns a notification into a request, as consent allows. */
export interface Notifier {
  /**
   * With consent: with the keys, through the outbox. Pending: held on this page. Without consent, API v3 can still be
   * told anonymously (`anonymousTracking`); otherwise nothing is sent.
   */
  notify(type: NotificationType, body?: object): void;
  /** Consent granted: sends what was held, with the keys of now. */
  sendHeld(): void;
  /** Consent denied: forgets what was held. */
  dropHeld(): void;
}

export function createNotifier(config: Config, keys: Keys, outbox: Outbox, isGranted: () => boolean, isPending: () => boolean): Notifier {
  const held: [NotificationType, object?][] = [];
  function notify(type: NotificationType, body?: object) {
    const isAnonymous = !isGranted() && config.anonymousTracking && config.apiVersion == 'v3';
    if (isGranted() || isAnonymous) {
      outbox.send(notificationUrl(config.apiBase, config.apiVersion, config.market, type, isAnonymous ? undefined : keys),
        body && toJson(body));
    } else if (isPending() && held.push([type, body]) > MAX_HELD) {
      held.shift();
      report('dropped', `dropped: more than ${MAX_HELD} held while consent is pending, the oldest`);
    }
  }
  return {
    notify,
    sendHeld: () => held.splice(0).forEach(([type, body]) => notify(type, body)),
    dropHeld: () => void (held.length = 0),
  };
}
