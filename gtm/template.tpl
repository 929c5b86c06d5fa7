___TERMS_OF_SERVICE___

By creating or modifying this file you agree to Google Tag Manager's Community
Template Gallery Developer Terms of Service available at
https://developers.google.com/tag-manager/gallery-tos (or such other URL as
Google may provide), as modified from time to time.


___INFO___

{
  "type": "TAG",
  "id": "cvt_temp_public_id",
  "version": 1,
  "securityGroups": [],
  "displayName": "Voyado Elevate Tracker",
  "categories": [
    "ANALYTICS"
  ],
  "brand": {
    "id": "github.com_elevate-tracker",
    "displayName": "elevate-tracker"
  },
  "description": "Click and session tracking for Voyado Elevate (elevate-tracker's script tag): loads the script once per page with the options of this tag, and can follow Google Consent Mode.",
  "containerContexts": [
    "WEB"
  ]
}


___TEMPLATE_PARAMETERS___

[
  {
    "type": "TEXT",
    "name": "scriptUrl",
    "displayName": "Script URL",
    "simpleValueType": true,
    "defaultValue": "https://cdn.jsdelivr.net/npm/elevate-tracker@0.1.0/dist/elevate-tracker.min.js",
    "help": "elevate-tracker.min.js: jsDelivr at an exact version by default. Self-hosted (https), the template's \u003cem\u003eInjects scripts\u003c/em\u003e permission must allow its URL: see the template's README.",
    "alwaysInSummary": true,
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^https://.+"
        ]
      }
    ]
  },
  {
    "type": "SELECT",
    "name": "endpoint",
    "displayName": "Send notifications to",
    "macrosInSelect": false,
    "selectItems": [
      {
        "value": "cluster",
        "displayValue": "The Elevate cluster (cluster ID)"
      },
      {
        "value": "apiBase",
        "displayValue": "Another base URL (a first-party proxy)"
      }
    ],
    "simpleValueType": true,
    "defaultValue": "cluster"
  },
  {
    "type": "TEXT",
    "name": "clusterId",
    "displayName": "Cluster ID",
    "simpleValueType": true,
    "valueHint": "w00000000",
    "help": "Your Elevate cluster ID: requests go to https://{clusterId}.elevate-api.cloud (API v2: https://{clusterId}.api.esales.apptus.cloud).",
    "alwaysInSummary": true,
    "enablingConditions": [
      {
        "paramName": "endpoint",
        "paramValue": "cluster",
        "type": "EQUALS"
      }
    ],
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "apiBase",
    "displayName": "API base URL",
    "simpleValueType": true,
    "valueHint": "https://shop.example/elevate",
    "help": "The base URL the notification paths are appended to, e.g. a proxy on your own origin (elevate-tracker/server's createNotificationProxy): https.",
    "enablingConditions": [
      {
        "paramName": "endpoint",
        "paramValue": "apiBase",
        "type": "EQUALS"
      }
    ],
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "market",
    "displayName": "Market",
    "simpleValueType": true,
    "valueHint": "UK",
    "help": "The market, as in your Elevate data feed.",
    "alwaysInSummary": true,
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      }
    ]
  },
  {
    "type": "SELECT",
    "name": "apiVersion",
    "displayName": "API generation",
    "macrosInSelect": false,
    "selectItems": [
      {
        "value": "v3",
        "displayValue": "v3: the Storefront API of today's clusters"
      },
      {
        "value": "v2",
        "displayValue": "v2: a cluster that still serves it (end of life 2024-04-30)"
      }
    ],
    "simpleValueType": true,
    "defaultValue": "v3"
  },
  {
    "type": "SELECT",
    "name": "consent",
    "displayName": "Consent",
    "macrosInSelect": true,
    "selectItems": [
      {
        "value": "consentMode",
        "displayValue": "Follow Google Consent Mode"
      },
      {
        "value": "granted",
        "displayValue": "Granted"
      },
      {
        "value": "pending",
        "displayValue": "Pending (store and send nothing until setConsent)"
      },
      {
        "value": "denied",
        "displayValue": "Denied"
      }
    ],
    "simpleValueType": true,
    "defaultValue": "consentMode",
    "help": "Follow Google Consent Mode: granted once every consent type below is; pending while one is denied (clicks are held, nothing is stored or sent); denied when one is withdrawn. Leave the tag's own Consent Settings at \u003cem\u003eNo additional consent required\u003c/em\u003e, so that it loads at once and holds the clicks made before the visitor answers."
  },
  {
    "type": "TEXT",
    "name": "consentTypes",
    "displayName": "Consent types to require",
    "simpleValueType": true,
    "defaultValue": "analytics_storage",
    "help": "Comma-separated Consent Mode types: ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage, security_storage.",
    "enablingConditions": [
      {
        "paramName": "consent",
        "paramValue": "consentMode",
        "type": "EQUALS"
      }
    ],
    "valueValidators": [
      {
        "type": "REGEX",
        "args": [
          "^\\s*(ad_storage|ad_user_data|ad_personalization|analytics_storage|functionality_storage|personalization_storage|security_storage)(\\s*,\\s*(ad_storage|ad_user_data|ad_personalization|analytics_storage|functionality_storage|personalization_storage|security_storage))*\\s*$"
        ]
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "sessionApi",
    "displayName": "Session Management API URL",
    "simpleValueType": true,
    "valueHint": "https://shop.example/session-api",
    "help": "Optional: the Session Management API to tie each visit to (its base URL)."
  },
  {
    "type": "TEXT",
    "name": "cookieDomain",
    "displayName": "Cookie domain",
    "simpleValueType": true,
    "valueHint": "example.com",
    "help": "Optional: e.g. example.com to share the visitor's keys across subdomains. Defaults to the page's host only."
  },
  {
    "type": "CHECKBOX",
    "name": "debug",
    "checkboxText": "Log every notification and its outcome to the console (debug)",
    "simpleValueType": true,
    "defaultValue": false
  },
  {
    "type": "GROUP",
    "name": "selfHosting",
    "displayName": "Self-hosted files under other names",
    "groupStyle": "ZIPPY_CLOSED",
    "subParams": [
      {
        "type": "TEXT",
        "name": "sessionScript",
        "displayName": "elevate-tracker.session.js URL",
        "simpleValueType": true,
        "valueHint": "/assets/elevate-tracker.session.3f9a1c.js",
        "help": "Only if it is not beside the script under its own name. Relative to the page; http(s)."
      },
      {
        "type": "TEXT",
        "name": "impressionsScript",
        "displayName": "elevate-tracker.impressions.js URL",
        "simpleValueType": true,
        "valueHint": "/assets/elevate-tracker.impressions.5e1f0a.js",
        "help": "Only if it is not beside the script under its own name. Relative to the page; http(s)."
      }
    ]
  }
]


___SANDBOXED_JS_FOR_WEB_TEMPLATE___

// elevate-tracker's script tag for Voyado Elevate, configured by this tag's fields: they are queued as an
// ['init', options] command in window.elevateTracker (injectScript sets no data-* attribute), then the script is
// injected, once per page. As it starts, the script takes the command out of the queue, replays the rest, and
// becomes window.elevateTracker. The options are checked there: a bad one is one console error naming it.
const addConsentListener = require('addConsentListener');
const copyFromWindow = require('copyFromWindow');
const createQueue = require('createQueue');
const getType = require('getType');
const injectScript = require('injectScript');
const isConsentGranted = require('isConsentGranted');
const logToConsole = require('logToConsole');
const makeString = require('makeString');
const queryPermission = require('queryPermission');
const templateStorage = require('templateStorage');

const GLOBAL = 'elevateTracker';
// One script element per page, however often the tag fires: injectScript loads a cache token's URL once.
const CACHE_TOKEN = 'elevate-tracker';
// The consent types the field may name; the "Accesses consent state" permission reads exactly these.
const CONSENT_TYPES = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage',
  'functionality_storage', 'personalization_storage', 'security_storage'];

