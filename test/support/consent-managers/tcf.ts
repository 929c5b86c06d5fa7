// An IAB TCF v2.2 consent manager as a page has it (the "CMP JS API v2.2" of
// github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework): the stub a site puts first in its
// <head>, which queues every call, and the CMP, which takes the queue over as it loads. Installed into pages as
// `(${installTcfStub})()` and `(${installTcfCmp})(options)`: they may use nothing from this module.

/**
 * The stub: `__tcfapi(command, version, callback, parameter)` queues every call but `ping` until the CMP replaces it;
 * called without arguments it hands the queue over.
 */
export function installTcfStub() {
  const w = window as any;
  if (typeof w.__tcfapi == 'function') return;
  const queue: unknown[][] = [];
  w.__tcfapi = (...args: any[]) => {
    if (!args.length) return queue;
    if (args[0] == 'ping') args[2]({ gdprApplies: undefined, cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.2' }, true);
    else queue.push(args);
  };
}

/**
 * The CMP, loading: the visitor's choice from its cookie (a stand-in for the TC string in `euconsent-v2`), else its
 * UI shown (`cmpuishown`). `addEventListener` calls back at once with the TC data so far and again at each change,
 * with a `listenerId` that `removeEventListener` takes. `window.tcfCmp` is the visitor: `choose([purposes])` (the
 * purposes consented to; `useractioncomplete`), `showUi()` (the visitor reopens it), `listeners()` (how many are
 * registered).
 */
export function installTcfCmp({ gdprApplies = true }: { gdprApplies?: boolean } = {}) {
  const w = window as any;
  const COOKIE = 'euconsent-v2';
  const queued: unknown[][] = typeof w.__tcfapi == 'function' ? w.__tcfapi() ?? [] : [];
  const stored = document.cookie.split('; ').find((cookie) => cookie.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  let consents: number[] = stored ? JSON.parse(decodeURIComponent(stored)) : [];
  let eventStatus = !gdprApplies || stored ? 'tcloaded' : 'cmpuishown';
  const listeners = new Map<number, (tcData: unknown, success: boolean) => void>();
  let nextId = 2;
  const flags = (ids: number[]) => Object.fromEntries(Array.from({ length: 11 }, (_, index) => [index + 1, ids.includes(index + 1)]));
  const tcData = (listenerId?: number) => ({
    tcString: gdprApplies && eventStatus != 'cmpuishown' ? `CQ-stub.${consents.join('-')}` : '',
    tcfPolicyVersion: 5, cmpId: 300, cmpVersion: 1, gdprApplies, eventStatus, cmpStatus: 'loaded', listenerId,
    isServiceSpecific: true, useNonStandardTexts: false, publisherCC: 'SE', purposeOneTreatment: false,
    purpose: { consents: gdprApplies ? flags(consents) : {}, legitimateInterests: gdprApplies ? flags([2, 7, 9, 10]) : {} },
    vendor: { consents: {}, legitimateInterests: {} },
    specialFeatureOptins: {},
    publisher: { consents: {}, legitimateInterests: {}, customPurpose: { consents: {}, legitimateInterests: {} }, restrictions: {} },
  });
  const notify = () => listeners.forEach((callback, id) => callback(tcData(id), true));
  const api = (command: string, version: number, callback: (...args: any[]) => void, parameter?: unknown) => {
    if (version !== 2 && version != null) return callback(null, false);
    if (command == 'ping') callback({ gdprApplies, cmpLoaded: true, cmpStatus: 'loaded', apiVersion: '2.2', cmpId: 300, tcfPolicyVersion: 5 }, true);
    else if (command == 'addEventListener') {
      const id = nextId++;
      listeners.set(id, callback);
      callback(tcData(id), true);
    } else if (command == 'removeEventListener') callback(listeners.delete(parameter as number));
    else callback(null, false);
  };
  w.__tcfapi = api;
  queued.forEach((args) => (api as any)(...args));
  w.tcfCmp = {
    choose(ids: number[]) {
      consents = ids;
      eventStatus = 'useractioncomplete';
      document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify(ids))}; path=/; max-age=3600`;
      notify();
    },
    showUi() {
      eventStatus = 'cmpuishown';
      notify();
    },
    listeners: () => listeners.size,
  };
}
