// The official library (@apptus/esales-api 3.x), wired as its README and typings suggest for click tracking: the
// notifications entry with its localStorage session helper, and the site's own delegated click listener calling
// `click(ticket)` (the same Notification method as `elevate(…).notify.click`). The library has no click listener of
// its own; this one is capture-phase like ours, reads the same attribute, and ignores the promise's rejection as
// the README shows. __API_BASE__ is replaced at build time; `clusterId` accepts a URL (config.ts).
import { localStorageBackedSession, notifications } from '@apptus/esales-api';

const notify = notifications({ clusterId: __API_BASE__, market: 'UK', session: localStorageBackedSession() });

document.addEventListener('click', (event) => {
  const tile = event.target instanceof Element ? event.target.closest('[data-elevate-ticket]') : null;
  if (tile) notify.click(tile.getAttribute('data-elevate-ticket')).catch(() => {});
}, true);