// In preview and debug mode only (the "Logs to console" permission).
const log = (message) => logToConsole('[elevate-tracker tag] ' + message);

/** The fields that are set, as the tracker's options; an empty field is left out. */
const readOptions = () => {
  const options = {};
  const set = (name, value) => {
    if (value !== undefined && value !== null && value !== '') options[name] = value;
  };
  if (data.endpoint === 'apiBase') set('apiBase', data.apiBase);
  else set('clusterId', data.clusterId);
  set('market', data.market);
  set('apiVersion', data.apiVersion);
  set('sessionApi', data.sessionApi);
  set('cookieDomain', data.cookieDomain);
  set('sessionScript', data.sessionScript);
  set('impressionsScript', data.impressionsScript);
  if (data.debug === true) options.debug = true;
  return options;
};

/** The consent types the field names, each once; undefined if one of them is no Consent Mode type. */
const readConsentTypes = () => {
  const types = [];
  let isKnown = true;
  makeString(data.consentTypes || 'analytics_storage').split(',').forEach((part) => {
    const type = part.trim();
    if (!type || types.indexOf(type) >= 0) return;
    if (CONSENT_TYPES.indexOf(type) < 0) isKnown = false;
    types.push(type);
  });
  return isKnown && types.length ? types : undefined;
};

