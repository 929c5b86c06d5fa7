import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import Cookies from 'js-cookie';
import { keyCookieHeaders } from '../../src/server/key-cookies';
import type { KeyCookieOptions } from '../../src/server/key-cookies';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const noon = Date.UTC(2026, 10, 25, 12, 0); // Wed, 25 Nov 2026 12:00:00 GMT
const customerKey = 'c0ffee-customer-42';
const sessionKey = '0b05119e-eeb8-418a-bbfb-defa0dde417e';
const both = `elevate_customer_key=${customerKey}; elevate_session_key=${sessionKey}`;
const customerHeader = `elevate_customer_key=${customerKey}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Secure`;
const sessionHeader = `elevate_session_key=${sessionKey}; Path=/; Expires=Wed, 25 Nov 2026 12:30:00 GMT; Max-Age=1800; SameSite=Lax; Secure`;


const headersAt = (time: number, header: string | undefined | null, options: KeyCookieOptions = {}) =>
  keyCookieHeaders(header, { now: () => time, ...options });

describe('keyCookieHeaders', () => {
  it('re-issues both valid keys for their full lifetimes, customerKey first', () => {
    expect(headersAt(noon, both)).toEqual([customerHeader, sessionHeader]);
    expect(headersAt(noon, `elevate_session_key=${sessionKey}; other=1; elevate_customer_key=${customerKey}`)).toEqual([customerHeader, sessionHeader]);
  });

  it('caps the session at the next 00:00 UTC, when Elevate ends every session', () => {
    expect(headersAt(Date.UTC(2026, 10, 25, 23, 50), both)[1])
      .toBe(`elevate_session_key=${sessionKey}; Path=/; Expires=Thu, 26 Nov 2026 00:00:00 GMT; Max-Age=600; SameSite=Lax; Secure`);
    expect(headersAt(Date.UTC(2026, 10, 25, 23, 0), both, { sessionTimeout: 1440 })[1]).toContain('; Max-Age=3600;');
    expect(headersAt(noon, both, { sessionTimeout: 5 })[1]).toContain('; Expires=Wed, 25 Nov 2026 12:05:00 GMT; Max-Age=300;');
    // Under a second before midnight there is nothing left to re-issue, and the browser's cookie is not deleted.
    expect(headersAt(Date.UTC(2026, 10, 26) - 500, both)).toHaveLength(1);
  });

  it('uses custom names, a domain, and no Secure for local http', () => {
    const options = { customerKeyCookie: 'ck', sessionKeyCookie: 'sk', cookieDomain: 'example.com', secure: false };
    expect(headersAt(noon, `ck=${customerKey}; sk=${sessionKey}; ${both}`, options)).toEqual([
      `ck=${customerKey}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Domain=example.com`,
      `sk=${sessionKey}; Path=/; Expires=Wed, 25 Nov 2026 12:30:00 GMT; Max-Age=1800; SameSite=Lax; Domain=example.com`,
    ]);
    expect(headersAt(noon, both, options)).toEqual([]);
    expect(headersAt(noon, both, { cookieDomain: '.example.com' })[0]).toMatch(/; SameSite=Lax; Secure; Domain=\.example\.com$/);
  });

  it('writes names and values exactly as js-cookie does', () => {
    for (const key of ['a:b+c/d=e~f.g_h-i', '0b05119e-eeb8-418a-bbfb-defa0dde417e', 'x'.repeat(256)]) {
      const [header] = headersAt(noon, `elevate_customer_key=${Cookies.converter.write(key, 'elevate_customer_key')}`);
      expect(header).toBe(`elevate_customer_key=${Cookies.converter.write(key, 'elevate_customer_key')}; Path=/; Expires=Thu, 25 Nov 2027 12:00:00 GMT; Max-Age=31536000; SameSite=Lax; Secure`);
      expect(header!.split(';')[0]).toBe(`elevate_customer_key=${key}`);
    }
    // js-cookie writes a `%` of a name as %25, and reads it back decoded.
    expect(headersAt(noon, `a%25b=${customerKey}`, { customerKeyCookie: 'a%b' })[0]).toMatch(/^a%25b=c0ffee-customer-42; /);
  });

  it('reads values as browsers send them: spaces, quotes, percent-encoding', () => {
    expect(headersAt(noon, `  elevate_customer_key = "${customerKey}" ;elevate_session_key=${sessionKey};`)).toEqual([customerHeader, sessionHeader]);
    expect(headersAt(noon, 'elevate_customer_key=a%3Ab%2Bc')[0]).toMatch(/^elevate_customer_key=a:b\+c; /);
    expect(headersAt(noon, `elevate%5Fcustomer%5Fkey=${customerKey}`)).toEqual([customerHeader]);
  });

  it('re-issues nothing that is missing, empty, garbage or tampered with', () => {
    expect(headersAt(noon, '')).toEqual([]);
    expect(headersAt(noon, 'other=1; elevate_customer_keys=x; elevate_session=y')).toEqual([]);
    expect(headersAt(noon, `elevate_customer_key=${customerKey}`)).toEqual([customerHeader]);
    expect(headersAt(noon, `elevate_session_key=${sessionKey}`)).toEqual([sessionHeader]);
    const tampered = ['', '""', '<script>', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'someone@example.com', 'someone%40example.com',
      'a b', 'x'.repeat(257), '%E0%A4%A', '%FF', 'k%3B%20Domain%3Devil.example', '"k', 'k\r\nSet-Cookie: x=1'];
    for (const value of tampered) {
      expect(headersAt(noon, `elevate_customer_key=${value}`), value).toEqual([]);
      expect(headersAt(noon, `elevate_session_key=${value}`), value).toEqual([]);
    }
    // A `;` ends the value: only the key before it is re-issued, never the attribute after it.
    expect(headersAt(noon, 'elevate_customer_key=k;Domain=evil.example')).toEqual([customerHeader.replace(customerKey, 'k')]);
    // A site's own customerKey is fine; as a sessionKey only a UUID is.
    for (const value of [customerKey, '0b05119e-eeb8-418a-bbfb-defa0dde417', `${sessionKey}x`, `{${sessionKey}}`]) {
      expect(headersAt(noon, `elevate_session_key=${value}`), value).toEqual([]);
    }
  });

  it('never throws on malformed headers', () => {
    const garbage: unknown[] = ['; ;=;', 'a', '=', '==', ';;;', '=elevate_customer_key', 'elevate_customer_key', 'elevate_customer_key=',
      '%', '%E0%A4%A=1', `${'%FF'.repeat(1000)}=1; ${both}`, 'é=ü; \u0000=\uffff', undefined, null,
      `${'x=y; '.repeat(200_000)}${both}`, 'a'.repeat(1_000_000), 42, ['a=b'], {}, Symbol('cookie')];
    for (const header of garbage) {
      expect(() => keyCookieHeaders(header as string)).not.toThrow();
    }
    expect(keyCookieHeaders(undefined)).toEqual([]);
    expect(keyCookieHeaders(null)).toEqual([]);
    expect(headersAt(noon, '; ;=;')).toEqual([]);
    // Undecodable pairs are skipped, the rest is read.
    expect(headersAt(noon, `%E0%A4%A=1; elevate_customer_key=%FF; ${both}`)).toEqual([customerHeader, sessionHeader]);
    expect(headersAt(noon, `${'x=y; '.repeat(200_000)}${both}`)).toEqual([customerHeader, sessionHeader]);
  });

  it('keeps the first of duplicate names, as browsers send the most specific first', () => {
    const other = '6ec0bd7f-11c0-4b8f-a4e1-64d6e4c7b1d0';
    expect(headersAt(noon, `elevate_session_key=${sessionKey}; elevate_session_key=${other}`)).toEqual([sessionHeader]);
    expect(headersAt(noon, `elevate_customer_key=${customerKey}; elevate_customer_key=other-key`)).toEqual([customerHeader]);
    // The first is what the tracker reads too: an invalid first value is not replaced by a later one.
    expect(headersAt(noon, `elevate_customer_key=<script>; elevate_customer_key=${customerKey}`)).toEqual([]);
  });

  it('works as documented with Node http: one Set-Cookie line per key, none for []', async () => {
    const server = createServer((request, response) => {
      response.setHeader('Set-Cookie', keyCookieHeaders(request.headers.cookie, { cookieDomain: 'example.com', now: () => noon }));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const setCookies = async (cookie?: string) => (await fetch(url, { headers: cookie ? { cookie } : {} })).headers.getSetCookie();
      expect(await setCookies(both)).toEqual([`${customerHeader}; Domain=example.com`, `${sessionHeader}; Domain=example.com`]);
      expect(await setCookies('elevate_customer_key=<script>')).toEqual([]);
      expect(await setCookies()).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('defaults to the real clock', () => {
    const before = Date.now();
    const [header] = keyCookieHeaders(`elevate_customer_key=${customerKey}`);
    const expires = Date.parse(header!.match(/Expires=([^;]+)/)![1]!);
    expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 365 * 86_400_000) / 1000) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 365 * 86_400_000);
  });

  it('throws a TypeError naming a bad option, with an example', () => {
    const cases: [KeyCookieOptions, string][] = [
      [{ cookieDomain: 'https://example.com' }, 'Option cookieDomain is invalid: "https://example.com". Example: "example.com".'],
      [{ cookieDomain: 'example.com; Secure' }, 'Option cookieDomain is invalid: "example.com; Secure". Example: "example.com".'],
      [{ customerKeyCookie: 'a b' }, 'Option customerKeyCookie is invalid: "a b". Example: "elevate_ck".'],
      [{ customerKeyCookie: '' }, 'Option customerKeyCookie is invalid: "". Example: "elevate_ck".'],
      [{ sessionKeyCookie: 'k=v' }, 'Option sessionKeyCookie is invalid: "k=v". Example: "elevate_sk".'],
      [{ sessionKeyCookie: 42 as never }, 'Option sessionKeyCookie is invalid: 42. Example: "elevate_sk".'],
      [{ sessionTimeout: 0 }, 'Option sessionTimeout is invalid: 0. Example: 30 (minutes, at most 1440).'],
      [{ sessionTimeout: 1441 }, 'Option sessionTimeout is invalid: 1441. Example: 30 (minutes, at most 1440).'],
      [{ sessionTimeout: NaN }, 'Option sessionTimeout is invalid: NaN. Example: 30 (minutes, at most 1440).'],
      [{ sessionTimeout: '30' as never }, 'Option sessionTimeout is invalid: "30". Example: 30 (minutes, at most 1440).'],
      [{ secure: 'false' as never }, 'Option secure is invalid: "false". Example: false (for local http).'],
      [{ now: Date.now() as never }, expect.stringMatching(/^Option now is invalid: \d+\. Example: \(\) => Date\.now\(\)\.$/) as never],
      [{ now: () => NaN }, 'Option now returned NaN; it must return milliseconds since the epoch. Example: () => Date.now().'],
      [{ cookiedomain: 'example.com' } as never, 'Unknown option cookiedomain; known options: cookieDomain, customerKeyCookie, sessionKeyCookie, sessionTimeout, secure, now.'],
    ];
    for (const [options, message] of cases) {
      // Checked on every call, with or without cookies, so a bad option fails on the first request.
      for (const header of [both, undefined]) {
        let error: unknown;
        try { keyCookieHeaders(header, options); } catch (caught) { error = caught; }
        expect(error).toBeInstanceOf(TypeError);
        expect((error as TypeError).message).toEqual(message);
      }
    }
    expect(keyCookieHeaders(both, { sessionTimeout: 1440, secure: true, cookieDomain: undefined, now: () => noon })).toHaveLength(2);
    expect(() => keyCookieHeaders(both, null as never)).not.toThrow();
  });

  it('reads own options only: a polluted Object.prototype configures nothing (issue 12, item 3)', () => {
    const planted = { cookieDomain: 'evil.example', secure: false, sessionTimeout: 1, customerKeyCookie: 'elevate_session_key' };
    const [withOptions, withoutOptions] = withPollutedPrototype(planted, () => [headersAt(noon, both), keyCookieHeaders(both)]);
    expect(withOptions).toEqual([customerHeader, sessionHeader]);
    expect(withoutOptions).toHaveLength(2);
    expect(withoutOptions.join('\n')).not.toMatch(/Domain=|Max-Age=60;/);
    expect(withoutOptions.every((header) => header.endsWith('; SameSite=Lax; Secure'))).toBe(true);
  });
});
