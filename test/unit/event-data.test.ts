// The event-data client against the in-memory stand-in, over real HTTP.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createEventDataClient, EventDataError } from '../../src/server/index.js';
import type { EventDataClientOptions, EventDataJob } from '../../src/server/index.js';
import { createEventDataStandIn } from '../../demo/event-data-standin.mjs';
import { closedPort, startServer } from '../support/ports.ts';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const KEY = 'pk-SECRET-4711-test';
const standIn = createEventDataStandIn({ apiKey: KEY, stepMs: 20, everyStatus: true });
let apiBase = '';

beforeAll(async () => { apiBase = await standIn.listen(); });
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

const createClient = (options: EventDataClientOptions = {}) =>
  createEventDataClient({ apiBase, apiKey: KEY, retryDelayMs: 1, ...options });

/** The EventDataError `promise` rejects with; fails the test if it resolves or rejects with something else. */
async function rejectionOf(promise: Promise<unknown>): Promise<EventDataError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(EventDataError);
  return error as EventDataError;
}


/** A server that accepts requests and never answers; counts them. */
async function startSilentServer() {
  const server = createServer(() => { silent.requests++; });
  const silent = { requests: 0, base: '', close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  silent.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return silent;
}


describe('options', () => {
  const savedKey = process.env.ELEVATE_API_KEY;
  afterEach(() => { if (savedKey === undefined) delete process.env.ELEVATE_API_KEY; else process.env.ELEVATE_API_KEY = savedKey; });

  it.each([
    [{}, 'Invalid option clusterId: give clusterId or apiBase. Example: clusterId: "w00000000".'],
    [{ clusterId: 'w1', apiBase: 'https://proxy.example' }, 'Invalid option apiBase: give clusterId or apiBase, not both. Example: clusterId: "w00000000".'],
    [{ clusterId: 'evil.example/x' }, 'Invalid option clusterId: "evil.example/x" is not a cluster ID (letters, digits and hyphens). Example: "w00000000".'],
    [{ apiBase: 'http://shop.example' }, 'Invalid option apiBase: "http://shop.example" must be an https URL (http only on localhost) without credentials or query. Example: "https://elevate-proxy.example".'],
    [{ apiBase: 'https://user:pw@proxy.example' }, 'Invalid option apiBase: "https://user:pw@proxy.example" must be an https URL (http only on localhost) without credentials or query. Example: "https://elevate-proxy.example".'],
    [{ clusterId: 'w1', apiVersion: 'v9' }, 'Invalid option apiVersion: "v9" is not one of v2, admin/v3, admin/v4. Example: "admin/v4".'],
    [{ clusterId: 'w1', retries: -1 }, 'Invalid option retries: -1 must be a number ≥ 0. Example: 3.'],
    [{ clusterId: 'w1', apikey: KEY }, 'Invalid option apikey: unknown option; known options are clusterId, apiBase, apiKey, apiVersion, timeoutMs, retries, retryDelayMs, fetch. Example: { clusterId: "w00000000" }.'],
  ])('rejects %j with a config error naming the option and an example', (options, message) => {
    const call = () => createEventDataClient({ apiKey: KEY, ...options } as EventDataClientOptions);
    expect(call).toThrow(EventDataError);
    expect(call).toThrow(expect.objectContaining({ code: 'config', message }));
  });

  it.each([3e9, 2 ** 31, Infinity])('rejects the timeoutMs %s, which no timer can wait (issue 12, item 10)', (timeoutMs) => {
    expect(() => createClient({ timeoutMs })).toThrow(expect.objectContaining({ code: 'config',
      message: `Invalid option timeoutMs: ${timeoutMs} must be a number from 1 to 2147483647 (ms, 24.8 days). Example: 30000.` }));
    expect(createClient({ timeoutMs: 2 ** 31 - 1 })).toBeDefined();
  });

  it('asks for ELEVATE_API_KEY when no key is given', () => {
    delete process.env.ELEVATE_API_KEY;
    expect(() => createEventDataClient({ clusterId: 'w1' })).toThrow(expect.objectContaining({
      code: 'config',
      message: 'Missing API key: set the ELEVATE_API_KEY environment variable (or the apiKey option) to the Api-Key supplied during on-boarding.',
    }));
  });

  it('reads the key from ELEVATE_API_KEY', async () => {
    process.env.ELEVATE_API_KEY = KEY;
    const client = createEventDataClient({ apiBase, retries: 0 });
    await expect(client.createRemoveCustomerJob('c1')).resolves.toMatchObject({ status: 'created' });
  });

  it('sends to the cluster host by default, with the Api-Key header and the spec path', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      calls.push([String(url), init]);
      return new Response('{"jid":"j1","status":"created"}', { status: 200 });
    };
    const client = createEventDataClient({ clusterId: 'w00000000', apiKey: KEY, fetch: fetch as typeof globalThis.fetch });
    await client.createRemoveCustomerJob('e3921377-18a2-47c9-a449-06b894898623');
    expect(calls[0][0]).toBe('https://w00000000.api.esales.apptus.cloud/api/admin/v4/event-data/create-remove-customer-job?customerKey=e3921377-18a2-47c9-a449-06b894898623');
    expect(calls[0][1]).toMatchObject({ method: 'POST', headers: { 'Api-Key': KEY } });
  });
});

