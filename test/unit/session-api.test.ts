import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionClient, SessionApiError } from '../../src/session-api';
import type { SessionApiErrorCode, SessionClientOptions } from '../../src/session-api';
import { startServer } from '../support/ports.ts';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const BASE = 'https://api.example.com/session-api';

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal;
}

type Answer = (signal: AbortSignal) => Response | Promise<Response>;

/** An answer: a JSON body, or text as it is. */
function answer(status: number, body: unknown): Answer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return () => new Response(text, { status });
}

const networkError: Answer = () => Promise.reject(new TypeError('fetch failed'));

/** Never answers, but rejects like a real fetch when aborted. */
const hanging: Answer = (signal) => new Promise((_, reject) => {
  signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
});

/** A client over a fake fetch giving `answers` in turn (the last one repeats); no retry delays. */
function makeClient(answers: Answer[], options: Partial<SessionClientOptions> = {}) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const signal = init.signal as AbortSignal;
    calls.push({ url: String(input), method: init.method ?? 'GET', headers: new Headers(init.headers),
      body: init.body as string | undefined, signal });
    return answers[Math.min(calls.length - 1, answers.length - 1)](signal);
  };
  const client = createSessionClient({ baseUrl: BASE, retryDelaysMs: [0, 0], fetch, ...options });
  return { client, calls };
}

const ok = answer(200, { sessionId: 's1' });

async function rejectionOf(promise: Promise<unknown>): Promise<SessionApiError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(SessionApiError);
  return error as SessionApiError;
}

afterEach(() => {
  vi.useRealTimers();
});


