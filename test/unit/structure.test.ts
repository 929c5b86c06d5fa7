// The source reads as its parts (issue 16): no import cycle between modules, type-only imports included, and no
// function too long to read at once.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((entry) => entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);

/** Every module's relative imports (`import` and `export … from`, types too), as paths under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const code = readFileSync(file, 'utf8');
    const targets = [...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)]
      .map(([, specifier]) => relative(SRC, resolve(dirname(file), specifier.replace(/\.js$/, ''))) + '.ts');
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** The cycles in the graph, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) return void found.push([...path.slice(at), node]);
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

it('reads every module and its imports', () => {
  const graph = importGraph();
  expect(graph.get('tracker.ts')).toContain('config.ts');
  expect(graph.get('server/index.ts')).toContain('server/admin-client.ts');
  // The check itself finds a cycle when there is one.
  expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]]))).toContainEqual(['a.ts', 'b.ts', 'a.ts']);
});

it('has no import cycle, type-only imports included', () => {
  expect(cycles(importGraph())).toEqual([]);
});

/** A function's first line: a declaration, an arrow function's block, or a method (control statements excluded). */
const FUNCTION_START = /^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)|^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)(?:\s*:\s*[^=]+)?\s*=>\s*\{\s*$|^\s*(?:async\s+)?(?:get\s+)?(\w+)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$/;

/** Every function of `code` with its length in lines, by matching braces (strings and line comments left out). */
function functionLengths(code: string): { name: string; line: number; lines: number }[] {
  const lines = code.split('\n');
  const found = [];
  for (const [start, text] of lines.entries()) {
    const match = FUNCTION_START.exec(text);
    if (!match || /^\s*(if|for|while|switch|catch)\b/.test(text)) continue;
    let depth = 0;
    let isOpen = false;
    for (let end = start; end < lines.length; end++) {
      for (const char of lines[end].replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\/\/.*$/g, '')) {
        if (char == '{') isOpen = !!++depth;
        else if (char == '}') depth--;
      }
      if (isOpen && depth <= 0) {
        found.push({ name: match[1] ?? match[2] ?? match[3], line: start + 1, lines: end - start + 1 });
        break;
      }
    }
  }
  return found;
}

it('measures functions by their braces', () => {
  const code = ['function short() {', '  if (x) {', '    y();', '  }', '}', 'const arrow = () => {', '  z("}");', '};'].join('\n');
  expect(functionLengths(code)).toEqual([{ name: 'short', line: 1, lines: 5 }, { name: 'arrow', line: 6, lines: 3 }]);
});

// About 80 lines at most (issue 16): startTracker was 202, createOutbox 160.
it('has no function over 80 lines in src/', () => {
  const long = files(SRC).flatMap((file) => functionLengths(readFileSync(file, 'utf8'))
    .filter(({ lines }) => lines > 80).map(({ name, line, lines }) => `${relative(SRC, file)}:${line} ${name} (${lines} lines)`));
  expect(long).toEqual([]);
});
