// The package as npm publishes it (issue 17): a fresh copy of the repository packed with `npm pack` (its prepack
// builds dist/), then checked as a site gets it: the files it carries, the exports map, the SRI hashes, sideEffects
// through a real bundler, @arethetypeswrong/cli, and a consumer's TypeScript compiled under bundler, node16 and
// nodenext against node_modules/elevate-tracker extracted from the tarball.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const ATTW = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** The three resolution modes a site's tsconfig may use, each with the `module` it goes with. */
const SETTINGS = [['bundler', 'esnext'], ['node16', 'node16'], ['nodenext', 'nodenext']] as const;
/** esbuild's IIFE output after the banner: a script, which acts only by running. */
const IIFE = /^\/\*![^]*?\*\/\s*(?:"use strict";\s*)?\(\(\)\s*=>\s*\{/;

interface Run { code: number; stdout: string; output: string }

/**
 * The environment without the npm configuration of the `npm` command that runs this test: `npm publish --dry-run`
 * (prepublishOnly runs `npm test`) exports npm_config_dry_run, with which the `npm pack` below would write no tarball.
 */
const ENV = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name))), FORCE_COLOR: '0' };

/** Runs a command to its end; never rejects: the exit code and the output are the result. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd, maxBuffer: 64 << 20, env: ENV }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code == 'number' ? error.code : 1) : 0, stdout, output: stdout + stderr }));
  });
}

/** A copy of the repository as a fresh clone has it: its tracked and unignored files (no dist/), node_modules linked. */
function copyRepository(to: string) {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(ROOT, file), join(to, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'));
}

/**
 * A site's project with the tarball extracted as node_modules/elevate-tracker, the package's dependencies and
 * @types/node (its server declarations use node:http) linked, and test/support/consumers/consumer.ts.txt as its code.
 */
function createConsumer(dir: string, tarball: string) {
  const installed = join(dir, 'node_modules/elevate-tracker');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const name of [...Object.keys(manifest.dependencies), '@types/node']) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-shop', private: true, type: 'module' }));
  mkdirSync(join(dir, 'src'));
  cpSync(join(ROOT, 'test/support/consumers/consumer.ts.txt'), join(dir, 'src/consumer.ts'));
  return installed;
}

/** Compiles the consumer under one resolution mode with the repository's TypeScript (7.x: `tsc -p`, as ever). */
function compileConsumer(dir: string, [moduleResolution, module]: readonly [string, string], skipLibCheck = false) {
  const tsconfig = join(dir, `tsconfig.${moduleResolution}.json`);
  writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true,
      // The package's own declarations are checked too, unless the test models a site that skips them.
      skipLibCheck, noUncheckedSideEffectImports: true, types: ['node'] },
    files: ['src/consumer.ts'],
  }));
  return run(process.execPath, [TSC, '-p', tsconfig, '--pretty', 'false'], dir);
}

