// A page for the template's code in Node: a window of its own, script elements that load (or fail) when the test says,
// Consent Mode's state, the console, and the sandbox's APIs on top (sandbox.ts). The code runs in a context of its
// own (node:vm), wrapped so that no global of Node's reaches it.
import { runInNewContext } from 'node:vm';
import { createSandbox, wrapSandboxedCode, type PermissionCheck, type Sandbox } from './sandbox.ts';
import type { TemplateFile } from './template-file.ts';

export interface InjectedScript {
  url: string;
  /** Fires the element's load event; `onLoad` first runs what the script would (e.g. the tracker taking the queue). */
  load(onLoad?: () => void): Promise<void>;
  /** Fires its error event (blocked, 404). */
  fail(): Promise<void>;
}

export interface NodePage {
  sandbox: Sandbox;
  window: Record<string, any>;
  scripts: InjectedScript[];
  /** console.log calls. */
  logs: unknown[][];
  /** Every permission check the APIs made. */
  checks: PermissionCheck[];
  /** Changes Consent Mode's state as a consent update would, e.g. `{ analytics_storage: 'granted' }`. */
  updateConsent(changes: Record<string, string>): void;
  /** Fires the tag with these field values; its outcomes ('success', 'failure') arrive in `outcomes`. */
  fire(data: Record<string, unknown>): { outcomes: string[] };
  /** Resolves once the tasks the APIs queued have run. */
  settle(): Promise<void>;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs the template's code, compiled once per page, in a context of its own. */
export function compileTemplate(template: TemplateFile): (require: (name: string) => unknown, data: any) => unknown {
  return runInNewContext(wrapSandboxedCode(template.code), {}, { filename: 'gtm/template.tpl' });
}

export function createNodePage(template: TemplateFile, { isDebug = false, consent = {} as Record<string, string>,
  onPermission = undefined as ((check: PermissionCheck) => void) | undefined } = {}): NodePage {
  const window: Record<string, any> = {};
  const scripts: InjectedScript[] = [];
  const logs: unknown[][] = [];
  const checks: PermissionCheck[] = [];
  const state: Record<string, string | undefined> = { ...consent };
  const consentListeners: ((type: string, before: string | undefined, after: string | undefined) => void)[] = [];
  const sandbox = createSandbox({
    window,
    appendScript(url, onLoad, onError) {
      scripts.push({
        url,
        async load(run) {
          run?.();
          onLoad();
          await nextTask();
        },
        async fail() {
          onError();
          await nextTask();
        },
      });
    },
    consentState: (type) => state[type],
    onConsentChange: (listener) => void consentListeners.push(listener),
    log: (args) => void logs.push(args),
    isDebug,
    later: (fn) => void setTimeout(fn, 0),
    permissions: template.permissions,
    onPermission(check) {
      checks.push(check);
      onPermission?.(check);
    },
  });
  const run = compileTemplate(template);
  return {
    sandbox, window, scripts, logs, checks,
    updateConsent(changes) {
      for (const [type, value] of Object.entries(changes)) {
        const before = state[type];
        state[type] = value;
        consentListeners.forEach((listener) => listener(type, before, value));
      }
    },
    fire(data) {
      const outcomes: string[] = [];
      run((name) => sandbox.require(name), {
        ...data,
        gtmOnSuccess: () => void outcomes.push('success'),
        gtmOnFailure: () => void outcomes.push('failure'),
      });
      return { outcomes };
    },
    async settle() {
      await nextTask();
      await nextTask();
    },
  };
}
