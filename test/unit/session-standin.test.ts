import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStandIn } from '../../demo/session-standin.mjs';
import { createSessionClient, SessionApiError } from '../../src/session-api';

const standIn = createSessionStandIn();
let baseUrl = '';

beforeAll(async () => {
  baseUrl = await standIn.listen();
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.reset();
});

function makeClient(timeoutMs = 2000) {
  return createSessionClient({ baseUrl, tenantId: 'shop-1', timeoutMs, retryDelaysMs: [0, 0] });
}

async function rejectionOf(promise: Promise<unknown>): Promise<SessionApiError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(SessionApiError);
  return error as SessionApiError;
}

describe('the stand-in over HTTP', () => {
  it('serves under /session-api on 127.0.0.1', () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/session-api$/);
  });

  it('answers 404 with status and message for an unknown session', async () => {
    const response = await fetch(`${baseUrl}/sessions/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 404, message: 'Session not found' });
  });

  it('answers 400 with status and message for a body that is not JSON', async () => {
    const response = await fetch(`${baseUrl}/sessions/new`, { method: 'PUT', body: '{oops' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 400, message: 'Request body must be a JSON object' });
  });

  it('answers 400 for a visitId that is not a string', async () => {
    const response = await fetch(`${baseUrl}/sessions/s1`, { method: 'POST', body: '{"visitId":1}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 400, message: 'visitId must be a string' });
  });

  it('answers 405 to PUT on an existing path other than /sessions/new', async () => {
    const response = await fetch(`${baseUrl}/sessions/s1`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect(await response.json()).toEqual({ status: 405, message: 'PUT is not allowed on /sessions/s1' });
  });

  it('answers 404 JSON for unknown routes, inside and outside /session-api', async () => {
    for (const url of [`${baseUrl}/other`, baseUrl.replace('/session-api', '/elsewhere')]) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ status: 404 });
    }
  });

  it('answers a CORS preflight for a storefront on another origin', async () => {
    const response = await fetch(`${baseUrl}/sessions/new`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,gkc_agentid,gkc_customerid',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type, Accept, gkc_agentId, gkc_customerId');
    expect(standIn.requests.map((request) => request.method)).toEqual(['OPTIONS']);
  });

  it('allows any origin on ordinary answers too', async () => {
    const response = await fetch(`${baseUrl}/sessions/nope`, { headers: { Origin: 'https://shop.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('logs each request with its raw path, query, headers and body', async () => {
    await makeClient().create({ agentId: 'a1', visitId: 'v1' });
    expect(standIn.requests).toEqual([{
      method: 'PUT',
      path: '/sessions/new',
      query: { tenantId: 'shop-1' },
      headers: { gkc_agentId: 'a1', gkc_customerId: undefined },
      body: { visitId: 'v1' },
    }]);
  });

  it('answers 413 to a body over 64 KiB', async () => {
    const response = await fetch(`${baseUrl}/sessions/new`, { method: 'PUT', body: 'x'.repeat(65 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ status: 413, message: 'Request body too large' });
  });

  it('rejects listen() on a taken port, and can listen again afterwards', async () => {
    const other = createSessionStandIn();
    const port = Number(new URL(baseUrl).port);
    await expect(other.listen(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const otherUrl = await other.listen();
    await expect(other.listen()).rejects.toThrow('already listening');
    await other.close();
    expect(otherUrl).not.toBe(baseUrl);
  });

  it('mounts in another server through handle(), which returns false for other paths', async () => {
    const mounted = createSessionStandIn();
    const server = createServer((req, res) => {
      if (!mounted.handle(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${origin}/teapot`)).status).toBe(418);
      const info = await createSessionClient({ baseUrl: `${origin}/session-api` }).create();
      expect(mounted.sessions.get(info.sessionId)).toEqual(info);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the client against the stand-in', () => {
  it('creates, reads and updates a session', async () => {
    const client = makeClient();
    const created = await client.create({ customerId: 'c1', agentId: 'a1', visitId: 'v1' });
    expect(created).toEqual({ sessionId: expect.any(String), customerId: 'c1', agentId: 'a1', visitId: 'v1' });

    await expect(client.get(created.sessionId)).resolves.toEqual(created);

    const updated = await client.update(created.sessionId, { customerId: 'c2', globalVisitId: 'g1' });
    expect(updated).toEqual({ ...created, customerId: 'c2', globalVisitId: 'g1' });
    await expect(client.get(created.sessionId)).resolves.toEqual(updated);
    expect(standIn.sessions.size).toBe(1);
    expect(standIn.requests.map(({ method, query }) => [method, query.tenantId])).toEqual([
      ['PUT', 'shop-1'], ['GET', 'shop-1'], ['POST', 'shop-1'], ['GET', 'shop-1'],
    ]);
  });

  it('rejects an unknown session with code not-found', async () => {
    const error = await rejectionOf(makeClient().get('nope'));
    expect(error.code).toBe('not-found');
    expect(error.status).toBe(404);
    expect(error.serverMessage).toBe('Session not found');
    expect(standIn.requests).toHaveLength(1);
  });

  it('creates the session when updating an unknown ID', async () => {
    const info = await makeClient().update('fresh-id', { customerId: 'c1' });
    expect(info).toEqual({ sessionId: 'fresh-id', customerId: 'c1' });
    expect(standIn.sessions.get('fresh-id')).toEqual(info);
  });

  it('keeps a hostile sessionId in one path segment end to end', async () => {
    const id = '../a/b?c#d';
    const info = await makeClient().update(id, { visitId: 'v1' });
    expect(info.sessionId).toBe(id);
    expect(standIn.requests[0].path).toBe('/sessions/..%2Fa%2Fb%3Fc%23d');
    expect(standIn.requests[0].query).toEqual({ tenantId: 'shop-1' });
    await expect(makeClient().get(id)).resolves.toEqual(info);
  });

  it('sees the API down: GET retried then code server, PUT tried once', async () => {
    standIn.setDown(true);
    const client = makeClient();
    const error = await rejectionOf(client.get('s1'));
    expect(error.code).toBe('server');
    expect(error.status).toBe(503);
    expect(error.serverMessage).toBe('Session API is down');
    expect(standIn.requests).toHaveLength(3);

    expect((await rejectionOf(client.create())).code).toBe('server');
    expect(standIn.requests).toHaveLength(4);

    standIn.setDown(false);
    await expect(client.create()).resolves.toMatchObject({ sessionId: expect.any(String) });
  });

  it('times out against a slow stand-in', async () => {
    standIn.setLatency(300);
    const error = await rejectionOf(makeClient(50).create());
    expect(error.code).toBe('timeout');
    standIn.setLatency(0);
    await expect(makeClient(50).create()).resolves.toMatchObject({ sessionId: expect.any(String) });
  });
});