/** Every file path a package.json target names (exports' conditions included), without its leading `./`. */
const targetsOf = (value: unknown): string[] => typeof value == 'string' ? [value.replace(/^\.\//, '')]
  : value && typeof value == 'object' ? Object.values(value).flatMap(targetsOf) : [];

const sri = (bytes: Buffer) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

let tmp: string;
let clone: string;
let installed: string;
let packed: Run;
let listed: string[];
let packageFiles: string[];
let attw: Promise<Run>;
let compiled: Map<string, Promise<Run>>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'elevate-tracker-package-'));
  clone = join(tmp, 'clone');
  copyRepository(clone);
  packed = await run('npm', ['pack', '--pack-destination', tmp], clone);
  if (packed.code) throw new Error(`npm pack failed:\n${packed.output}`);
  const dryRun = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], clone);
  listed = JSON.parse(dryRun.stdout)[0].files.map(({ path }: { path: string }) => path);
  const tarball = join(tmp, `elevate-tracker-${manifest.version}.tgz`);
  installed = createConsumer(join(tmp, 'consumer'), tarball);
  packageFiles = readdirSync(installed, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(installed, file)).isFile()).map((file) => file.replaceAll('\\', '/'));
  // Started together (each a second or two), awaited by their tests.
  attw = run(process.execPath, [ATTW, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii',
    '--no-color', '--no-emoji'], tmp);
  compiled = new Map(SETTINGS.map((setting) => [setting[0], compileConsumer(join(tmp, 'consumer'), setting)]));
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([attw, ...(compiled?.values() ?? [])]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

it("a fresh clone's npm pack builds dist/ (prepack) and prints each browser file's SRI hash", () => {
  expect(existsSync(join(clone, 'dist/elevate-tracker.min.js'))).toBe(true);
  const printed = packed.stdout.match(/^(sha384-[A-Za-z0-9+/]{64}) {2}dist\/elevate-tracker\.min\.js$/m);
  expect(printed?.[1]).toBe(sri(readFileSync(join(installed, 'dist/elevate-tracker.min.js'))));
});

it('npm pack --dry-run lists dist/, LICENSE and README, and no source, test or demo', () => {
  expect(listed).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/elevate-tracker.min.js',
    'dist/index.js', 'dist/server.js', 'dist/cli.js', 'dist/integrity.json', 'dist/types/index.d.ts', 'dist/types/global.d.ts']));
  expect(listed.filter((file) => /^(src|test|demo|bench|docs|node_modules|\.ci)\//.test(file))).toEqual([]);
  // The tarball holds exactly what the dry run lists.
  expect([...packageFiles].sort()).toEqual([...listed].sort());
  expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} elevate-tracker contributors\n/);
});

it("every target of the packed package.json (exports, main, module, types, bin, unpkg, jsdelivr) is in the package", () => {
  const { exports, main, module, types, bin, unpkg, jsdelivr, scripts } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const targets = targetsOf({ exports, main, module, types, bin, unpkg, jsdelivr });
  expect(targets).toEqual(expect.arrayContaining(['dist/types/global.d.ts', 'dist/elevate-tracker.session.js',
    'dist/elevate-tracker.impressions.js', 'dist/elevate-tracker.min.js']));
  expect(targets.filter((target) => !listed.includes(target))).toEqual([]);
  expect(scripts.prepack).toBe('node build.mjs');
});

it('dist/integrity.json holds the SRI hash of every browser file, which matches its bytes', () => {
  const integrity: Record<string, string> = JSON.parse(readFileSync(join(installed, 'dist/integrity.json'), 'utf8'));
  const scripts = packageFiles.filter((file) => /^dist\/[^/]+\.js$/.test(file) && IIFE.test(readFileSync(join(installed, file), 'utf8')));
  const chunks = packageFiles.filter((file) => /^dist\/chunks\/.+\.js$/.test(file));
  expect(chunks.length).toBeGreaterThanOrEqual(2);
  expect(Object.keys(integrity).map((file) => `dist/${file}`)).toEqual(expect.arrayContaining(['dist/elevate-tracker.min.js',
    'dist/elevate-tracker.session.js', 'dist/elevate-tracker.impressions.js', 'dist/index.js', ...scripts, ...chunks]));
  expect(Object.keys(integrity)).not.toContain('server.js');
  expect(Object.keys(integrity)).not.toContain('cli.js');
  for (const [file, hash] of Object.entries(integrity)) {
    expect(hash, file).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    expect(hash, file).toBe(sri(readFileSync(join(installed, 'dist', file))));
  }
});

