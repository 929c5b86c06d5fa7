/**
 * `JSON.stringify` for the tracker's own data (strings, finite numbers, booleans, arrays and plain objects), which
 * page globals cannot change: `JSON.stringify` calls any `toJSON` it finds on the prototype chain, and Prototype.js
 * (still on old Magento shops) defines `Array.prototype.toJSON`, which turns arrays into strings. Only own enumerable
 * properties are written; `undefined` values are left out, as `JSON.stringify` does.
 */
export function toJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toJson).join()}]`;
  if (value && typeof value == 'object') {
    return `{${Object.keys(value).filter((name) => (value as any)[name] !== undefined)
      .map((name) => `${JSON.stringify(name)}:${toJson((value as any)[name])}`).join()}}`;
  }
  // A primitive: JSON.stringify looks up toJSON on objects and BigInts only.
  return JSON.stringify(value);
}
