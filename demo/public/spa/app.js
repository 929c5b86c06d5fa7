// A small single-page app on the npm build: routes change with the History API, never with a page load, and each
// route renders its own ticketed tiles. The tracker is created once for the app's life (not per route or view):
// its one click listener on `document` sees every tile a route renders later, so views need no tracking code.
import { createTracker } from '/dist/index.js';
import { CATEGORIES, PRODUCTS, cartTicket, contentTicket, productById, productTicket, tileHtml, variantKeyOf } from '../catalog.js';

const { standin = '', notifications = '', cluster = '', market = 'UK', consent = 'pending' } = document.body.dataset;

/** @type {Record<string, unknown>} */
const options = {
  // The storefront's first-party proxy or the stand-in; none when the pages send straight to a real cluster.
  ...(notifications ? { apiBase: notifications } : { clusterId: cluster }),
  market,
  sessionApi: `${standin}/session-api`,
  consent, // the site's recorded choice (server-rendered here; a consent manager's in a real shop)
  debug: true,
};
const tracker = createTracker(/** @type {any} */ (options));
// The demo bar and the tests reach the tracker here, as on the script-tag pages.
/** @type {any} */ (window).elevateTracker = tracker;

const view = /** @type {HTMLElement} */ (document.getElementById('view'));
const nav = /** @type {HTMLElement} */ (document.getElementById('spa-nav'));
const loadedAt = new Date().toTimeString().slice(0, 8);
let renders = 0;

const grid = (/** @type {import('../catalog.js').Product[]} */ products, /** @type {string} */ panel) =>
  `<div class="grid">${products.map((product, index) => tileHtml(product, productTicket(panel, product, index + 1), `/spa/p/${product.id}`)).join('')}</div>`;

/** Route → [title, markup]. */
function route(/** @type {string} */ path) {
  const category = /^\/spa\/c\/([a-z]+)$/.exec(path)?.[1];
  const productId = /^\/spa\/p\/(\d+)$/.exec(path)?.[1];
  if (path == '/spa/' || path == '/spa') {
    return ['Nordvik', `<a class="banner" href="/spa/c/camp" data-elevate-ticket="${contentTicket('/spa/start', 'camp-week')}">
      <svg viewBox="0 0 300 120" preserveAspectRatio="xMaxYMax slice"><path fill="#fff" d="M0 120 90 30l60 90zM120 120l70-70 70 70z"/></svg>
      <small>Camp week</small><strong>Tents and flasks<br>for the long light</strong><span>Explore camp →</span></a>
      <h1>Popular right now</h1>${grid(PRODUCTS.filter((_, index) => index % 3 == 0), '/spa/start/popular')}`];
  }
  if (category && category in CATEGORIES) {
    const title = CATEGORIES[/** @type {keyof typeof CATEGORIES} */ (category)];
    return [title, `<h1>${title}</h1>${grid(PRODUCTS.filter((product) => product.category == category), `/spa/category/${category}`)}`];
  }
  if (productId && PRODUCTS.some((product) => product.id == Number(productId))) {
    const product = productById(productId);
    const others = PRODUCTS.filter((other) => other.category == product.category && other.id != product.id);
    return [product.name, `<section class="product" style="--h:${product.hue}"><div class="img"><svg><use href="/icons.svg#${product.icon}"/></svg></div>
      <div><small>${product.key}</small><h1>${product.name}</h1><p class="price">£${product.price}</p>
      <p>Same product page as the server-rendered shop, rendered by the app.</p><button class="add" type="button" data-variant-key="${variantKeyOf(product)}" data-elevate-cart-ticket="${cartTicket('/spa/product', product)}">Add to bag</button></div></section>
      <h2>More ${CATEGORIES[/** @type {keyof typeof CATEGORIES} */ (product.category)].toLowerCase()}</h2>${grid(others, '/spa/product/more-like-this')}`];
  }
  return ['Not found', '<h1>Not found</h1><p><a href="/spa/">Back to the start</a></p>'];
}

function render() {
  const [title, markup] = route(location.pathname);
  document.title = `${title} · Nordvik SPA`;
  view.innerHTML = `<p class="route-info" id="route-info">Route <code>${location.pathname}</code> · view ${++renders}, `
    + `rendered without a page load (page loaded ${loadedAt})</p>${markup}`;
  nav.innerHTML = [['/spa/', 'Home'], ...Object.entries(CATEGORIES).map(([slug, name]) => [`/spa/c/${slug}`, name])]
    .map(([href, name]) => `<a href="${href}"${href == location.pathname ? ' aria-current="page"' : ''}>${name}</a>`).join('');
}

// The router: same-origin links under /spa/ change the route in place. Modified and middle clicks open tabs as
// usual (the server answers every /spa/ route with this page). The tracker has seen the click already: its
// capture-phase listener runs before this one, and it does not mind the preventDefault.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button != 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = /** @type {HTMLAnchorElement | null} */ (/** @type {Element} */ (event.target).closest?.('a[href]'));
  if (!link || link.target || link.origin != location.origin || !link.pathname.startsWith('/spa/')) return;
  event.preventDefault();
  if (link.pathname != location.pathname) history.pushState(null, '', link.pathname);
  render();
  scrollTo(0, 0);
});
addEventListener('popstate', render);
render();
