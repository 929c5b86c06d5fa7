import { describe, expect, it } from 'vitest';
import { ElevateConfigError, rejectUnknownOptions, resolveConfig, type TrackerOptions } from '../../src/config';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const messageOf = (options: unknown) => {
  try {
    rejectUnknownOptions(options as object);
    resolveConfig(options as TrackerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ElevateConfigError);
    return `${(error as ElevateConfigError).option}: ${(error as Error).message}`;
  }
  throw new Error('no error thrown');
};

describe('resolveConfig', () => {
  it('applies the defaults and builds the cluster URL: Storefront API v3 on Voyado\'s current host', () => {
    expect(resolveConfig({ clusterId: 'w00000000', market: 'UK' })).toEqual({
      clusterId: 'w00000000',
      market: 'UK',
      apiBase: 'https://w00000000.elevate-api.cloud',
      ticketAttribute: 'data-elevate-ticket',
      cookieDomain: undefined,
      customerKeyCookie: 'elevate_customer_key',
      sessionKeyCookie: 'elevate_session_key',
      sessionTimeout: 30 * 60_000,
      debug: false,
      sessionApi: undefined,
      consent: 'granted',
      globalPrivacyControl: true,
      serverKeyCookies: false,
      apiVersion: 'v3',
      anonymousTracking: false,
    });
  });

  it('keeps API v2 on its own host for clusters that still serve it', () => {
    expect(resolveConfig({ clusterId: 'w00000000', market: 'UK', apiVersion: 'v2' }).apiBase).toBe('https://w00000000.api.esales.apptus.cloud');
    expect(resolveConfig({ apiBase: 'https://proxy.example', market: 'UK', apiVersion: 'v2' }).apiBase).toBe('https://proxy.example');
    expect(() => resolveConfig({ clusterId: 'w0', market: 'UK', apiVersion: 'v4' as never }))
      .toThrow('Option apiVersion (data-api-version) is invalid: "v4". Example: "v2".');
  });

  it('takes sessionApi as a base URL or as options', () => {
    expect(resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: 'https://shop.example/session-api' }).sessionApi)
      .toEqual({ baseUrl: 'https://shop.example/session-api' });
    const options = { baseUrl: 'https://shop.example/s', tenantId: 't1', agentId: 'a1' };
    expect(resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: options }).sessionApi).toEqual(options);
    expect(() => resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: 'http://evil.example' }))
      .toThrow('Option sessionApi (data-session-api) is invalid: "http://evil.example". Example: "https://shop.example/session-api".');
    expect(() => resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: { baseUrl: 'nope' } })).toThrow(ElevateConfigError);
  });

  it('takes apiBase for proxies and local servers, without a trailing slash', () => {
    expect(resolveConfig({ apiBase: 'https://shop.example/elevate/', market: 'UK' }).apiBase).toBe('https://shop.example/elevate');
    expect(resolveConfig({ apiBase: 'http://localhost:8081', market: 'UK' }).apiBase).toBe('http://localhost:8081');
    expect(resolveConfig({ apiBase: 'http://127.0.0.1:9', market: 'UK' }).apiBase).toBe('http://127.0.0.1:9');
    expect(resolveConfig({ apiBase: 'http://[::1]:9', market: 'UK' }).apiBase).toBe('http://[::1]:9');
  });

  it.each([
    [{ market: 'UK' }, 'clusterId: Option clusterId (data-cluster-id) is missing. Example: "w00000000" (letters, digits, hyphens).'],
    [{ clusterId: 'w0.evil.com', market: 'UK' }, 'clusterId: Option clusterId (data-cluster-id) is invalid: "w0.evil.com". Example: "w00000000" (letters, digits, hyphens).'],
    [{ clusterId: 'evil.com/x?', market: 'UK' }, 'clusterId: Option clusterId (data-cluster-id) is invalid: "evil.com/x?". Example: "w00000000" (letters, digits, hyphens).'],
    [{ clusterId: '-w0', market: 'UK' }, 'clusterId: Option clusterId (data-cluster-id) is invalid: "-w0". Example: "w00000000" (letters, digits, hyphens).'],
    [{ clusterId: 'w0' }, 'market: Option market (data-market) is missing. Example: "UK".'],
    [{ clusterId: 'w0', market: '  ' }, 'market: Option market (data-market) is invalid: "  ". Example: "UK".'],
    [{ apiBase: 'http://shop.example', market: 'UK' }, 'apiBase: Option apiBase (data-api-base) is invalid: "http://shop.example". Example: "https://shop.example/elevate" (https; http only on localhost).'],
    [{ apiBase: 'https://shop.example/?x=1', market: 'UK' }, 'apiBase: Option apiBase (data-api-base) is invalid: "https://shop.example/?x=1". Example: "https://shop.example/elevate" (https; http only on localhost).'],
    [{ apiBase: 'https://user:pw@shop.example', market: 'UK' }, 'apiBase: Option apiBase (data-api-base) is invalid: "https://user:pw@shop.example". Example: "https://shop.example/elevate" (https; http only on localhost).'],
    [{ apiBase: 'not a url', market: 'UK' }, 'apiBase: Option apiBase (data-api-base) is invalid: "not a url". Example: "https://shop.example/elevate" (https; http only on localhost).'],
    [{ clusterId: 'w0', market: 'UK', ticketAttribute: 'data ticket' }, 'ticketAttribute: Option ticketAttribute (data-ticket-attribute) is invalid: "data ticket". Example: "data-elevate-ticket".'],
    [{ clusterId: 'w0', market: 'UK', cookieDomain: 'example.com; evil' }, 'cookieDomain: Option cookieDomain (data-cookie-domain) is invalid: "example.com; evil". Example: "example.com".'],
    [{ clusterId: 'w0', market: 'UK', customerKeyCookie: 'a=b' }, 'customerKeyCookie: Option customerKeyCookie (data-customer-key-cookie) is invalid: "a=b". Example: "elevate_ck".'],
    [{ clusterId: 'w0', market: 'UK', sessionKeyCookie: '' }, 'sessionKeyCookie: Option sessionKeyCookie (data-session-key-cookie) is invalid: "". Example: "elevate_sk".'],
    [{ clusterId: 'w0', market: 'UK', sessionTimeout: 0 }, 'sessionTimeout: Option sessionTimeout (data-session-timeout) is invalid: 0. Example: 30 (minutes, at most 1440).'],
    [{ clusterId: 'w0', market: 'UK', sessionTimeout: NaN }, 'sessionTimeout: Option sessionTimeout (data-session-timeout) is invalid: NaN. Example: 30 (minutes, at most 1440).'],
    [{ clusterId: 'w0', market: 'UK', sessionTimeout: '30' }, 'sessionTimeout: Option sessionTimeout (data-session-timeout) is invalid: "30". Example: 30 (minutes, at most 1440).'],
    [{ clusterId: 'w0', market: 'UK', debug: 'yes' }, 'debug: Option debug (data-debug) is invalid: "yes". Example: true.'],
    [{ clusterId: 'w0', market: 'UK', consent: 'yes' }, 'consent: Option consent (data-consent) is invalid: "yes". Example: "pending".'],
    [{ clusterId: 'w0', market: 'UK', globalPrivacyControl: 'no' }, 'globalPrivacyControl: Option globalPrivacyControl (data-global-privacy-control) is invalid: "no". Example: false.'],
    [{ clusterId: 'w0', market: 'UK', clusterID: 'w1' }, 'clusterID: Unknown option clusterID; known options: clusterId, market, apiBase, ticketAttribute, cookieDomain, customerKeyCookie, sessionKeyCookie, sessionTimeout, debug, sessionApi, consent, globalPrivacyControl, serverKeyCookies, apiVersion, anonymousTracking, onError.'],
    [{ clusterId: 'w0', market: 'UK', onError: 'report' }, 'onError: Option onError is invalid: "report". Example: (error) => Sentry.captureException(error).'],
  ])('rejects %j with a message naming the option and an example', (options, message) => {
    expect(messageOf(options)).toBe(message);
  });

  // Issue 12, item 16: base URLs that `new URL` accepts but whose string, as the requests use it, cannot deliver.
  it.each([
    'https://:pw@shop.example', ' https://shop.example', 'https://shop.example ', 'https://shop.example/elevate\n',
    'https://shop.example/?', 'https://shop.example/#', 'https://shop.example/elevate?#',
  ])('rejects apiBase and sessionApi %j, which validate as URLs but cannot deliver', (url) => {
    expect(messageOf({ apiBase: url, market: 'UK' }))
      .toBe(`apiBase: Option apiBase (data-api-base) is invalid: ${JSON.stringify(url)}. Example: "https://shop.example/elevate" (https; http only on localhost).`);
    expect(messageOf({ clusterId: 'w0', market: 'UK', sessionApi: url }))
      .toBe(`sessionApi: Option sessionApi (data-session-api) is invalid: ${JSON.stringify(url)}. Example: "https://shop.example/session-api".`);
    expect(messageOf({ clusterId: 'w0', market: 'UK', sessionApi: { baseUrl: url } })).toMatch(/^sessionApi: Option sessionApi \(data-session-api\) is invalid/);
  });

  it.each([['a Symbol', Symbol('x')], ['a BigInt', 1n], ['a Proxy whose traps throw', new Proxy({}, { get() { throw new Error('trap'); } })]])('rejects %s with an ElevateConfigError', (_, value) => {
    for (const name of ['market', 'apiBase', 'sessionTimeout', 'sessionApi', 'debug']) {
      expect(messageOf({ clusterId: 'w0', market: 'UK', [name]: value })).toMatch(new RegExp(`^${name}: Option ${name} \\(data-[a-z-]+\\) is invalid: `));
    }
  });
});

