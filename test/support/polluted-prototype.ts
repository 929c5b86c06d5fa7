/**
 * Runs `use` with `properties` set on Object.prototype (enumerable, as a prototype-polluting library sets them), then
 * restores it as it was, whatever `use` does. The result of `use` is returned (a promise is not awaited: whatever
 * must read the pollution has to do so synchronously).
 */
export function withPollutedPrototype<T>(properties: Record<string, unknown>, use: () => T): T {
  const saved = Object.keys(properties).map((name) => [name, Object.getOwnPropertyDescriptor(Object.prototype, name)] as const);
  Object.assign(Object.prototype, properties);
  try {
    return use();
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(Object.prototype, name, descriptor);
      else delete (Object.prototype as Record<string, unknown>)[name];
    }
  }
}
