'use client';
// elevate-tracker/react: a provider and a hook, thin over createTracker. The directive marks the module as client code
// for React Server Components (Next.js App Router); the provider still renders on the server, creating nothing there.
export { ElevateProvider } from './elevate-provider.js';
export type { ElevateProviderProps } from './elevate-provider.js';
export { useTracker } from './use-tracker.js';
export type { Consent, Tracker, TrackerOptions } from '../index.js';
