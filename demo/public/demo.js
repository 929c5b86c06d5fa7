// The storefront's chrome, shared by every shop page (the server-rendered pages and the single-page app): the demo
// bar (sign in, sign out, end visit, consent, the notifications' route), the consent banner, the search box's
// autocomplete, the tracker panel, and the bag with "Place order". It drives the tracker only through its public
// API, `window.elevateTracker`, as a shop would; the order goes to the shop's own server (POST /checkout), which
// sends the payment notification.
import { PHRASES, PRODUCTS, phraseTicket, productTicket, variantKeyOf } from './catalog.js';
import {
  CONSENT_COOKIE, ROUTE_COOKIE, cell, describeRequest, explainTicket, readConsent, readCookies, readRoute, readSetup, shortKey, showRows,
  watchLog,
} from './inspect.js';

/** The demo's one customer. The customerKey must be a secret, customer-bound key (never an e-mail address). */
export const CUSTOMER = { name: 'Ada', customerKey: 'demo-customer-1', customerId: '1042' };

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @returns {any} the tracker, its command queue before the script tag has loaded, or undefined */
const tracker = () => /** @type {any} */ (window).elevateTracker;
const isLoaded = () => !!tracker() && !Array.isArray(tracker());

/**
 * Calls a tracker method: queued as `[method, ...args]` while the script tag loads (the tracker replays the queue),
 * called at once after. Returns what the method returns, or undefined while queued.
 * @param {string} method @param {...unknown} args
 */
export function callTracker(method, ...args) {
  const target = tracker();
  if (Array.isArray(target)) return void target.push([method, ...args]);
  return typeof target?.[method] == 'function' ? target[method](...args) : undefined;
}

/** What the bar did, as the code a shop would write, so that a visitor of the demo sees which call does what. */
function say(/** @type {string} */ text) {
  $('demo-toast').textContent = text;
}

/** @param {'granted' | 'pending' | 'denied'} consent */
function chooseConsent(consent) {
  // The site remembers the choice (here a cookie its server reads) and tells the tracker on every page.
  document.cookie = `${CONSENT_COOKIE}=${consent}; Path=/; Max-Age=31536000; SameSite=Lax`;
  callTracker('setConsent', consent);
  say(`elevateTracker.setConsent('${consent}') · ${{
    granted: 'cookies written, held clicks sent',
    pending: 'nothing stored or sent; clicks held on this page until granted',
    denied: 'tracker cookies and outbox deleted; nothing sent',
  }[consent]}`);
  document.querySelector('.consent-banner')?.remove();
  render();
}

/**
 * Switches the notifications' route: the site records it (a cookie its server reads) and renders the pages with the
 * matching apiBase, which the panel's "sends to" shows. The tracker takes its apiBase once, at start: the page
 * reloads (what the tracker still holds goes out as the page unloads, or with the next page).
 * @param {'proxy' | 'direct'} route
 */
function chooseRoute(route) {
  document.cookie = `${ROUTE_COOKIE}=${route}; Path=/; Max-Age=31536000; SameSite=Lax`;
  location.reload();
}

function mountBar() {
  const bar = $('demo-bar');
  const here = location.pathname;
  const link = (/** @type {string} */ href, /** @type {string} */ text, isCurrent = false, target = '') =>
    `<a href="${href}"${target ? ` target="${target}"` : ''}${isCurrent ? ' aria-current="page"' : ''}>${text}</a>`;
  bar.innerHTML = `<strong>elevate-tracker demo</strong>
    <nav>${link('/', 'Store', !here.startsWith('/spa/'))}${link('/spa/', 'SPA', here.startsWith('/spa/'))}${link('/inspector.html', 'Inspector ↗', false, 'elevate-inspector')}</nav>
    <span class="group"><span class="who" id="demo-who">Guest</span>
      <button type="button" id="demo-sign-in">Sign in</button><button type="button" id="demo-sign-out">Sign out</button></span>
    <button type="button" id="demo-end">End visit</button>
    <span class="group">Consent <span class="segmented" role="group" aria-label="Consent">${['granted', 'pending', 'denied']
      .map((value) => `<button type="button" data-consent="${value}" aria-pressed="false">${value}</button>`).join('')}</span>
      <button type="button" id="demo-forget" title="forget(): end the session, delete the tracker's cookies and outbox, stop tracking">Forget me</button></span>
    <span class="group">Notifications <span class="segmented" role="group" aria-label="Notifications">
      <button type="button" data-route="proxy" aria-pressed="false" title="To /elevate on this site: the first-party proxy forwards them">proxy</button><button
        type="button" data-route="direct" aria-pressed="false" title="From the browser to the stand-in's origin, with CORS">direct</button></span></span>
    <div class="toast" id="demo-toast" role="status"></div>`;

  $('demo-sign-in').onclick = () => {
    callTracker('setCustomerKey', CUSTOMER.customerKey);
    callTracker('identify', CUSTOMER.customerId);
    say(`Signed in as ${CUSTOMER.name}: elevateTracker.setCustomerKey('${CUSTOMER.customerKey}'); elevateTracker.identify('${CUSTOMER.customerId}')`);
    render();
  };
  $('demo-sign-out').onclick = () => {
    callTracker('reset');
    say('Signed out: elevateTracker.reset() · a new customerKey and a new session');
    render();
  };
  $('demo-end').onclick = () => {
    callTracker('end');
    say('elevateTracker.end() · end notification sent, a new session starts');
    render();
  };
  for (const button of bar.querySelectorAll('[data-consent]')) {
    /** @type {HTMLElement} */ (button).onclick = () => chooseConsent(/** @type {any} */ (button).dataset.consent);
  }
  for (const button of bar.querySelectorAll('[data-route]')) {
    /** @type {HTMLElement} */ (button).onclick = () => chooseRoute(/** @type {any} */ (button).dataset.route);
  }
  $('demo-forget').onclick = () => {
    const forgotten = callTracker('forget');
    // forget() leaves consent denied; the site records that too.
    document.cookie = `${CONSENT_COOKIE}=denied; Path=/; Max-Age=31536000; SameSite=Lax`;
    say(`elevateTracker.forget() returned ${forgotten}: the shop's backend now removes its data, e.g. `
      + `npx elevate-tracker remove-customer ${forgotten}`);
    render();
  };
}

