import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validate } from 'uuid';
import { resolveConfig } from '../../src/config';
import type { CookieJar } from '../../src/cookie-jar';
import { createKeyStore, isCustomerKey } from '../../src/keys';

const MINUTE = 60_000;
const config = resolveConfig({ clusterId: 'w0', market: 'UK' });

/** A cookie jar in memory that honours expiry against the fake clock, and counts reads and writes. */
function fakeJar(clock: { now: number }, initial: Record<string, string> = {}) {
  const cookies = new Map(Object.entries(initial).map(([name, value]) => [name, { value, expires: Infinity }]));
  const jar: CookieJar & { reads: number; writes: { name: string; value: string; expires: number }[]; cookies: typeof cookies } = {
    reads: 0,
    writes: [],
    cookies,
    readAll() {
      jar.reads++;
      return Object.fromEntries([...cookies].filter(([, cookie]) => cookie.expires > clock.now).map(([name, cookie]) => [name, cookie.value]));
    },
    write(name, value, expires) {
      jar.writes.push({ name, value, expires: expires.getTime() });
      cookies.set(name, { value, expires: expires.getTime() });
    },
    remove(name) {
      cookies.delete(name);
    },
  };
  return jar;
}

describe('createKeyStore', () => {
  const clock = { now: Date.UTC(2026, 10, 25, 12, 0) };
  const now = () => clock.now;
  beforeEach(() => {
    clock.now = Date.UTC(2026, 10, 25, 12, 0);
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('starts a visitor with new UUID v4 keys, in cookies of the right lifetimes', () => {
    const jar = fakeJar(clock);
    const keys = createKeyStore(config, jar, now);
    expect(validate(keys.customerKey) && keys.customerKey[14]).toBe('4');
    expect(validate(keys.sessionKey) && keys.sessionKey[14]).toBe('4');
    expect(jar.reads).toBe(1);
    expect(jar.writes).toEqual([
      { name: 'elevate_customer_key', value: keys.customerKey, expires: clock.now + 365 * 24 * 60 * MINUTE },
      { name: 'elevate_session_key', value: keys.sessionKey, expires: clock.now + 30 * MINUTE },
    ]);
  });

  it('adopts valid cookies and refreshes their lifetimes; replaces garbage', () => {
    const stored = { elevate_customer_key: 'c0ffee-customer-42', elevate_session_key: '0b05119e-eeb8-418a-bbfb-defa0dde417e' };
    const keys = createKeyStore(config, fakeJar(clock, stored), now);
    expect({ customerKey: keys.customerKey, sessionKey: keys.sessionKey }).toEqual({ customerKey: stored.elevate_customer_key, sessionKey: stored.elevate_session_key });
    for (const garbage of ['', '<script>', 'a'.repeat(300), 'someone@example.com', 'x y']) {
      const fresh = createKeyStore(config, fakeJar(clock, { elevate_customer_key: garbage, elevate_session_key: garbage }), now);
      expect(validate(fresh.customerKey)).toBe(true);
      expect(validate(fresh.sessionKey)).toBe(true);
    }
    // Only a UUID v4 is a sessionKey: not the nil UUID, nor another version.
    for (const other of ['00000000-0000-0000-0000-000000000000', 'c232ab00-9414-11ec-b3c8-9e6bdeced846']) {
      const fresh = createKeyStore(config, fakeJar(clock, { elevate_session_key: other }), now);
      expect(fresh.sessionKey).not.toBe(other);
      expect(fresh.sessionKey[14]).toBe('4');
    }
    const upper = '0B05119E-EEB8-418A-BBFB-DEFA0DDE417E';
    expect(createKeyStore(config, fakeJar(clock, { elevate_session_key: upper }), now).sessionKey).toBe(upper);
  });

  it('writes nothing inside touch(), and the deferred refresh at most once a minute', () => {
    const jar = fakeJar(clock);
    const keys = createKeyStore(config, jar, now);
    jar.writes = [];
    for (let step = 0; step < 20; step++) {
      clock.now += 10_000; // a click every 10 s for 200 s
      const writes = jar.writes.length;
      keys.touch();
      expect(jar.writes).toHaveLength(writes); // nothing inside the click
      vi.runAllTimers();
    }
    // Written when the cookie's expiry lags the session's by over a minute: after the clicks at 70 s and 140 s.
    const start = Date.UTC(2026, 10, 25, 12, 0);
    expect(jar.writes.filter((write) => write.name == 'elevate_session_key').map((write) => write.expires))
      .toEqual([start + 70_000 + 30 * MINUTE, start + 140_000 + 30 * MINUTE]);
    expect(jar.reads).toBe(1);
  });

  it('with serverKeyCookies, leaves an unchanged customerKey cookie to the server (Safari caps script writes)', () => {
    const serverConfig = resolveConfig({ clusterId: 'w0', market: 'UK', serverKeyCookies: true });
    const jar = fakeJar(clock, { elevate_customer_key: 'c0ffee-customer-42' });
    const keys = createKeyStore(serverConfig, jar, now);
    expect(jar.writes.map((write) => write.name)).toEqual(['elevate_session_key']);
    keys.customerKey = 'signed-in-7';
    keys.persist();
    expect(jar.writes.map((write) => write.name)).toEqual(['elevate_session_key', 'elevate_customer_key']);
    // A new visitor has no cookie yet: the browser writes it.
    const fresh = fakeJar(clock);
    createKeyStore(serverConfig, fresh, now);
    expect(fresh.writes.map((write) => write.name)).toEqual(['elevate_customer_key', 'elevate_session_key']);
  });

  it('rotates the session after the timeout, never reusing a key', () => {
    const keys = createKeyStore(config, fakeJar(clock), now);
    const seen = new Set([keys.sessionKey]);
    const { customerKey } = keys;
    for (let round = 0; round < 5; round++) {
      clock.now += 30 * MINUTE;
      keys.touch();
      expect(seen.has(keys.sessionKey)).toBe(false);
      seen.add(keys.sessionKey);
      clock.now += 29 * MINUTE;
      keys.touch();
      expect(seen.has(keys.sessionKey)).toBe(true);
    }
    expect(keys.customerKey).toBe(customerKey);
  });

  it('rotates the session at 00:00 UTC, and the cookie expires then too', () => {
    clock.now = Date.UTC(2026, 10, 25, 23, 50);
    const jar = fakeJar(clock);
    const keys = createKeyStore(config, jar, now);
    expect(jar.writes.at(-1)!.expires).toBe(Date.UTC(2026, 10, 26));
    const first = keys.sessionKey;
    clock.now = Date.UTC(2026, 10, 25, 23, 59, 59);
    keys.touch();
    expect(keys.sessionKey).toBe(first);
    clock.now = Date.UTC(2026, 10, 26, 0, 0, 1);
    keys.touch();
    expect(keys.sessionKey).not.toBe(first);
  });

  it('rotate() starts a new session; rotate(true) a new visitor too', () => {
    const keys = createKeyStore(config, fakeJar(clock), now);
    const first = { customerKey: keys.customerKey, sessionKey: keys.sessionKey };
    keys.rotate();
    expect(keys.customerKey).toBe(first.customerKey);
    expect(keys.sessionKey).not.toBe(first.sessionKey);
    keys.rotate(true);
    expect(keys.customerKey).not.toBe(first.customerKey);
  });

  it('load() adopts what another tab wrote, and keeps the keys when the cookies are gone', () => {
    const jar = fakeJar(clock);
    const keys = createKeyStore(config, jar, now);
    const other = { elevate_customer_key: 'signed-in-elsewhere', elevate_session_key: '0b05119e-eeb8-418a-bbfb-defa0dde417e' };
    for (const [name, value] of Object.entries(other)) jar.cookies.set(name, { value, expires: Infinity });
    keys.load();
    expect([keys.customerKey, keys.sessionKey]).toEqual([other.elevate_customer_key, other.elevate_session_key]);
    jar.cookies.clear();
    keys.load();
    expect([keys.customerKey, keys.sessionKey]).toEqual([other.elevate_customer_key, other.elevate_session_key]);
  });
});

describe('isCustomerKey', () => {
  it('accepts UUIDs and URL-safe site keys, never an e-mail address', () => {
    expect(isCustomerKey('e3921377-18a2-47c9-a449-06b894898623')).toBe(true);
    expect(isCustomerKey('c0ffee:customer/42+x=')).toBe(true);
    expect(isCustomerKey('someone@example.com')).toBe(false);
    expect(isCustomerKey('')).toBe(false);
    expect(isCustomerKey('a'.repeat(257))).toBe(false);
    expect(isCustomerKey(42)).toBe(false);
  });
});
