/** Adds a listener and returns the function that removes it. */
export function listen(target: EventTarget, type: string, listener: (event: any) => void, capture?: boolean): () => void {
  target.addEventListener(type, listener, capture);
  return () => target.removeEventListener(type, listener, capture);
}
