import type { Config } from './config.js';
import { IMPRESSION_ATTRIBUTE, type watchImpressions } from './impressions.js';
import { logError } from './log.js';
import { whenMarked } from './when-marked.js';

/**
 * Counts ad impressions once a marked ad is in the page, with the watcher loaded then (a file of its own for the
 * script tag). Storefront API v3 only: with v2, marked elements are not even looked for. A watcher file that is
 * missing, or is not the watcher (self-hosted under other names), is one console error. Returns the function that stops it.
 */
export function watchAds(config: Config, load: () => Promise<typeof watchImpressions>, onImpression: (ticket: string) => void,
  isStopped: () => boolean): () => void {
  if (config.apiVersion != 'v3') return () => {};
  let stop = whenMarked(IMPRESSION_ATTRIBUTE, () => load().then((watch) => {
    if (!isStopped()) stop = watch(onImpression);
  }).catch(() => logError('cannot load elevate-tracker.impressions.js beside the script: ad impressions are not counted.')));
  return () => stop();
}
