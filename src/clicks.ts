import { listen } from './listen.js';

/** Clicks within this time on the same ticket are one click (a double click). */
const REPEAT_WINDOW = 1000;

/** Add-to-cart buttons carry the variant's ticket in this attribute. */
export const CART_ATTRIBUTE = 'data-elevate-cart-ticket';

/**
 * The closest marked element on the event's path: its ticket, and whether it is an add-to-cart button; or
 * `undefined`. `composedPath()` reaches into open shadow roots and lists elements only, so SVG children and
 * text-node clicks resolve to their marked ancestor. Reading attributes causes no layout. `getAttribute` is Element's
 * own: a form's controls are properties of the form, so `<input name="getAttribute">` would shadow the form's.
 */
export function readTicket(event: Event, attribute: string): [ticket: string, isCart: boolean] | undefined {
  const { getAttribute } = Element.prototype;
  for (const node of event.composedPath()) {
    if (!(node instanceof Element)) continue;
    const cartTicket = getAttribute.call(node, CART_ATTRIBUTE);
    if (cartTicket != null) return [cartTicket, true];
    const ticket = getAttribute.call(node, attribute);
    if (ticket != null) return [ticket, false];
  }
}

/**
 * Capture-phase listeners on `document` for clicks and middle clicks (`auxclick`, button 1): capture runs before any
 * handler of the page, so `stopPropagation()` cannot hide a click. Never calls `preventDefault`.
 * Returns the function that removes them.
 */
export function listenForClicks(onTicket: (ticket: string, isCart: boolean) => void, attribute: string): () => void {
  const onClick = (event: MouseEvent) => {
    const found = event.button < 2 ? readTicket(event, attribute) : undefined;
    if (found) onTicket(...found);
  };
  const stops = ['click', 'auxclick'].map((type) => listen(document, type, onClick, true));
  return () => stops.forEach((stop) => stop());
}

/** Shared by every copy of the tracker on a page (script tag and npm builds alike): the click listener in charge. */
const CLICK_OWNER = Symbol.for('elevate-tracker.clicks');

/**
 * Listens for clicks as the page's one click tracker: the newest tracker on a page owns click tracking, so two
 * trackers never count a click twice. Returns the function that stops it (and hands the page back).
 */
export function ownClicks(onTicket: (ticket: string, isCart: boolean) => void, attribute: string): () => void {
  const page = globalThis as { [CLICK_OWNER]?: () => void };
  page[CLICK_OWNER]?.();
  const stop = listenForClicks(onTicket, attribute);
  const release = () => {
    stop();
    if (page[CLICK_OWNER] == release) delete page[CLICK_OWNER];
  };
  return page[CLICK_OWNER] = release;
}

/** Whether a click on `ticket` at `time` repeats the last one counted (a double click), which is not counted again. */
export function createRepeatFilter(): (ticket: string, time: number) => boolean {
  let lastTicket = '';
  let lastAt = 0;
  return (ticket, time) => {
    if (ticket == lastTicket && time - lastAt < REPEAT_WINDOW) return true;
    lastTicket = ticket;
    lastAt = time;
    return false;
  };
}
