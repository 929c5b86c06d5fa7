// The source reads as its parts (issue 16): no import cycle between modules, type-only imports included.
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
