// The storefront for the cross-engine specs: pages the spec sets, the built dist/ files, and the probe (probe.ts) put
// first in every page's <head>, on one port; the Elevate stand-in on another, so that every request crosses origins as
// on a real storefront. Like startHarness (../harness.ts) without the browser, which here is the Engine's business.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createElevateStandIn } from '../../../demo/elevate-standin.mjs';
import { PROBE_SCRIPT } from './probe.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
/** Only these folders of the repository are served to pages. */
const STATIC = ['/dist/', '/node_modules/uuid/', '/node_modules/js-cookie/'];
export const PROBE_PATH = '/__engine/probe.js';

export interface Site {
  api: ReturnType<typeof createElevateStandIn>;
  /** The stand-in's origin, e.g. http://127.0.0.1:40123. */
  apiBase: string;
  /** The storefront's origin. */
  siteUrl: string;
  /** Serves `html` at `path` on the storefront origin, with extra response headers; the probe goes in first. */
  setPage(path: string, html: string, headers?: Record<string, string>): void;
  /** Hands every request whose path starts with `prefix` to `handler` (e.g. a proxy mounted on the storefront). */
  mount(prefix: string, handler: (request: IncomingMessage, response: ServerResponse) => void): void;
  /** Serves what `render` makes of each request to `path` (a server-rendered page); the probe goes in first. */
  setRenderedPage(path: string, render: (request: IncomingMessage) => { html: string; headers?: Record<string, string | string[]> }): void;
  /** Resolves once the stand-in has received nothing for `quietMs`. */
  settle(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The probe's script tag for a page: an external script, so that a strict CSP allowing 'self' lets it run; under a
 * nonce policy it carries the page's nonce.
 */
function probeTag(headers: Record<string, string>): string {
  const policy = Object.entries(headers).find(([name]) => name.toLowerCase() == 'content-security-policy')?.[1] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  return `<script src="${PROBE_PATH}"${nonce ? ` nonce="${nonce}"` : ''}></script>`;
}

/** Puts the probe first in the page: right after <head>, or before everything when the page has none. */
export function withProbe(html: string, headers: Record<string, string> = {}): string {
  const tag = probeTag(headers);
  const head = /<head(\s[^>]*)?>/i.exec(html);
  return head ? html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length) : tag + html;
}

export async function startSite(): Promise<Site> {
  const api = createElevateStandIn();
  const apiBase = await api.listen();
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const rendered = new Map<string, Parameters<Site['setRenderedPage']>[1]>();
  const mounted = new Map<string, Parameters<Site['mount']>[1]>();
  const site: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const render = rendered.get(path);
    const page = pages.get(path);
    const handler = [...mounted].find(([prefix]) => request.url!.startsWith(prefix))?.[1];
    if (handler) {
      handler(request, response);
    } else if (render) {
      const { html, headers = {} } = render(request);
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers }).end(withProbe(html));
    } else if (page) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...page.headers }).end(page.html);
    } else if (path == PROBE_PATH) {
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'max-age=600' }).end(PROBE_SCRIPT);
    } else if (STATIC.some((prefix) => path.startsWith(prefix))) {
      try {
        const file = await readFile(join(ROOT, path));
        response.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=600' }).end(file);
      } catch {
        response.writeHead(404).end();
      }
    } else {
      // No favicon: an empty answer rather than a 404 in every page's console.
      response.writeHead(path == '/favicon.ico' ? 204 : 404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;

  async function settle(quietMs = 150) {
    for (let seen = -1; seen != api.requests.length;) {
      seen = api.requests.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  return {
    api, apiBase, siteUrl, settle,
    setPage(path, html, headers = {}) {
      pages.set(path, { html: withProbe(html, headers), headers });
    },
    mount(prefix, handler) {
      mounted.set(prefix, handler);
    },
    setRenderedPage(path, render) {
      rendered.set(path, render);
    },
    async close() {
      site.closeAllConnections();
      await api.close();
      await new Promise((resolve) => site.close(resolve));
    },
  };
}
