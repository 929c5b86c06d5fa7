import { describe } from '../log.js';
import { ConsentOptionError } from './consent-option-error.js';

/**
 * The adapter's one option, `name` (script file: `attribute`), checked once at the boundary: a non-empty array of
 * items `isItem` accepts, copied, or `defaults` when it is not given. Own properties only, so that a polluted
 * `Object.prototype` configures nothing; any other option is refused by name, as a misspelt one would do nothing.
 */
export function listOption<T>(options: unknown, name: string, attribute: string, isItem: (item: unknown) => boolean,
  example: string, defaults: T[]): T[] {
  if (options === undefined) return defaults;
  if (typeof options != 'object' || !options) {
    throw new ConsentOptionError('options', `The options must be an object, e.g. { ${name}: ${example.split(' (')[0]} }.`);
  }
  let items: unknown[] | undefined;
  let value: unknown;
  try {
    const unknown = Object.keys(options).find((key) => key != name);
    if (unknown !== undefined) throw new ConsentOptionError(unknown, `Unknown option ${unknown}; the one option here is ${name}.`);
    value = Object.getOwnPropertyDescriptor(options, name)?.value;
    if (value === undefined) return defaults;
    if (Array.isArray(value)) items = Array.from(value);
  } catch (error) {
    if (error instanceof ConsentOptionError) throw error;
    // A Proxy whose traps throw: as bad as a value that is not a list.
  }
  const at = items?.findIndex((item) => !isItem(item)) ?? -1;
  if (!items?.length || at >= 0) {
    const what = items?.length ? describe(items[at]) : `${describe(value)}, not a non-empty list`;
    throw new ConsentOptionError(name, `Option ${name} (${attribute}) is invalid: ${what}. Example: ${example}.`);
  }
  return items as T[];
}
