import { pageValue } from './page-value.js';

/**
 * Wraps the page's `object[name]` (a consent manager's `dataLayer.push`, the site's `OptanonWrapper`) so that
 * `after(args)` runs once each call has returned, and returns what unwraps it. The wrapper keeps the original's
 * behaviour: the same `this`, arguments, return value and exception (then `after` does not run); `after` can never
 * throw into the caller. Unwrapping puts the original back if the wrapper is still there; if something wrapped it
 * in turn (Google Tag Manager wraps `dataLayer.push` as it loads, calling the push it found), the wrapper stays in
 * that chain but only passes calls on. Undefined, and nothing wrapped, when `object[name]` is not a function.
 */
export function wrapMethod(object: object, name: string, after: (args: unknown[]) => void): (() => void) | undefined {
  const original = pageValue(object, name);
  if (typeof original != 'function') return;
  const wasOwn = Object.prototype.hasOwnProperty.call(object, name);
  let isOn = true;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const result = Reflect.apply(original, this, args);
    if (isOn) {
      try {
        after(args);
      } catch { /* ours: never the caller's */ }
    }
    return result;
  };
  try {
    (object as Record<string, unknown>)[name] = wrapper;
  } catch { /* frozen, or a setter that refuses: told below */ }
  if (pageValue(object, name) !== wrapper) return;
  return () => {
    isOn = false;
    try {
      if (pageValue(object, name) !== wrapper) return;
      if (wasOwn) (object as Record<string, unknown>)[name] = original;
      else delete (object as Record<string, unknown>)[name];
    } catch { /* changed under us: the wrapper only passes calls on */ }
  };
}
