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

describe('paths, methods and CORS', () => {
  it('answers 405 with Allow for other methods, 404 for unknown API paths', async () => {
    const get = await fetch(`${base}/api/v2/notifications/click?${params}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${base}/api/v2/notifications/add-to-cart?${params}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect(standIn.requests.map((r) => [r.type, r.status])).toEqual([['click', 405], ['add-to-cart', 404]]);
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
        query: { customerKey: 'c-1', market: 'UK', sessionKey: 's-1' }, contentType: 'application/json;charset=utf-8',
        body: clickBody, ticket: 'Oy9mYXNoaW9u', status: 204, reason: undefined, fault: undefined,
      },
      expect.objectContaining({ seq: 2, type: 'end', body: null, status: 400, reason: 'missing required query parameter(s): customerKey, sessionKey' }),
    ]);
    expect(standIn.requests[0].time).toBeGreaterThanOrEqual(before);
    expect(standIn.delivered('end')).toEqual([]);
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
    expect(await res.json()).toMatchObject([{ seq: 1, type: 'end', status: 204 }]);
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