/**
 * The tracker's consent from Consent Mode's: granted once every type is; pending while one is denied (a denied
 * default is no answer yet); denied once one is withdrawn. Each change after this one is pushed as setConsent.
 */
const followConsentMode = (types) => {
  const isGranted = (changed, granted) => types.every((type) => (type === changed ? granted : isConsentGranted(type)));
  let consent = isGranted() ? 'granted' : 'pending';
  types.forEach((type) => addConsentListener(type, (changed, granted) => {
    const next = !granted ? 'denied' : isGranted(changed, true) ? 'granted' : consent;
    if (next === consent) return;
    consent = next;
    log('Consent Mode: ' + changed + (granted ? ' granted' : ' denied') + ', so setConsent ' + next);
    // Looked up on each change: once the script has run, window.elevateTracker is the tracker, whose push runs it.
    createQueue(GLOBAL)(['setConsent', next]);
  }));
  return consent;
};

/** Injects the script, or, once it is on the page, tells GTM how its one load went. */
const inject = (url) => injectScript(url, () => {
  log('loaded ' + url);
  data.gtmOnSuccess();
}, () => {
  log('could not load ' + url);
  data.gtmOnFailure();
}, CACHE_TOKEN);

/** The first firing on the page: the options queued (and Consent Mode followed), then the script. */
const start = (url) => {
  const options = readOptions();
  if (data.consent === 'consentMode') {
    const types = readConsentTypes();
    if (!types) {
      log('consent types: ' + makeString(data.consentTypes) + ' are not all of ' + CONSENT_TYPES.join(', '));
      data.gtmOnFailure();
      return;
    }
    options.consent = followConsentMode(types);
  } else if (data.consent) {
    options.consent = data.consent;
  }
  logToConsole('[elevate-tracker tag] init', options);
  createQueue(GLOBAL)(['init', options]);
  templateStorage.setItem('initQueued', true);
  inject(url);
};

const main = () => {
  const url = data.scriptUrl;
  if (getType(url) !== 'string' || !queryPermission('inject_script', url)) {
    log('the script URL ' + makeString(url) + ' is not allowed by this template\'s "Injects scripts" permission: add it there (see the template\'s README).');
    data.gtmOnFailure();
    return;
  }
  // A later firing (a single-page site's next page view): the options are queued already, the script loads once.
  if (templateStorage.getItem('initQueued')) {
    inject(url);
    return;
  }
  const queued = getType(copyFromWindow(GLOBAL));
  if (queued !== 'undefined' && queued !== 'array') {
    log('window.elevateTracker is set already (does the page load the script itself?): this tag neither configures nor injects it.');
    data.gtmOnFailure();
    return;
  }
  start(url);
};

main();


___WEB_PERMISSIONS___