describe('sideEffects, as a bundler (esbuild) reads it', () => {
  /** Bundles `import '<specifier>'` from the consumer: the code kept, and whether the import was dropped as pure. */
  async function bundleImport(specifier: string) {
    const { outputFiles, warnings } = await build({ stdin: { contents: `import ${JSON.stringify(specifier)};`, resolveDir: join(tmp, 'consumer') },
      bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
    return { code: outputFiles[0].text, isDropped: warnings.some(({ text }) => text.includes('marked as having no side effects')) };
  }

  it('keeps an import of the script-tag file, and of every other script (IIFE) in dist/', async () => {
    const tag = await bundleImport('elevate-tracker/elevate-tracker.min.js');
    expect(tag.isDropped).toBe(false);
    expect(tag.code).toContain('elevate-tracker.script'); // the script's own marker
    const scripts = packageFiles.filter((file) => /^dist\/[^/]+\.js$/.test(file) && IIFE.test(readFileSync(join(installed, file), 'utf8')));
    expect(scripts).toContain('dist/elevate-tracker.min.js');
    for (const file of scripts) expect((await bundleImport(join(installed, file))).isDropped, file).toBe(false);
  });

  it('drops a bare import of the npm entry and of elevate-tracker/global (which resolves to an empty module)', async () => {
    expect(await bundleImport('elevate-tracker')).toEqual({ code: '', isDropped: true });
    expect(await bundleImport('elevate-tracker/global')).toEqual({ code: '', isDropped: true });
  });
});

it('@arethetypeswrong/cli finds no problem in the ESM entries', async () => {
  const { code, output } = await attw;
  expect(output).toContain('"elevate-tracker/global"');
  expect(output).toContain('"elevate-tracker/server"');
  expect(code, output).toBe(0);
});

describe.each(SETTINGS.map(([moduleResolution]) => moduleResolution))('a consumer under moduleResolution %s', (moduleResolution) => {
  it('compiles: the types are real (each misuse in it is refused) and the declarations check', async () => {
    const { code, output } = await compiled.get(moduleResolution)!;
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});

// The check itself: declarations whose imports lack their .js extension (as dist/types/index.d.ts had before issue
// 17) resolve to nothing under node16, silently so with skipLibCheck, and the consumer's expected errors go unused.
it('fails when the types silently become any', async () => {
  const broken = join(tmp, 'consumer-without-extensions');
  cpSync(join(tmp, 'consumer'), broken, { recursive: true, verbatimSymlinks: true });
  const index = join(broken, 'node_modules/elevate-tracker/dist/types/index.d.ts');
  const declarations = readFileSync(index, 'utf8');
  writeFileSync(index, declarations.replace(/from '(\.[^']+)\.js'/g, "from '$1'"));
  expect(readFileSync(index, 'utf8')).not.toBe(declarations);
  const { code, output } = await compileConsumer(broken, ['node16', 'node16'], true);
  expect(code).not.toBe(0);
  expect(output).toMatch(/src\/consumer\.ts\(\d+,1\): error TS2578: Unused '@ts-expect-error' directive/);
});

it('a CommonJS require() of the package works on this Node (engines: require of an ES module needs 20.19)', async () => {
  expect(manifest.engines.node).toBe('>=20.19');
  const [major, minor] = process.versions.node.split('.').map(Number);
  expect(major > 20 || minor >= 19).toBe(true);
  const script = "const { createTracker } = require('elevate-tracker'); const { visitorKeys } = require('elevate-tracker/server');"
    + "console.log(typeof createTracker({ clusterId: 'w00000000', market: 'UK' }).click, visitorKeys('').isNew)";
  const { code, stdout, output } = await run(process.execPath, ['--input-type=commonjs', '-e', script], join(tmp, 'consumer'));
  expect(code, output).toBe(0);
  expect(stdout.trim()).toBe('function true');
});

it("npm install-scripts ls: no dependency's install script is left unreviewed (esbuild's postinstall is denied)", async () => {
  const pending = async (dir: string) => JSON.parse((await run('npm', ['install-scripts', 'ls', '--json'], dir)).stdout).allowScripts
    .map(({ name }: { name: string }) => name);
  expect(manifest.allowScripts).toEqual({ esbuild: false });
  // The repository as installed. (The copy below reaches node_modules through a symlink, which npm 11 reads less
  // strictly: it lists packages without install scripts there too, so only esbuild's presence is checked in it.)
  expect(await pending(ROOT)).toEqual([]);
  const withoutIt = Object.fromEntries(Object.entries(manifest).filter(([key]) => key != 'allowScripts'));
  writeFileSync(join(clone, 'package.json'), JSON.stringify(withoutIt, null, 2));
  expect(await pending(clone), 'without the entry, npm 11 names esbuild\'s postinstall as unreviewed').toContain('esbuild');
});
