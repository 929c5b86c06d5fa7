// The storefront origin of the bench: generated pages and the contenders' code, on 127.0.0.1 (the stand-ins listen
// on other ports, so every notification crosses origins as on a real site).
import { createServer } from 'node:http';
import { chainPage, idlePage, initPage, largeListingPage } from './pages.mjs';

/**
 * Timing pages are cross-origin isolated: only then does Chromium give performance.now() 5 µs resolution
 * (100 µs otherwise), see https://developer.chrome.com/blog/cross-origin-isolation-guide.
 */
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const HTML = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };

/** Serves the pages for `contenders` (from loadContenders). `listen()` resolves with the origin. */
export function createSite(contenders) {
  const routes = [
    [/^\/init\/([\w-]+)$/, (name) => [{ ...HTML, ...ISOLATED }, initPage(`init-${name}`, contenders.markup(name, { inline: true }))]],
    [/^\/clicks\/([\w-]+)$/, (name) => [{ ...HTML, ...ISOLATED }, largeListingPage('clicks', contenders.markup(name, { inline: true }))]],
    [/^\/idle\/([\w-]+)$/, (name) => [HTML, idlePage(`idle-${name}`, contenders.markup(name, { inline: false }))]],
    [/^\/nav\/([\w-]+)\/(\d+)$/, (name, index) => [HTML,
      chainPage(`nav-${name}`, +index, contenders.markup(name, { inline: false }), `/nav/${name}/${+index + 1}`)]],
    [/^\/contenders\/([\w-]+)\.js$/, (name) => [{ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' },
      contenders.code[name]]],
  ];
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://site');
    for (const [pattern, respond] of routes) {
      const match = pattern.exec(pathname);
      const answer = match && match[1] in contenders.code ? respond(...match.slice(1)) : undefined;
      if (answer) return void res.writeHead(200, answer[0]).end(answer[1]);
    }
    res.writeHead(pathname == '/favicon.ico' ? 204 : 404).end();
  });
  return {
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`))),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
