/**
 * The own enumerable properties of `options`, copied onto an object without a prototype: a value planted on
 * `Object.prototype` by a prototype-polluting library (a `cookieDomain`, a `fetch`) can configure nothing.
 */
export function ownOptions<T extends object>(options: T): Partial<T> {
  const own: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(options)) own[name] = (options as Record<string, unknown>)[name];
  return own as Partial<T>;
}
