/** Console output: notifications and their outcomes only with the `debug` option; errors the site must fix always. */
export type Debug = (...details: unknown[]) => void;

const PREFIX = '[elevate-tracker]';

export const createDebug = (isOn: boolean): Debug => (isOn ? console.log.bind(console, PREFIX) : () => {});

/** What the site's `onError` receives: an Error whose `code` says what went wrong. */
export interface TrackerError extends Error {
  /** `integration`: a mistake in the site's integration (the console says it too); `dropped`: a notification given up for good. */
  code: 'integration' | 'dropped';
}

/** The `onError` of the tracker started last (one tracker tracks a page at a time). */
let onError: ((error: TrackerError) => void) | undefined;
let isReporting = false;

/** Sets (or, with undefined, clears) the site's hook; returns what clears it if it is still this one. */
export function setErrorHook(hook?: (error: TrackerError) => void) {
  onError = hook;
  return () => { if (onError == hook) onError = undefined; };
}

/** Tells the site's hook, never throwing into the tracker, nor reporting what the hook's own calls report. */
export function report(code: TrackerError['code'], message: string) {
  if (!onError || isReporting) return;
  isReporting = true;
  try {
    onError(Object.assign(new Error(`${PREFIX} ${message}`), { code }));
  } catch { /* the site's hook failed: nothing to tell it */ }
  isReporting = false;
}

/** A mistake in the site's integration, with what to do about it. */
export function logError(message: string) {
  console.error(`${PREFIX} ${message}`);
  report('integration', message);
}

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