[
  {
    "instance": {
      "key": {
        "publicId": "access_globals",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keys",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "key"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  },
                  {
                    "type": 1,
                    "string": "execute"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "elevateTracker"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "inject_script",
        "versionId": "1"
      },
      "param": [
        {
          "key": "urls",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "https://cdn.jsdelivr.net/npm/elevate-tracker@*"
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "logging",
        "versionId": "1"
      },
      "param": [
        {
          "key": "environments",
          "value": {
            "type": 1,
            "string": "debug"
          }
        }
      ]
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_consent",
        "versionId": "1"
      },
      "param": [
        {
          "key": "consentTypes",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_user_data"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_personalization"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "analytics_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "functionality_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "personalization_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "security_storage"
                  },
                  {
                    "type": 8,
                    "boolean": true
                  },
                  {
                    "type": 8,
                    "boolean": false
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_template_storage",
        "versionId": "1"
      },
      "param": []
    },
    "isRequired": true
  }
]


___TESTS___

scenarios:
- name: Queues init with the fields set and injects the script, which reports success
  code: |-
    runCode(mockData);

    assertThat(pushed).isEqualTo([['elevateTracker', ['init', {
      clusterId: 'w00000000', market: 'UK', apiVersion: 'v3', consent: 'granted'
    }]]]);
    assertThat(injected).isEqualTo([[SCRIPT_URL, 'elevate-tracker']]);
    assertApi('gtmOnSuccess').wasCalled();
    assertApi('gtmOnFailure').wasNotCalled();
- name: Passes an API base instead of a cluster ID, and every optional field given
  code: |-
    mockData.endpoint = 'apiBase';
    mockData.apiBase = 'https://shop.example/elevate';
    mockData.apiVersion = 'v2';
    mockData.consent = 'pending';
    mockData.sessionApi = 'https://shop.example/session-api';
    mockData.cookieDomain = 'shop.example';
    mockData.debug = true;
    mockData.sessionScript = '/assets/elevate-tracker.session.3f9a1c.js';
    mockData.impressionsScript = '/assets/elevate-tracker.impressions.5e1f0a.js';

    runCode(mockData);

    assertThat(pushed).isEqualTo([['elevateTracker', ['init', {
      apiBase: 'https://shop.example/elevate', market: 'UK', apiVersion: 'v2', consent: 'pending',
      sessionApi: 'https://shop.example/session-api', cookieDomain: 'shop.example', debug: true,
      sessionScript: '/assets/elevate-tracker.session.3f9a1c.js',
      impressionsScript: '/assets/elevate-tracker.impressions.5e1f0a.js'
    }]]]);
    assertApi('gtmOnSuccess').wasCalled();
- name: Reports failure when the script cannot load
  code: |-
    scriptLoads = false;

    runCode(mockData);

    assertApi('gtmOnFailure').wasCalled();
    assertApi('gtmOnSuccess').wasNotCalled();
- name: A later firing queues no second init and asks for the same cached script
  code: |-
    runCode(mockData);
    runCode(mockData);

    assertThat(pushed.length).isEqualTo(1);
    assertThat(injected).isEqualTo([[SCRIPT_URL, 'elevate-tracker'], [SCRIPT_URL, 'elevate-tracker']]);
- name: Leaves a window.elevateTracker that is no queue alone
  code: |-
    mock('copyFromWindow', (key) => (key === 'elevateTracker' ? {customerKey: 'loaded by the page'} : undefined));

    runCode(mockData);

    assertThat(pushed).isEqualTo([]);
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnFailure').wasCalled();
- name: Refuses a script URL its Injects scripts permission does not allow
  code: |-
    mockData.scriptUrl = 'https://shop.example/assets/elevate-tracker.min.js';

    runCode(mockData);

    assertApi('queryPermission').wasCalledWith('inject_script', 'https://shop.example/assets/elevate-tracker.min.js');
    assertThat(pushed).isEqualTo([]);
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnFailure').wasCalled();
- name: Follows Consent Mode granted when the tag fires
  code: |-
    mockData.consent = 'consentMode';
    consentState.analytics_storage = 'granted';

    runCode(mockData);

    assertThat(pushed).isEqualTo([['elevateTracker', ['init', {
      clusterId: 'w00000000', market: 'UK', apiVersion: 'v3', consent: 'granted'
    }]]]);
    assertThat(listenedTo()).isEqualTo(['analytics_storage']);
- name: Follows a denied default as pending, and the grant as setConsent granted
  code: |-
    mockData.consent = 'consentMode';
    consentState.analytics_storage = 'denied';

    runCode(mockData);
    assertThat(pushed[0][1][1].consent).isEqualTo('pending');
    updateConsent('analytics_storage', 'granted');

    assertThat(pushed.length).isEqualTo(2);
    assertThat(pushed[1]).isEqualTo(['elevateTracker', ['setConsent', 'granted']]);
- name: Grants once every type named is granted, and a withdrawal denies
  code: |-
    mockData.consent = 'consentMode';
    mockData.consentTypes = 'analytics_storage, ad_storage';
    consentState.analytics_storage = 'denied';
    consentState.ad_storage = 'denied';

    runCode(mockData);
    updateConsent('analytics_storage', 'granted');
    updateConsent('ad_storage', 'granted');
    updateConsent('ad_storage', 'denied');
    updateConsent('analytics_storage', 'denied');

    assertThat(listenedTo()).isEqualTo(['analytics_storage', 'ad_storage']);
    assertThat(pushed.map((entry) => entry[1])).isEqualTo([
      ['init', {clusterId: 'w00000000', market: 'UK', apiVersion: 'v3', consent: 'pending'}],
      ['setConsent', 'granted'],
      ['setConsent', 'denied']
    ]);
- name: Refuses a consent type Consent Mode does not have
  code: |-
    mockData.consent = 'consentMode';
    mockData.consentTypes = 'analytics_storage, marketing';

    runCode(mockData);

    assertThat(pushed).isEqualTo([]);
    assertApi('addConsentListener').wasNotCalled();
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnFailure').wasCalled();
setup: |-
  const SCRIPT_URL = 'https://cdn.jsdelivr.net/npm/elevate-tracker@0.1.0/dist/elevate-tracker.min.js';
  const mockData = {
    scriptUrl: SCRIPT_URL,
    endpoint: 'cluster',
    clusterId: 'w00000000',
    apiBase: '',
    market: 'UK',
    apiVersion: 'v3',
    consent: 'granted',
    consentTypes: 'analytics_storage',
    sessionApi: '',
    cookieDomain: '',
    debug: false,
    sessionScript: '',
    impressionsScript: ''
  };

  // What the tag pushes onto window.elevateTracker, in order, as [key, command].
  const pushed = [];
  mock('createQueue', (key) => (command) => {
    pushed.push([key, command]);
  });

  // Each script the tag asks for, as [url, cacheToken]; it loads unless a test says otherwise.
  const injected = [];
  let scriptLoads = true;
  mock('injectScript', (url, onSuccess, onFailure, cacheToken) => {
    injected.push([url, cacheToken]);
    if (scriptLoads) onSuccess();
    else onFailure();
  });

  // A fresh page's template storage.
  const stored = {};
  mockObject('templateStorage', {
    getItem: (key) => stored[key],
    setItem: (key, value) => {
      stored[key] = value;
    }
  });

  // Consent Mode: each type's state (unset counts as granted) and the listeners the tag added, which hear a change
  // between denied and granted.
  const consentState = {};
  const listeners = [];
  mock('isConsentGranted', (type) => consentState[type] !== 'denied');
  mock('addConsentListener', (type, listener) => {
    listeners.push({type: type, listener: listener});
  });
  const listenedTo = () => listeners.map((entry) => entry.type);
  const updateConsent = (type, value) => {
    const wasGranted = consentState[type] !== 'denied';
    consentState[type] = value;
    if (wasGranted === (value !== 'denied')) return;
    listeners.forEach((entry) => {
      if (entry.type === type) entry.listener(type, value !== 'denied');
    });
  };


___NOTES___

elevate-tracker's tag template (gtm/ in its repository). Its tests there run this file's code and scenarios in Node
and in real browsers: see gtm/README.md.
