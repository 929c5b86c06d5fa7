/** Console output: notifications and their outcomes only with the `debug` option; errors the site must fix always. */
export type Debug = (...details: unknown[]) => void;

const PREFIX = '[elevate-tracker]';

export const createDebug = (isOn: boolean): Debug => (isOn ? console.log.bind(console, PREFIX) : () => {});

/** A mistake in the site's integration, with what to do about it. */
export const logError = (message: string) => console.error(`${PREFIX} ${message}`);

/**
 * A value as a message can quote it, whatever it is: a BigInt, a Symbol, a circular object or a Proxy whose traps
 * throw would make `JSON.stringify` or a template string throw, so only strings and plain primitives are shown.
 */
export function describe(value: unknown): string {
  try {
    return typeof value == 'string' ? JSON.stringify(value.slice(0, 100)) : typeof value == 'object' && value ? `an ${Array.isArray(value) ? 'array' : 'object'}` : String(value);
  } catch {
    return 'an unprintable value';
  }
}
