// The pages of the bench, generated: a small product listing (init and idle), a listing of 1,000 tiles (clicks),
// and a chain of pages whose one tile links to the next (delivery on navigation).
import { readFileSync } from 'node:fs';

const script = (name) => `<script>${readFileSync(new URL(`../pages/${name}`, import.meta.url), 'utf8')}</script>`;
const PROBE = script('probe.js');
const READY = script('ready.js');
const CLICKS = script('clicks.js');
const INIT_LOOP = script('init-loop.js');

/** A ticket shaped like Elevate's (base64, ~120 characters), distinct for each `kind` and `index`. */
export const ticketFor = (kind, index) =>
  Buffer.from(`;/fashion/DESKTOP/search-page;product-list;${kind};p${index};v${index}-1;rank:${index % 60}`).toString('base64');

const STYLE = '<style>body{font:14px sans-serif;margin:0}ul{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:8px}'
  + '.tile{width:160px;padding:8px;border:1px solid #ddd;cursor:pointer}.price{color:#555;display:block}</style>';

const tiles = (kind, count) => `<ul>${Array.from({ length: count }, (_, i) =>
  `<li class="tile" data-elevate-ticket="${ticketFor(kind, i)}"><span class="name">Linen shirt ${i}</span>`
  + `<span class="price">${(19 + (i % 80)).toFixed(2)} €</span></li>`).join('')}</ul>`;

const page = (title, head, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${STYLE}${head}</head><body>${body}</body></html>`;

/** Init: 24 tiles; the contender between the probe and the ready mark; the page reloads itself (init-loop.js). */
export const initPage = (kind, contender) => page(kind, `${PROBE}${contender}${READY}`, tiles(kind, 24) + INIT_LOOP);

/** Idle: the same listing, nothing else. */
export const idlePage = (kind, contender) => page(kind, contender, tiles(kind, 24));

/** Per-click: 1,000 tiles and the click driver. */
export const largeListingPage = (kind, contender) => page(kind, `${PROBE}${contender}${READY}${CLICKS}`, tiles(kind, 1000));

/** Delivery: page `index` of a chain; its one tile is a link to page `index + 1`. */
export const chainPage = (kind, index, contender, nextUrl) => page(`${kind} ${index}`, contender,
  `<ul><li><a class="tile" id="next" href="${nextUrl}" data-elevate-ticket="${ticketFor(kind, index)}">`
  + `<span class="name">Linen shirt ${index}</span></a></li></ul>`);
