// The inspector page: every request the stand-ins receive (live: notifications with who sent them, Session API
// calls, payments), this origin's keys, cookies and outbox, and the stand-ins' fault switches. It runs no tracker,
// so it can watch the outbox without taking it over.
import {
  CONSENT_COOKIE, ROUTE_COOKIE, cell, clock, describePayment, describeRequest, describeUrl, explainTicket, readCookies, readOutbox, readRoute,
  readSessionApiEntry, readSetup, relative, shortKey, showRows, watchLog,
} from './inspect.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const { apiUrl, cluster, route } = readSetup();
const FAULTS = `${apiUrl}/__standin/faults`;
const SESSION_FAULTS = `${apiUrl}/__demo/session-faults`;

/** @param {HTMLElement} element @param {string} state */
function showState(element, state) {
  element.textContent = state;
  element.className = `state ${state == 'live' ? 'live' : state == 'connecting' ? '' : 'down'}`;
}

// Notifications: time, endpoint, keys, body and the verdict, newest first.
const seenRequests = new Set();
const requests = watchLog(`${apiUrl}/__standin/requests`, `${apiUrl}/__standin/events`, (records, state) => {
  showState($('requests-state'), state);
  const count = (/** @type {(status: number | 'dropped') => boolean} */ test) => records.filter((record) => test(record.status)).length;
  $('requests-summary').textContent = cluster
    ? `The pages send to cluster ${cluster}${readRoute(route) == 'proxy' ? ' through the proxy' : ''}, not to this stand-in: see the browser's Network tab.`
    : `${records.length} request(s): ${count((s) => s == 204)} delivered (204), ${count((s) => s == 400)} refused (400), `
      + `${count((s) => s == 'dropped' || (typeof s == 'number' && s >= 500))} failed (5xx or dropped), which the tracker retries.`;
  showRows($('requests'), records.slice().reverse().map((record) => {
    const shown = describeRequest(record);
    return { id: `${record.seq}@${record.time}`, cells: [
      cell(shown.time, { className: 'nowrap' }),
      cell(shown.type, { className: 'nowrap', note: shown.endpoint }),
      cell(shown.via, { className: 'wrap lines sender', note: shown.headers.join('\n') }),
      cell(`customerKey ${shown.customerKey}`, { note: `sessionKey ${shown.sessionKey} · market ${shown.market}` }),
      cell(shown.body.length > 300 ? `${shown.body.slice(0, 300)}…` : shown.body || '(none)', { className: 'wrap', title: shown.body, note: shown.explained }),
      cell(shown.verdict, { className: shown.tone, note: shown.fault }),
    ] };
  }), seenRequests, 'No notification yet: click a product in the store.');
});

// Session API: the stand-in's requests with their answers (served by demo/server.mjs), preflights left out.
const seenSessions = new Set();
const sessions = watchLog(`${apiUrl}/__demo/session-requests`, `${apiUrl}/__demo/session-events`,
  (/** @type {import('../inspector-feeds.mjs').SessionRecord[]} */ records, state) => {
    showState($('session-state'), state);
    const calls = records.filter((record) => record.method != 'OPTIONS');
    $('session-summary').textContent = `${calls.length} call(s), ${records.length - calls.length} CORS preflight(s) not shown. `
      + 'A session per visit: PUT /sessions/new on its first page, GET on later pages, POST to identify the customer.';
    showRows($('session-requests'), calls.reverse().map((record) => {
      let answer = record.answer ?? '';
      try {
        const info = JSON.parse(answer);
        answer = info.sessionId ? `session ${shortKey(info.sessionId)}${info.customerId ? ` · customerId ${info.customerId}` : ''}` : info.message ?? answer;
      } catch { /* shown as it is */ }
      return { id: `${record.seq}@${record.time}`, cells: [
        cell(clock(record.time), { className: 'nowrap' }),
        cell(`${record.method} ${record.path}`),
        cell(record.customerId ?? '—'),
        cell(record.body ?? '(none)'),
        cell(String(record.status), { className: record.status < 300 ? 'ok' : 'bad', note: answer }),
      ] };
    }), seenSessions, 'No Session API call yet (the tracker makes them once consent is granted).');
  });

// Payments: what the storefront's checkout sent the admin stand-in (with the Api-Key, which is not shown).
const seenPayments = new Set();
const payments = watchLog(`${apiUrl}/__demo/payments`, `${apiUrl}/__demo/payment-events`,
  (/** @type {(import('./inspect.js').LogRecord & Parameters<typeof describePayment>[0])[]} */ records, state) => {
    showState($('payments-state'), state);
    const taken = records.filter((record) => record.status == 204).length;
    $('payments-summary').textContent = `${records.length} payment notification(s), ${taken} taken (204). `
      + 'Sent by the storefront\'s server on “Place order”, with the keys of the visitor\'s tracker cookies; never by the browser.';
    showRows($('payments'), records.slice().reverse().map((record) => {
      const shown = describePayment(record);
      return { id: `${record.seq}@${record.time}`, cells: [
        cell(shown.time, { className: 'nowrap', note: `${shown.seq} · ${shown.endpoint}` }),
        cell(`customerKey ${shown.customerKey}`, { note: `sessionKey ${shown.sessionKey} · market ${shown.market}` }),
        cell(shown.lines.join('\n'), { className: 'wrap lines' }),
        cell(shown.verdict, { className: shown.tone }),
      ] };
    }), seenPayments, 'No payment yet: add something to the bag in the store and place the order.');
  });

