// Our npm entry as a site would use it: the typical import, bundled by the bench with the same esbuild settings as
// the official library's contender. __API_BASE__ is replaced at build time (the stand-in's URL in the browser runs,
// a cluster URL for the size figures).
import { createTracker } from 'elevate-tracker';

createTracker({ apiBase: __API_BASE__, market: 'UK' });
