// The admin client's payment notifications against the admin stand-in and local fault servers, over real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createAdminClient, createEventDataClient, EventDataError } from '../../src/server/index.js';
import type { AdminClientOptions, Payment } from '../../src/server/index.js';
import { createEventDataStandIn } from '../../demo/event-data-standin.mjs';
import { closedPort, startServer } from '../support/ports.ts';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const KEY = 'pk-SECRET-4711-test';
const standIn = createEventDataStandIn({ apiKey: KEY });
let apiBase = '';

beforeAll(async () => { apiBase = await standIn.listen(); });
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

const createClient = (options: AdminClientOptions = {}) => createAdminClient({ apiBase, apiKey: KEY, retryDelayMs: 1, ...options });

const PAYMENT: Payment = {
  customerKey: 'e3921377-18a2-47c9-a449-06b894898623', sessionKey: '7c1d7e5e-3b8a-4f0e-9b8e-2f1f3c4d5e6f', market: 'SE',
  lines: [{ variantKey: 'shirt_blue_79709', quantity: 2, sellingPrice: 40, cost: 30.4 }, { variantKey: 'sock_1', quantity: 1, sellingPrice: 0 }],
};

/** The EventDataError `promise` rejects with; fails the test if it resolves or rejects with something else. */
async function rejectionOf(promise: Promise<unknown>): Promise<EventDataError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(EventDataError);
  return error as EventDataError;
}

/** A server answering every request with `status`, counting them. */
const answering = (status: number, body = '{"message":"stand-in answer"}') =>
  startServer((_request, response) => { response.writeHead(status, { 'content-type': 'application/json' }).end(body); });

/** A server answering the first `n` requests with `status` and the rest as the stand-in does. */
const failingFirst = (n: number, status: number) => startServer((request, response) => {
  if (n-- > 0) response.writeHead(status, { 'retry-after': '0' }).end();
  else standIn.handle(request, response);
});

describe('notifyPayment: the request', () => {
  it.each(['admin/v4', 'admin/v3'] as const)('posts the lines to %s with the keys and market in the query and the Api-Key', async (apiVersion) => {
    await createClient({ apiVersion }).notifyPayment(PAYMENT);
    expect(standIn.payments).toEqual([expect.objectContaining({
      prefix: apiVersion, status: 204,
      query: { customerKey: PAYMENT.customerKey, market: 'SE', sessionKey: PAYMENT.sessionKey },
      body: { lines: PAYMENT.lines },
    })]);
  });

  it('uses the esales.-prefixed parameters of v2', async () => {
    await createClient({ apiVersion: 'v2' }).notifyPayment(PAYMENT);
    expect(standIn.payments[0]).toMatchObject({ prefix: 'v2', status: 204,
      query: { 'esales.customerKey': PAYMENT.customerKey, 'esales.market': 'SE', 'esales.sessionKey': PAYMENT.sessionKey } });
  });

  it('sends to the cluster host by default, as JSON, following no redirect', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const fetch = (async (url: string, init?: RequestInit) => { calls.push([url, init]); return new Response(null, { status: 204 }); }) as typeof globalThis.fetch;
    await createAdminClient({ clusterId: 'w00000000', apiKey: KEY, fetch }).notifyPayment(PAYMENT);
    expect(calls[0][0]).toBe(`https://w00000000.api.esales.apptus.cloud/api/admin/v4/notifications/payment?customerKey=${PAYMENT.customerKey}&market=SE&sessionKey=${PAYMENT.sessionKey}`);
    expect(calls[0][1]).toMatchObject({ method: 'POST', redirect: 'manual',
      headers: { 'Api-Key': KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ lines: PAYMENT.lines }) });
  });

  it('sends only the known fields of a line, its own ones: nothing planted on Object.prototype', async () => {
    const line = Object.assign(Object.create({ cost: 1 }), { variantKey: 'v1', quantity: 1, sellingPrice: 5 });
    await withPollutedPrototype({ apiVersion: 'v2', market: 'XX' }, () => createClient().notifyPayment({ ...PAYMENT, lines: [line] }));
    expect(standIn.payments[0]).toMatchObject({ prefix: 'admin/v4', query: { market: 'SE' }, body: { lines: [{ variantKey: 'v1', quantity: 1, sellingPrice: 5 }] } });
  });
});

