import { listen } from './listen.js';

/**
 * Calls `onMarked` once an element carrying `attribute` is in the document: when the page has been parsed (or now,
 * if it has), or when one is rendered or marked later (infinite scroll, SPA routes). What the tracker loads on demand for marked elements waits for it,
 * so a page without them never fetches it. Element's own methods: a form's controls are properties of the form
 * (`<input name="matches">`). Returns the function that stops watching.
 */
export function whenMarked(attribute: string, onMarked: () => void): () => void {
  const selector = `[${attribute}]`;
  const { matches, querySelector } = Element.prototype;
  const isMarked = (node: Node) => node instanceof Element && (matches.call(node, selector) || !!querySelector.call(node, selector));
  const observer = new MutationObserver((records) => {
    if (records.some(({ target, addedNodes }) => isMarked(target) || [...addedNodes].some(isMarked))) {
      observer.disconnect();
      onMarked();
    }
  });
  // While the parser builds the page, one look once it is done costs less than a record for every element it adds.
  // Document's own getter: markup can shadow `document.readyState` (`<img name="readyState">`).
  const isParsing = Object.getOwnPropertyDescriptor(Document.prototype, 'readyState')!.get!.call(document) == 'loading';
  const look = () => {
    stopWaiting();
    if (isMarked(document.documentElement)) onMarked();
    else observer.observe(document, { childList: true, subtree: true, attributeFilter: [attribute] });
  };
  const stopWaiting = isParsing ? listen(document, 'DOMContentLoaded', look) : () => {};
  if (!isParsing) look();
  return () => {
    stopWaiting();
    observer.disconnect();
  };
}
