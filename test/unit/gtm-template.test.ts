// The Google Tag Manager template (gtm/template.tpl, issue 17) in Node: its sections as GTM exports them, its fields
// and permissions against what its code reads and asks for, its own ___TESTS___ scenarios run as GTM's editor runs
// them, and its code in a page of sandbox APIs implemented as GTM documents them (test/support/gtm/). The same file
// runs in real browsers in test/engines/gtm-template.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodePage, type NodePage } from '../support/gtm/node-page.ts';
import { type PermissionCheck } from '../support/gtm/sandbox.ts';
import { runScenario } from '../support/gtm/scenarios.ts';
import { allParameters, decodePermissions, readTemplate, readTests, SECTION_ORDER, type TemplateFile } from '../support/gtm/template-file.ts';

const template = readTemplate();
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const CDN_URL = `https://cdn.jsdelivr.net/npm/elevate-tracker@${pkg.version}/dist/elevate-tracker.min.js`;
const fields = allParameters(template.parameters).filter((parameter) => parameter.type != 'GROUP');
/** The consent types the code may read (its CONSENT_TYPES). */
const CONSENT_TYPES = JSON.parse(/const CONSENT_TYPES = (\[[^\]]*\])/.exec(template.code)![1].replace(/'/g, '"'));

/** The tag's data as GTM passes it: each field's default (an empty text field is ''), then `overrides`. */
const data = (overrides: Record<string, unknown> = {}) => ({
  ...Object.fromEntries(fields.map((field) => [field.name, field.defaultValue ?? (field.type == 'CHECKBOX' ? false : '')])),
  clusterId: 'w00000000', market: 'UK', ...overrides,
});

/** The template with its code changed by `edit`, which must change it. */
function withCode(edit: (code: string) => string): TemplateFile {
  const code = edit(template.code);
  expect(code).not.toBe(template.code);
  return { ...template, code };
}

describe('gtm/template.tpl', () => {
  it('has the sections of an exported web tag template, in GTM’s order', () => {
    expect([...template.sections.keys()]).toEqual(SECTION_ORDER);
    expect(template.info).toMatchObject({ type: 'TAG', id: 'cvt_temp_public_id', containerContexts: ['WEB'] });
  });

  it('has a field for every data.… the code reads, and the code reads every field', () => {
    const read = new Set([...template.code.matchAll(/\bdata\.(\w+)/g)].map(([, name]) => name));
    read.delete('gtmOnSuccess');
    read.delete('gtmOnFailure');
    const names = fields.map((field) => field.name);
    expect(new Set(names).size, 'field names are unique').toBe(names.length);
    expect([...read].sort()).toEqual([...names].sort());
    for (const field of fields) {
      if (field.type == 'SELECT') expect(field.selectItems.map((item: any) => item.value)).toContain(field.defaultValue);
      for (const condition of field.enablingConditions ?? []) {
        const on = fields.find((other) => other.name == condition.paramName);
        expect(on?.selectItems.map((item: any) => item.value), `${field.name} is enabled by ${condition.paramName}`).toContain(condition.paramValue);
      }
    }
  });

  it('defaults the script URL to jsDelivr at package.json’s version, which its permission allows', () => {
    const scriptUrl = fields.find((field) => field.name == 'scriptUrl');
    expect(scriptUrl.defaultValue).toBe(CDN_URL);
    expect(pkg.jsdelivr).toBe('dist/elevate-tracker.min.js');
    expect(existsSync(new URL('../../dist/elevate-tracker.min.js', import.meta.url)), 'the file, built').toBe(true);
    expect(template.setup).toContain(`const SCRIPT_URL = '${CDN_URL}';`);
    const page = createNodePage(template);
    expect((page.sandbox.apis.queryPermission as Function)('inject_script', CDN_URL)).toBe(true);
  });

  it('takes in its consent-types field exactly the types its code and its permission know', () => {
    const field = fields.find((candidate) => candidate.name == 'consentTypes');
    const pattern = new RegExp(field.valueValidators.find((validator: any) => validator.type == 'REGEX').args[0]);
    expect(pattern.test(field.defaultValue)).toBe(true);
    expect(pattern.test(CONSENT_TYPES.join(', '))).toBe(true);
    expect(pattern.test('analytics_storage, marketing')).toBe(false);
    expect(template.permissions.access_consent.consentTypes).toEqual(CONSENT_TYPES.map((type: string) => ({ consentType: type, read: true, write: false })));
  });

  it('is sandboxed JavaScript: APIs through require (each implemented by the test sandbox), none of the syntax it lacks', () => {
    const required = [...template.code.matchAll(/require\('(\w+)'\)/g)].map(([, name]) => name);
    const page = createNodePage(template);
    expect(required.filter((name) => !(name in page.sandbox.apis))).toEqual([]);
    // ECMAScript 5.1 with arrow functions, const and let (developers.google.com/tag-platform/tag-manager/templates/
    // sandboxed-javascript): no template literals, spread, new, this, classes, async, for…of or regular expressions.
    const code = template.code.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/'(?:[^'\\]|\\.)*'/g, "''");
    expect(code).not.toMatch(/`|\.\.\.|\bnew\s|\bthis\b|\bclass\s|\basync\b|\bawait\b|\bfor\s*\([^)]*\bof\b|[=(,:]\s*\/[^/*]/);
  });

  it('asks for the permission of each API it requires that needs one, and for no other', () => {
    const PERMISSION_OF: Record<string, string | undefined> = {
      addConsentListener: 'access_consent', copyFromWindow: 'access_globals', createQueue: 'access_globals',
      injectScript: 'inject_script', isConsentGranted: 'access_consent', logToConsole: 'logging',
      templateStorage: 'access_template_storage', getType: undefined, makeString: undefined, queryPermission: undefined,
    };
    const required = [...template.code.matchAll(/require\('(\w+)'\)/g)].map(([, name]) => name);
    expect(required.filter((name) => !(name in PERMISSION_OF)), 'an API this test does not know yet').toEqual([]);
    const needed = new Set(required.map((name) => PERMISSION_OF[name]).filter(Boolean));
    expect(Object.keys(template.permissions).sort()).toEqual([...needed].sort());
    expect(template.permissions.access_globals.keys).toEqual([{ key: 'elevateTracker', read: true, write: true, execute: false }]);
    expect(template.permissions.logging).toEqual({ environments: 'debug' });
  });

  describe('its ___TESTS___ scenarios, as GTM’s editor runs them', () => {
    it('are there, each named once, with a setup', () => {
      const names = template.scenarios.map((scenario) => scenario.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      expect(template.setup).toContain('const mockData = {');
    });
    for (const scenario of template.scenarios) {
      it(scenario.name, () => runScenario(template, template.setup, scenario));
    }

    it('fail for a template that breaks what they check', () => {
      const run = (broken: TemplateFile, name: string) =>
        () => runScenario(broken, broken.setup, broken.scenarios.find((scenario) => scenario.name.startsWith(name))!);
      expect(run(withCode((code) => code.replace("templateStorage.setItem('initQueued', true);", '')), 'A later firing'))
        .toThrow(/expected 1, got 2/);
      expect(run(withCode((code) => code.replace("isGranted() ? 'granted' : 'pending'", "'granted'")), 'Follows a denied default'))
        .toThrow(/expected "pending", got "granted"/);
      expect(run(withCode((code) => code.replace("const next = !granted ? 'denied'", "const next = !granted ? consent")), 'Grants once every'))
        .toThrow(/expected .*"setConsent","denied".*, got/);
    });
  });

  describe('in a page of GTM’s sandbox APIs', () => {
    const consentMode = (overrides = {}) => data({ consent: 'consentMode', ...overrides });

    it('queues init, injects one script; later firings add nothing; the loaded tracker hears consent changes through its push', async () => {
      const page = createNodePage(template, { consent: { analytics_storage: 'denied' } });
      const first = page.fire(consentMode());
      expect(page.window.elevateTracker).toEqual([['init', { clusterId: 'w00000000', market: 'UK', apiVersion: 'v3', consent: 'pending' }]]);
      expect(page.scripts.map((script) => script.url)).toEqual([CDN_URL]);
      const second = page.fire(consentMode());
      page.updateConsent({ analytics_storage: 'granted' });
      expect(page.window.elevateTracker.slice(1)).toEqual([['setConsent', 'granted']]);
      expect([first.outcomes, second.outcomes]).toEqual([[], []]);

      // The script runs: it takes the queue and puts the tracker in its place (a push that runs each command).
      const ran: unknown[] = [];
      await page.scripts[0].load(() => {
        ran.push(...page.window.elevateTracker);
        page.window.elevateTracker = { push: (...commands: unknown[]) => ran.push(...commands) };
      });
      expect([first.outcomes, second.outcomes]).toEqual([['success'], ['success']]);
      const third = page.fire(consentMode());
      page.updateConsent({ analytics_storage: 'denied' });
      await page.settle();
      expect(third.outcomes).toEqual(['success']);
      expect(page.scripts).toHaveLength(1);
      expect(ran.map((command: any) => command[0] == 'init' ? 'init' : command)).toEqual(['init', ['setConsent', 'granted'], ['setConsent', 'denied']]);
    });

    it('reports a failed load; the next firing injects the script again, the queued init still waiting', async () => {
      const page = createNodePage(template);
      const first = page.fire(data());
      await page.scripts[0].fail();
      expect(first.outcomes).toEqual(['failure']);
      const second = page.fire(data());
      expect(page.scripts).toHaveLength(2);
      expect(page.window.elevateTracker).toEqual([['init', { clusterId: 'w00000000', market: 'UK', apiVersion: 'v3', consent: 'granted' }]]);
      await page.scripts[1].load();
      expect(second.outcomes).toEqual(['success']);
    });

    it('logs only in preview and debug mode', async () => {
      for (const isDebug of [false, true]) {
        const page = createNodePage(template, { isDebug });
        page.fire(data());
        await page.scripts[0].load();
        expect(page.logs.map(([message]) => message)).toEqual(isDebug ? ['[elevate-tracker tag] init', `[elevate-tracker tag] loaded ${CDN_URL}`] : []);
      }
    });

    it('loads a self-hosted script once the site widens the Injects scripts permission as gtm/README.md says', () => {
      const readme = readFileSync(new URL('../../gtm/README.md', import.meta.url), 'utf8');
      const pattern = 'https://shop.example/assets/*';
      expect(readme).toContain(pattern);
      const scriptUrl = 'https://shop.example/assets/elevate-tracker.min.js';
      const refused = createNodePage(template).fire(data({ scriptUrl }));
      expect(refused.outcomes).toEqual(['failure']);

      const widened = structuredClone(template.rawPermissions);
      widened.find((entry: any) => entry.instance.key.publicId == 'inject_script').instance.param[0].value.listItem.push({ type: 1, string: pattern });
      const page = createNodePage({ ...template, permissions: decodePermissions(widened) });
      page.fire(data({ scriptUrl }));
      expect(page.scripts.map((script) => script.url)).toEqual([scriptUrl]);
    });

    it('with its permissions, can do all it tries, and every permission is used', async () => {
      const checks: PermissionCheck[] = [];
      const onPermission = (check: PermissionCheck) => void checks.push(check);
      const page = createNodePage(template, { isDebug: true, consent: { analytics_storage: 'denied' }, onPermission });
      page.fire(consentMode({ consentTypes: CONSENT_TYPES.join(', ') }));
      page.fire(consentMode());
      page.updateConsent({ analytics_storage: 'granted' });
      await page.scripts[0].load();
      for (const scenario of template.scenarios) runScenario(template, template.setup, scenario, { onPermission });

      // Outside preview, logToConsole is dropped without a word: that denial is by design.
      const denied = checks.filter((check) => !check.allowed && !check.isQuery && check.permission != 'logging');
      expect(denied, 'an API call its permissions do not allow').toEqual([]);
      const used = (permission: string, matches: (args: unknown[]) => boolean) =>
        checks.some((check) => check.allowed && check.permission == permission && matches(check.args));
      for (const { key, read, write, execute } of template.permissions.access_globals.keys) {
        const accesses = [read && 'read', write && 'write', execute && 'execute'].filter(Boolean);
        for (const access of accesses) expect(used('access_globals', ([asked, path]) => path == key && String(asked).includes(access as string)), `${key} ${access}`).toBe(true);
      }
      for (const pattern of template.permissions.inject_script.urls) {
        const only = createNodePage({ ...template, permissions: { inject_script: { urls: [pattern] } } }).sandbox.apis.queryPermission as Function;
        expect(used('inject_script', ([url]) => only('inject_script', url)), pattern).toBe(true);
      }
      for (const { consentType } of template.permissions.access_consent.consentTypes) {
        expect(used('access_consent', ([type, access]) => type == consentType && access == 'read'), consentType).toBe(true);
      }
      expect(used('logging', () => true)).toBe(true);
      expect(used('access_template_storage', () => true)).toBe(true);
    });
  });

  describe('the test sandbox and runner themselves', () => {
    it('fails code that requires an API the test sandbox does not implement, or uses a global without require', () => {
      const page = (code: string) => createNodePage(withCode(() => code));
      expect(() => page("const sendPixel = require('sendPixel'); data.gtmOnSuccess();").fire(data())).toThrow(/require\('sendPixel'\): the test sandbox does not implement/);
      expect(() => page("data.gtmOnSuccess(JSON.stringify({}));").fire(data())).toThrow(/Cannot read properties of undefined \(reading 'stringify'\)/);
      expect(() => page("undeclared = 1;").fire(data())).toThrow(/undeclared is not defined/);
      expect(page("const getType = require('getType'); if (getType([]) === 'array') data.gtmOnSuccess();").fire(data()).outcomes).toEqual(['success']);
    });

    it('throws when an API is used beyond the template’s permissions, as GTM does', () => {
      const page: NodePage = createNodePage(template);
      expect(() => (page.sandbox.apis.injectScript as Function)('https://evil.example/x.js')).toThrow(/Permission denied: inject_script/);
      expect(() => (page.sandbox.apis.createQueue as Function)('dataLayer')).toThrow(/Permission denied: access_globals readwrite dataLayer/);
      expect(() => (page.sandbox.apis.isConsentGranted as Function)('marketing')).toThrow(/Permission denied: access_consent/);
      expect(() => (page.sandbox.apis.createQueue as Function)(42)).toThrow(/must be a string/);
    });

    it('matches URL patterns as GTM’s permissions do', () => {
      const allows = (pattern: string, url: string) => {
        const grants = { inject_script: { urls: [pattern] } };
        return (createNodePage({ ...template, permissions: grants }).sandbox.apis.queryPermission as Function)('inject_script', url);
      };
      expect(allows('https://cdn.jsdelivr.net/npm/elevate-tracker@*', CDN_URL)).toBe(true);
      expect(allows('https://cdn.jsdelivr.net/npm/elevate-tracker@*', 'https://cdn.jsdelivr.net/npm/elevate-trackers/x.js')).toBe(false);
      expect(allows('https://cdn.jsdelivr.net/npm/elevate-tracker@*', 'http://cdn.jsdelivr.net/npm/elevate-tracker@0.1.0/x.js')).toBe(false);
      expect(allows('https://shop.example/assets/', 'https://shop.example/assets/a/b.js')).toBe(true);
      expect(allows('https://shop.example/assets/x.js', 'https://shop.example/assets/x.js.evil')).toBe(false);
      expect(allows('https://*.shop.example/*', 'https://cdn.shop.example/x.js')).toBe(true);
      expect(allows('https://*.shop.example/*', 'https://evilshop.example/x.js')).toBe(false);
      expect(allows('https://shop.example/*', 'https://shop.example:8443/x.js')).toBe(false);
    });

    it('fails a scenario whose assertion does not hold, or which uses a test API or matcher it does not implement', () => {
      const run = (code: string) => () => runScenario(template, template.setup, { name: 'probe', code });
      expect(run('runCode(mockData);')).not.toThrow();
      expect(run("runCode(mockData); assertThat(pushed.length).isEqualTo(2);")).toThrow(/expected 2, got 1/);
      expect(run("runCode(mockData); assertApi('gtmOnFailure').wasCalled();")).toThrow(/gtmOnFailure was not called/);
      expect(run("runCode(mockData); assertApi('injectScript').wasCalledWith('https://x.example/');")).toThrow(/was not called with/);
      expect(run("fail('stop');")).toThrow(/stop/);
      expect(run('assertThat(true).isTrue();')).toThrow(/isTrue is not a function/);
      expect(run("mockConsole('x');")).toThrow(/mockConsole is not defined/);
    });

    it('reads only the YAML GTM exports for tests', () => {
      expect(readTests("scenarios:\n- name: 'it''s'\n  code: |-\n    a();\n\n    b();\nsetup: |-\n  c();\n"))
        .toEqual({ scenarios: [{ name: "it's", code: 'a();\n\nb();' }], setup: 'c();' });
      expect(() => readTests('scenarios:\n- name: x\n  code: >\n    a();\n')).toThrow(/code: \|-/);
      expect(() => readTests('setup: "c()"\n')).toThrow(/not of the form GTM exports/);
    });
  });
});
