// The consent managers' adapters, their pure parts: what Consent Mode commands and TCF data come to, the options'
// checks and messages, what tells the tracker, and the wrapper of a manager's function. Their behaviour with each
// manager in real browsers: test/engines/consent-managers.test.ts.
import { describe, expect, it } from 'vitest';
import type { Consent } from '../../src/config.ts';
import { connectConsentMode, connectCookiebot, connectOneTrust, connectTcf, ConsentOptionError } from '../../src/consent-managers/index.ts';
import { createConsentModeState } from '../../src/consent-managers/consent-mode-state.ts';
import { consentReporter } from '../../src/consent-managers/consent-reporter.ts';
import { pageValue } from '../../src/consent-managers/page-value.ts';
import { tcfConsent } from '../../src/consent-managers/tcf-consent.ts';
import { wrapMethod } from '../../src/consent-managers/wrap-method.ts';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

/** What gtag() pushes: its arguments object. */
function gtag(..._args: unknown[]) {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}

describe('Consent Mode', () => {
  const consentAfter = (types: string[], ...entries: unknown[]) => {
    const state = createConsentModeState(types);
    entries.forEach(state.read);
    return state.consent();
  };

  it('is pending on a denied default, granted or denied by an update, and follows each update', () => {
    const state = createConsentModeState(['analytics_storage']);
    expect(state.consent()).toBe('pending');
    state.read(gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', wait_for_update: 500 }));
    expect(state.consent()).toBe('pending');
    state.read(gtag('consent', 'update', { analytics_storage: 'granted' }));
    expect(state.consent()).toBe('granted');
    state.read(gtag('consent', 'update', { analytics_storage: 'denied' }));
    expect(state.consent()).toBe('denied');
  });

  it('takes a granted default as the site\'s word that no consent is needed, and an update over any default', () => {
    expect(consentAfter(['analytics_storage'], gtag('consent', 'default', { analytics_storage: 'granted' }))).toBe('granted');
    expect(consentAfter(['analytics_storage'], gtag('consent', 'update', { analytics_storage: 'denied' }),
      gtag('consent', 'default', { analytics_storage: 'granted' }))).toBe('denied');
  });

  it('needs every type granted; an update of other types only leaves it pending', () => {
    const types = ['analytics_storage', 'personalization_storage'];
    expect(consentAfter(types, gtag('consent', 'update', { analytics_storage: 'granted' }))).toBe('denied');
    expect(consentAfter(types, gtag('consent', 'update', { analytics_storage: 'granted', personalization_storage: 'granted' }))).toBe('granted');
    expect(consentAfter(['analytics_storage'], gtag('consent', 'update', { ad_storage: 'granted' }))).toBe('pending');
  });

  it('takes a regional denial to apply here, a regional grant not (only Google\'s servers know the region)', () => {
    const regional = gtag('consent', 'default', { analytics_storage: 'denied', region: ['SE', 'DE'] });
    expect(consentAfter(['analytics_storage'], gtag('consent', 'default', { analytics_storage: 'granted' }), regional)).toBe('pending');
    expect(consentAfter(['analytics_storage'], gtag('consent', 'default', { analytics_storage: 'granted', region: ['US'] }))).toBe('pending');
  });

  it('reads only gtag\'s arguments objects with known values, never arrays, other commands or Object.prototype', () => {
    const types = ['analytics_storage'];
    expect(consentAfter(types, ['consent', 'update', { analytics_storage: 'granted' }])).toBe('pending');
    expect(consentAfter(types, gtag('consent', 'update', { analytics_storage: 'yes' }), gtag('config', 'G-1'),
      { event: 'gtm.js' }, null, 42, gtag('consent', 'update', null))).toBe('pending');
    expect(withPollutedPrototype({ analytics_storage: 'granted' }, () => consentAfter(types, gtag('consent', 'default', {})))).toBe('pending');
  });
});

describe('TCF', () => {
  const tcData = (eventStatus: string, consents: number[], legitimateInterests: number[] = [], extra = {}) => ({
    eventStatus, cmpStatus: 'loaded', gdprApplies: true, listenerId: 1, tcString: 'CP…',
    purpose: {
      consents: Object.fromEntries(consents.map((id) => [id, true])),
      legitimateInterests: Object.fromEntries(legitimateInterests.map((id) => [id, true])),
    },
    ...extra,
  });

  it('grants when every purpose has consent, once loaded or chosen; denies otherwise', () => {
    expect(tcfConsent(tcData('tcloaded', [1, 5, 6, 8]), [1, 5, 6, 8])).toBe('granted');
    expect(tcfConsent(tcData('useractioncomplete', [1, 5, 6]), [1, 5, 6, 8])).toBe('denied');
    expect(tcfConsent(tcData('useractioncomplete', []), [1])).toBe('denied');
  });

  it('says nothing while the visitor is choosing (cmpuishown) or for what is no TC data', () => {
    expect(tcfConsent(tcData('cmpuishown', [1, 5, 6, 8]), [1])).toBeUndefined();
    expect(tcfConsent(undefined, [1])).toBeUndefined();
    expect(tcfConsent('tcloaded', [1])).toBeUndefined();
  });

  it('grants where GDPR does not apply', () => {
    expect(tcfConsent({ gdprApplies: false, eventStatus: 'tcloaded', tcString: '' }, [1, 5, 6, 8])).toBe('granted');
  });

  it('takes legitimate interest only for the purposes TCF allows it for', () => {
    expect(tcfConsent(tcData('tcloaded', [1, 5, 6], [8]), [1, 5, 6, 8])).toBe('granted');
    expect(tcfConsent(tcData('tcloaded', [5, 6, 8], [1]), [1, 5, 6, 8])).toBe('denied');
  });

  it('counts only a consent that is true and the data\'s own', () => {
    const truthy = tcData('tcloaded', []);
    truthy.purpose.consents = { 1: 1 } as never;
    expect(tcfConsent(truthy, [1])).toBe('denied');
    expect(withPollutedPrototype({ 1: true }, () => tcfConsent(tcData('tcloaded', []), [1]))).toBe('denied');
    expect(withPollutedPrototype({ gdprApplies: false }, () => tcfConsent({}, [1]))).toBeUndefined();
  });
});

describe('options', () => {
  const tracker = { setConsent() {} };
  const messageOf = (connect: () => unknown) => {
    try {
      connect();
    } catch (error) {
      expect(error).toBeInstanceOf(ConsentOptionError);
      return `${(error as ConsentOptionError).option}: ${(error as Error).message}`;
    }
    throw new Error('no error thrown');
  };

  it('are checked as each adapter connects, naming the option, its attribute and an example', () => {
    expect(messageOf(() => connectConsentMode(tracker, { types: ['analytics'] }))).toBe('types: Option types (data-consent-types) is invalid: "analytics". '
      + 'Example: ["analytics_storage"] (data-consent-types="analytics_storage"; one or more of ad_storage, ad_user_data, ad_personalization, '
      + 'analytics_storage, functionality_storage, personalization_storage, security_storage).');
    expect(messageOf(() => connectTcf(tracker, { purposes: [1, 12] }))).toBe('purposes: Option purposes (data-tcf-purposes) is invalid: 12. '
      + 'Example: [1, 5, 6, 8] (data-tcf-purposes="1 5 6 8"; TCF v2.2 purposes are 1–11).');
    expect(messageOf(() => connectTcf(tracker, { purposes: ['1'] as never }))).toMatch(/^purposes: .* is invalid: "1"\./);
    expect(messageOf(() => connectCookiebot(tracker, { categories: [] }))).toBe('categories: Option categories (data-cookiebot-categories) is invalid: '
      + 'an array, not a non-empty list. Example: ["statistics"] (data-cookiebot-categories="statistics"; any of preferences, statistics, marketing).');
    expect(messageOf(() => connectOneTrust(tracker, { groups: 'C0002' as never }))).toBe('groups: Option groups (data-onetrust-groups) is invalid: '
      + '"C0002", not a non-empty list. Example: ["C0002"] (data-onetrust-groups="C0002").');
    expect(messageOf(() => connectOneTrust(tracker, { groups: ['C0002', 'C 3'] }))).toMatch(/is invalid: "C 3"\./);
  });

  it('refuses an unknown option, options that are no object, and a first argument that is no tracker', () => {
    expect(messageOf(() => connectTcf(tracker, { purpose: [1] } as never))).toBe('purpose: Unknown option purpose; the one option here is purposes.');
    expect(messageOf(() => connectCookiebot(tracker, 'statistics' as never))).toBe('options: The options must be an object, e.g. { categories: ["statistics"] }.');
    expect(messageOf(() => connectConsentMode(undefined as never))).toMatch(/^tracker: The first argument must be the tracker/);
    expect(messageOf(() => connectConsentMode({ setConsent: 'granted' } as never))).toMatch(/^tracker: /);
  });

  it('take nothing from Object.prototype', () => {
    withPollutedPrototype({ types: ['ad_storage'], setConsent() {} }, () => {
      expect(messageOf(() => connectConsentMode({} as never))).toMatch(/^tracker: /);
      expect(typeof connectConsentMode(tracker, {})).toBe('function');
    });
  });

  it('a Proxy whose traps throw is a bad option, not an exception of its own', () => {
    const hostile = new Proxy([], { get() { throw new Error('trap'); } });
    expect(messageOf(() => connectTcf(tracker, { purposes: hostile }))).toMatch(/^purposes: Option purposes \(data-tcf-purposes\) is invalid/);
  });

  it('without a DOM (server-side rendering), each connects to nothing and disconnects', () => {
    for (const connect of [connectConsentMode, connectTcf, connectCookiebot, connectOneTrust]) {
      const disconnect = connect(tracker);
      expect(disconnect()).toBeUndefined();
    }
  });
});

describe('consentReporter', () => {
  it('tells only changes, nothing for pending before an answer, and never throws into the manager', () => {
    const told: Consent[] = [];
    const report = consentReporter({ setConsent: (consent) => told.push(consent) });
    for (const consent of [undefined, 'pending', 'granted', 'granted', undefined, 'denied', 'pending', 'granted'] as const) report(consent);
    expect(told).toEqual(['granted', 'denied', 'pending', 'granted']);
    const throwing = consentReporter({ setConsent() { throw new Error('not a tracker'); } });
    expect(() => throwing('granted')).not.toThrow();
  });
});

describe('wrapMethod', () => {
  it('keeps this, arguments, return value and exceptions, and runs after each call that returned', () => {
    const seen: unknown[][] = [];
    const layer: unknown[] & { push(...items: unknown[]): number } = [];
    const unwrap = wrapMethod(layer, 'push', (args) => seen.push(args))!;
    expect(layer.push('a', 'b')).toBe(2);
    expect([...layer]).toEqual(['a', 'b']);
    expect(seen).toEqual([['a', 'b']]);
    const { push } = layer;
    expect(() => push.call(undefined, 'c')).toThrow(TypeError); // as Array.prototype.push does
    expect(seen).toHaveLength(1);
    unwrap();
    expect(Object.prototype.hasOwnProperty.call(layer, 'push')).toBe(false);
  });

  it('a callback that throws never reaches the caller', () => {
    const site = { wrapper: () => 'site result' };
    wrapMethod(site, 'wrapper', () => { throw new Error('ours'); });
    expect(site.wrapper()).toBe('site result');
  });

  it('once wrapped in turn (GTM wraps dataLayer.push), unwrapping leaves the chain and only stops hearing', () => {
    const seen: unknown[] = [];
    const layer: unknown[] & { push(...items: unknown[]): number } = [];
    const unwrap = wrapMethod(layer, 'push', (args) => seen.push(...args))!;
    const found = layer.push;
    const gtm: unknown[] = [];
    layer.push = function (...items: unknown[]) {
      const result = found.apply(layer, items);
      gtm.push(...items);
      return result;
    };
    layer.push('x');
    unwrap();
    layer.push('y');
    expect([[...layer], seen, gtm]).toEqual([['x', 'y'], ['x'], ['x', 'y']]);
  });

  it('wraps nothing that is no function, or that cannot be replaced', () => {
    expect(wrapMethod({ push: 1 }, 'push', () => {})).toBeUndefined();
    expect(wrapMethod(Object.freeze({ push() {} }), 'push', () => {})).toBeUndefined();
  });
});

describe('pageValue', () => {
  it('reads own properties and the class\'s getters, never Object.prototype\'s; undefined when unreadable', () => {
    class Manager { get consented() { return true; } }
    expect(pageValue(new Manager(), 'consented')).toBe(true);
    expect(withPollutedPrototype({ hasResponse: true }, () => pageValue({}, 'hasResponse'))).toBeUndefined();
    expect(pageValue(new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('trap'); } }), 'consent')).toBeUndefined();
    expect(pageValue({ get consent() { throw new Error('getter'); } }, 'consent')).toBeUndefined();
    expect(pageValue(null, 'consent')).toBeUndefined();
    expect(pageValue('text', 'length')).toBeUndefined();
  });
});
