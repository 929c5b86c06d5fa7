/**
 * Adds a listener and returns the function that removes it. The methods are EventTarget's own: markup can shadow
 * `document.addEventListener` (`<img name="addEventListener">`; named elements are properties of `document`).
 */
export function listen(target: EventTarget, type: string, listener: (event: any) => void, capture?: boolean): () => void {
  const { addEventListener, removeEventListener } = EventTarget.prototype;
  addEventListener.call(target, type, listener, capture);
  return () => removeEventListener.call(target, type, listener, capture);
}
