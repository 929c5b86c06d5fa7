import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElevateStandIn } from '../../demo/elevate-standin.mjs';

const standIn = createElevateStandIn();
let base = '';
const params = 'customerKey=c-1&market=UK&sessionKey=s-1';
const clickBody = JSON.stringify({ ticket: 'Oy9mYXNoaW9u' });

beforeAll(async () => {
  base = await standIn.listen();
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

function click(body: string | null = clickBody, { contentType = 'application/json;charset=utf-8', query = params } = {}) {
  return fetch(`${base}/api/v2/notifications/click?${query}`, {
    method: 'POST', body, headers: contentType ? { 'Content-Type': contentType } : {},
  });
}

function end(query = params) {
  return fetch(`${base}/api/v2/notifications/end?${query}`, { method: 'POST' });
}

type ApiVersion = 'v2' | 'v3';
const PREFIX: Record<ApiVersion, string> = { v2: '/api/v2/notifications/', v3: '/api/storefront/v3/notifications/' };

/** Any notification on either generation; `body` null sends none. */
function notify(apiVersion: ApiVersion, type: string, body: string | null = null,
  { contentType = 'application/json;charset=utf-8', query = params } = {}) {
  return fetch(`${base}${PREFIX[apiVersion]}${type}?${query}`, {
    method: 'POST', body, headers: body !== null && contentType ? { 'Content-Type': contentType } : {},
  });
}

async function expectRefused(response: Promise<Response>, status: number, reason: string) {
  const res = await response;
  expect(res.status).toBe(status);
  expect(await res.text()).toBe(reason);
}

describe('click', () => {
  it.each([
    'application/json;charset=utf-8',
    'text/plain;charset=utf-8',
    'text/plain;charset=UTF-8', // what a browser sends for a string body
    'Application/JSON ; Charset=UTF-8',
    'application/json',
    'text/plain',
  ])('accepts Content-Type %s with 204 and no body', async (contentType) => {
    const res = await click(clickBody, { contentType });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(standIn.delivered('click')).toMatchObject([{ ticket: 'Oy9mYXNoaW9u', contentType, body: clickBody }]);
  });

  it.each(['customerKey', 'market', 'sessionKey'])('refuses a missing or empty %s', async (name) => {
    const missing = params.split('&').filter((p) => !p.startsWith(`${name}=`)).join('&');
    await expectRefused(click(clickBody, { query: missing }), 400, `missing required query parameter(s): ${name}`);
    await expectRefused(click(clickBody, { query: `${missing}&${name}=` }), 400, `missing required query parameter(s): ${name}`);
  });

  it('names every missing parameter', async () => {
    await expectRefused(click(clickBody, { query: '' }), 400, 'missing required query parameter(s): customerKey, market, sessionKey');
  });

  it('refuses bad bodies and content types', async () => {
    await expectRefused(click('{"ticket":'), 400, 'body is not valid JSON');
    await expectRefused(click(''), 400, 'body is not valid JSON');
    await expectRefused(click('{"ticket":""}'), 400, 'body needs a non-empty string "ticket"');
    await expectRefused(click('{"ticket":42}'), 400, 'body needs a non-empty string "ticket"');
    await expectRefused(click('null'), 400, 'body needs a non-empty string "ticket"');
    await expectRefused(click(clickBody, { contentType: 'application/x-www-form-urlencoded' }), 400,
      'unsupported Content-Type: application/x-www-form-urlencoded');
    await expectRefused(click(clickBody, { contentType: 'text/plain;charset=latin1' }), 400,
      'unsupported Content-Type: text/plain;charset=latin1');
    expect(standIn.delivered()).toEqual([]);
    expect(standIn.requests.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const big = JSON.stringify({ ticket: 'x'.repeat(70_000) });
    await expectRefused(click(big), 413, 'body exceeds 65536 bytes');
  });
});

describe('end', () => {
  it('accepts no body, and ignores one', async () => {
    expect((await end()).status).toBe(204);
    const withBody = await fetch(`${base}/api/v2/notifications/end?${params}`, { method: 'POST', body: 'whatever' });
    expect(withBody.status).toBe(204);
    expect(standIn.delivered('end')).toHaveLength(2);
  });

  it('still needs the query parameters', async () => {
    await expectRefused(end('customerKey=c-1&sessionKey=s-1'), 400, 'missing required query parameter(s): market');
  });
});

/** Valid bodies of each type; v3Only types 404 on v2. */
const TYPES: { type: string; v3Only?: boolean; valid: (object | null)[]; invalid: [string, string][] }[] = [
  ...['click', 'add-to-cart', 'ad-impression'].map((type) => ({
    type, v3Only: type == 'ad-impression', valid: [{ ticket: 'Oy9mYXNoaW9u' }],
    invalid: [
      ['{"ticket":""}', 'body needs a non-empty string "ticket"'],
      ['{"ticket":42}', 'body needs a non-empty string "ticket"'],
      ['{}', 'body needs a non-empty string "ticket"'],
      ['[]', 'body needs a non-empty string "ticket"'],
      ['{"ticket":"t","productKey":"p","x":1}', `unknown key(s) in body: "productKey", "x"; ${type} takes "ticket"`],
    ] as [string, string][],
  })),
  ...['add-favorite', 'remove-favorite'].map((type) => ({
    type, valid: [{ productKey: 'pk-1' }, { variantKey: 'vk-1' }],
    invalid: [
      ['{}', 'body needs a non-empty string "productKey" or "variantKey"'],
      ['{"productKey":""}', 'body needs a non-empty string "productKey" or "variantKey"'],
      ['{"variantKey":7}', 'body needs a non-empty string "productKey" or "variantKey"'],
      ['"pk-1"', 'body needs a non-empty string "productKey" or "variantKey"'],
      ['{"productKey":"p","variantKey":"v"}', 'body needs "productKey" or "variantKey", not both'],
      ['{"ticket":"t"}', `unknown key(s) in body: "ticket"; ${type} takes "productKey", "variantKey"`],
    ] as [string, string][],
  })),
  ...([['remove-recent-searches', 'phrases', ['dress', 'gift card']], ['remove-recently-viewed', 'productKeys', ['🙌', '🤨']]] as const)
    .map(([type, list, values]) => ({
      type, v3Only: true, valid: [{ [list]: values }, { removeAll: true }],
      invalid: [
        ['{}', `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        [`{"${list}":[]}`, `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        [`{"${list}":["a",""]}`, `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        [`{"${list}":"a"}`, `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        [`{"${list}":["a",1]}`, `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        ['{"removeAll":false}', `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        ['{"removeAll":"true"}', `body needs "${list}", a non-empty array of non-empty strings, or "removeAll": true`],
        [`{"${list}":["a"],"removeAll":true}`, `body needs "${list}" or "removeAll", not both`],
        ['{"removeAll":true,"all":true}', `unknown key(s) in body: "all"; ${type} takes "${list}", "removeAll"`],
      ] as [string, string][],
    })),
  { type: 'end', valid: [null], invalid: [] },
];
const BODY_TYPES = TYPES.filter((t) => t.invalid.length);
const onGenerations = <T extends { v3Only?: boolean }>(list: T[]) =>
  list.flatMap((t) => (t.v3Only ? ['v3'] as const : ['v2', 'v3'] as const).map((apiVersion) => ({ ...t, apiVersion })));

describe('notification types', () => {
  it.each(onGenerations(TYPES).flatMap((t) => t.valid.map((json) => ({ ...t, json }))))(
    '$apiVersion $type accepts $json with 204', async ({ type, apiVersion, json }) => {
      const body = json === null ? null : JSON.stringify(json);
      const res = await notify(apiVersion, type, body);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      const ticket = json && 'ticket' in json ? json.ticket : undefined;
      expect(standIn.delivered(type, apiVersion)).toEqual([expect.objectContaining({
        type, apiVersion, path: `${PREFIX[apiVersion]}${type}`, body, json: json ?? undefined, ticket })]);
    });

  it.each(onGenerations(BODY_TYPES))('$apiVersion $type refuses each bad body with its reason', async ({ type, apiVersion, invalid }) => {
    for (const [body, reason] of [['', 'body is not valid JSON'], ['{"ticket":', 'body is not valid JSON'], ...invalid]) {
      await expectRefused(notify(apiVersion, type, body), 400, reason);
    }
    expect(standIn.delivered()).toEqual([]);
    // The parsed body is kept when it is an object, for a refused request too.
    const last = standIn.requests.at(-1)!;
    expect(last.json).toEqual(JSON.parse(last.body!));
    expect(standIn.requests[0].json).toBeUndefined();
  });

  it.each(onGenerations(BODY_TYPES))('$apiVersion $type keeps the click content-type rules', async ({ type, apiVersion, valid }) => {
    const body = JSON.stringify(valid[0]);
    expect((await notify(apiVersion, type, body, { contentType: 'text/plain;charset=UTF-8' })).status).toBe(204);
    expect((await notify(apiVersion, type, body, { contentType: 'application/json' })).status).toBe(204);
    await expectRefused(notify(apiVersion, type, body, { contentType: 'application/x-www-form-urlencoded' }), 400,
      'unsupported Content-Type: application/x-www-form-urlencoded');
    await expectRefused(notify(apiVersion, type, body, { contentType: 'application/json;charset=iso-8859-1' }), 400,
      'unsupported Content-Type: application/json;charset=iso-8859-1');
    // A Blob without a type is the one body fetch sends with no Content-Type at all.
    await expectRefused(fetch(`${base}${PREFIX[apiVersion]}${type}?${params}`, { method: 'POST', body: new Blob([body]) }), 400,
      'unsupported Content-Type: (none)');
  });

  it.each(TYPES.filter((t) => t.v3Only))('$type is v3 only: 404 on the v2 path, preflight too', async ({ type, valid }) => {
    await expectRefused(notify('v2', type, JSON.stringify(valid[1])), 404,
      `not found: /api/v2/notifications/${type} (${type} is Storefront API v3 only: /api/storefront/v3/notifications/${type})`);
    expect((await fetch(`${base}/api/v2/notifications/${type}`, { method: 'OPTIONS' })).status).toBe(404);
    expect(standIn.requests).toMatchObject([{ type, apiVersion: 'v2', status: 404, fault: undefined }]);
  });

  it('end ignores a body and its content type on v3 too', async () => {
    expect((await notify('v3', 'end', 'whatever', { contentType: 'image/png' })).status).toBe(204);
    expect(standIn.delivered('end', 'v3')).toMatchObject([{ body: 'whatever', json: undefined }]);
  });
});

describe('query parameters', () => {
  const v3End = (query: string) => notify('v3', 'end', null, { query });

  it.each(['', '&userContext=PERSONALIZED'])('v3 PERSONALIZED (%s) needs all three, as v2', async (context) => {
    expect((await v3End(`${params}${context}`)).status).toBe(204);
    await expectRefused(v3End(`market=UK${context}`), 400, 'missing required query parameter(s): customerKey, sessionKey');
    await expectRefused(v3End(`customerKey=c-1&sessionKey=s-1&market=${context}`), 400, 'missing required query parameter(s): market');
  });

  it('v3 UNPERSONALIZED needs sessionKey and refuses customerKey', async () => {
    expect((await v3End('market=UK&sessionKey=s-1&userContext=UNPERSONALIZED')).status).toBe(204);
    await expectRefused(v3End(`${params}&userContext=UNPERSONALIZED`), 400,
      'query parameter(s) not allowed with userContext=UNPERSONALIZED: customerKey');
    await expectRefused(v3End('market=UK&sessionKey=s-1&customerKey=&userContext=UNPERSONALIZED'), 400,
      'query parameter(s) not allowed with userContext=UNPERSONALIZED: customerKey');
    await expectRefused(v3End('market=UK&userContext=UNPERSONALIZED'), 400, 'missing required query parameter(s): sessionKey');
  });

  it('v3 ANONYMOUS refuses both keys and still needs market', async () => {
    expect((await v3End('market=UK&userContext=ANONYMOUS')).status).toBe(204);
    await expectRefused(v3End('market=UK&sessionKey=s-1&userContext=ANONYMOUS'), 400,
      'query parameter(s) not allowed with userContext=ANONYMOUS: sessionKey');
    await expectRefused(v3End(`${params}&userContext=ANONYMOUS`), 400,
      'query parameter(s) not allowed with userContext=ANONYMOUS: customerKey, sessionKey');
    await expectRefused(v3End('customerKey=c-1&userContext=ANONYMOUS'), 400,
      'missing required query parameter(s): market; query parameter(s) not allowed with userContext=ANONYMOUS: customerKey');
  });

  it('applies to v3 notifications with a body alike', async () => {
    expect((await notify('v3', 'click', clickBody, { query: 'market=UK&userContext=ANONYMOUS' })).status).toBe(204);
    await expectRefused(notify('v3', 'add-to-cart', clickBody, { query: 'market=UK&sessionKey=s-1&userContext=ANONYMOUS' }), 400,
      'query parameter(s) not allowed with userContext=ANONYMOUS: sessionKey');
    expect(standIn.delivered('click', 'v3')).toMatchObject([{ query: { market: 'UK', userContext: 'ANONYMOUS' } }]);
  });

  it.each(['anonymous', '', 'NONE'])('v3 refuses the unknown userContext %j', async (value) => {
    await expectRefused(v3End(`${params}&userContext=${value}`), 400,
      `unknown userContext ${JSON.stringify(value)}; expected one of PERSONALIZED, UNPERSONALIZED, ANONYMOUS`);
  });

  it('an unknown userContext still needs market', async () => {
    await expectRefused(v3End('userContext=ALL'), 400,
      'unknown userContext "ALL"; expected one of PERSONALIZED, UNPERSONALIZED, ANONYMOUS; missing required query parameter(s): market');
  });

  it('v2 has no userContext', async () => {
    await expectRefused(end(`${params}&userContext=PERSONALIZED`), 400, 'query parameter userContext is Storefront API v3 only');
    await expectRefused(notify('v2', 'click', clickBody, { query: 'market=UK&userContext=ANONYMOUS' }), 400,
      'query parameter userContext is Storefront API v3 only; missing required query parameter(s): customerKey, sessionKey');
  });
});

describe('paths, methods and CORS', () => {
  it('answers 405 with Allow for other methods, 404 for unknown API paths', async () => {
    const get = await fetch(`${base}/api/v2/notifications/click?${params}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${base}/api/v2/notifications/ad-impression?${params}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect(standIn.requests.map((r) => [r.type, r.status])).toEqual([['click', 405], ['ad-impression', 404]]);
  });

  it('serves the same on the v3 paths, and nothing under other prefixes', async () => {
    const get = await fetch(`${base}/api/storefront/v3/notifications/click?${params}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
    await expectRefused(notify('v3', 'payment', clickBody), 404, 'not found: /api/storefront/v3/notifications/payment');
    await expectRefused(notify('v3', 'click/', clickBody), 404, 'not found: /api/storefront/v3/notifications/click/');
    await expectRefused(fetch(`${base}/api/v3/notifications/click?${params}`, { method: 'POST', body: clickBody }), 404,
      'not found: /api/v3/notifications/click');
    expect(standIn.requests.map((r) => [r.type, r.apiVersion, r.status])).toEqual([
      ['click', 'v3', 405], ['payment', 'v3', 404], ['', 'v3', 404], ['click', undefined, 404]]);
  });

  it('answers a v3 preflight like a v2 one', async () => {
    const res = await fetch(`${base}/api/storefront/v3/notifications/remove-recently-viewed`, {
      method: 'OPTIONS', headers: { Origin: 'http://shop.test', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(standIn.preflights).toMatchObject([{ path: '/api/storefront/v3/notifications/remove-recently-viewed' }]);
  });

  it('sends Access-Control-Allow-Origin on every answer', async () => {
    for (const res of [await click(), await click('nope'), await end('')]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('answers a preflight and records it apart', async () => {
    const res = await fetch(`${base}/api/v2/notifications/click`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://shop.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type, Accept-Encoding',
      'access-control-max-age': '600',
    });
    expect(standIn.preflights).toMatchObject([{ path: '/api/v2/notifications/click', origin: 'http://shop.test', requestMethod: 'POST', requestHeaders: 'content-type' }]);
    expect(standIn.requests).toEqual([]);
  });

  it('can be mounted inside another server', async () => {
    const host = createElevateStandIn();
    const server = createServer((req, res) => {
      if (!host.handle(req, res)) res.end('shop page');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('shop page');
      expect((await fetch(`http://127.0.0.1:${port}/api/v2/notifications/end?${params}`, { method: 'POST' })).status).toBe(204);
      expect(host.delivered('end')).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('records and waitFor', () => {
  it('records every request in arrival order', async () => {
    const before = Date.now();
    await click();
    await end('market=UK');
    expect(standIn.requests).toEqual([
      {
        seq: 1, time: expect.any(Number), type: 'click', method: 'POST', path: '/api/v2/notifications/click',
        query: { customerKey: 'c-1', market: 'UK', sessionKey: 's-1' }, contentType: 'application/json;charset=utf-8', hasCookie: false,
        userAgent: 'node', forwardedFor: null, origin: null, body: clickBody, json: { ticket: 'Oy9mYXNoaW9u' }, ticket: 'Oy9mYXNoaW9u', status: 204, reason: undefined, fault: undefined,
        apiVersion: 'v2',
      },
      expect.objectContaining({ seq: 2, type: 'end', apiVersion: 'v2', body: null, json: undefined, status: 400,
        reason: 'missing required query parameter(s): customerKey, sessionKey' }),
    ]);
    expect(Object.keys(standIn.requests[0])).toEqual(['seq', 'time', 'type', 'apiVersion', 'method', 'path', 'query',
      'contentType', 'hasCookie', 'userAgent', 'forwardedFor', 'origin', 'body', 'json', 'ticket', 'status', 'reason', 'fault']);
    expect(standIn.requests[0].time).toBeGreaterThanOrEqual(before);
    expect(standIn.delivered('end')).toEqual([]);
  });

  it('records v3 requests, and delivered() filters by type and generation', async () => {
    const favorite = JSON.stringify({ variantKey: 'vk-1' });
    await notify('v3', 'add-favorite', favorite, { contentType: 'text/plain;charset=UTF-8' });
    await notify('v2', 'add-favorite', favorite);
    await notify('v3', 'end');
    expect(standIn.requests[0]).toEqual({
      seq: 1, time: expect.any(Number), type: 'add-favorite', apiVersion: 'v3', method: 'POST',
      path: '/api/storefront/v3/notifications/add-favorite', query: { customerKey: 'c-1', market: 'UK', sessionKey: 's-1' },
      contentType: 'text/plain;charset=UTF-8', hasCookie: false, userAgent: 'node', forwardedFor: null, origin: null, body: favorite, json: { variantKey: 'vk-1' }, ticket: undefined,
      status: 204, reason: undefined, fault: undefined,
    });
    expect(standIn.delivered('add-favorite').map((r) => r.seq)).toEqual([1, 2]);
    expect(standIn.delivered('add-favorite', 'v2').map((r) => r.seq)).toEqual([2]);
    expect(standIn.delivered(undefined, 'v3').map((r) => r.seq)).toEqual([1, 3]);
    expect(standIn.delivered('end', 'v2')).toEqual([]);
  });

  it('records whether a Cookie header came along, not the cookie', async () => {
    await fetch(`${base}/api/v2/notifications/end?${params}`, { method: 'POST', headers: { Cookie: 'shop_session=secret' } });
    await end();
    expect(standIn.requests.map((r) => r.hasCookie)).toEqual([true, false]);
    expect(JSON.stringify(standIn.requests)).not.toContain('secret');
  });

  it('records User-Agent, X-Forwarded-For and Origin: a proxy forwards the first two, a browser sends the last', async () => {
    const url = `${base}/api/storefront/v3/notifications/end?${params}`;
    // Through a first-party proxy: the visitor's User-Agent and the address chain, no Origin.
    await fetch(url, { method: 'POST', headers: { 'User-Agent': 'Mozilla/5.0 (X11) Chrome/156', 'X-Forwarded-For': '203.0.113.7, 127.0.0.1' } });
    // Straight from a browser on the shop's origin.
    await fetch(url, { method: 'POST', headers: { 'User-Agent': 'Mozilla/5.0 (X11) Chrome/156', Origin: 'http://shop.test' } });
    expect(standIn.requests.map(({ userAgent, forwardedFor, origin, status }) => ({ userAgent, forwardedFor, origin, status }))).toEqual([
      { userAgent: 'Mozilla/5.0 (X11) Chrome/156', forwardedFor: '203.0.113.7, 127.0.0.1', origin: null, status: 204 },
      { userAgent: 'Mozilla/5.0 (X11) Chrome/156', forwardedFor: null, origin: 'http://shop.test', status: 204 },
    ]);
  });

  it('records the headers of refused requests too', async () => {
    await fetch(`${base}/api/v2/notifications/end`, { method: 'POST', headers: { 'X-Forwarded-For': '198.51.100.1' } });
    expect(standIn.requests[0]).toMatchObject({ status: 400, forwardedFor: '198.51.100.1', userAgent: 'node' });
  });

  it('emits each record', async () => {
    const seen: unknown[] = [];
    standIn.events.on('request', (r) => seen.push(r));
    await end();
    expect(seen).toEqual([standIn.requests[0]]);
    standIn.events.removeAllListeners('request');
  });

  it('waits for a count of delivered notifications of a type, or a predicate', async () => {
    const waiting = standIn.waitFor(2, { type: 'click' });
    await end();
    await click();
    await click();
    expect((await waiting).map((r) => r.type)).toEqual(['click', 'click']);
    await expect(standIn.waitFor((all) => all.some((r) => r.type === 'end'))).resolves.toHaveLength(3);
  });

  it('prints expected vs received when it times out', async () => {
    await click();
    await click('bad');
    await expect(standIn.waitFor(2, { type: 'click', timeoutMs: 30 })).rejects.toThrow(
      'waitFor timed out after 30 ms\n' +
      '  expected: >= 2 delivered click request(s)\n' +
      '  received: 1 delivered click request(s) among 2 request(s):\n' +
      '    #1 POST /api/v2/notifications/click 204\n' +
      '    #2 POST /api/v2/notifications/click 400 body is not valid JSON',
    );
    await expect(standIn.waitFor(function hasEnd() { return false; }, { timeoutMs: 10 })).rejects.toThrow('expected: hasEnd(requests) to be true');
    expect(standIn.events.listenerCount('request')).toBe(0);
  });

  it('waits for one generation when asked', async () => {
    const waiting = standIn.waitFor(1, { type: 'click', apiVersion: 'v3' });
    await click();
    await notify('v3', 'click', clickBody);
    expect((await waiting).map((r) => r.apiVersion)).toEqual(['v3']);
    await expect(standIn.waitFor(2, { type: 'click', apiVersion: 'v3', timeoutMs: 10 })).rejects.toThrow(
      '  expected: >= 2 delivered v3 click request(s)\n  received: 1 delivered v3 click request(s) among 2 request(s):');
  });
});

describe('faults', () => {
  it('drop: destroys the socket without an answer', async () => {
    standIn.setFaults({ drop: 1, seed: 1 });
    await expect(click()).rejects.toThrow();
    expect(standIn.requests).toMatchObject([{ status: 'dropped', fault: 'drop', body: clickBody }]);
    expect(standIn.delivered()).toEqual([]);
  });

  it('fail500 and fail400 answer before validation', async () => {
    standIn.setFaults({ fail500: 1, seed: 1 });
    const res = await click('not even JSON');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(/^fault injected/);
    standIn.setFaults({ fail400: 1, seed: 1 });
    await expectRefused(click(), 400, 'fault injected');
    expect(standIn.requests.map((r) => r.fault)).toEqual(['500', '400']);
    expect(standIn.delivered()).toEqual([]);
  });

  it('apply to every notification path of both generations, not to unknown ones', async () => {
    standIn.setFaults({ fail500: 1, seed: 1 });
    expect((await notify('v3', 'click', clickBody)).status).toBe(500);
    expect((await notify('v2', 'add-favorite', '{"productKey":"p"}')).status).toBe(500);
    expect((await notify('v3', 'remove-recent-searches', '{"removeAll":true}')).status).toBe(500);
    expect((await notify('v2', 'remove-recent-searches', '{"removeAll":true}')).status).toBe(404);
    expect(standIn.requests.map((r) => r.fault)).toEqual(['500', '500', '500', undefined]);
  });

  it('latencyMs delays the answer but still delivers', async () => {
    standIn.setFaults({ latencyMs: 60 });
    const started = performance.now();
    expect((await end()).status).toBe(204);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(standIn.delivered()).toMatchObject([{ fault: 'latency' }]);
  });

  it('repeats the same faults for the same seed', async () => {
    const run = async () => {
      standIn.reset();
      standIn.setFaults({ fail500: 0.3, fail400: 0.3, seed: 42 });
      for (let i = 0; i < 12; i++) await end();
      return standIn.requests.map((r) => r.status);
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([204, 400, 500]));
    expect(await run()).toEqual(first);
  });

  it('rejects impossible faults with a precise error', () => {
    expect(() => standIn.setFaults({ drop: 2 })).toThrow('drop must be a probability from 0 to 1, e.g. 0.1; got 2');
    expect(() => standIn.setFaults({ latencyMs: -1 })).toThrow('latencyMs must be >= 0');
  });

  it('reset() clears records and faults', async () => {
    standIn.setFaults({ fail500: 1 });
    await end();
    standIn.reset();
    expect(standIn.requests).toEqual([]);
    expect(standIn.faults).toEqual({ fail500: 0, fail400: 0, drop: 0, latencyMs: 0 });
    expect((await end()).status).toBe(204);
  });
});

describe('admin endpoints', () => {
  const admin = (path: string, init?: RequestInit) => fetch(`${base}/__standin/${path}`, init);

  it('reads and clears requests', async () => {
    await end();
    const res = await admin('requests');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject([{ seq: 1, type: 'end', apiVersion: 'v2', status: 204 }]);
    expect((await admin('requests', { method: 'DELETE' })).status).toBe(204);
    expect(await (await admin('requests')).json()).toEqual([]);
  });

  it('sets and reads faults', async () => {
    const put = await admin('faults', { method: 'PUT', body: JSON.stringify({ fail500: 1, seed: 7 }) });
    expect(put.status).toBe(204);
    expect(await (await admin('faults')).json()).toEqual({ fail500: 1, fail400: 0, drop: 0, latencyMs: 0, seed: 7 });
    expect((await end()).status).toBe(500);
    const bad = await admin('faults', { method: 'PUT', body: '{"drop":"often"}' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('bad faults: drop must be a probability from 0 to 1, e.g. 0.1; got "often"');
  });

  it('answers unknown routes and methods', async () => {
    expect((await admin('nope')).status).toBe(404);
    const res = await admin('faults', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT, OPTIONS');
    const preflight = await admin('faults', { method: 'OPTIONS' });
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, OPTIONS');
  });

  it('streams each record as a Server-Sent Event', async () => {
    const abort = new AbortController();
    const res = await admin('events', { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await end();
    let text = '';
    while (!text.includes('\n\ndata: ') || !text.endsWith('\n\n')) text += (await reader.read()).value;
    abort.abort();
    const data = text.split('\n').find((line) => line.startsWith('data: '))!;
    expect(JSON.parse(data.slice('data: '.length))).toMatchObject({ seq: 1, type: 'end', status: 204 });
  });
});