describe('options are own properties only (issue 12, item 3)', () => {
  it('ignores options on a polluted Object.prototype', () => {
    const config = withPollutedPrototype({ apiBase: 'https://evil.example', sessionApi: 'https://evil.example/s', globalPrivacyControl: false,
      consent: 'granted', debug: true, unknownThing: 1 }, () => {
      const given = { clusterId: 'w0', market: 'UK', consent: 'pending' as const };
      rejectUnknownOptions(given);
      return resolveConfig(given);
    });
    expect(config).toMatchObject({ apiBase: 'https://w0.elevate-api.cloud', sessionApi: undefined, globalPrivacyControl: true,
      consent: 'pending', debug: false });
  });

  it('reads sessionApi\'s baseUrl, tenantId and agentId as its own properties, and copies them', () => {
    const pollution = { baseUrl: 'https://evil.example/s', tenantId: 'evil-tenant', agentId: 'evil-agent' };
    expect(() => withPollutedPrototype(pollution, () => resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: 'not a url' })))
      .toThrow('Option sessionApi (data-session-api) is invalid: "not a url".');
    expect(() => withPollutedPrototype(pollution, () => resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: {} as never })))
      .toThrow('Option sessionApi (data-session-api) is invalid: an object.');
    const { sessionApi } = withPollutedPrototype(pollution, () => resolveConfig({ clusterId: 'w0', market: 'UK', sessionApi: { baseUrl: 'https://shop.example/s' } }));
    // Still read after the pollution: each field the shim reads is the copy's own.
    withPollutedPrototype(pollution, () => {
      expect(sessionApi!.tenantId).toBeUndefined();
      expect(sessionApi!.agentId).toBeUndefined();
    });
    expect(Object.keys(sessionApi!)).toEqual(['baseUrl', 'tenantId', 'agentId']);
  });

  it.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])('rejects an own option named %j, which the option table inherits', (name) => {
    expect(messageOf(JSON.parse(`{"clusterId": "w0", "market": "UK", "${name}": "x"}`))).toMatch(new RegExp(`^${name}: Unknown option ${name}; known options: clusterId, `));
  });

  it('still works when Object.prototype.hasOwnProperty is polluted', () => {
    expect(withPollutedPrototype({ hasOwnProperty: 'x' }, () => resolveConfig({ clusterId: 'w0', market: 'UK' }).apiBase)).toBe('https://w0.elevate-api.cloud');
  });
});
