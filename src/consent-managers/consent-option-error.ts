/**
 * Thrown by the `connect…` functions of `elevate-tracker/consent` for a bad argument, as `createTracker` throws
 * `ElevateConfigError`; the script file prints the same message with `console.error`. Nothing they return throws.
 */
export class ConsentOptionError extends Error {
  /** The argument or option at fault, e.g. `"purposes"`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.name = 'ConsentOptionError';
    this.option = option;
  }
}
