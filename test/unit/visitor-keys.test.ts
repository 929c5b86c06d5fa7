// visitorKeys: the keys of one request for server-rendered pages and queries, and the cookies that hand them to the
// browser's tracker. Built on the same reading and writing as keyCookieHeaders.
import { describe, expect, it } from 'vitest';
import { visitorKeys } from '../../src/server/index.js';
import type { VisitorKeyOptions } from '../../src/server/index.js';
import { isCustomerKey, isSessionKey } from '../../src/keys';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const noon = Date.UTC(2026, 10, 25, 12, 0);
const customerKey = 'c0ffee-customer-42';
const sessionKey = '0b05119e-eeb8-418a-bbfb-defa0dde417e';
const both = `elevate_customer_key=${customerKey}; elevate_session_key=${sessionKey}`;
const at = (time: number, header: string | undefined | null, options: VisitorKeyOptions = {}) => visitorKeys(header, { now: () => time, ...options });
const UUID = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe('visitorKeys', () => {
  it('a new visitor: two new UUID v4 keys, isNew, and both cookies as the tracker writes them', () => {
    const keys = at(noon, undefined);
    expect(keys.customerKey).toMatch(UUID);
    expect(keys.sessionKey).toMatch(UUID);
    expect(keys.customerKey).not.toBe(keys.sessionKey);
    expect(keys.isNew).toBe(true);
    expect(keys.setCookie).toEqual([
      `elevate_customer_key=${keys.customerKey}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Secure`,
      `elevate_session_key=${keys.sessionKey}; Path=/; Expires=Wed, 25 Nov 2026 12:30:00 GMT; Max-Age=1800; SameSite=Lax; Secure`,
    ]);
    expect(at(noon, undefined).customerKey).not.toBe(keys.customerKey);
  });

  it('a returning visitor in a live session: the cookies\' keys, re-issued for their full lifetimes', () => {
    expect(at(noon, `other=1; ${both}`)).toEqual({ customerKey, sessionKey, isNew: false, setCookie: [
      `elevate_customer_key=${customerKey}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Secure`,
      `elevate_session_key=${sessionKey}; Path=/; Expires=Wed, 25 Nov 2026 12:30:00 GMT; Max-Age=1800; SameSite=Lax; Secure`,
    ] });
  });

  it('a returning visitor whose session expired (its cookie gone): the same customerKey, a new session', () => {
    const keys = at(noon, `elevate_customer_key=${customerKey}`);
    expect(keys).toMatchObject({ customerKey, isNew: false });
    expect(keys.sessionKey).toMatch(UUID);
    expect(keys.setCookie[1]).toContain(`elevate_session_key=${keys.sessionKey}; Path=/;`);
  });

  it('caps a new session at the next 00:00 UTC, when Elevate ends every session', () => {
    const keys = at(Date.UTC(2026, 10, 25, 23, 50), undefined);
    expect(keys.setCookie[1]).toContain('; Expires=Thu, 26 Nov 2026 00:00:00 GMT; Max-Age=600;');
  });

  it('replaces garbage cookies with new keys, as the tracker does', () => {
    for (const header of ['elevate_customer_key=a@b.example; elevate_session_key=not-a-uuid', 'elevate_customer_key=; elevate_session_key=',
      `elevate_customer_key=${'x'.repeat(300)}`, 'elevate_customer_key=%E0%A4%A; elevate_session_key=%zz', '=;;;=;', `elevate_session_key="${sessionKey.toUpperCase()}x"`]) {
      const keys = at(noon, header);
      expect(keys.isNew, header).toBe(true);
      expect(isCustomerKey(keys.customerKey) && isSessionKey(keys.sessionKey)).toBe(true);
      expect(keys.customerKey).toMatch(UUID);
    }
  });

  it('survives hostile headers: not a string, huge, thousands of cookies, duplicates (the first wins)', () => {
    for (const header of [null, 42, {}, ['a=b'], 'x'.repeat(1_000_000)] as unknown[]) {
      expect(visitorKeys(header as string).customerKey).toMatch(UUID);
    }
    const many = Array.from({ length: 5000 }, (_, i) => `c${i}=${i}`).join('; ') + `; ${both}`;
    expect(at(noon, many)).toMatchObject({ customerKey, sessionKey });
    expect(at(noon, `elevate_customer_key=first-1; elevate_customer_key=second-2; elevate_session_key=${sessionKey}`).customerKey).toBe('first-1');
  });

  it('respects consent: pending and denied set no cookie; denied does not use the keys the cookies hold', () => {
    const pending = at(noon, both, { consent: 'pending' });
    expect(pending).toEqual({ customerKey, sessionKey, isNew: false, setCookie: [] });
    const denied = at(noon, both, { consent: 'denied' });
    expect(denied.setCookie).toEqual([]);
    expect(denied.customerKey).not.toBe(customerKey);
    expect(denied.sessionKey).not.toBe(sessionKey);
    expect(at(noon, undefined, { consent: 'pending' }).setCookie).toEqual([]);
  });

  it('takes the tracker\'s cookie options, and refuses bad or unknown ones with a TypeError naming them', () => {
    const keys = at(noon, `ck=${customerKey}; sk=${sessionKey}`, { customerKeyCookie: 'ck', sessionKeyCookie: 'sk', cookieDomain: 'example.com', secure: false });
    expect(keys).toMatchObject({ customerKey, sessionKey });
    expect(keys.setCookie[0]).toBe(`ck=${customerKey}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Domain=example.com`);
    expect(() => visitorKeys(both, { consent: 'yes' as never })).toThrow('Option consent is invalid: "yes". Example: "pending".');
    expect(() => visitorKeys(both, { cookiedomain: 'x' } as never)).toThrow(/^Unknown option cookiedomain; known options/);
    expect(() => visitorKeys(both, { sessionTimeout: 0 })).toThrow('Option sessionTimeout is invalid: 0.');
  });

  it('reads options as own properties only: a polluted Object.prototype changes nothing', () => {
    const keys = withPollutedPrototype({ consent: 'denied', cookieDomain: 'evil.example', customerKeyCookie: 'x' }, () => visitorKeys(both, { now: () => noon }));
    expect(keys).toMatchObject({ customerKey, sessionKey });
    expect(keys.setCookie.join()).not.toContain('evil.example');
  });
});
