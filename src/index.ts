export { createTracker } from './tracker';
export type { Tracker } from './tracker';
export { ElevateConfigError } from './config';
export type { TrackerOptions } from './config';
