// Runs the template's ___TESTS___ scenarios as GTM's template editor does (https://developers.google.com/tag-platform/
// tag-manager/templates/tests and the test APIs of .../templates/api): for each scenario a fresh page, mocks reset,
// the setup code and then the scenario's code in one scope, as sandboxed JavaScript. Only the test APIs and matchers
// the scenarios use are here; any other name is undefined (a ReferenceError or TypeError fails the scenario).
import { runInNewContext } from 'node:vm';
import { compileTemplate, createNodePage } from './node-page.ts';
import { wrapSandboxedCode, type PermissionCheck } from './sandbox.ts';
import type { Scenario, TemplateFile } from './template-file.ts';

const TEST_APIS = ['require', 'mock', 'mockObject', 'assertApi', 'assertThat', 'runCode', 'fail'];

/** assertThat's isEqualTo and wasCalledWith: values compared, objects and arrays recursively; functions by identity. */
export function isEqual(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (!a || !b || typeof a != 'object' || typeof b != 'object' || Array.isArray(a) != Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length == Object.keys(b).length
    && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && isEqual((a as any)[key], (b as any)[key]));
}

const show = (value: unknown) => JSON.stringify(value, (_, item) => typeof item == 'function' ? '<function>' : item === undefined ? '<undefined>' : item);

/** A failed assertion, as GTM reports one: the scenario stops there. */
export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
}

/** Runs one scenario; throws what failed it. */
export function runScenario(template: TemplateFile, setup: string, scenario: Scenario,
  { onPermission }: { onPermission?: (check: PermissionCheck) => void } = {}): void {
  const page = createNodePage(template, { onPermission });
  const template_ = compileTemplate(template);
  const calls = new Map<string, unknown[][]>();
  const mocks = new Map<string, unknown>();
  const objectMocks = new Map<string, unknown>();
  const record = (name: string, args: unknown[]) => calls.set(name, [...calls.get(name) ?? [], args]);

  // What require gives the template and the tests: the API (which the sandbox must implement, mocked or not),
  // mocked if a mock is set when it is called; every call is recorded for assertApi.
  const requireApi = (name: string) => {
    const real = page.sandbox.require(name);
    if (objectMocks.has(name)) return objectMocks.get(name);
    if (typeof real != 'function') return real;
    return (...args: unknown[]) => {
      record(name, args);
      if (!mocks.has(name)) return real(...args);
      const mock = mocks.get(name);
      return typeof mock == 'function' ? mock(...args) : mock;
    };
  };
  const testApis = {
    require: requireApi,
    /** mock(apiName, returnValue): a function is called in place of the API; any other value is what it returns. */
    mock: (name: string, returnValue: unknown) => void mocks.set(name, returnValue),
    /** mockObject(apiName, objectMock): what require returns for an API that is an object (templateStorage…). */
    mockObject: (name: string, objectMock: unknown) => void objectMocks.set(name, objectMock),
    assertApi: (name: string) => ({
      wasCalled() {
        if (!calls.get(name)?.length) throw new ScenarioFailure(`${name} was not called`);
      },
      wasNotCalled() {
        if (calls.get(name)?.length) throw new ScenarioFailure(`${name} was called: ${show(calls.get(name))}`);
      },
      wasCalledWith(...expected: unknown[]) {
        if (!calls.get(name)?.some((args) => isEqual(args, expected))) {
          throw new ScenarioFailure(`${name} was not called with ${show(expected)}; its calls: ${show(calls.get(name) ?? [])}`);
        }
      },
    }),
    assertThat: (actual: unknown, message?: string) => ({
      isEqualTo(expected: unknown) {
        if (!isEqual(actual, expected)) throw new ScenarioFailure(`${message ? message + ': ' : ''}expected ${show(expected)}, got ${show(actual)}`);
      },
    }),
    /** runCode(data): the template's code with `data` as its data, gtmOnSuccess and gtmOnFailure added. */
    runCode: (data: Record<string, unknown>) => template_(requireApi, {
      ...data,
      gtmOnSuccess: (...args: unknown[]) => record('gtmOnSuccess', args),
      gtmOnFailure: (...args: unknown[]) => record('gtmOnFailure', args),
    }),
    fail: (message?: string) => {
      throw new ScenarioFailure(message ?? 'fail() was called');
    },
  };
  const run = runInNewContext(wrapSandboxedCode(`${setup}\n${scenario.code}`, TEST_APIS), {}, { filename: `___TESTS___: ${scenario.name}` });
  run(...TEST_APIS.map((name) => testApis[name as keyof typeof testApis]));
}
