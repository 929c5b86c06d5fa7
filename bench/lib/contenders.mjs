// The contenders: their code (built here from bench/contenders/ with one set of esbuild settings, or our dist file),
// the markup that puts each on a page, and their sizes.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const ROOT = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, ROOT), 'utf8');

/** The browsers our build targets (build.mjs); both bundled contenders are built for the same. */
export const TARGET = ['es2020', 'chrome91', 'edge91', 'firefox90', 'safari15'];
/** One set of esbuild settings for every bundled contender. */
const ESBUILD = { bundle: true, minify: true, format: 'iife', platform: 'browser', target: TARGET, legalComments: 'none',
  absWorkingDir: new URL('.', ROOT).pathname, logLevel: 'warning' };
/** A cluster URL, for the size figures (the browser runs get the stand-ins' URLs instead). */
const CLUSTER_URL = 'https://w00000000.api.esales.apptus.cloud';

export const officialVersion = JSON.parse(read('node_modules/@apptus/esales-api/package.json')).version;

export const LABELS = {
  'ours-script': 'ours, script tag',
  'ours-npm': 'ours, npm + esbuild',
  official: `@apptus/esales-api ${officialVersion}`,
  none: 'no tracker',
};

/** Bundles bench/contenders/{name}.js with `apiBase` for __API_BASE__; returns the code and esbuild's metafile. */
async function bundle(name, apiBase) {
  const result = await build({ ...ESBUILD, entryPoints: [`bench/contenders/${name}.js`], write: false, metafile: true,
    outfile: `bench/build/${name}.js`, define: { __API_BASE__: JSON.stringify(apiBase) } });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}

/**
 * The code each contender runs in the browser, read and built once at the start (a rebuild of dist/ by someone
 * else during the run cannot change it). `apiBase` is our stand-in's URL, `officialBase` the v3 stand-in's.
 */
export async function loadContenders({ apiBase, officialBase }) {
  const scriptTag = read('dist/elevate-tracker.min.js');
  const [npm, official] = await Promise.all([bundle('ours-npm', apiBase), bundle('official', `${officialBase}/`)]);
  const code = { 'ours-script': scriptTag, 'ours-npm': npm.code, official: official.code, none: '' };
  for (const [name, text] of Object.entries(code)) {
    if (/<\/script/i.test(text)) throw new Error(`${name}: the code contains "</script" and cannot be inlined`);
  }
  const scriptTemplate = read('bench/contenders/ours-script-tag.html').replace(/<!--[\s\S]*?-->\s*/, '').trim();
  return {
    code,
    /** The markup that loads contender `name`: its code inline (timing pages) or from `src`. */
    markup(name, { inline, src = `/contenders/${name}.js` }) {
      if (name == 'none') return '';
      const tag = name == 'ours-script' ? scriptTemplate.replace('{{apiBase}}', apiBase) : '<script src="{{src}}"></script>';
      return inline ? tag.replace(/ src="\{\{src\}\}"/, '').replace('></script>', () => `>${code[name]}</script>`) : tag.replace('{{src}}', src);
    },
  };
}

const sizesOf = (text) => {
  const bytes = Buffer.from(text);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
};

/**
 * Our npm contender as a site's bundler ships it at start: esbuild with code splitting (esm), as Vite, Rollup and
 * webpack split dynamic imports. Returns the entry chunk (what every page loads) and the lazy chunks' gzip bytes.
 */
async function bundleSplit(name, apiBase) {
  const result = await build({ ...ESBUILD, format: 'esm', splitting: true, entryPoints: [`bench/contenders/${name}.js`],
    write: false, metafile: true, outdir: 'bench/build/split', define: { __API_BASE__: JSON.stringify(apiBase) } });
  const js = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  const entry = js.find((file) => file.path.endsWith(`/${name}.js`));
  const entryKey = Object.keys(result.metafile.outputs).find((key) => key.endsWith(`/${name}.js`));
  return { code: entry.text, metafile: { outputs: { [entryKey]: result.metafile.outputs[entryKey] } },
    lazy: js.filter((file) => file != entry).map((file) => gzipSync(file.contents, { level: 9 }).length) };
}

/** Minified bytes per source file in a bundle, largest first (esbuild's metafile; before compression). */
function bytesBySource(metafile) {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output.inputs).map(([source, { bytesInOutput }]) => ({ source, bytes: bytesInOutput }))
    .filter(({ bytes }) => bytes > 0).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Raw, gzip (level 9) and brotli (quality 11) bytes of: our script-tag file as built (dist/), our npm entry with the
 * typical import, and the official library's notifications entry with its session helper; the last two bundled
 * with the same esbuild settings. The bundles are written to bench/build/ for inspection.
 */
export async function measureSizes() {
  const scriptTag = read('dist/elevate-tracker.min.js');
  // Where the script tag's bytes go: src/script.ts rebuilt as build.mjs builds it, only to read the metafile.
  const { version } = JSON.parse(read('package.json'));
  const scriptBuild = await build({ ...ESBUILD, entryPoints: ['src/script.ts'], write: false, metafile: true,
    outfile: 'bench/build/script-tag-attribution.js', define: { __VERSION__: JSON.stringify(version) } });
  const [npm, official] = await Promise.all([bundleSplit('ours-npm', CLUSTER_URL), bundle('official', `${CLUSTER_URL}/`)]);
  const lazy = npm.lazy.sort((a, b) => b - a).map((bytes) => `${bytes.toLocaleString('en')} B`).join(', ');
  mkdirSync(new URL('bench/build/', ROOT), { recursive: true });
  writeFileSync(new URL('bench/build/ours-npm.js', ROOT), npm.code);
  writeFileSync(new URL('bench/build/official.js', ROOT), official.code);
  return {
    esbuild: { bundle: true, minify: true, format: 'iife', platform: 'browser', target: TARGET },
    rows: [
      { name: 'ours-script', what: 'dist/elevate-tracker.min.js (script tag, as built by build.mjs)', ...sizesOf(scriptTag),
        bySource: bytesBySource(scriptBuild.metafile) },
      { name: 'ours-npm', what: `\`import { createTracker } from 'elevate-tracker'\` + one call, bundled with code splitting (bench/contenders/ours-npm.js): the entry chunk; loaded only when needed, gzip: ${lazy}`,
        ...sizesOf(npm.code), bySource: bytesBySource(npm.metafile) },
      { name: 'official', what: '`notifications` + `localStorageBackedSession` + a delegated click listener, bundled (bench/contenders/official.js)',
        ...sizesOf(official.code), bySource: bytesBySource(official.metafile) },
    ],
  };
}
