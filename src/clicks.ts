import { listen } from './listen';

/**
 * The ticket of the closest ticketed element on the event's path, or `undefined`.
 * `composedPath()` reaches into open shadow roots and lists elements only, so SVG children and text-node clicks
 * resolve to their ticketed ancestor. Reading attributes causes no layout.
 */
export function readTicket(event: Event, attribute: string): string | undefined {
  for (const node of event.composedPath()) {
    const ticket = (node as Element).getAttribute?.(attribute);
    if (ticket != null) return ticket;
  }
}

/**
 * Capture-phase listeners on `document` for clicks and middle clicks (`auxclick`, button 1): capture runs before any
 * handler of the page, so `stopPropagation()` cannot hide a click. Never calls `preventDefault`.
 * Returns the function that removes them.
 */
export function listenForClicks(onTicket: (ticket: string) => void, attribute: string): () => void {
  const onClick = (event: MouseEvent) => {
    const ticket = event.button < 2 ? readTicket(event, attribute) : undefined;
    if (ticket != null) onTicket(ticket);
  };
  const stops = ['click', 'auxclick'].map((type) => listen(document, type, onClick, true));
  return () => stops.forEach((stop) => stop());
}