/** The first visit: no choice recorded yet. */
function mountConsentBanner() {
  if (readCookies()[CONSENT_COOKIE]) return;
  const banner = Object.assign(document.createElement('div'), { className: 'consent-banner', role: 'dialog' });
  banner.setAttribute('aria-label', 'Consent');
  banner.innerHTML = `<p><strong>Nordvik ranks products by what shoppers click.</strong> With your consent we keep two
    cookies and tell Voyado Elevate which products you click. Until you choose, nothing is stored or sent.</p>
    <button type="button" class="primary">Accept</button><button type="button">Reject</button>`;
  const [accept, reject] = banner.querySelectorAll('button');
  accept.onclick = () => chooseConsent('granted');
  reject.onclick = () => chooseConsent('denied');
  document.body.append(banner);
}

/** Autocomplete: phrase and product suggestions, each with the ticket Elevate's autocomplete query would return. */
function mountAutocomplete() {
  const form = document.querySelector('form.search');
  const input = form?.querySelector('input');
  const list = form?.querySelector('.suggest');
  if (!input || !list) return;
  const strong = (/** @type {string} */ text, /** @type {string} */ query) => {
    const at = text.toLowerCase().indexOf(query);
    const parts = at < 0 ? [text] : [text.slice(0, at), text.slice(at, at + query.length), text.slice(at + query.length)];
    return parts.map((part, index) => (index == 1 ? Object.assign(document.createElement('b'), { textContent: part }) : part));
  };
  const show = () => {
    const query = input.value.trim().toLowerCase();
    if (!query) return list.replaceChildren();
    const phrases = PHRASES.filter((phrase) => phrase.startsWith(query)).slice(0, 4);
    const products = PRODUCTS.filter((product) => product.name.toLowerCase().includes(query)).slice(0, 3);
    const heading = (/** @type {string} */ text) => Object.assign(document.createElement('li'), { className: 'heading', textContent: text });
    const item = (/** @type {string} */ href, /** @type {string} */ ticket, /** @type {(Node | string)[]} */ content) => {
      const a = Object.assign(document.createElement('a'), { href });
      a.dataset.elevateTicket = ticket;
      a.append(...content);
      const li = document.createElement('li');
      li.append(a);
      return li;
    };
    list.replaceChildren(
      ...phrases.length ? [heading('Searches')] : [],
      ...phrases.map((phrase) => item(`/?q=${encodeURIComponent(phrase)}`, phraseTicket(phrase), strong(phrase, query))),
      ...products.length ? [heading('Products')] : [],
      ...products.map((product, index) => {
        const icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        icon.innerHTML = `<use href="/icons.svg#${product.icon}"/>`;
        icon.style.setProperty('--h', String(product.hue));
        return item(`/product.html?id=${product.id}`, productTicket('/storefront/autocomplete', product, index + 1),
          [icon, ...strong(product.name, query)]);
      }));
  };
  input.addEventListener('input', show);
  show();
}

