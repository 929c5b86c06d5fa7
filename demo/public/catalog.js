// The demo shop's catalogue and the tickets Elevate would hand out with it. In a real storefront both come from
// Elevate's query API (a product list, autocomplete, a content list); the tracker only ever reads the ticket
// attribute, so made-up tickets in the same shape show everything it does. The demo server imports it too: its
// checkout takes the prices from here, never from the page.

/** @typedef {{ id: number, key: string, name: string, icon: string, price: number, hue: number, category: string }} Product */

/** Category slug → heading. */
export const CATEGORIES = {
  jackets: 'Jackets',
  footwear: 'Footwear',
  bags: 'Bags',
  accessories: 'Accessories',
  camp: 'Camp',
};

/** [name, icon (a symbol in /icons.svg), price in £, hue, category] */
const ROWS = [
  ['Fjord Rain Jacket', 'jacket', 129, 205, 'jackets'], ['Tundra Down Parka', 'jacket', 219, 18, 'jackets'],
  ['Skerry Windbreaker', 'jacket', 89, 150, 'jackets'], ['Trail Runner GTX', 'shoe', 119, 355, 'footwear'],
  ['Granite Hiking Boot', 'shoe', 159, 30, 'footwear'], ['Harbour Canvas Sneaker', 'shoe', 69, 220, 'footwear'],
  ['Kiruna Wool Beanie', 'cap', 25, 340, 'accessories'], ['Ridge Trucker Cap', 'cap', 22, 90, 'accessories'],
  ['Lofoten Daypack 22L', 'bag', 79, 260, 'bags'], ['Archipelago Tote', 'bag', 39, 45, 'bags'],
  ['Summit Softshell', 'jacket', 139, 180, 'jackets'], ['Midnight Sun Weekender', 'bag', 119, 295, 'bags'],
  ['Aurora Insulated Vest', 'jacket', 99, 265, 'jackets'], ['Moss Trail Sandal', 'shoe', 59, 110, 'footwear'],
  ['Sarek Approach Shoe', 'shoe', 139, 15, 'footwear'], ['Polar Fleece Cap', 'cap', 29, 200, 'accessories'],
  ['Saltwater Bucket Hat', 'cap', 27, 185, 'accessories'], ['Kebne Roll-top 30L', 'bag', 109, 130, 'bags'],
  ['Padjelanta Duffel 60L', 'bag', 129, 5, 'bags'], ['Birch Two-person Tent', 'tent', 349, 120, 'camp'],
  ['Glacier Dome Tent', 'tent', 459, 195, 'camp'], ['Cloudberry Steel Flask', 'flask', 32, 25, 'camp'],
  ['Campfire Enamel Flask', 'flask', 19, 350, 'camp'], ['Nordkapp Storm Shell', 'jacket', 249, 230, 'jackets'],
];

/** @type {Product[]} */
export const PRODUCTS = ROWS.map(([name, icon, price, hue, category], index) => ({
  id: index + 1, key: `P${1001 + index}`, name: String(name), icon: String(icon), price: Number(price), hue: Number(hue),
  category: String(category),
}));

/** @param {number | string} id @returns {Product} the product, or the first one for an unknown id */
export const productById = (id) => PRODUCTS.find((product) => product.id == id) ?? PRODUCTS[0];

/** The key of a product's one variant, as in the product feed Elevate gets: `P1003-01`. @param {Product} product */
export const variantKeyOf = (product) => `${product.key}-01`;

/** Elevate tickets are opaque strings; these look like the real ones (base64 of the panel path and the item). */
const ticket = (/** @type {(string | number)[]} */ ...parts) => btoa(`;${parts.join(';')};`);

/** The ticket of a product in a list: `panel` names the list, `position` is its 1-based place in it. */
export const productTicket = (/** @type {string} */ panel, /** @type {Product} */ product, /** @type {number} */ position) =>
  ticket(panel, 'products', 'product_key', product.key, 'variant_key', variantKeyOf(product), '#', position);

/** The ticket of the variant an add-to-cart button adds (Elevate hands one out with each variant). */
export const cartTicket = (/** @type {string} */ panel, /** @type {Product} */ product) =>
  ticket(panel, 'product', 'variant_key', variantKeyOf(product), '#', 1);

/** The ticket of a phrase suggestion in the autocomplete. */
export const phraseTicket = (/** @type {string} */ phrase) => ticket('/storefront/autocomplete', 'phrase_suggestions', 'phrase', phrase, '#');

/** The ticket of a content item (a banner). */
export const contentTicket = (/** @type {string} */ panel, /** @type {string} */ key) => ticket(panel, 'primary_banner', 'content_key', key, '#', 1);

/** Phrases the autocomplete suggests (a real one asks Elevate's autocomplete query). */
export const PHRASES = ['jacket', 'jacket women', 'jacket waterproof', 'jackets on sale', 'boots', 'boots hiking',
  'backpack', 'beanie', 'bucket hat', 'tent', 'tent two person', 'flask', 'fleece', 'sandals', 'softshell', 'shell jacket'];

/** Markup of one product tile: the ticket on the tile, whatever inside it is clicked. */
export function tileHtml(/** @type {Product} */ product, /** @type {string} */ ticketValue, href = `/product.html?id=${product.id}`) {
  return `<a class="tile" style="--h:${product.hue}" href="${href}" data-elevate-ticket="${ticketValue}">`
    + `<div class="img"><svg><use href="/icons.svg#${product.icon}"/></svg></div><h3>${product.name}</h3><p>£${product.price}</p></a>`;
}
