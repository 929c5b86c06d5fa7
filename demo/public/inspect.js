// What the inspector and the storefront's tracker panel show, read from where it really is: the stand-ins' request
// logs (live, Server-Sent Events), this origin's cookies and the tracker's outbox in localStorage. Nothing here
// talks to the tracker, so watching never changes what is watched.

/** The tracker's localStorage entries of undelivered notifications, `elevate_outbox.{page}` (README, "Privacy"). */
export const OUTBOX_KEY = 'elevate_outbox';
/** The site's record of the visitor's consent choice (demo/server.mjs renders it into data-consent). */
export const CONSENT_COOKIE = 'demo_consent';
/** The visitor's choice of route for the notifications: `proxy` (the storefront's /elevate) or `direct`. */
export const ROUTE_COOKIE = 'demo_route';

/**
 * @typedef {{ seq: number, time: number }} LogRecord A record of either stand-in; `seq` restarts when it is cleared.
 * @typedef {'connecting' | 'live' | 'reconnecting' | 'unreachable'} LinkState
 */

/**
 * Where the page's stand-ins are and where its notifications go, from the attributes demo/server.mjs fills in.
 * `apiUrl` is the stand-ins' URL (logs, faults, Session API); `notifications` the tracker's apiBase (the proxy on
 * this origin, or the stand-in), empty when the pages send straight to a real cluster; `route` `proxy` or `direct`.
 */
export function readSetup() {
  const { standin = '', notifications = '', route = 'proxy', cluster = '', market = '', consent = 'pending' } = document.body.dataset;
  return { apiUrl: standin, notifications, route, cluster, market, consent };
}

/**
 * Follows a stand-in's log: the records so far (`listUrl`), then each new one as it comes (`eventsUrl`, SSE).
 * After a lost connection it connects again and fetches the list once more, so nothing in between is missed.
 * @template {LogRecord} T
 * @param {string} listUrl @param {string} eventsUrl
 * @param {(records: T[], state: LinkState) => void} onChange records oldest first
 */
export function watchLog(listUrl, eventsUrl, onChange) {
  /** @type {Map<string, T>} */
  const records = new Map();
  /** @type {LinkState} */
  let state = 'connecting';
  /** @type {EventSource | undefined} */
  let source;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  // seq alone repeats after a clear; with the arrival time it names one request.
  const add = (/** @type {T} */ record) => records.set(`${record.seq}@${record.time}`, record);
  const report = () => onChange([...records.values()].sort((a, b) => a.time - b.time || a.seq - b.seq), state);

  async function load() {
    try {
      /** @type {T[]} */
      const list = await (await fetch(listUrl)).json();
      list.forEach(add);
    } catch {
      state = 'unreachable';
    }
    report();
  }

  function connect() {
    source = new EventSource(eventsUrl);
    source.onopen = () => {
      state = 'live';
      load();
    };
    source.onmessage = (event) => {
      add(JSON.parse(event.data));
      report();
    };
    // EventSource would retry on its own, but after seconds; the demo server restarts in less.
    source.onerror = () => {
      source?.close();
      state = state == 'connecting' ? 'unreachable' : 'reconnecting';
      report();
      retry = setTimeout(connect, 1000);
    };
  }

  connect();
  return {
    /** Forgets the records shown (the caller clears the stand-in). */
    forget() {
      records.clear();
      report();
    },
    stop() {
      clearTimeout(retry);
      source?.close();
    },
  };
}

