// gtm/template.tpl read as Google Tag Manager exports a custom template: sections headed ___NAME___, JSON for the
// info, parameters and permissions, sandboxed JavaScript for the code, and the tests in the YAML subset GTM writes
// (a list of scenarios, each a name and a `code: |-` block, then a `setup: |-` block).
import { readFileSync } from 'node:fs';
import type { Grants } from './sandbox.ts';

export const TEMPLATE_URL = new URL('../../../gtm/template.tpl', import.meta.url);

/** The sections of a web tag template, in the order GTM exports them. */
export const SECTION_ORDER = ['___TERMS_OF_SERVICE___', '___INFO___', '___TEMPLATE_PARAMETERS___',
  '___SANDBOXED_JS_FOR_WEB_TEMPLATE___', '___WEB_PERMISSIONS___', '___TESTS___', '___NOTES___'];

export interface Scenario {
  name: string;
  code: string;
}

export interface TemplateFile {
  /** Section name → its text, in the file's order. */
  sections: Map<string, string>;
  info: any;
  parameters: any[];
  code: string;
  /** ___WEB_PERMISSIONS___ as exported. */
  rawPermissions: any[];
  /** The same, decoded as gtm.js holds them. */
  permissions: Grants;
  scenarios: Scenario[];
  setup: string;
}

/** The file's sections: each `___NAME___` line starts one; its text is what follows, blank lines around trimmed. */
export function readSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const headers = [...text.matchAll(/^(___[A-Z_]+___)$/gm)];
  headers.forEach((header, at) => {
    if (sections.has(header[1])) throw new Error(`${header[1]} twice`);
    const end = at + 1 < headers.length ? headers[at + 1].index : text.length;
    sections.set(header[1], text.slice(header.index + header[0].length, end).replace(/^\s*\n/, '').replace(/\s+$/, ''));
  });
  return sections;
}

/** One value of a permission parameter: 1 a string, 2 a list, 3 a map (keys and values in two lists), 8 a boolean. */
export function decodeValue(value: any): unknown {
  switch (value?.type) {
    case 1: return value.string;
    case 2: return value.listItem.map(decodeValue);
    case 3: return Object.fromEntries(value.mapKey.map((key: any, at: number) => [decodeValue(key), decodeValue(value.mapValue[at])]));
    case 8: return value.boolean;
    default: throw new Error(`permission value of unknown type: ${JSON.stringify(value)}`);
  }
}

export function decodePermissions(raw: any[]): Grants {
  const grants: Grants = {};
  for (const { instance } of raw) {
    const id = instance.key.publicId;
    if (grants[id]) throw new Error(`permission ${id} twice`);
    grants[id] = Object.fromEntries((instance.param ?? []).map((param: any) => [param.key, decodeValue(param.value)]));
  }
  return grants;
}

/** A plain or single-quoted YAML scalar on one line. */
function readScalar(text: string): string {
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new Error(`unterminated quoted name: ${text}`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^["|>&*!%@`]/.test(text) || text.includes(': ') || text.includes(' #')) throw new Error(`a name this reader does not take: ${text}`);
  return text;
}

/** A `|-` block starting at `lines[from]`: the lines indented more than `indent` (or blank), their indentation removed. */
function readBlock(lines: string[], from: number, indent: number): { text: string; next: number } {
  let end = from;
  while (end < lines.length && (lines[end].trim() == '' || lines[end].search(/\S/) > indent)) end++;
  const block = lines.slice(from, end);
  const margin = Math.min(...block.filter((line) => line.trim()).map((line) => line.search(/\S/)));
  return { text: block.map((line) => line.slice(margin)).join('\n').replace(/\n+$/, ''), next: end };
}

/**
 * ___TESTS___ in the subset of YAML GTM exports: `scenarios:` with `- name:` and `code: |-` items (or `[]`), then
 * `setup: |-`. Anything else throws, so that the runner never reads a test it did not understand.
 */
export function readTests(text: string): { scenarios: Scenario[]; setup: string } {
  const lines = text.split('\n');
  const scenarios: Scenario[] = [];
  let setup = '';
  for (let at = 0; at < lines.length;) {
    const line = lines[at];
    let match: RegExpExecArray | null;
    if (line.trim() == '' || line == 'scenarios:' || line == 'scenarios: []') {
      at++;
    } else if ((match = /^- name: (.+)$/.exec(line))) {
      if (lines[at + 1] != '  code: |-') throw new Error(`scenario ${match[1]}: "  code: |-" must follow its name`);
      const block = readBlock(lines, at + 2, 2);
      scenarios.push({ name: readScalar(match[1]), code: block.text });
      at = block.next;
    } else if (line == 'setup: |-') {
      const block = readBlock(lines, at + 1, 0);
      setup = block.text;
      at = block.next;
    } else {
      throw new Error(`___TESTS___ line ${at + 1} is not of the form GTM exports: ${line}`);
    }
  }
  return { scenarios, setup };
}

export function readTemplate(text = readFileSync(TEMPLATE_URL, 'utf8')): TemplateFile {
  const sections = readSections(text);
  const section = (name: string) => {
    const body = sections.get(name);
    if (body === undefined) throw new Error(`the template has no ${name}`);
    return body;
  };
  const rawPermissions = JSON.parse(section('___WEB_PERMISSIONS___'));
  return {
    sections,
    info: JSON.parse(section('___INFO___')),
    parameters: JSON.parse(section('___TEMPLATE_PARAMETERS___')),
    code: section('___SANDBOXED_JS_FOR_WEB_TEMPLATE___'),
    rawPermissions,
    permissions: decodePermissions(rawPermissions),
    ...readTests(section('___TESTS___')),
  };
}

/** Every parameter, those inside groups included (a group's fields are top-level keys of `data`). */
export function allParameters(parameters: any[]): any[] {
  return parameters.flatMap((parameter) => [parameter, ...allParameters(parameter.subParams ?? [])]);
}