describe('requests', () => {
  it('create sends PUT /sessions/new with Accept only when no fields are given', async () => {
    const { client, calls } = makeClient([ok]);
    await client.create();
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call.method).toBe('PUT');
    expect(call.url).toBe(`${BASE}/sessions/new`);
    expect(call.headers.get('Accept')).toBe('application/json');
    expect(call.headers.has('gkc_agentId')).toBe(false);
    expect(call.headers.has('gkc_customerId')).toBe(false);
    expect(call.headers.has('Content-Type')).toBe(false);
    expect(call.body).toBeUndefined();
  });

  it('create sends customerId and agentId as headers and the visit IDs as a JSON body', async () => {
    const { client, calls } = makeClient([ok]);
    await client.create({ customerId: 'c1', agentId: 'a1', visitId: 'v1', globalVisitId: 'g1' });
    const [call] = calls;
    expect(call.headers.get('gkc_customerId')).toBe('c1');
    expect(call.headers.get('gkc_agentId')).toBe('a1');
    expect(call.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(call.body ?? '')).toEqual({ visitId: 'v1', globalVisitId: 'g1' });
  });

  it('sends only the visit IDs that are given', async () => {
    const { client, calls } = makeClient([ok]);
    await client.create({ visitId: 'v1' });
    await client.update('s1', { globalVisitId: 'g1', visitId: '' });
    expect(JSON.parse(calls[0].body ?? '')).toEqual({ visitId: 'v1' });
    expect(JSON.parse(calls[1].body ?? '')).toEqual({ globalVisitId: 'g1' });
  });

  it('sends no body and no Content-Type when only headers are given', async () => {
    const { client, calls } = makeClient([ok]);
    await client.update('s1', { customerId: 'c1' });
    expect(calls[0].body).toBeUndefined();
    expect(calls[0].headers.has('Content-Type')).toBe(false);
    expect(calls[0].headers.get('gkc_customerId')).toBe('c1');
  });

  it("sends the client's agentId on every call unless the call gives its own", async () => {
    const { client, calls } = makeClient([ok], { agentId: 'default-agent' });
    await client.create();
    await client.get('s1');
    await client.update('s1', { agentId: 'call-agent' });
    expect(calls.map((call) => call.headers.get('gkc_agentId'))).toEqual(['default-agent', 'default-agent', 'call-agent']);
  });

  it('get sends GET /sessions/{id} without a body', async () => {
    const { client, calls } = makeClient([ok]);
    await client.get('abc-123');
    expect(calls[0].method).toBe('GET');
    expect(calls[0].url).toBe(`${BASE}/sessions/abc-123`);
    expect(calls[0].body).toBeUndefined();
    expect(calls[0].headers.get('Accept')).toBe('application/json');
  });

  it('update sends POST /sessions/{id} with its fields', async () => {
    const { client, calls } = makeClient([ok]);
    await client.update('abc-123', { customerId: 'c1', visitId: 'v1' });
    expect(calls[0].method).toBe('POST');
    expect(calls[0].url).toBe(`${BASE}/sessions/abc-123`);
    expect(calls[0].headers.get('gkc_customerId')).toBe('c1');
    expect(JSON.parse(calls[0].body ?? '')).toEqual({ visitId: 'v1' });
  });

  it('sends tenantId as a query parameter on every call, encoded', async () => {
    const { client, calls } = makeClient([ok], { tenantId: 'shop&co' });
    await client.create();
    await client.get('s1');
    await client.update('s1');
    expect(calls.map((call) => call.url)).toEqual([
      `${BASE}/sessions/new?tenantId=shop%26co`,
      `${BASE}/sessions/s1?tenantId=shop%26co`,
      `${BASE}/sessions/s1?tenantId=shop%26co`,
    ]);
  });

  it('sends no query without a tenantId', async () => {
    const { client, calls } = makeClient([ok]);
    await client.get('s1');
    expect(new URL(calls[0].url).search).toBe('');
  });

  it.each(['../x', 'a?b', 'a#b', 'a/b', '%2e%2e', 'a\\b'])('keeps the hostile sessionId %j inside one path segment', async (id) => {
    const { client, calls } = makeClient([ok], { tenantId: 't' });
    await client.get(id);
    await client.update(id);
    for (const call of calls) {
      const url = new URL(call.url);
      expect(url.pathname).toBe(`/session-api/sessions/${encodeURIComponent(id)}`);
      expect(url.search).toBe('?tenantId=t');
      expect(url.hash).toBe('');
      expect(decodeURIComponent(url.pathname.split('/').pop() ?? '')).toBe(id);
    }
  });

  it.each(['', '.', '..'])('rejects the sessionId %j with a TypeError and sends nothing', async (id) => {
    const { client, calls } = makeClient([ok]);
    await expect(client.get(id)).rejects.toThrow(TypeError);
    await expect(client.update(id)).rejects.toThrow('sessionId must be a non-empty string other than "." or ".."');
    expect(calls).toHaveLength(0);
  });

  it('rejects a header value that cannot travel in a header', async () => {
    const { client, calls } = makeClient([ok]);
    await expect(client.create({ customerId: 'Åsa' })).rejects.toThrow('gkc_customerId must be printable ASCII');
    await expect(client.update('s1', { agentId: 'a\r\nX-Evil: 1' })).rejects.toThrow(TypeError);
    expect(calls).toHaveLength(0);
  });
});