$('clear').onclick = async () => {
  await Promise.allSettled(['__standin/requests', '__demo/session-requests', '__demo/payments']
    .map((path) => fetch(`${apiUrl}/${path}`, { method: 'DELETE' })));
  requests.forget();
  sessions.forget();
  payments.forget();
};

// Keys, cookies and the outbox: read from this origin, often (cookies have no change event everywhere).
const seenOutbox = new Set();
let shownStorage = '';
function showStorage() {
  const cookies = readCookies();
  const outbox = readOutbox();
  // Redrawn only on a change, so that a person can select text in the tables.
  const snapshot = JSON.stringify([cookies, outbox, readSessionApiEntry(), Math.floor(Date.now() / 1000)]);
  if (snapshot == shownStorage) return;
  shownStorage = snapshot;
  $('cookie-customer-key').textContent = cookies.elevate_customer_key ?? '(no cookie)';
  $('cookie-session-key').textContent = cookies.elevate_session_key ?? '(no cookie)';
  $('cookie-session-api').textContent = readSessionApiEntry()?.split('.').slice(1).join('.') || '(no session yet)';
  $('cookie-consent').textContent = cookies[CONSENT_COOKIE] ? `${cookies[CONSENT_COOKIE]} (recorded by the site)` : 'pending (no choice yet)';
  const chosen = readRoute(route);
  $('cookie-route').textContent = `${chosen == 'proxy' ? 'proxy: /elevate on this origin' : 'direct: the browser sends across origins'}`
    + (cookies[ROUTE_COOKIE] ? ' (chosen in the store)' : ' (the demo\'s default)');
  const names = Object.keys(cookies).sort();
  showRows($('cookies'), names.map((name) => ({ id: `${name}=${cookies[name]}`, cells: [cell(name, { className: 'nowrap' }), cell(cookies[name])] })),
    new Set(), 'No cookies: consent not granted yet, or forgotten.');

  const { entries, error } = outbox;
  $('outbox-count').textContent = String(entries.length);
  showRows($('outbox'), entries.map((entry) => {
    const { type, customerKey, sessionKey } = describeUrl(entry.url);
    let ticket = '';
    try {
      ticket = JSON.parse(entry.body ?? '{}').ticket ?? '';
    } catch { /* no body */ }
    return { id: `${entry.url} ${entry.at}`, cells: [
      cell(type, { note: `${shortKey(customerKey)} / ${shortKey(sessionKey)}` }),
      cell(explainTicket(ticket) || shortKey(ticket) || '—', { title: ticket }),
      cell(String(entry.tries)),
      cell(relative(entry.due), { note: `made ${clock(entry.at)}` }),
    ] };
  }), seenOutbox, error ? `localStorage unreadable: ${error}` : 'Empty.');
}
showStorage();
setInterval(showStorage, 200);
addEventListener('storage', showStorage);

// Faults: the selects mirror the stand-ins' state; a change replaces it (PUT replaces every fault).
const form = /** @type {HTMLElement} */ (document.querySelector('.faults'));
const field = (/** @type {string} */ name) => /** @type {HTMLSelectElement & HTMLInputElement} */ (form.querySelector(`[name="${name}"]`));
const NUMBERS = ['fail500', 'fail400', 'drop', 'latencyMs'];

async function loadFaults() {
  try {
    const [faults, sessionFaults] = await Promise.all([(await fetch(FAULTS)).json(), (await fetch(SESSION_FAULTS)).json()]);
    for (const name of NUMBERS) {
      const select = field(name);
      const value = String(faults[name] ?? 0);
      // A value set through the API that the menu lacks (e.g. 0.25) still shows.
      if (![...select.options].some((option) => option.value == value)) select.add(new Option(value, value));
      select.value = value;
    }
    field('sessionDown').checked = sessionFaults.down;
    showFaultState();
  } catch {
    $('fault-state').textContent = 'stand-in unreachable';
  }
}

/** Shows whether any fault is on, from the switches. */
function showFaultState() {
  const isOn = NUMBERS.some((name) => Number(field(name).value) > 0) || field('sessionDown').checked;
  $('fault-state').textContent = isOn ? 'on' : 'off';
  $('fault-state').className = `state ${isOn ? 'down' : 'live'}`;
}

/** One save after another, so that the stand-ins end up with the switches' last state. */
let saving = Promise.resolve();
function saveFaults() {
  const faults = JSON.stringify(Object.fromEntries(NUMBERS.map((name) => [name, Number(field(name).value)])));
  const sessionFaults = JSON.stringify({ down: field('sessionDown').checked, latencyMs: 0 });
  showFaultState();
  saving = saving.then(() => Promise.all([
    fetch(FAULTS, { method: 'PUT', body: faults }),
    fetch(SESSION_FAULTS, { method: 'PUT', body: sessionFaults }),
  ])).then(() => {}, () => void ($('fault-state').textContent = 'stand-in unreachable'));
}

form.addEventListener('change', saveFaults);
$('faults-off').onclick = () => {
  for (const name of NUMBERS) field(name).value = '0';
  field('sessionDown').checked = false;
  saveFaults();
};
loadFaults();
// Tests and other tabs change faults too.
addEventListener('focus', loadFaults);