describe('a polluted Object.prototype (issue 12, item 3)', () => {
  it('configures no client option: only own properties are read', async () => {
    const stolen: unknown[] = [];
    const planted = { fetch: async (...args: unknown[]) => { stolen.push(args); return new Response('{}'); }, apiVersion: 'admin/v3', retries: 9, timeoutMs: 1 };
    const client = withPollutedPrototype(planted, () => createEventDataClient({ apiBase, apiKey: KEY }));
    await expect(client.createRemoveCustomerJob('c1')).resolves.toMatchObject({ status: 'created' });
    expect(stolen).toEqual([]);
    expect(standIn.requests).toEqual([expect.objectContaining({ prefix: 'admin/v4', status: 200 })]);
  });

  it('supplies no API key: only the environment\'s own ELEVATE_API_KEY is read', () => {
    const saved = process.env.ELEVATE_API_KEY;
    delete process.env.ELEVATE_API_KEY;
    try {
      expect(() => withPollutedPrototype({ ELEVATE_API_KEY: 'planted-key' }, () => createEventDataClient({ apiBase })))
        .toThrow(expect.objectContaining({ code: 'config', message: expect.stringMatching(/^Missing API key/) }));
    } finally {
      if (saved !== undefined) process.env.ELEVATE_API_KEY = saved;
    }
  });

  it('configures no waitForJob option', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['done'];
    const seen: unknown[] = [];
    const planted = { timeoutMs: 1, intervalMs: 1, onProgress: (job: unknown) => seen.push(job) };
    const waiting = withPollutedPrototype(planted, () => client.waitForJob(jid));
    await expect(waiting).resolves.toEqual({ jid, status: 'done' });
    expect(seen).toEqual([]);
  });
});