describe('options', () => {
  it('trims trailing slashes from baseUrl', async () => {
    const { client, calls } = makeClient([ok], { baseUrl: 'http://localhost:8080/api//' });
    await client.get('s1');
    expect(calls[0].url).toBe('http://localhost:8080/api/sessions/s1');
  });

  it.each(['', 'shop.example.com/api', '/session-api', 'ftp://example.com', 'https://example.com/api?x=1',
    'https://example.com/#top', 'https://user:pw@example.com'])('throws a TypeError for the baseUrl %j', (baseUrl) => {
    expect(() => createSessionClient({ baseUrl, fetch: async () => new Response() })).toThrow(
      new TypeError(`createSessionClient: options.baseUrl must be an absolute http(s) URL without query, e.g. "https://shop.example.com/session-api"; got ${JSON.stringify(baseUrl)}`));
  });

  it.each([0, -1, Number.NaN, Infinity, 2 ** 31])('throws a TypeError for the timeoutMs %s', (timeoutMs) => {
    expect(() => createSessionClient({ baseUrl: BASE, timeoutMs, fetch: async () => new Response() }))
      .toThrow('createSessionClient: options.timeoutMs must be a positive number of milliseconds, e.g. 10000');
  });

  it.each<[unknown]>([[[3e9]], [[0, 2 ** 31]], [[-1]], [[Number.NaN]], [[Infinity]], ['250'], [500], [[null]]])(
    'throws a TypeError for the retryDelaysMs %s (issue 12, item 10)', (retryDelaysMs) => {
      expect(() => createSessionClient({ baseUrl: BASE, retryDelaysMs: retryDelaysMs as number[], fetch: async () => new Response() })).toThrow(
        new TypeError('createSessionClient: options.retryDelaysMs must be an array of milliseconds, each from 0 to 2147483647 (24.8 days), e.g. [250, 500]'));
    });

  it('uses the given retryDelaysMs as they were when the client was created', async () => {
    vi.useFakeTimers();
    const retryDelaysMs = [2 ** 31 - 1];
    const { client, calls } = makeClient([networkError, ok], { retryDelaysMs });
    retryDelaysMs[0] = 3e9;
    const reading = client.get('s1');
    await vi.advanceTimersByTimeAsync(2 ** 31 - 2);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(reading).resolves.toEqual({ sessionId: 's1' });
  });

  it('uses the global fetch by default', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ sessionId: 'g' })));
    vi.stubGlobal('fetch', fetch);
    try {
      await expect(createSessionClient({ baseUrl: BASE }).get('g')).resolves.toEqual({ sessionId: 'g' });
      expect(fetch).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('a polluted Object.prototype (issue 12, item 3)', () => {
  it('configures no option: only own properties are read', async () => {
    const planted = vi.fn(async () => new Response(JSON.stringify({ sessionId: 'planted' })));
    const fetch = vi.fn(async () => new Response(JSON.stringify({ sessionId: 's1' })));
    vi.stubGlobal('fetch', fetch);
    try {
      const client = withPollutedPrototype({ fetch: planted, tenantId: 'evil', agentId: 'evil', timeoutMs: 1, retryDelaysMs: 'xxxxx' },
        () => createSessionClient({ baseUrl: BASE }));
      await expect(client.get('s1')).resolves.toEqual({ sessionId: 's1' });
      expect(planted).not.toHaveBeenCalled();
      expect(fetch.mock.calls).toEqual([[`${BASE}/sessions/s1`, expect.objectContaining({ headers: { Accept: 'application/json' } })]]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('sends no field: only the own properties of fields are read', async () => {
    const { client, calls } = makeClient([ok]);
    const planted = { customerId: 'planted-customer', agentId: 'planted-agent', visitId: 'planted-visit' };
    await withPollutedPrototype(planted, () => Promise.all([client.create(), client.update('s1', {})]));
    expect(calls.map(({ headers, body }) => [[...headers], body])).toEqual([[[['accept', 'application/json']], undefined], [[['accept', 'application/json']], undefined]]);
  });
});


describe('redirects (issue 12, item 6)', () => {
  // A browser hides the status of a redirect it did not follow (status 0).
  const message = (label: string, status: number) => `Session API ${label} answered with a redirect${status ? ` (HTTP ${status})` : ''}, `
    + 'which is not followed (it could take the visitor\'s ids elsewhere): set baseUrl to the final URL';

  it.each([301, 302, 303, 307, 308])('fails on %s without following it or retrying: the ids go nowhere else', async (status) => {
    const elsewhere = await startServer((_request, response) => { response.end('{"sessionId":"s1"}'); });
    const redirecting = await startServer((request, response) => {
      response.writeHead(status, { Location: `${elsewhere.base}${request.url}` }).end();
    });
    try {
      const client = createSessionClient({ baseUrl: redirecting.base, retryDelaysMs: [0, 0] });
      const errors = await Promise.all([rejectionOf(client.get('s1')), rejectionOf(client.create({ customerId: 'c1', visitId: 'v1' }))]);
      expect(errors.map(({ code, status, message }) => ({ code, status, message }))).toEqual([
        { code: 'redirect', status, message: message('GET /sessions/s1', status) },
        { code: 'redirect', status, message: message('PUT /sessions/new', status) },
      ]);
      expect(elsewhere.received).toEqual([]);
      expect(redirecting.received).toHaveLength(2);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  it('asks fetch not to follow redirects, and fails on the opaque redirect a browser then gives (status 0)', async () => {
    // What a browser's fetch gives for a redirect with redirect: 'manual'; Node's Response cannot be built with status 0.
    const opaque = Object.defineProperties(new Response(null), { type: { value: 'opaqueredirect' }, status: { value: 0 }, ok: { value: false } });
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => { void input; void init; return opaque; });
    const error = await rejectionOf(createSessionClient({ baseUrl: BASE, fetch }).update('s1'));
    expect(error).toMatchObject({ code: 'redirect', status: 0, message: message('POST /sessions/s1', 0) });
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]![1]).toMatchObject({ redirect: 'manual' });
  });
});

describe('answers', () => {
  it('returns a bare SessionInfo with unknown fields kept', async () => {
    const info = { sessionId: 's1', customerId: 'c1', visitId: 'v1', created: 1700000000, extra: { a: 1 } };
    const { client } = makeClient([answer(200, info)]);
    await expect(client.get('s1')).resolves.toEqual(info);
  });

  it('unwraps a SessionInfo enveloped as { response }', async () => {
    const info = { sessionId: 's1', globalVisitId: 'g1', unknownField: true };
    const { client } = makeClient([answer(200, { response: info })]);
    await expect(client.create()).resolves.toEqual(info);
  });

  it.each([
    ['a non-JSON answer', '<html>ok</html>'],
    ['an empty answer', ''],
    ['JSON without sessionId', { customerId: 'c1' }],
    ['a numeric sessionId', { sessionId: 42 }],
    ['an empty sessionId', { response: { sessionId: '' } }],
    ['a JSON array', [{ sessionId: 's1' }]],
  ])('rejects %s with code invalid-response', async (_, body) => {
    const { client } = makeClient([answer(200, body)]);
    const error = await rejectionOf(client.get('s1'));
    expect(error.code).toBe('invalid-response');
    expect(error.status).toBe(200);
    expect(error.message).toBe('Session API GET /sessions/s1 answered without a sessionId');
  });
});

describe('errors', () => {
  it.each<[string, number, unknown, 'create' | 'get' | 'update', SessionApiErrorCode, string | undefined]>([
    ['create 400 "already exists"', 400, { message: 'Session already exists' }, 'create', 'already-exists', 'Session already exists'],
    ['update 400 "already exists"', 400, { message: 'Session already exists' }, 'update', 'bad-request', 'Session already exists'],
    ['404 Session not found', 404, { status: 404, message: 'Session not found' }, 'get', 'not-found', 'Session not found'],
    ['400 enveloped Session not found', 400, { response: { errorMessage: 'Session not found' } }, 'get', 'not-found', 'Session not found'],
    ['400 { error }', 400, { error: 'visitId must be a string' }, 'update', 'bad-request', 'visitId must be a string'],
    ['400 { errorMessage }', 400, { errorMessage: 'Bad header' }, 'create', 'bad-request', 'Bad header'],
    ['400 { response: { message } }', 400, { response: { message: 'Nope' } }, 'create', 'bad-request', 'Nope'],
    ['500 plain text', 500, '  Internal Server Error\n', 'create', 'server', 'Internal Server Error'],
    ['503 without a body', 503, '', 'update', 'server', undefined],
    ['403 JSON', 403, { message: 'Forbidden tenant' }, 'create', 'http', 'Forbidden tenant'],
    ['404 without "Session not found"', 404, 'Not Found', 'get', 'http', 'Not Found'],
  ])('%s → %s', async (_, status, body, method, code, serverMessage) => {
    const { client } = makeClient([answer(status, body)], { retryDelaysMs: [] });
    const call = method === 'create' ? client.create() : method === 'get' ? client.get('s1') : client.update('s1');
    const error = await rejectionOf(call);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.serverMessage).toBe(serverMessage);
    expect(error.name).toBe('SessionApiError');
  });

  it('prefers message over error in a Spring-style body, and says it all in the error message', async () => {
    const { client } = makeClient([answer(400, { status: 400, error: 'Bad Request', message: 'Invalid visitId' })]);
    const error = await rejectionOf(client.update('s1'));
    expect(error.serverMessage).toBe('Invalid visitId');
    expect(error.message).toBe('Session API POST /sessions/s1 answered 400: Invalid visitId');
  });

  it('truncates a long plain-text message', async () => {
    const { client } = makeClient([answer(502, `<html>${'x'.repeat(1000)}</html>`)]);
    const error = await rejectionOf(client.create());
    expect(error.serverMessage).toHaveLength(200);
  });

  it('rejects a network failure with code network, status 0 and the cause', async () => {
    const { client } = makeClient([networkError]);
    const error = await rejectionOf(client.create());
    expect(error.code).toBe('network');
    expect(error.status).toBe(0);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toBe('Session API PUT /sessions/new failed: network error');
  });

  it('rejects a fetch that throws synchronously with code network', async () => {
    const client = createSessionClient({ baseUrl: BASE, fetch: () => { throw new TypeError('boom'); } });
    expect((await rejectionOf(client.create())).code).toBe('network');
  });

  it('times out a fetch that never answers, aborting it', async () => {
    const { client, calls } = makeClient([hanging], { timeoutMs: 20 });
    const error = await rejectionOf(client.create());
    expect(error.code).toBe('timeout');
    expect(error.status).toBe(0);
    expect(error.message).toBe('Session API PUT /sessions/new timed out after 20 ms');
    expect(calls[0].signal.aborted).toBe(true);
  });

  it('times out even a fetch that ignores the abort signal', async () => {
    const { client } = makeClient([() => new Promise<Response>(() => {})], { timeoutMs: 20 });
    expect((await rejectionOf(client.update('s1'))).code).toBe('timeout');
  });

  it('times out a body that never ends', async () => {
    const stalled: Answer = (signal) => new Response(new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"sessionId":'));
        signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    }));
    const { client } = makeClient([stalled], { timeoutMs: 20 });
    expect((await rejectionOf(client.create())).code).toBe('timeout');
  });

  it('clears its timer once answered', async () => {
    vi.useFakeTimers();
    const { client } = makeClient([ok]);
    await client.get('s1');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('retries', () => {
  it('retries GET on network error, timeout and 5xx, then answers', async () => {
    const { client, calls } = makeClient([networkError, hanging, answer(503, 'busy'), ok], {
      timeoutMs: 20, retryDelaysMs: [0, 0, 0],
    });
    await expect(client.get('s1')).resolves.toEqual({ sessionId: 's1' });
    expect(calls).toHaveLength(4);
  });

  it('gives up on GET after 2 retries by default, with the last error', async () => {
    const { client, calls } = makeClient([networkError, networkError, answer(500, { message: 'down' })], {
      retryDelaysMs: undefined,
    });
    vi.useFakeTimers();
    const result = rejectionOf(client.get('s1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // the first retry waits 250 ms
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // the second retry waits 500 ms
    expect(calls).toHaveLength(3);
    const error = await result;
    expect(error.code).toBe('server');
    expect(error.serverMessage).toBe('down');
  });

  it.each([[404, { message: 'Session not found' }], [400, { message: 'bad' }], [403, 'no']])(
    'does not retry GET answered %s', async (status, body) => {
      const { client, calls } = makeClient([answer(status, body), ok]);
      await expect(client.get('s1')).rejects.toThrow(SessionApiError);
      expect(calls).toHaveLength(1);
    });

  it('does not retry GET on an invalid answer', async () => {
    const { client, calls } = makeClient([answer(200, 'nope'), ok]);
    await expect(client.get('s1')).rejects.toThrow(SessionApiError);
    expect(calls).toHaveLength(1);
  });

  it.each([['network error', networkError], ['timeout', hanging], ['5xx', answer(500, 'oops')]])(
    'never retries PUT or POST after a %s', async (_, failure) => {
      const { client, calls } = makeClient([failure], { timeoutMs: 20 });
      await expect(client.create()).rejects.toThrow(SessionApiError);
      await expect(client.update('s1')).rejects.toThrow(SessionApiError);
      expect(calls.map((call) => call.method)).toEqual(['PUT', 'POST']);
    });
});
