// OneTrust's cookie consent as a page has it (https://developer.onetrust.com/onetrust/docs/javascript-events-guide):
// `window.OnetrustActiveGroups`, the site's `OptanonWrapper` called at load and at each change, the
// `OneTrustGroupsUpdated` event, and `window.OneTrust`'s methods. Installed into pages as `(${installOneTrust})()`:
// it may use nothing from this module.

/**
 * otBannerSdk.js loading, with an opt-in template: the active groups from the `OptanonConsent` cookie (its `groups`
 * field, `C0002:1`), else only Strictly Necessary (C0001); `OneTrust.IsAlertBoxClosed()` once the visitor has chosen
 * (the `OptanonAlertBoxClosed` cookie). At load and at each choice (`AcceptAll()`, `RejectAll()`,
 * `UpdateConsent('Category', 'C0002:0')`) it sets `OnetrustActiveGroups`, calls `OptanonWrapper()` and raises
 * `OneTrustGroupsUpdated` with the active groups as `detail`.
 */
export function installOneTrust() {
  const w = window as any;
  const GROUPS = ['C0001', 'C0002', 'C0003', 'C0004'];
  const cookie = (name: string) => document.cookie.split('; ').find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  const stored = new URLSearchParams(decodeURIComponent(cookie('OptanonConsent') ?? '')).get('groups');
  let active = stored ? stored.split(',').filter((entry) => entry.endsWith(':1')).map((entry) => entry.split(':')[0]) : ['C0001'];
  let isClosed = cookie('OptanonAlertBoxClosed') != null;
  const changed: ((event: Event) => void)[] = [];
  function publish() {
    w.OnetrustActiveGroups = w.OptanonActiveGroups = `,${active.join(',')},`;
    if (typeof w.OptanonWrapper == 'function') w.OptanonWrapper();
    window.dispatchEvent(new CustomEvent('OneTrustGroupsUpdated', { detail: [...active] }));
  }
  function save(groups: string[]) {
    active = GROUPS.filter((group) => group == 'C0001' || groups.includes(group));
    isClosed = true;
    const consent = new URLSearchParams({ groups: GROUPS.map((group) => `${group}:${active.includes(group) ? 1 : 0}`).join(',') });
    document.cookie = `OptanonConsent=${encodeURIComponent(consent.toString())}; path=/; max-age=3600`;
    document.cookie = `OptanonAlertBoxClosed=${new Date().toISOString()}; path=/; max-age=3600`;
    publish();
    const event = new CustomEvent('consent.onetrust', { detail: [...active] });
    changed.forEach((callback) => callback(event));
    window.dispatchEvent(new Event('OTConsentApplied'));
  }
  w.OneTrust = w.Optanon = {
    IsAlertBoxClosed: () => isClosed,
    AcceptAll: () => save(GROUPS),
    RejectAll: () => save([]),
    UpdateConsent(type: string, value: string) {
      const [group, on] = value.split(':');
      if (type == 'Category') save(on == '1' ? [...active, group] : active.filter((entry) => entry != group));
    },
    OnConsentChanged: (callback: (event: Event) => void) => void changed.push(callback),
    ToggleInfoDisplay() {},
  };
  publish();
}