/** The panel beside the shop: the tracker's keys as it holds them, and what the stand-ins received. */
function mountPanel() {
  const panel = document.getElementById('demo-panel');
  if (!panel) return;
  const { apiUrl, cluster, notifications } = readSetup();
  panel.innerHTML = `<h2>Tracker <a href="/inspector.html" target="elevate-inspector">Open the inspector ↗</a></h2>
    <dl class="keys"><dt>customerKey</dt><dd id="customer-key">loading…</dd><dt>sessionKey</dt><dd id="session-key">loading…</dd>
      <dt>consent</dt><dd id="consent-state"></dd><dt>cookies</dt><dd id="cookie-state"></dd>
      <dt>sends to</dt><dd id="api-base"></dd></dl>
    <section class="bag" id="bag" aria-label="Bag"></section>
    <h2>Stand-in received <a href="#" id="clear">Clear</a></h2>
    <p id="log-state">connecting…</p>
    <div class="log"><table><thead><tr><th>time</th><th>type</th><th>ticket</th><th>status</th></tr></thead><tbody id="log"></tbody></table></div>`;
  $('api-base').textContent = notifications ? `${notifications}${notifications.startsWith(location.origin) ? ' (the proxy)' : ''}` : `cluster ${cluster}`;
  const seen = new Set();
  if (cluster) $('log-state').textContent = `Notifications go to cluster ${cluster}, not to this stand-in: see the Network tab.`;
  const log = watchLog(`${apiUrl}/__standin/requests`, `${apiUrl}/__standin/events`, (records, state) => {
    // The panel is narrow: the newest 30, the inspector has the rest.
    showRows($('log'), records.slice(-30).reverse().map((record) => {
      const shown = describeRequest(record);
      return { id: `${record.seq}@${record.time}`, cells: [
        cell(shown.time.slice(0, 8)), cell(shown.type),
        cell(shown.ticket ? explainTicket(shown.ticket, true) || shortKey(shown.ticket) : `session ${shortKey(shown.sessionKey)}`,
          { title: shown.ticket || shown.sessionKey }),
        cell(String(record.status), { className: shown.tone, title: `${shown.verdict}${shown.fault ? `\n${shown.fault}` : ''}` }),
      ] };
    }), seen, 'nothing yet: click a product');
    $('log-state').textContent = cluster ? `Notifications go to cluster ${cluster}, not to this stand-in: see the Network tab.`
      : state == 'live' ? `${records.length} request(s) · live from ${apiUrl}` : `${state} · ${apiUrl}`;
  });
  $('clear').onclick = (event) => {
    event.preventDefault();
    fetch(`${apiUrl}/__standin/requests`, { method: 'DELETE' }).then(log.forget, log.forget);
  };
}

/** The demo's bag, variantKey → quantity, in localStorage (a shop's own cart, needing no consent). */
const BAG_KEY = 'demo_bag';

/** @returns {Record<string, number>} the bag; empty when storage is unreadable */
function readBag() {
  try {
    const bag = JSON.parse(localStorage.getItem(BAG_KEY) ?? '{}');
    return bag && typeof bag == 'object' && !Array.isArray(bag) ? bag : {};
  } catch {
    return {};
  }
}

/** @param {Record<string, number>} bag */
function writeBag(bag) {
  try {
    localStorage.setItem(BAG_KEY, JSON.stringify(bag));
  } catch { /* storage full or blocked: the bag stays as it was */ }
  showBag();
}

/** The bag's lines with their products; entries the catalogue does not know (an old demo's) are left out. */
function bagLines() {
  return Object.entries(readBag()).flatMap(([variantKey, quantity]) => {
    const product = PRODUCTS.find((candidate) => variantKeyOf(candidate) == variantKey);
    return product && Number.isInteger(quantity) && quantity > 0 ? [{ variantKey, product, quantity }] : [];
  });
}

/** The bag with its lines priced from the catalogue (for show: the server prices the order itself). */
function showBag() {
  const section = document.getElementById('bag');
  if (!section) return;
  const lines = bagLines();
  const total = lines.reduce((sum, { product, quantity }) => sum + product.price * quantity, 0);
  const list = document.createElement('ul');
  list.append(...lines.map(({ product, quantity }) => Object.assign(document.createElement('li'),
    { textContent: `${quantity} × ${product.name} · £${product.price * quantity}` })));
  const result = document.getElementById('order-result');
  section.innerHTML = `<h2>Bag <a href="#" id="bag-empty">Empty</a></h2>`;
  section.append(lines.length ? list : Object.assign(document.createElement('p'), { textContent: 'Empty: "Add to bag" on a product page.' }));
  const button = Object.assign(document.createElement('button'), { type: 'button', id: 'place-order', className: 'primary',
    textContent: lines.length ? `Place order · £${total}` : 'Place order', disabled: !lines.length });
  button.onclick = placeOrder;
  // The last order's result stays until the next one.
  section.append(button, result ?? Object.assign(document.createElement('p'), { id: 'order-result', role: 'status' }));
  $('bag-empty').onclick = (event) => {
    event.preventDefault();
    writeBag({});
  };
}