describe('notifyPayment: validation, before any request', () => {
  const line = PAYMENT.lines[1];
  it.each([
    [{ ...PAYMENT, customerKey: 'jane@example.com' }, 'customerKey must be the visitor\'s key (1–256 URL-safe characters, never an e-mail address): the tracker\'s cookie, or visitorKeys()'],
    [{ ...PAYMENT, sessionKey: '' }, 'sessionKey must be the visitor\'s session key (1–256 URL-safe characters): the tracker\'s cookie, or visitorKeys()'],
    [{ ...PAYMENT, market: ' ' }, 'market must be a non-empty string, the tracker\'s market, e.g. "SE"'],
    [{ ...PAYMENT, lines: [] }, 'lines must be a non-empty array, e.g. [{ variantKey: "shirt_blue_79709", quantity: 1, sellingPrice: 20 }]'],
    [{ ...PAYMENT, lines: 'v1' }, 'lines must be a non-empty array, e.g. [{ variantKey: "shirt_blue_79709", quantity: 1, sellingPrice: 20 }]'],
    [{ ...PAYMENT, lines: [line, null] }, 'lines[1] must be an object such as { variantKey: "shirt_blue_79709", quantity: 1, sellingPrice: 20 }'],
    [{ ...PAYMENT, lines: [{ ...line, variantKey: '' }] }, 'lines[0].variantKey must be a non-empty string, e.g. "shirt_blue_79709"'],
    [{ ...PAYMENT, lines: [{ ...line, quantity: 0 }] }, 'lines[0].quantity must be a positive integer, not 0'],
    [{ ...PAYMENT, lines: [{ ...line, quantity: 1.5 }] }, 'lines[0].quantity must be a positive integer, not 1.5'],
    [{ ...PAYMENT, lines: [{ ...line, quantity: '2' }] }, 'lines[0].quantity must be a positive integer, not "2"'],
    [{ ...PAYMENT, lines: [{ ...line, sellingPrice: -1 }] }, 'lines[0].sellingPrice must be a finite number ≥ 0, not -1'],
    [{ ...PAYMENT, lines: [{ ...line, sellingPrice: NaN }] }, 'lines[0].sellingPrice must be a finite number ≥ 0, not null'],
    [{ ...PAYMENT, lines: [{ ...line, sellingPrice: '9.90' }] }, 'lines[0].sellingPrice must be a finite number ≥ 0, not "9.90"'],
    [{ ...PAYMENT, lines: [{ ...line, cost: Infinity }] }, 'lines[0].cost must be a finite number ≥ 0, or left out when unknown, not null'],
    [{ ...PAYMENT, lines: [{ ...line, price: 3 }] }, 'lines[0] has an unknown field "price"; a line has variantKey, quantity, sellingPrice, cost'],
    [null, 'give { customerKey, sessionKey, market, lines }'],
  ])('rejects %j, naming what is wrong', async (payment, problem) => {
    const error = await rejectionOf(createClient().notifyPayment(payment as Payment));
    expect(error).toMatchObject({ code: 'invalid-arguments', message: `notifyPayment: ${problem}`, mayHaveArrived: false });
    expect(error.message).not.toContain('jane');
    expect(standIn.requests).toEqual([]);
  });
});

describe('notifyPayment: what is retried (a payment counted twice is worse than a late one)', () => {
  it('turns 400 into invalid-arguments with the server message, once', async () => {
    const server = await answering(400, '{"message":"There were no order lines in the payment notification."}');
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base }).notifyPayment(PAYMENT));
      expect(error).toMatchObject({ code: 'invalid-arguments', status: 400, mayHaveArrived: false, serverMessage: 'There were no order lines in the payment notification.' });
      expect(server.received).toHaveLength(1);
    } finally { await server.close(); }
  });

  it('turns 403 into bad-credentials, once, and says the payment was not counted', async () => {
    const error = await rejectionOf(createClient({ apiKey: 'wrong-key' }).notifyPayment(PAYMENT));
    expect(error).toMatchObject({ code: 'bad-credentials', status: 403, mayHaveArrived: false });
    expect(standIn.payments).toHaveLength(1);
  });

  it.each([500, 502, 504])('does not resend after %s, which may come after the payment was counted', async (status) => {
    const server = await answering(status);
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base, retries: 5 }).notifyPayment(PAYMENT));
      expect(error).toMatchObject({ code: 'server', status, mayHaveArrived: true });
      expect(server.received).toHaveLength(1);
    } finally { await server.close(); }
  });

  it.each([503, 429])('resends after %s, by which the server says it took nothing', async (status) => {
    const server = await failingFirst(2, status);
    try {
      await createClient({ apiBase: server.base, retries: 2 }).notifyPayment(PAYMENT);
      expect(server.received).toHaveLength(3);
      expect(standIn.payments).toEqual([expect.objectContaining({ status: 204 })]);
    } finally { await server.close(); }
  });

  it('resends after a refused connection, which sent nothing, and reports it as not arrived', async () => {
    const port = await closedPort();
    const urls: string[] = [];
    const fetch = ((url: string, init: RequestInit) => { urls.push(url); return globalThis.fetch(url, init); }) as typeof globalThis.fetch;
    const error = await rejectionOf(createClient({ apiBase: `http://127.0.0.1:${port}`, retries: 2, fetch }).notifyPayment(PAYMENT));
    expect(error).toMatchObject({ code: 'network', mayHaveArrived: false });
    expect(error.message).toMatch(/ECONNREFUSED.*\(after 3 attempts\)$/);
    expect(urls).toHaveLength(3);
  });

  it('does not resend when the connection drops after the request was sent', async () => {
    const server = await startServer((request) => { request.resume(); request.on('end', () => request.socket.destroy()); });
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base, retries: 5 }).notifyPayment(PAYMENT));
      expect(error).toMatchObject({ code: 'network', mayHaveArrived: true });
      expect(server.received).toHaveLength(1);
    } finally { await server.close(); }
  });

  it('does not resend after a timeout', async () => {
    const server = await startServer(() => { /* never answers */ });
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base, timeoutMs: 50, retries: 5 }).notifyPayment(PAYMENT));
      expect(error).toMatchObject({ code: 'timeout', mayHaveArrived: true });
      expect(server.received).toHaveLength(1);
    } finally { await server.close(); }
  });

  it.each([301, 307, 308])('follows no %s redirect: the Api-Key and the payment go nowhere else', async (status) => {
    const target = await answering(204, '');
    const server = await startServer((_request, response) => { response.writeHead(status, { location: `${target.base}/api/admin/v4/notifications/payment` }).end(); });
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base }).notifyPayment(PAYMENT));
      expect(error).toMatchObject({ code: 'server', status, mayHaveArrived: false });
      expect([server.received.length, target.received.length]).toEqual([1, 0]);
    } finally { await Promise.all([server.close(), target.close()]); }
  });
});