/** `12:03:45.120` @param {number} time */
export const clock = (time) => {
  const date = new Date(time);
  return `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
};

/** `in 3 s` or `2 s ago` @param {number} time */
export const relative = (time) => {
  const seconds = Math.round((time - Date.now()) / 1000);
  return seconds > 0 ? `in ${seconds} s` : seconds < 0 ? `${-seconds} s ago` : 'now';
};

/** The end of a key: enough to tell keys apart in a table. @param {string | undefined | null} key */
export const shortKey = (key) => (key && key.length > 13 ? `${key.slice(0, 8)}…` : key ?? '—');

/**
 * A ticket made readable, when it is one of the demo's (catalog.js): `P1004 · /storefront/product-list #4`, or with
 * `isShort`, `P1004 · product-list #4`. Real tickets are opaque; then this says nothing.
 * @param {string | null | undefined} ticket @param {boolean} [isShort]
 */
export function explainTicket(ticket, isShort = false) {
  let text;
  try {
    text = atob(ticket ?? '');
  } catch {
    return '';
  }
  const parts = text.split(';').filter(Boolean);
  if (!parts[0]?.startsWith('/')) return '';
  const valueAfter = (/** @type {string} */ name) => (parts.includes(name) ? parts[parts.indexOf(name) + 1] : undefined);
  const item = valueAfter('product_key') ?? valueAfter('variant_key') ?? valueAfter('content_key')
    ?? (parts.includes('phrase') ? `“${valueAfter('phrase')}”` : '?');
  const position = valueAfter('#');
  const panel = isShort ? parts[0].slice(parts[0].lastIndexOf('/') + 1) : parts[0];
  return `${item} · ${panel}${position ? ` #${position}` : ''}`;
}

/**
 * Who sent a notification, and the headers that tell (one a line): the storefront's first-party proxy (it adds X-Forwarded-For, and forwards no Origin), a
 * browser page straight to the stand-in (a cross-origin request carries Origin), or something else (a script, a test).
 * @param {{ userAgent?: string | null, forwardedFor?: string | null, origin?: string | null }} record
 */
export function describeSender({ userAgent, forwardedFor, origin }) {
  const agent = `User-Agent ${userAgent ?? '(none)'}`;
  if (forwardedFor) return { via: 'proxy', headers: [`X-Forwarded-For ${forwardedFor}`, agent] };
  if (origin) return { via: 'direct', headers: [`Origin ${origin}`, 'no X-Forwarded-For', agent] };
  return { via: 'other', headers: ['no Origin, no X-Forwarded-For', agent] };
}

/**
 * A notification request as the inspector shows it.
 * @param {{ time: number, type: string, method: string, path: string, query: Record<string, string>, body: string | null,
 *   ticket?: string, status: number | 'dropped', reason?: string, fault?: string, userAgent?: string | null,
 *   forwardedFor?: string | null, origin?: string | null }} record
 */
export function describeRequest(record) {
  const { status, reason, fault } = record;
  let ticket = record.ticket;
  if (!ticket && record.body) {
    try {
      ticket = JSON.parse(record.body).ticket;
    } catch { /* not JSON: the verdict says so */ }
  }
  const verdict = status == 'dropped' ? 'dropped: connection cut, no answer' : `${status}${reason ? ` ${reason}` : ''}`;
  return {
    time: clock(record.time),
    endpoint: `${record.method} ${record.path}`,
    type: record.type,
    customerKey: record.query.customerKey ?? '',
    sessionKey: record.query.sessionKey ?? '',
    market: record.query.market ?? '',
    body: record.body ?? '',
    ticket: ticket ?? '',
    explained: explainTicket(ticket),
    verdict,
    tone: status == 204 ? 'ok' : 'bad',
    fault: fault == 'latency' ? 'delayed by the latency fault' : fault ? `injected fault: ${fault}` : '',
    ...describeSender(record),
  };
}

/**
 * A payment notification as the inspector shows it, from the admin stand-in's record (demo/event-data-standin.mjs).
 * @param {{ seq: number, time: number, prefix: string, query: Record<string, string>, body: unknown, status: number,
 *   reason?: string }} record
 */
export function describePayment(record) {
  // v2 names the keys esales.customerKey and so on.
  const param = (/** @type {string} */ name) => record.query[name] ?? record.query[`esales.${name}`] ?? '';
  const lines = /** @type {{ lines?: unknown }} */ (record.body)?.lines;
  const shownLines = Array.isArray(lines)
    ? lines.map((/** @type {any} */ line) => `${line?.variantKey ?? line?.productKey ?? '?'} × ${line?.quantity} = ${line?.sellingPrice}`
      + (line?.cost === undefined ? '' : ` (cost ${line.cost})`))
    : [typeof record.body == 'string' ? record.body || '(no body)' : JSON.stringify(record.body)];
  return {
    time: clock(record.time),
    seq: `#${record.seq}`,
    endpoint: `POST /api/${record.prefix}/notifications/payment`,
    customerKey: param('customerKey'),
    sessionKey: param('sessionKey'),
    market: param('market'),
    lines: shownLines,
    verdict: `${record.status}${record.reason ? ` ${record.reason}` : ''}`,
    tone: record.status == 204 ? 'ok' : 'bad',
  };
}

/** The notification a stored outbox URL stands for. @param {string} url */
export function describeUrl(url) {
  try {
    const { pathname, searchParams } = new URL(url);
    return { type: pathname.slice(pathname.lastIndexOf('/') + 1), customerKey: searchParams.get('customerKey') ?? '',
      sessionKey: searchParams.get('sessionKey') ?? '', market: searchParams.get('market') ?? '' };
  } catch {
    return { type: '?', customerKey: '', sessionKey: '', market: '' };
  }
}

/** This origin's cookies (those script can see), by name. @returns {Record<string, string>} */
export function readCookies() {
  /** @type {Record<string, string>} */
  const cookies = {};
  for (const pair of document.cookie.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    try {
      cookies[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      cookies[name] = pair.slice(at + 1).trim();
    }
  }
  return cookies;
}

/** The site's recorded consent, or `pending` when the visitor has not chosen. */
export const readConsent = () => {
  const value = readCookies()[CONSENT_COOKIE];
  return value == 'granted' || value == 'denied' ? value : 'pending';
};

/** The visitor's route for the notifications as the site records it, or `fallback` (the page's, rendered by the server). @param {string} fallback */
export const readRoute = (fallback) => {
  const value = readCookies()[ROUTE_COOKIE];
  return value == 'proxy' || value == 'direct' ? value : fallback;
};

/** The visit's Session API session as the tracker keeps it in localStorage (`{sessionKey}.{sessionId}`), if any. */
export function readSessionApiEntry() {
  try {
    return localStorage.getItem('elevate_session_api') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tracker's outbox: notifications it could not deliver yet, left by pages that went away.
 * @returns {{ entries: { url: string, body?: string, at: number, tries: number, due: number }[], error?: string }}
 */
export function readOutbox() {
  try {
    const entries = Object.keys(localStorage).filter((key) => key.split('.')[0] == OUTBOX_KEY)
      .flatMap((key) => JSON.parse(/** @type {string} */ (localStorage.getItem(key))));
    return { entries: entries.filter((entry) => typeof entry?.url == 'string') };
  } catch (error) {
    return { entries: [], error: String(error) };
  }
}

/**
 * A table cell.
 * @param {string} text @param {{ className?: string, title?: string, note?: string }} [options] note: a second, muted line
 */
export function cell(text, { className = '', title = '', note = '' } = {}) {
  const td = Object.assign(document.createElement('td'), { textContent: text, className, title });
  if (note) td.append(Object.assign(document.createElement('small'), { textContent: note }));
  return td;
}

/**
 * Replaces a table body's rows; rows not shown before flash once.
 * @param {HTMLElement} body @param {{ id: string, cells: HTMLTableCellElement[] }[]} rows
 * @param {Set<string>} seen ids shown before, updated here @param {string} empty text when there are no rows
 */
export function showRows(body, rows, seen, empty) {
  if (!rows.length) {
    const row = Object.assign(document.createElement('tr'), { className: 'empty' });
    row.append(Object.assign(cell(empty), { colSpan: 12 }));
    return body.replaceChildren(row);
  }
  const isFirst = seen.size == 0;
  body.replaceChildren(...rows.map(({ id, cells }) => {
    const row = document.createElement('tr');
    row.dataset.id = id;
    if (!isFirst && !seen.has(id)) row.className = 'fresh';
    seen.add(id);
    row.append(...cells);
    return row;
  }));
}
