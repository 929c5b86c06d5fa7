/** Console output: notifications and their outcomes only with the `debug` option; errors the site must fix always. */
export type Debug = (...details: unknown[]) => void;

const PREFIX = '[elevate-tracker]';

export const createDebug = (isOn: boolean): Debug => (isOn ? console.log.bind(console, PREFIX) : () => {});

/** A mistake in the site's integration, with what to do about it. */
export const logError = (message: string) => console.error(`${PREFIX} ${message}`);
