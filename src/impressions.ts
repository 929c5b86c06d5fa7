import { isPageHidden } from './is-page-hidden.js';
import { listen } from './listen.js';

/** Sponsored products and banners carry their ad ticket in this attribute. */
export const IMPRESSION_ATTRIBUTE = 'data-elevate-impression-ticket';
/** Voyado's guideline for an ad impression: at least half of the element in view for one continuous second. */
const VISIBLE_RATIO = 0.5;
const VISIBLE_FOR = 1000;

/**
 * Watches marked elements, those in the page and those rendered later (infinite scroll, SPA routes, autocomplete),
 * and calls `onImpression` once per element and ticket when at least half of it has been in view for one continuous
 * second while the page is visible. `IntersectionObserver` does the measuring, so there are no layout reads; nothing
 * runs on an idle page, and a timer runs only while a marked element is in view and not yet counted. Returns the
 * function that stops it; without IntersectionObserver (very old engines) it does nothing.
 */
export function watchImpressions(onImpression: (ticket: string) => void): () => void {
  if (typeof IntersectionObserver != 'function') return () => {};
  // Element's own methods: a form's controls are properties of the form (`<input name="querySelectorAll">`).
  const { getAttribute, querySelectorAll } = Element.prototype;
  const ticketOf = (element: Element) => getAttribute.call(element, IMPRESSION_ATTRIBUTE);
  /** The tickets already counted for each element on this page view. */
  const counted = new WeakMap<Element, Set<string | null>>();
  /** Elements in view (at least half), each with the timer that counts it, if it runs. */
  const inView = new Map<Element, ReturnType<typeof setTimeout> | undefined>();

  const count = (element: Element) => {
    inView.set(element, undefined);
    const ticket = ticketOf(element);
    const tickets = counted.get(element) ?? new Set();
    if (!ticket || tickets.has(ticket)) return;
    counted.set(element, tickets.add(ticket));
    onImpression(ticket);
  };
  const startTimer = (element: Element) => {
    const isCounted = counted.get(element)?.has(ticketOf(element));
    inView.set(element, isCounted || isPageHidden() ? undefined : setTimeout(count, VISIBLE_FOR, element));
  };
  const stopTimer = (element: Element) => clearTimeout(inView.get(element));

  const intersections = new IntersectionObserver((entries) => {
    for (const { target, isIntersecting, intersectionRatio } of entries) {
      stopTimer(target);
      if (isIntersecting && intersectionRatio >= VISIBLE_RATIO) startTimer(target);
      else inView.delete(target);
    }
  }, { threshold: VISIBLE_RATIO });

  /** Observes `node` and the marked elements inside it (observing an element twice is once). */
  const observe = (node: Node) => {
    if (!(node instanceof Element)) return;
    if (ticketOf(node) != null) intersections.observe(node);
    querySelectorAll.call(node, `[${IMPRESSION_ATTRIBUTE}]`).forEach((element) => intersections.observe(element));
  };
  const mutations = new MutationObserver((records) => {
    for (const { type, target, addedNodes } of records) {
      if (type == 'attributes') {
        // A new ticket (or none): observed afresh, so that its second starts again.
        stopTimer(target as Element);
        inView.delete(target as Element);
        intersections.unobserve(target as Element);
        if (ticketOf(target as Element) != null) intersections.observe(target as Element);
      }
      addedNodes.forEach(observe);
    }
  });
  observe(document.documentElement);
  mutations.observe(document, { childList: true, subtree: true, attributeFilter: [IMPRESSION_ATTRIBUTE] });

  // A hidden page shows nothing: the seconds under way stop, and start again in full when it is visible.
  const stopListening = listen(document, 'visibilitychange', () => {
    for (const element of inView.keys()) {
      stopTimer(element);
      startTimer(element);
    }
  });
  return () => {
    stopListening();
    mutations.disconnect();
    intersections.disconnect();
    inView.forEach(clearTimeout);
  };
}