describe('endpoints', () => {
  it('warns once per process of a version with an end of life, and never of admin/v4', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // A fresh copy of the module: other tests may have created clients of these versions already.
      vi.resetModules();
      const { createEventDataClient: createFresh } = await import('../../src/server/event-data.ts');
      for (const apiVersion of ['admin/v4', 'admin/v3', 'admin/v3', 'v2', 'v2'] as const) createFresh({ apiBase, apiKey: KEY, apiVersion });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => [(warning as Error & { code?: string }).code, warning.message])).toEqual([
      ['ELEVATE_API_END_OF_LIFE', 'Elevate\'s admin/v3 API is supported until 2026-12-31: use apiVersion "admin/v4" (--api-version admin/v4).'],
      ['ELEVATE_API_END_OF_LIFE', 'Elevate\'s v2 API reached its end of life on 2024-04-30: use apiVersion "admin/v4" (--api-version admin/v4).'],
    ]);
  });

  it.each(['v2', 'admin/v3', 'admin/v4'] as const)('serves all three endpoints under %s', async (apiVersion) => {
    const client = createClient({ apiVersion });
    const removal = await client.createRemoveCustomerJob('c/1+x=~:.');
    const exported = await client.createExportCustomerJob('c2');
    expect(removal).toEqual({ jid: expect.any(String), status: 'created' });
    expect(await client.getJobStatus(removal.jid)).toEqual({ jid: removal.jid, status: expect.stringMatching(/^(created|waiting|running|done)$/) });
    expect(standIn.requests).toEqual([
      { method: 'POST', prefix: apiVersion, endpoint: 'create-remove-customer-job', query: { customerKey: 'c/1+x=~:.' }, status: 200 },
      { method: 'POST', prefix: apiVersion, endpoint: 'create-export-customer-job', query: { customerKey: 'c2' }, status: 200 },
      { method: 'GET', prefix: apiVersion, endpoint: 'job-status', query: { jid: removal.jid }, status: 200 },
    ]);
    expect(standIn.jobs.get(exported.jid)).toMatchObject({ kind: 'export', customerKey: 'c2' });
  });

  it('rejects an empty customerKey or jid without a request', async () => {
    const client = createClient();
    for (const call of [() => client.createRemoveCustomerJob(''), () => client.createExportCustomerJob(' '), () => client.getJobStatus('')]) {
      expect(await rejectionOf(call())).toMatchObject({ code: 'invalid-arguments' });
    }
    expect(standIn.requests).toEqual([]);
  });

  it.each([
    ['jane@example.com', 'customerKey looks like an e-mail address, which the tracker never sends as a key (setCustomerKey refuses it)'],
    ['c 1 & ö', 'customerKey is not a key the tracker sends (1–256 characters: letters, digits and _ . : + / = ~ -)'],
    ['k'.repeat(257), 'customerKey is not a key the tracker sends (1–256 characters: letters, digits and _ . : + / = ~ -)'],
  ])('refuses a customerKey the tracker refuses, %s, with invalid-arguments, before any request (issue 17)', async (customerKey, problem) => {
    const instead = 'pass the customerKey the tracker used instead: the one forget() returned, the key your site gave setCustomerKey, or the visitor\'s customerKey cookie';
    const client = createClient();
    for (const call of [() => client.createRemoveCustomerJob(customerKey), () => client.createExportCustomerJob(customerKey)]) {
      const error = await rejectionOf(call());
      expect(error).toMatchObject({ code: 'invalid-arguments', mayHaveArrived: false, message: `${problem}: ${instead}` });
      // Never quoted: it may be an e-mail address, and messages end up in logs.
      expect(error.message).not.toContain(customerKey);
    }
    expect(standIn.requests).toEqual([]);
  });

  it('answers an unknown jid with not_found', async () => {
    expect(await createClient().getJobStatus('no-such-job')).toEqual({ jid: 'no-such-job', status: 'not_found' });
  });

  it('passes an unknown status through as it is', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['quarantined'];
    expect(await client.getJobStatus(jid)).toEqual({ jid, status: 'quarantined' });
  });
});

