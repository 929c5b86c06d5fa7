/**
 * The own enumerable properties of `options`, copied onto an object without a prototype: a value planted on
 * `Object.prototype` by a prototype-polluting library (a `cookieDomain`, a `fetch`) can configure nothing.
 */
export function ownOptions<T extends object>(options: T): Partial<T> {
  return Object.assign(Object.create(null), options);
}
