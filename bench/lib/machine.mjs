// What the numbers were measured on.
import { arch, cpus, freemem, release, totalmem, type } from 'node:os';
import { readFileSync } from 'node:fs';

/** `loadAtStart`: os.loadavg() taken before the bench started any work. */
export function describeMachine(browserVersion, loadAtStart) {
  const cpu = cpus();
  let distribution;
  try {
    distribution = /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch { /* not Linux */ }
  return {
    os: `${type()} ${release()} ${arch()}${distribution ? ` (${distribution})` : ''}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    loadAverageAtStart: loadAtStart.map((value) => +value.toFixed(2)),
    node: process.version,
    playwright: JSON.parse(readFileSync(new URL('../../node_modules/playwright/package.json', import.meta.url), 'utf8')).version,
    chromium: browserVersion,
  };
}
