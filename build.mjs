// Builds dist/ from src/ with esbuild: one row per output, sizes printed, every browser file held to a gzip budget
// and its SRI hash printed and written to dist/integrity.json.
import { analyzeMetafile, build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const banner = `/*! elevate-tracker v${version} | MIT */`;
const browser = { platform: 'browser', target: ['es2020', 'chrome91', 'edge91', 'firefox90', 'safari15'] };
const node = { platform: 'node', target: 'node20' };
/** The adapters' imports of the npm entry (src/index.ts) stay imports of dist/index.js, beside them: not a copy. */
const npmEntryBeside = { name: 'npm-entry-beside', setup(build) {
  const entry = new URL('./src/index.js', import.meta.url).pathname;
  build.onResolve({ filter: /\/index\.js$/ }, ({ path, resolveDir }) =>
    (new URL(path, `file://${resolveDir}/`).pathname == entry ? { path: './index.js', external: true } : undefined));
} };

/**
 * entry, esbuild options, outfile, gzip budget in bytes (every browser file; the build fails above any of them). The
 * script-tag bundle's budget asked for is 4,096 B
 * (issue 16), which this code does not reach yet; until then the check holds the bundle to what it measures now with
 * a little headroom, so that a regression fails the build (5,866 B before the hardening of issue 12, 7,123 B after;
 * 7,222 B after the engine fixes of issue 13; 8,028 B with issue 14's v3 default, 404 message, migration from the
 * official client and ad impressions, +806 B, of which impressions 490 B; 7,883 B with the impression watcher an
 * on-demand file of its own; 8,282 B once startTracker was cut into modules of at most about 80 lines, whose
 * interfaces' property names the minifier keeps: +399 B; 8,296 B with those names shortened; 8,362 B once the
 * ad watch waits for the parsed page rather than observing the parser, −0.5 ms at start; 8,455 B with consent a
 * module of its own and startTracker 61 lines; 8,684 B with the start and each click's work deferred to a task of
 * their own; 8,863 B with the script tag's options read in that task too: start about 1.5 → 1.2 ms against the
 * official client's 1.2–1.4 ms on this machine; 8,912 B once the queue is replayed whole before the clicks held,
 * and bad options leave an inert tracker; 9,476 B with issue 17's init command, onError hook and on-demand file
 * options).
 */
/**
 * Property names of the tracker's internal interfaces, shortened in the script-tag bundle: the minifier keeps property
 * names, and the parts' interfaces (outbox, page lifecycle, consent, session link…) cost ~400 B gzip otherwise. Only
 * names that no browser API, no dependency and no other file (the session shim, the impression watcher, stored JSON)
 * shares: the browser suite runs on this bundle.
 */
const INTERNAL_PROPERTIES = /^(suspend|grant|deny|sendHeld|dropHeld|notifyActivity|consentTo|isPending|isGranted|lifecycle|sessions|outbox|adopt|release|flush|schedule|finish|transmit|stopTimer|canSendNow|canKeepAliveFor|canFetch|beacon|isLeaving|leave|pending|readAll|isNewVisitor|persist|rotate|touch|notify|stops|sending|isKeptAlive|impressions|isRefused|choose|applyConsent|isStopped|onMarkedClick|soon|later|loaders|onRun|onFail)$/;

const outputs = [
  { entry: 'src/script.ts', outfile: 'dist/elevate-tracker.min.js', budget: 9550,
    options: { ...browser, format: 'iife', minify: true, mangleProps: INTERNAL_PROPERTIES } },
  // The session shim for the script tag, which imports it on demand (data-session-api).
  { entry: 'src/session-shim.ts', outfile: 'dist/elevate-tracker.session.js', budget: 2450,
    options: { ...browser, format: 'esm', minify: true } },
  // The ad-impression watcher for the script tag, which imports it once a marked ad is in the page.
  { entry: 'src/impressions.ts', outfile: 'dist/elevate-tracker.impressions.js', budget: 850,
    options: { ...browser, format: 'esm', minify: true } },
  // The consent managers' adapters for the script tag (issue 17): a file a site adds beside the tracker's tag, which
  // tells it through its queue; the tracker itself carries none of it.
  { entry: 'src/consent-managers/script.ts', outfile: 'dist/elevate-tracker.consent.js', budget: 2950,
    options: { ...browser, format: 'iife', minify: true } },
  // The same adapters for npm (`elevate-tracker/consent`), unminified like the npm entry; they import nothing of it.
  { entry: 'src/consent-managers/index.ts', outfile: 'dist/consent.js', budget: 3450,
    options: { ...browser, format: 'esm', packages: 'external' } },
  // The npm entry, unminified, with its comments (the site's bundler minifies it; the bench measures that): its budget
  // guards against something large slipping in. What it imports only when needed (the session shim, the impression
  // watcher) stays a dynamic import of a chunk of its own, so that the site's bundler splits it off too; each chunk
  // has `chunkBudget`.
  { entry: 'src/index.ts', outfile: 'dist/index.js', budget: 11400, chunkBudget: 4000,
    options: { ...browser, format: 'esm', packages: 'external', splitting: true, outdir: 'dist', entryNames: '[name]',
      chunkNames: 'chunks/[name]-[hash]' } },
  // The framework adapters (issue 17), unminified like the npm entry: react and vue stay imports of the site's own
  // copy, and the tracker is the npm entry's (npmEntryBeside), so a site with both has one tracker module. The
  // React file keeps its entry's 'use client' directive, right after the banner.
  { entry: 'src/react/index.ts', outfile: 'dist/react.js', budget: 1600,
    options: { ...browser, format: 'esm', packages: 'external', plugins: [npmEntryBeside] } },
  { entry: 'src/vue.ts', outfile: 'dist/vue.js', budget: 900,
    options: { ...browser, format: 'esm', packages: 'external', plugins: [npmEntryBeside] } },
  { entry: 'src/server/index.ts', outfile: 'dist/server.js',
    options: { ...node, format: 'esm', packages: 'external' } },
  { entry: 'src/server/cli.ts', outfile: 'dist/cli.js',
    options: { ...node, format: 'esm', packages: 'external', banner: { js: `#!/usr/bin/env node\n${banner}` } } },
];

rmSync('dist', { recursive: true, force: true });
const present = outputs.filter(({ entry }) => existsSync(entry));
const results = await Promise.all(present.map(({ entry, outfile, options }) =>
  build({ entryPoints: [entry], ...(options.splitting ? {} : { outfile }), bundle: true, sourcemap: true, legalComments: 'none', metafile: true,
    banner: { js: banner }, define: { __VERSION__: JSON.stringify(version) }, logLevel: 'warning', ...options })));

// `node build.mjs --analyze` (npm run size): what each module weighs in each browser bundle, minified.
if (process.argv.includes('--analyze')) {
  for (const [index, { options }] of present.entries()) {
    if (options.platform == 'browser') console.log(await analyzeMetafile(results[index].metafile));
  }
}

// Declarations for the npm entries (tsc reads tsconfig.build.json).
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// `elevate-tracker/global` is types only (src/global.ts); this empty module is what a bundler finds for
// `import 'elevate-tracker/global'` (package.json's exports), so that the import resolves there too.
writeFileSync('dist/types/global.js', `${banner}\nexport {};\n`);

let overBudget = false;
/** Each output file with its budget: a split entry's chunks (dist/chunks/…) have the entry's chunkBudget. */
const files = present.flatMap(({ outfile, budget, chunkBudget }, index) => [{ outfile, budget },
  ...Object.keys(results[index].metafile.outputs).filter((file) => file.startsWith('dist/chunks/') && file.endsWith('.js'))
    .map((file) => ({ outfile: file, budget: chunkBudget }))]);
const rows = files.map(({ outfile, budget }) => {
  const code = readFileSync(outfile);
  const gzip = gzipSync(code, { level: 9 }).length;
  const brotli = brotliCompressSync(code).length;
  const verdict = budget === undefined ? '' : gzip <= budget ? `≤ ${budget} ok` : `> ${budget} OVER BUDGET`;
  if (budget !== undefined && gzip > budget) overBudget = true;
  return { output: outfile, raw: code.length, gzip, brotli, budget: verdict };
});
console.table(rows);

// Subresource Integrity of every browser file (base64 of the SHA-384 of its bytes), for `integrity="sha384-…"` on a
// script tag from a CDN: printed, and written to dist/integrity.json keyed by the path under dist/ (README: "Self-hosting
// and CDN").
const browserFiles = present.flatMap(({ options }, index) => options.platform == 'browser'
  ? Object.keys(results[index].metafile.outputs).filter((file) => file.endsWith('.js')) : []).sort();
const integrity = Object.fromEntries(browserFiles.map((file) =>
  [file.replace(/^dist\//, ''), `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`]));
writeFileSync('dist/integrity.json', `${JSON.stringify(integrity, null, 2)}\n`);
// In the table's order (the script tag's file first): the hash, two spaces, the file.
for (const { output } of rows) {
  const hash = integrity[output.replace(/^dist\//, '')];
  if (hash) console.log(`${hash}  ${output}`);
}

if (overBudget) {
  console.error(`build: over its gzip budget: ${rows.filter((row) => row.budget.includes('OVER')).map((row) => row.output).join(', ')}`);
  process.exit(1);
}
