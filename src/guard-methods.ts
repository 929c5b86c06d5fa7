import { describe, logError } from './log';

/**
 * Makes every method of `target` safe to call with anything: an argument that throws when it is read (a getter, a
 * revoked Proxy) or converted (a Symbol, a BigInt) becomes one console error naming the call, never an exception in
 * the page. Getters are left as they are. Returns `target`.
 */
export function guardMethods<T extends object>(target: T): T {
  for (const name of Object.keys(target)) {
    const method = Object.getOwnPropertyDescriptor(target, name)!.value;
    if (typeof method == 'function') {
      (target as Record<string, unknown>)[name] = (...args: unknown[]) => {
        try {
          return method(...args);
        } catch {
          logError(`${name}(${args.map(describe).join(', ')}) failed: invalid argument; see the README's API section.`);
        }
      };
    }
  }
  return target;
}