describe('the admin client', () => {
  const leaks = (value: unknown) => [String(value), (value as Error)?.stack ?? '', JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity, showHidden: true }), inspect((value as Error)?.cause, { depth: Infinity, showHidden: true })]
    .filter((text) => text.includes(KEY));

  it('runs the event-data jobs too; createEventDataClient keeps its shape', async () => {
    const job = await createClient().createRemoveCustomerJob('c1');
    expect(await createClient().getJobStatus(job.jid)).toMatchObject({ jid: job.jid });
    expect(Object.keys(createClient()).sort()).toEqual(['createExportCustomerJob', 'createRemoveCustomerJob', 'getJobStatus', 'notifyPayment', 'toJSON', 'waitForJob']);
    expect(Object.keys(createEventDataClient({ apiBase, apiKey: KEY }))).not.toContain('notifyPayment');
  });

  it('never shows the key: printed, or in any payment error', async () => {
    const client = createClient();
    expect(inspect(client, { breakLength: Infinity })).toBe(`AdminClient { apiBase: '${apiBase}', apiVersion: 'admin/v4', apiKey: '[redacted]' }`);
    const echo = (async () => new Response(JSON.stringify({ message: `bad key ${KEY}` }), { status: 500 })) as typeof globalThis.fetch;
    const port = await closedPort();
    const errors = await Promise.all([
      rejectionOf(createClient({ apiKey: `${KEY}x` }).notifyPayment(PAYMENT)),
      rejectionOf(createClient({ fetch: echo }).notifyPayment(PAYMENT)),
      rejectionOf(createClient({ apiBase: `http://127.0.0.1:${port}`, retries: 0 }).notifyPayment(PAYMENT)),
      rejectionOf(createClient().notifyPayment({ ...PAYMENT, lines: [] })),
    ]);
    expect(errors[1].serverMessage).toBe('bad key [redacted]');
    expect([client, ...errors].flatMap(leaks)).toEqual([]);
    // Nor the visitor: messages end up in logs, and a customerKey identifies a person.
    expect(errors.map((error) => error.message).join(' ')).not.toContain(PAYMENT.customerKey);
  });
});

describe('the admin stand-in', () => {
  const post = (query: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${apiBase}/api/admin/v4/notifications/payment?${query}`, { method: 'POST', body: typeof body == 'string' ? body : JSON.stringify(body),
      headers: { 'api-key': KEY, 'content-type': 'application/json', ...headers } });
  const query = 'customerKey=c1&market=SE&sessionKey=s1';

  it.each([
    ['no market', 'customerKey=c1&sessionKey=s1', { lines: [{ variantKey: 'v', quantity: 1, sellingPrice: 1 }] }, {}, 400],
    ['no lines', query, { lines: [] }, {}, 400],
    ['a line without a key', query, { lines: [{ quantity: 1, sellingPrice: 1 }] }, {}, 400],
    ['a fractional quantity', query, { lines: [{ variantKey: 'v', quantity: 1.5, sellingPrice: 1 }] }, {}, 400],
    ['not JSON', query, 'lines=v', { 'content-type': 'text/plain' }, 400],
    ['a wrong key', query, { lines: [{ variantKey: 'v', quantity: 1, sellingPrice: 1 }] }, { 'api-key': 'nope' }, 403],
    ['a product key', query, { lines: [{ productKey: 'p', quantity: 1, sellingPrice: 1 }] }, {}, 204],
  ])('answers %s as the API does', async (_what, givenQuery, body, headers, status) => {
    expect((await post(givenQuery, body, headers)).status).toBe(status);
    expect(standIn.payments.map((payment) => payment.status)).toEqual([status]);
  });
});