describe('errors', () => {
  it('turns 400 into invalid-arguments with the server message, without retrying', async () => {
    // Drops the query on the way, so the stand-in sees a missing customerKey.
    const fetch = ((url: string, init: RequestInit) => globalThis.fetch(url.replace(/\?.*/, ''), init)) as typeof globalThis.fetch;
    const error = await rejectionOf(createClient({ fetch }).createRemoveCustomerJob('c1'));
    expect(error).toMatchObject({ code: 'invalid-arguments', status: 400, serverMessage: 'Invalid or missing required arguments: customerKey.' });
    expect(error.message).toBe(`POST ${apiBase}/api/admin/v4/event-data/create-remove-customer-job was rejected (HTTP 400): Invalid or missing required arguments: customerKey.`);
    expect(standIn.requests).toHaveLength(1);
  });

  it('turns 403 into bad-credentials, without retrying', async () => {
    const error = await rejectionOf(createClient({ apiKey: 'wrong-key' }).createExportCustomerJob('c1'));
    expect(error).toMatchObject({ code: 'bad-credentials', status: 403, serverMessage: 'Incorrect cluster credentials.' });
    expect(error.message).toBe(`POST ${apiBase}/api/admin/v4/event-data/create-export-customer-job was refused (HTTP 403): Incorrect cluster credentials. Check the API key (ELEVATE_API_KEY) and the cluster.`);
    expect(standIn.requests).toHaveLength(1);
  });

  it('retries 500 and then succeeds', async () => {
    standIn.setFail500(2);
    await expect(createClient({ retries: 3 }).createRemoveCustomerJob('c1')).resolves.toMatchObject({ status: 'created' });
    expect(standIn.requests.map(({ status }) => status)).toEqual([500, 500, 200]);
  });

  it('gives up after the retries with a server error', async () => {
    standIn.setFail500(10);
    const error = await rejectionOf(createClient({ retries: 2 }).getJobStatus('j1'));
    expect(error).toMatchObject({ code: 'server', status: 500, serverMessage: 'Internal server error (stand-in, setFail500).' });
    expect(error.message).toMatch(/failed \(HTTP 500\).* \(after 3 attempts\)$/);
    expect(standIn.requests).toHaveLength(3);
  });

  it('retries a network error and then fails with code network', async () => {
    const port = await closedPort();
    const error = await rejectionOf(createClient({ apiBase: `http://127.0.0.1:${port}`, retries: 1 }).getJobStatus('j1'));
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED.*\(after 2 attempts\)$/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('times out a request that gets no answer, retrying it', async () => {
    const silent = await startSilentServer();
    try {
      // Attempts are counted as they leave: on a loaded machine one can time out before the server sees it.
      let attempts = 0;
      const fetch = ((url: string, init: RequestInit) => { attempts++; return globalThis.fetch(url, init); }) as typeof globalThis.fetch;
      const error = await rejectionOf(createClient({ apiBase: silent.base, timeoutMs: 50, retries: 1, fetch }).getJobStatus('j1'));
      expect(error.code).toBe('timeout');
      expect(error.message).toBe(`GET ${silent.base}/api/admin/v4/event-data/job-status got no answer within 50 ms (after 2 attempts)`);
      expect(attempts).toBe(2);
      expect(silent.requests).toBeLessThanOrEqual(2);
    } finally {
      await silent.close();
    }
  });

  it('reports a 200 that is not an EventDataJobResult as invalid-response', async () => {
    const fetch = (async () => new Response('<html>', { status: 200 })) as typeof globalThis.fetch;
    expect(await rejectionOf(createClient({ fetch }).getJobStatus('j1'))).toMatchObject({ code: 'invalid-response', status: 200 });
  });

  it.each([
    ['v2', ` (the v2 API's end of life is 2024-04-30: try apiVersion "admin/v4")`],
    ['admin/v3', ` (the admin/v3 API's end of life is 2026-12-31: try apiVersion "admin/v4")`],
    ['admin/v4', ''],
  ] as const)('on 404 from %s, hints at the version\'s end of life if it has one, without retrying', async (apiVersion, hint) => {
    let requests = 0;
    const fetch = ((url: string, init: RequestInit) => { requests++; return globalThis.fetch(url, init); }) as typeof globalThis.fetch;
    const error = await rejectionOf(createClient({ apiBase: `${apiBase}/gone`, apiVersion, fetch }).getJobStatus('j1'));
    expect(error).toMatchObject({ code: 'server', status: 404 });
    expect(requests).toBe(1);
    expect(error.message).toBe(`GET ${apiBase}/gone/api/${apiVersion}/event-data/job-status failed (HTTP 404): Not found.${hint}`);
  });
});

describe('redirects (issue 12, item 6)', () => {
  it.each([301, 302, 303, 307, 308])('fails on %s without following it or retrying: the Api-Key goes nowhere else', async (status) => {
    const elsewhere = await startServer((_request, response) => { response.end('{"jid":"j1","status":"done"}'); });
    const redirecting = await startServer((request, response) => {
      response.writeHead(status, { Location: `${elsewhere.base}${request.url}` }).end();
    });
    try {
      const error = await rejectionOf(createClient({ apiBase: redirecting.base, retries: 3 }).getJobStatus('j1'));
      expect(error).toMatchObject({ code: 'server', status });
      expect(error.message).toBe(`GET ${redirecting.base}/api/admin/v4/event-data/job-status answered with a redirect (HTTP ${status}), `
        + 'which is not followed (it could take the Api-Key elsewhere): set apiBase to the final URL');
      expect(elsewhere.received).toEqual([]);
      expect(redirecting.received).toHaveLength(1);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  it('asks fetch not to follow redirects', async () => {
    const inits: RequestInit[] = [];
    const fetch = (async (_url: string, init: RequestInit) => { inits.push(init); return new Response('{"jid":"j1","status":"done"}'); }) as typeof globalThis.fetch;
    await createClient({ fetch }).getJobStatus('j1');
    expect(inits[0]).toMatchObject({ redirect: 'manual' });
  });
});

describe('stand-in', () => {
  it('gives a job the status of its age; with everyStatus, one status on from its last answer at most', async () => {
    const byAge = createEventDataStandIn({ apiKey: KEY, stepMs: 5 });
    const base = await byAge.listen();
    try {
      for (const [standInBase, expected] of [[base, ['done', 'done']], [apiBase, ['waiting', 'running']]]) {
        const client = createClient({ apiBase: standInBase });
        const { jid, status } = await client.createRemoveCustomerJob('c1');
        expect(status).toBe('created');
        await new Promise((resolve) => setTimeout(resolve, 100)); // past the last status for both
        expect([(await client.getJobStatus(jid)).status, (await client.getJobStatus(jid)).status]).toEqual(expected);
      }
    } finally {
      await byAge.close();
    }
  });
});

describe('waitForJob', () => {
  it('polls until done, reporting each status change once', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    const seen: EventDataJob[] = [];
    const job = await client.waitForJob(jid, { intervalMs: 5, onProgress: (progress) => seen.push(progress) });
    expect(job).toEqual({ jid, status: 'done' });
    // The stand-in moves on one status at most between two answers (everyStatus): each change after the job's creation shows, once
    // and in order ('created' too, when the first poll comes before the job moves on).
    const statuses = ['created', 'waiting', 'running', 'done'];
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(statuses.slice(statuses.length - seen.length).map((status) => ({ jid, status })));
  });

  it('rejects with job-failed when the job ends in error', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['created', 'error'];
    expect(await rejectionOf(client.waitForJob(jid, { intervalMs: 5 }))).toMatchObject({ code: 'job-failed', message: `Job ${jid} ended in error` });
  });

  it('rejects with job-failed when the job is not found', async () => {
    expect(await rejectionOf(createClient().waitForJob('no-such-job', { intervalMs: 5 })))
      .toMatchObject({ code: 'job-failed', message: 'Job no-such-job is not known to Elevate (not_found)' });
  });

  it('never takes an unknown status for done: it times out', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['quarantined'];
    const error = await rejectionOf(client.waitForJob(jid, { intervalMs: 5, timeoutMs: 400 }));
    expect(error).toMatchObject({ code: 'timeout', message: `Job ${jid} was not done within 400 ms; last status: quarantined` });
  });

  it('says, when it gives up on a job still waiting, that Elevate runs jobs from the next day and how to check later', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['waiting'];
    const error = await rejectionOf(client.waitForJob(jid, { intervalMs: 5, timeoutMs: 400 }));
    expect(error).toMatchObject({ code: 'timeout', message: `Job ${jid} was not done within 400 ms; last status: waiting. Elevate runs jobs `
      + `from the day after they were created, so it goes on: check it later with getJobStatus (CLI: elevate-tracker job-status ${jid})` });
  });

  it.each([
    ['timeoutMs', 3e9, '600000'],
    ['timeoutMs', Infinity, '600000'],
    ['intervalMs', 3e9, '1000'],
  ])('rejects the %s %s, which no timer can wait, before polling (issue 12, item 10)', async (option, value, example) => {
    const error = await rejectionOf(createClient().waitForJob('j1', { [option]: value }));
    expect(error).toMatchObject({ code: 'invalid-arguments',
      message: `waitForJob: ${option} must be a positive number of milliseconds, at most 2147483647 (24.8 days), e.g. ${example}` });
    expect(standIn.requests).toEqual([]);
  });

  it('stops when its signal aborts', async () => {
    const client = createClient();
    const { jid } = await client.createRemoveCustomerJob('c1');
    standIn.jobs.get(jid)!.steps = ['running'];
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    setTimeout(() => controller.abort(reason), 30);
    await expect(client.waitForJob(jid, { intervalMs: 5, signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('secret hygiene', () => {
  const leaks = (value: unknown) => [
    String(value), (value as Error)?.stack ?? '', JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity, showHidden: true }), inspect((value as Error)?.cause, { depth: Infinity, showHidden: true }),
  ].filter((text) => text.includes(KEY));

  it('never shows the key when the client is printed', () => {
    const client = createClient();
    expect(JSON.parse(JSON.stringify(client))).toEqual({ apiBase, apiVersion: 'admin/v4', apiKey: '[redacted]' });
    expect(inspect(client, { breakLength: Infinity })).toBe(`EventDataClient { apiBase: '${apiBase}', apiVersion: 'admin/v4', apiKey: '[redacted]' }`);
    expect(leaks(client)).toEqual([]);
    expect(Object.values(client).filter((value) => value === KEY)).toEqual([]);
  });

  it('never shows the key in errors: 403, network, timeout, server echoes, fetch failures', async () => {
    const port = await closedPort();
    const silent = await startSilentServer();
    const echo = (async () => new Response(JSON.stringify({ message: `bad key ${KEY}` }), { status: 400 })) as typeof globalThis.fetch;
    const throwing = (async () => { throw new TypeError(`Headers.append: "${KEY}" is an invalid header value.`); }) as typeof globalThis.fetch;
    try {
      const errors = await Promise.all([
        rejectionOf(createClient({ apiKey: KEY.replace('4711', '4712') }).getJobStatus('j1')),
        rejectionOf(createClient().createRemoveCustomerJob('')),
        rejectionOf(createClient({ apiBase: `http://127.0.0.1:${port}`, retries: 0 }).getJobStatus('j1')),
        rejectionOf(createClient({ apiBase: silent.base, timeoutMs: 30, retries: 0 }).getJobStatus('j1')),
        rejectionOf(createClient({ fetch: echo }).getJobStatus('j1')),
        rejectionOf(createClient({ fetch: throwing, retries: 0 }).getJobStatus('j1')),
      ]);
      expect(errors.map(({ code }) => code)).toEqual(['bad-credentials', 'invalid-arguments', 'network', 'timeout', 'invalid-arguments', 'network']);
      expect(errors[4].serverMessage).toBe('bad key [redacted]');
      expect(errors.flatMap(leaks)).toEqual([]);
    } finally {
      await silent.close();
    }
  });

  it.each([400, 403, 502])('never shows part of the key when a %s body is cut to 200 characters (issue 12, item 9)', async (status) => {
    // The key starts at character 185, so a cut before redaction would keep its first 15 characters.
    const server = await startServer((_request, response) => { response.writeHead(status).end(`${'x'.repeat(185)}${KEY} trailing text`); });
    try {
      const error = await rejectionOf(createClient({ apiBase: server.base, retries: 0 }).getJobStatus('j1'));
      expect(error.serverMessage).toBe(`${'x'.repeat(185)}[redacted]${' trailing text'.slice(0, 5)}`);
      expect(`${error.message} ${error.serverMessage}`).not.toContain(KEY.slice(0, 4));
    } finally {
      await server.close();
    }
  });

  it('never echoes a key that is not a valid header value', () => {
    const call = () => createEventDataClient({ apiBase, apiKey: `${KEY}\n` });
    expect(call).toThrow(expect.objectContaining({ code: 'config' }));
    try { call(); } catch (error) { expect(leaks(error)).toEqual([]); }
  });
});
