import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The cross-engine specs (test/engines) run once per engine, each engine a project named after it, in parallel with
 * the rest: `vitest run --project webkit` runs one; ENGINES=firefox,webkit leaves the others out of `npm test`.
 */
const ENGINES = ['chromium', 'firefox', 'webkit'];
const engines = process.env.ENGINES?.split(',').map((name) => name.trim()).filter(Boolean) ?? ENGINES;
const unknown = engines.filter((name) => !ENGINES.includes(name));
if (unknown.length) throw new Error(`ENGINES=${process.env.ENGINES}: unknown ${unknown.join(', ')}; use some of ${ENGINES.join(',')}`);

export default defineConfig({
  test: {
    // Test files mostly wait on browsers and servers: two at a time, also on 2 cores (vitest's default there is
    // one, which made the three engine projects and the suite run one after the other: 10 minutes).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/engines/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      ...engines.map((name) => ({
        extends: true as const,
        test: { name, include: ['test/engines/**/*.test.ts'], globalSetup: ['test/support/engines/global-setup.ts'] },
      })),
    ],
  },
});
