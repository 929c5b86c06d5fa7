// The sandboxed JavaScript APIs that gtm/template.tpl requires, implemented as Google Tag Manager documents them
// (https://developers.google.com/tag-platform/tag-manager/templates/api) and as gtm.js implements them where the
// documentation is silent (createQueue, injectScript, logToConsole, queryPermission: gtm.js's own source, a copy of
// which is in the search index). Each API asserts its permission against the template's ___WEB_PERMISSIONS___ and
// throws when it is missing, as GTM does. The same function runs in Node (test/unit) and, stringified, in the
// engines' pages (test/engines): `createSandbox` may use nothing from this module but types.

/** The template's permissions as gtm.js holds them: permission ID → its parameters (decoded, see template-file.ts). */
export type Grants = Record<string, Record<string, any>>;

/** One permission check: an API asserting it (`isQuery` false) or the template asking `queryPermission`. */
export interface PermissionCheck {
  permission: string;
  args: unknown[];
  allowed: boolean;
  isQuery: boolean;
}

/** What the sandbox needs from the page it runs in. */
export interface SandboxHost {
  /** The page's global object (window), or a stand-in of it. */
  window: Record<string, any>;
  /** Adds an async script element for `url`, as gtm.js does; calls back on its load or error event. */
  appendScript(url: string, onLoad: () => void, onError: () => void): void;
  /** Consent Mode's state of a consent type: 'granted', 'denied', or undefined while unset. */
  consentState(type: string): string | undefined;
  /** Registers what hears each change of a consent type's state. */
  onConsentChange(listener: (type: string, before: string | undefined, after: string | undefined) => void): void;
  /** console.log. */
  log(args: unknown[]): void;
  /** Whether the container runs in preview or debug mode (the logging permission's "debug" environment). */
  isDebug: boolean;
  /** Runs `fn` in a task of its own (gtm.js: setTimeout 0). */
  later(fn: () => void): void;
  permissions: Grants;
  /** Hears every permission check. */
  onPermission?(check: PermissionCheck): void;
}

export interface Sandbox {
  /** The APIs by the name `require` takes. */
  apis: Record<string, unknown>;
  /** `require` as the template's code gets it: a name the sandbox does not implement throws. */
  require(name: string): unknown;
}