/** "Add to bag" buttons carry the variant's key; the tracker's own listener sends their add-to-cart notification. */
function mountBag() {
  document.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest?.('[data-variant-key]'));
    const variantKey = button?.dataset.variantKey;
    if (!variantKey) return;
    const bag = readBag();
    writeBag({ ...bag, [variantKey]: Math.min((bag[variantKey] ?? 0) + 1, 99) });
  });
  addEventListener('storage', (event) => event.key == BAG_KEY && showBag());
  showBag();
}

/**
 * Checks the bag out: the shop's server prices it, and with consent tells Elevate of the payment with the keys of
 * the tracker's cookies. The page only shows what the server answered.
 */
async function placeOrder() {
  const result = $('order-result');
  // Keys and quantities only: what things cost is for the server to say.
  const lines = bagLines().map(({ variantKey, quantity }) => ({ variantKey, quantity }));
  /** @type {HTMLButtonElement} */ ($('place-order')).disabled = true;
  result.className = '';
  result.textContent = 'Placing the order…';
  try {
    const response = await fetch('/checkout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lines }) });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const answer = await response.json();
    Object.assign(result, describeOrder(answer));
    say(answer.notified || answer.error
      ? 'POST /checkout · the server called admin.notifyPayment({ customerKey, sessionKey, market, lines }) with the keys of the tracker\'s cookies'
      : 'POST /checkout · no consent: the server sent Elevate nothing');
    writeBag({});
  } catch (error) {
    Object.assign(result, { className: 'bad', textContent: `The order failed: ${/** @type {Error} */ (error).message}` });
    showBag();
  }
}

/**
 * What the checkout's answer (demo/checkout.mjs, CheckoutAnswer) says, as the order result's text and class.
 * @param {any} answer
 */
function describeOrder(answer) {
  const placed = `Order ${answer.order} placed (£${answer.total}).`;
  if (answer.notified) {
    const keys = answer.isNew ? 'new keys (no tracker cookie came with the order)' : 'the keys of your tracker cookies';
    return { className: 'ok', textContent: `${placed} Payment notification taken by Elevate (204), with ${keys}: `
      + `customerKey ${answer.customerKey}, sessionKey ${answer.sessionKey}.` };
  }
  if (!answer.error) return { className: 'warn', textContent: `${placed} Not sent to Elevate: ${answer.reason}.` };
  const { code, status, mayHaveArrived, message } = answer.error;
  return { className: 'bad', textContent: `${placed} Payment notification failed: ${code}${status ? ` (${status})` : ''}: ${String(message).replace(/\.?$/, '.')} `
    + (mayHaveArrived ? 'It may have been counted all the same: reconcile, do not resend blindly.' : 'It was not counted: safe to send again.') };
}

/** Shows the current state in the bar and the panel; cheap, so it simply runs often. */
function render() {
  const target = tracker();
  const loaded = isLoaded();
  const consent = readConsent();
  const isSignedIn = loaded && target.customerKey == CUSTOMER.customerKey;
  $('demo-who').textContent = !loaded ? 'loading…' : isSignedIn ? `Signed in as ${CUSTOMER.name}` : 'Guest';
  /** @type {HTMLButtonElement} */ ($('demo-sign-in')).disabled = isSignedIn;
  /** @type {HTMLButtonElement} */ ($('demo-sign-out')).disabled = loaded && !isSignedIn;
  /** @type {HTMLButtonElement} */ ($('demo-forget')).disabled = !loaded;
  for (const button of document.querySelectorAll('#demo-bar [data-consent]')) {
    button.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (button).dataset.consent == consent));
  }
  const route = readRoute(readSetup().route);
  for (const button of document.querySelectorAll('#demo-bar [data-route]')) {
    button.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (button).dataset.route == route));
  }
  if (!document.getElementById('demo-panel')) return;
  $('customer-key').textContent = loaded ? target.customerKey || '(none)' : 'loading…';
  $('session-key').textContent = loaded ? target.sessionKey || '(none)' : 'loading…';
  $('consent-state').textContent = consent;
  const cookies = readCookies();
  const names = Object.keys(cookies).filter((name) => name.startsWith('elevate_'));
  $('cookie-state').textContent = names.length ? names.join(', ') : 'none written';
}

mountBar();
mountConsentBanner();
mountAutocomplete();
mountPanel();
mountBag();
render();
setInterval(render, 500);
// Tickets on the page, made readable on hover (a demo nicety; the tracker reads only the attribute).
document.addEventListener('mouseover', (event) => {
  const element = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest?.('[data-elevate-ticket]'));
  if (element && !element.title) element.title = `ticket ${explainTicket(element.dataset.elevateTicket) || element.dataset.elevateTicket}`;
});
