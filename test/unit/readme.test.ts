// The README's examples are code a user copies: each JavaScript, TypeScript and JSX block (and each inline script of an
// HTML block) parses, and each name it imports from the package is one the package exports.
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

interface Example { language: string; code: string; line: number }

/** Fenced blocks, indented ones (inside a list) included, with the line they start on. */
const blocks: Example[] = [...README.matchAll(/^( *)```(\w+)\n([\s\S]*?)^\1```/gm)].map((match) => ({
  language: match[2],
  code: match[3].replace(new RegExp(`^${match[1]}`, 'gm'), ''),
  line: README.slice(0, match.index).split('\n').length,
}));

/** What esbuild parses: script blocks as themselves; an HTML block's inline classic and module scripts as JavaScript. */
const scripts: Example[] = blocks.flatMap((block) => {
  if (['js', 'jsx', 'ts', 'tsx'].includes(block.language)) return [block];
  if (block.language != 'html') return [];
  return [...block.code.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(([, attributes]) => !/importmap|json/.test(attributes))
    .map(([, , code]) => ({ language: 'js', code, line: block.line }));
});

it('finds the examples', () => {
  expect(scripts.length).toBeGreaterThanOrEqual(15);
});

describe.each(scripts.map((script) => [`line ${script.line} (${script.language})`, script] as const))('%s', (_, { language, code }) => {
  it('parses', async () => {
    await expect(transform(code, { loader: language as 'js', format: 'esm' })).resolves.toBeDefined();
  });

  const imports = [...code.matchAll(/^import\s+(?!type\b)\{([^}]+)\}\s+from\s+'(elevate-tracker(?:\/[\w.-]+)?)'/gm)];
  it.each(imports.map(([, names, specifier]) => [specifier, names] as const))('imports from %s only what it exports', async (specifier, names) => {
    const subpath = `.${specifier.slice('elevate-tracker'.length)}`;
    const target = PACKAGE.exports[subpath];
    const file = typeof target == 'string' ? target : target.import ?? target.node ?? target.default;
    const module = await import(new URL(`../../${file}`, import.meta.url).href);
    const wanted = names.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]).filter((name) => name && !name.startsWith('type '));
    expect(wanted.filter((name) => !(name in module)), `missing from ${specifier}`).toEqual([]);
  });
});