export function createSandbox(host: SandboxHost): Sandbox {
  const typeOf = (value: unknown) => value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  /** A type check as gtm.js makes one of each argument, e.g. `path:!string` (required) or `fn:?function`. */
  const check = (api: string, args: unknown[], types: string[]) => types.forEach((type, at) => {
    const isOptional = type.startsWith('?');
    const expected = type.slice(1);
    if (isOptional && args[at] == null) return;
    if (typeOf(args[at]) != expected) throw new Error(`${api}: argument ${at + 1} must be a ${expected}, not ${typeOf(args[at])}.`);
  });

  /** A GTM URL match pattern: https, a host (or `*.` and a domain: its subdomains), a path where `*` is anything. */
  const matchesUrl = (pattern: string, url: unknown) => {
    const parts = /^https:\/\/(\*\.)?([^/*:]+)(\/.*)$/.exec(pattern);
    let parsed: URL;
    try {
      parsed = new URL(url as string);
    } catch {
      return false;
    }
    if (!parts || typeof url != 'string' || parsed.protocol != 'https:' || parsed.username || parsed.password || parsed.port) return false;
    const [, anySubdomain, host, path] = parts;
    if (anySubdomain ? !parsed.hostname.endsWith('.' + host) : parsed.hostname != host) return false;
    // A path that ends with '/' covers everything under it; '*' stands for any characters.
    const source = path.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return new RegExp(`^${source}${path.endsWith('/') ? '' : '$'}`).test(parsed.pathname);
  };

  const isAllowed = (permission: string, args: unknown[]): boolean => {
    const grant = Object.prototype.hasOwnProperty.call(host.permissions, permission) ? host.permissions[permission] : undefined;
    if (!grant) return false;
    switch (permission) {
      case 'access_globals': {
        const [access, key] = args;
        const entry = (grant.keys ?? []).find((item: any) => item.key === key);
        if (!entry) return false;
        return access == 'readwrite' ? entry.read === true && entry.write === true
          : ['read', 'write', 'execute'].includes(access as string) && entry[access as string] === true;
      }
      case 'inject_script':
        return (grant.urls ?? []).some((pattern: string) => matchesUrl(pattern, args[0]));
      case 'logging':
        return grant.environments == 'all' || (grant.environments == 'debug' && host.isDebug);
      case 'access_consent': {
        const [type, access] = args;
        const entry = (grant.consentTypes ?? []).find((item: any) => item.consentType === type);
        return !!entry && ['read', 'write'].includes(access as string) && entry[access as string] === true;
      }
      case 'access_template_storage':
        return true;
      default:
        return false;
    }
  };
  const assertPermission = (permission: string, ...args: unknown[]) => {
    const allowed = isAllowed(permission, args);
    host.onPermission?.({ permission, args, allowed, isQuery: false });
    if (!allowed) throw new Error(`Permission denied: ${permission} ${args.map(String).join(' ')} is not in the template's permissions.`);
  };

  /** A value crossing between the sandbox and the page: a deep copy, as gtm.js converts them; functions stay callable. */
  const copy = (value: unknown, seen = new Map<object, unknown>()): any => {
    if (typeof value == 'function') return (...args: unknown[]) => copy((value as Function)(...args.map((arg) => copy(arg))));
    if (value === null || typeof value != 'object') return value;
    if (seen.has(value)) return seen.get(value);
    const result: any = Array.isArray(value) ? [] : {};
    seen.set(value, result);
    for (const key of Object.keys(value)) result[key] = copy((value as any)[key], seen);
    return result;
  };

  /** The object a dotted path's last part is a property of, as gtm.js finds it: a missing parent throws. */
  const parentOf = (path: string) => {
    let parent = host.window;
    for (const part of path.split('.').slice(0, -1)) {
      parent = parent[part];
      if (parent === undefined) throw new Error(`Path ${path} does not exist.`);
    }
    return parent;
  };

  const consentListeners: { type: string; listener: (type: string, granted: boolean) => void }[] = [];
  // Unset counts as granted, so a change from unset to granted tells no listener.
  const isGranted = (state: string | undefined) => state === undefined || state === 'granted';
  host.onConsentChange((type, before, after) => {
    if (isGranted(before) == isGranted(after)) return;
    for (const entry of consentListeners.slice()) if (entry.type === type) entry.listener(type, isGranted(after));
  });

  // injectScript's cache: a token's load once, and the callbacks waiting for it (gtm.js's `cc`).
  const cached: Record<string, { state: 'loading' | 'loaded'; onSuccess: (() => void)[]; onFailure: (() => void)[] } | null> = {};
  const storage: Record<string, unknown> = {};

  const apis: Record<string, unknown> = {
    createQueue(path: string) {
      check('createQueue', [path], ['!string']);
      assertPermission('access_globals', 'readwrite', path);
      const parent = parentOf(path);
      const key = path.split('.').pop()!;
      // The value now: pushes go to it (its own push), even once the page has put something else at the path.
      let queue = parent[key];
      if (queue === undefined) queue = parent[key] = [];
      return (...values: unknown[]) => {
        if (typeof queue?.push != 'function') throw new Error(`Object at ${path} in window is not an array.`);
        queue.push(...values.map((value) => copy(value)));
      };
    },
    copyFromWindow(path: string) {
      check('copyFromWindow', [path], ['!string']);
      assertPermission('access_globals', 'read', path);
      let value: any = host.window;
      for (const part of path.split('.')) {
        if (value === undefined || value === null) return undefined;
        value = value[part];
      }
      return copy(value);
    },
    injectScript(url: string, onSuccess?: () => void, onFailure?: () => void, cacheToken?: string) {
      check('injectScript', [url, onSuccess, onFailure, cacheToken], ['!string', '?function', '?function', '?string']);
      assertPermission('inject_script', url);
      const success = () => onSuccess?.();
      const failure = () => onFailure?.();
      if (cacheToken === undefined) return host.appendScript(url, success, failure);
      const entry = cached[cacheToken];
      if (entry?.state == 'loaded') return host.later(success);
      if (entry) return void (entry.onSuccess.push(success), entry.onFailure.push(failure));
      // A load that failed is forgotten: the next call with the token injects the script again.
      const loading = cached[cacheToken] = { state: 'loading' as const, onSuccess: [success], onFailure: [failure] };
      host.appendScript(url, () => {
        cached[cacheToken] = { ...loading, state: 'loaded' };
        loading.onSuccess.forEach((fn) => host.later(fn));
      }, () => {
        cached[cacheToken] = null;
        loading.onFailure.forEach((fn) => host.later(fn));
      });
    },
    isConsentGranted(type: string) {
      check('isConsentGranted', [type], ['!string']);
      assertPermission('access_consent', type, 'read');
      return isGranted(host.consentState(type));
    },
    addConsentListener(type: string, listener: (type: string, granted: boolean) => void) {
      check('addConsentListener', [type, listener], ['!string', '!function']);
      assertPermission('access_consent', type, 'read');
      consentListeners.push({ type, listener });
    },
    logToConsole(...args: unknown[]) {
      // Without the permission (outside preview under "debug"), gtm.js drops the call silently.
      try {
        assertPermission('logging');
      } catch {
        return;
      }
      host.log(args.map((arg) => copy(arg)));
    },
    queryPermission(permission: string, ...args: unknown[]) {
      check('queryPermission', [permission], ['!string']);
      const allowed = isAllowed(permission, args);
      host.onPermission?.({ permission, args, allowed, isQuery: true });
      return allowed;
    },
    getType: (value: unknown) => typeOf(value),
    makeString: (value: unknown) => String(value),
    // Shared by every firing of the template on the page, for the page's lifetime; values are kept, not copied.
    templateStorage: {
      getItem(key: string) {
        assertPermission('access_template_storage');
        return Object.prototype.hasOwnProperty.call(storage, key) ? storage[key] : null;
      },
      setItem(key: string, value: unknown) {
        assertPermission('access_template_storage');
        storage[key] = value;
      },
      removeItem(key: string) {
        assertPermission('access_template_storage');
        delete storage[key];
      },
      clear() {
        assertPermission('access_template_storage');
        for (const key of Object.keys(storage)) delete storage[key];
      },
    },
  };

  return {
    apis,
    require(name) {
      if (!Object.prototype.hasOwnProperty.call(apis, name)) throw new Error(`require('${name}'): the test sandbox does not implement this API; add it to test/support/gtm/sandbox.ts as GTM documents it.`);
      return apis[name];
    },
  };
}

/**
 * The source of a function `(require, data) => …` whose body is sandboxed JavaScript: the globals a page or Node has
 * and the sandbox lacks (window, document, JSON, Math, Object, setTimeout…) are undefined inside, so code that uses
 * one without `require` fails here as it would in GTM. Strict, so that an undeclared variable throws (GTM: "Attempting to
 * use undeclared variable"); `eval` cannot be hidden in strict code, and is no global of the sandbox either.
 */
export function wrapSandboxedCode(code: string, parameters: string[] = ['require', 'data']): string {
  const hidden = ['window', 'self', 'globalThis', 'document', 'location', 'navigator', 'top', 'parent', 'frames',
    'console', 'localStorage', 'sessionStorage', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
    'queueMicrotask', 'fetch', 'XMLHttpRequest', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'JSON',
    'Math', 'Date', 'RegExp', 'Promise', 'Error', 'TypeError', 'Map', 'Set', 'WeakMap', 'Reflect', 'Proxy',
    'Function', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURI', 'encodeURIComponent',
    'decodeURI', 'decodeURIComponent', 'escape', 'unescape', 'process', 'require', 'module', 'exports', 'URL'];
  const outer = hidden.filter((name) => !parameters.includes(name));
  return `(function (${outer.join(', ')}) {\n'use strict';\nreturn function (${parameters.join(', ')}) {\n${code}\n};\n})()`;
}
