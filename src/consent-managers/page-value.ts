/**
 * A property of something the page made (a consent manager's global, its event, its data), read the way the
 * manager's own code would find it, except from where only another script could have put it: not from
 * `Object.prototype` (a library polluting it configures nothing) and not from the window's prototypes, which hold
 * its named elements (`<img name="Cookiebot">` is `window.Cookiebot` otherwise). A getter of the object's own class
 * (a manager built with `new`) counts. Undefined for what cannot be read: a getter or Proxy trap that throws.
 */
export function pageValue(object: unknown, name: PropertyKey): any {
  try {
    for (let target = object; (typeof target == 'object' || typeof target == 'function') && target && target !== Object.prototype;
      target = Object.getPrototypeOf(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, name);
      if (descriptor) return descriptor.get ? descriptor.get.call(object) : descriptor.value;
      if (target === globalThis) return;
    }
  } catch { /* unreadable: undefined */ }
}
