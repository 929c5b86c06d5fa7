// A stand-in for the one Storefront API v3 path the official library's contender uses:
// POST /api/storefront/v3/notifications/click answered 204 with CORS, every request recorded. (The project's
// stand-in, demo/elevate-standin.mjs, serves both generations for our tracker, which speaks v3 by default.)
import { createServer } from 'node:http';

const CLICK_PATH = '/api/storefront/v3/notifications/click';
const CORS = { 'Access-Control-Allow-Origin': '*' };
const PREFLIGHT = { ...CORS, 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600' };

/** Creates the stand-in: `listen()` resolves with its base URL; `requests` holds every click notification received. */
export function createOfficialStandIn() {
  /** @type {{ time: number, query: Record<string, string>, ticket: string | undefined, status: number }[]} */
  const requests = [];
  let preflights = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname != CLICK_PATH) return void res.writeHead(404, CORS).end();
    if (req.method == 'OPTIONS') {
      preflights++;
      return void res.writeHead(204, PREFLIGHT).end();
    }
    if (req.method != 'POST') return void res.writeHead(405, CORS).end();
    let body = '';
    for await (const chunk of req) body += chunk;
    let ticket;
    try { ticket = JSON.parse(body).ticket; } catch { /* counted as a request without a ticket */ }
    const status = typeof ticket == 'string' && ticket ? 204 : 400;
    requests.push({ time: Date.now(), query: Object.fromEntries(url.searchParams), ticket, status });
    res.writeHead(status, CORS).end();
  });

  return {
    requests,
    get preflights() { return preflights; },
    /** The accepted click notifications. */
    delivered: () => requests.filter((request) => request.status == 204),
    reset() {
      requests.length = 0;
      preflights = 0;
    },
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`))),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
