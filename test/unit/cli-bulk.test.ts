// `elevate-tracker remove-customer|export-customer --from FILE` (issue 17): the CLI built with esbuild, run as a child
// process against the event-data stand-in, behind a gate that can slow it down, count the requests in flight and
// break chosen requests.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventDataStandIn } from '../../demo/event-data-standin.mjs';
import { csvRecords } from '../../src/server/csv-records.ts';
import { readKeyList } from '../../src/server/key-list.ts';
import { createProgress, progressLine } from '../../src/server/progress.ts';

const KEY = 'pk-SECRET-bulk-4242';
const standIn = createEventDataStandIn({ apiKey: KEY });
const dir = mkdtempSync(join(tmpdir(), 'elevate-cli-bulk-'));
const cli = join(dir, 'cli.js');

/** What a gated request gets instead of the stand-in's answer: a status of its own, or its connection reset. */
type Fault = number | 'reset' | undefined;

/** Sits in front of the stand-in: delays every request, counts those in flight, and breaks those `fault` picks. */
const gate = {
  base: '',
  delayMs: 0,
  inFlight: 0,
  maxInFlight: 0,
  fault: (_request: IncomingMessage, _customerKey: string | null): Fault => undefined,
  /** Called as each request arrives, before its delay. */
  onArrival: () => {},
};
const gateServer = createServer((request, response) => {
  gate.inFlight++;
  gate.maxInFlight = Math.max(gate.maxInFlight, gate.inFlight);
  response.on('close', () => gate.inFlight--);
  gate.onArrival();
  setTimeout(() => {
    const fault = gate.fault(request, new URL(request.url ?? '/', 'http://gate').searchParams.get('customerKey'));
    if (fault == 'reset') request.socket.destroy();
    else if (fault) response.writeHead(fault, { 'content-type': 'application/json' }).end(`{"message":"Gate: ${fault}."}`);
    else if (!standIn.handle(request, response)) response.writeHead(404).end();
  }, gate.delayMs);
});

beforeAll(async () => {
  await new Promise((resolve) => gateServer.listen(0, '127.0.0.1', () => resolve(undefined)));
  gate.base = `http://127.0.0.1:${(gateServer.address() as AddressInfo).port}`;
  await build({ entryPoints: ['src/server/cli.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli,
    define: { __VERSION__: '"test"' }, logLevel: 'warning' });
});
afterAll(async () => {
  await new Promise((resolve) => { gateServer.close(resolve); gateServer.closeAllConnections(); });
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  standIn.reset();
  Object.assign(gate, { delayMs: 0, inFlight: 0, maxInFlight: 0, fault: () => undefined, onArrival: () => {} });
});

interface Outcome { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

let files = 0;
/** A new input file in the test's directory, with its state file's default path. */
function input(text: string, name = `keys-${++files}.txt`) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, state: (command = 'remove-customer') => `${path}.${command}.state.json` };
}

/** Runs the CLI against the gate with only the environment given (PATH aside); `whileRunning` gets the child, e.g. to interrupt it. */
function runCli(args: string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: gate.base } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    whileRunning?.(child);
  });
}

/** The customerKeys the stand-in made jobs for, in order. */
const jobKeys = () => [...standIn.jobs.values()].map(({ customerKey }) => customerKey);
const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const UUID = '[0-9a-f-]{36}';
const INSTEAD = 'No such key reached Elevate: pass the customerKey the tracker used instead (the one forget() returned, or its cookie).';

describe('reading the keys', () => {
  it('from a plain file: one a line, BOM, CRLF, blank lines, spaces and duplicates; e-mails refused by line', async () => {
    const { path, state } = input('\uFEFFk1\r\n  k2  \r\n\r\njane@example.com\r\nk1\nk3\n\n');
    const { code, stdout, stderr } = await runCli(['remove-customer', '--from', path]);
    expect(jobKeys().sort()).toEqual(['k1', 'k2', 'k3']);
    // Refused keys make the run's exit code 2, the usage and validation code; they are never quoted.
    expect(code).toBe(2);
    expect(stdout).toBe([`remove-customer from ${path}: 3 keys`, '  3 created', '  1 refused as invalid (e-mail-like): line 4',
      `    ${INSTEAD}`, '  1 duplicate line left out: line 5', `State: ${state()}`, ''].join('\n'));
    expect(stdout + stderr + readFileSync(state(), 'utf8')).not.toContain('jane');
    // Plain lines on stderr, which is not a terminal here: one a key, numbered, with its line and jid.
    const [start, ...lines] = stderr.trimEnd().split('\n');
    expect(start).toBe(`remove-customer: 3 keys from ${path}, 3 to start, 4 at a time; state in ${state()}`);
    expect(lines.map((line) => line.slice(0, 6))).toEqual(['[1/3] ', '[2/3] ', '[3/3] ']);
    expect(lines.map((line) => line.slice(6).replace(new RegExp(UUID), 'J')).sort()).toEqual(['line 1: job J: created', 'line 2: job J: created', 'line 6: job J: created']);
    expect(stderr).not.toMatch(/\r|\x1b/);
    // The state file: each key's outcome and jid, as the stand-in made them.
    const { keys } = readState(state());
    expect(Object.keys(keys).sort()).toEqual(['k1', 'k2', 'k3']);
    for (const [jid, job] of standIn.jobs) expect(keys[job.customerKey]).toMatchObject({ outcome: 'created', jid, status: 'created' });
  });

  it('from a CSV column, by header or by number: quoted fields, commas, line breaks and quotes in them, CRLF', async () => {
    const csv = 'name,"Customer Key",e-mail\r\n"Doe, Jane",k-1,jane@example.com\r\n"He said ""hi""\r\nover two lines",k-2,\r\n'
      + ',,\r\nBob,bob@example.com,bob@example.com\r\nAnn,,\r\n';
    const { path, state } = input(csv, 'requests.csv');
    const byName = await runCli(['export-customer', '--from', path, '--column', 'customer key', '--json']);
    expect(byName.code).toBe(2);
    expect(JSON.parse(byName.stdout)).toEqual({
      command: 'export-customer', from: path, state: state('export-customer'), column: { header: 'Customer Key', number: 2 },
      keys: 2, created: 2, skipped: 0, invalid: [{ line: 6, reason: 'e-mail-like' }, { line: 7, reason: 'empty' }], duplicates: [],
      failed: [], unknown: [], notStarted: 0, interrupted: false,
    });
    expect(jobKeys().sort()).toEqual(['k-1', 'k-2']);
    // The same column by number, another state file: the header row is never taken for a key.
    const byNumber = await runCli(['export-customer', '--from', path, '--column', '2', '--state', join(dir, 'by-number.json'), '--json']);
    expect(JSON.parse(byNumber.stdout)).toMatchObject({ column: { header: 'Customer Key', number: 2 }, created: 2 });
    expect(jobKeys().sort()).toEqual(['k-1', 'k-1', 'k-2', 'k-2']);
  });

  it('refuses a column that is not there, before any request', async () => {
    const { path } = input('id,customerKey\n1,k1\n', 'columns.csv');
    const byName = await runCli(['remove-customer', '--from', path, '--column', 'key']);
    expect(byName).toMatchObject({ code: 2, stdout: '' });
    expect(byName.stderr).toContain('elevate-tracker: --column "key": no such column in the header ("id", "customerKey"); give a header or a number from 1');
    const byNumber = await runCli(['remove-customer', '--from', path, '--column', '3']);
    expect(byNumber.stderr).toContain('elevate-tracker: --column 3: the header has 2 columns (numbers start at 1)');
    expect(standIn.requests).toEqual([]);
  });

  it('parses CSV records with their first lines (unit)', () => {
    expect(csvRecords('a,"b\r\nc",d\r\n\r\n"x""y" , z\n ,\n"q"w\rlast')).toEqual([
      { fields: ['a', 'b\r\nc', 'd'], line: 1 }, { fields: ['x"y ', ' z'], line: 4 }, { fields: ['qw'], line: 6 }, { fields: ['last'], line: 7 },
    ]);
    expect(() => csvRecords('a\n"open,\nend')).toThrow('line 2: a quoted field is not closed');
    expect(readKeyList('\uFEFFk\n#k\nk\n', undefined)).toEqual({ entries: [{ key: 'k', line: 1 }], refused: [{ line: 2, reason: 'not-a-customer-key' }], duplicates: [3] });
  });
});

describe('running the jobs', () => {
  const keys = (count: number, prefix = 'key') => Array.from({ length: count }, (_, index) => `${prefix}-${index + 1}`);

  it.each([[3, ['--concurrency', '3']], [4, []]])('holds %i requests in flight at most (and reaches it)', async (bound, flags) => {
    gate.delayMs = 40;
    const { path } = input(`${keys(12).join('\n')}\n`);
    const { code } = await runCli(['remove-customer', '--from', path, ...flags]);
    expect(code).toBe(0);
    expect(gate.maxInFlight).toBe(bound);
    expect(jobKeys().sort()).toEqual(keys(12).sort());
  });

  it('skips the keys done on a re-run, and retries the failed ones: no key gets two jobs', async () => {
    const { path, state } = input(`${keys(6).join('\n')}\n`);
    // 503: Elevate says it took nothing, so the key certainly has no job.
    gate.fault = (_request, customerKey) => customerKey == 'key-2' || customerKey == 'key-5' ? 503 : undefined;
    const first = await runCli(['remove-customer', '--from', path, '--retries', '0']);
    expect(first.code).toBe(4);
    expect(first.stdout).toMatch(/^ {2}2 failed, no job created \(run the same command again to retry\):\n {4}line 2: server: POST \S+ failed \(HTTP 503\): Gate: 503\.\n {4}line 5: /m);
    expect(readState(state()).keys['key-2']).toMatchObject({ outcome: 'failed', code: 'server' });
    gate.fault = () => undefined;
    const second = await runCli(['remove-customer', '--from', path, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ keys: 6, created: 2, skipped: 4, failed: [], unknown: [] });
    expect(jobKeys().sort()).toEqual(keys(6).sort());
  });

  it('retries a creation that certainly did not arrive (503), with --retries', async () => {
    let refusals = 1;
    gate.fault = () => refusals-- > 0 ? 503 : undefined;
    const { path } = input('k1\n');
    expect((await runCli(['remove-customer', '--from', path, '--retries', '1'])).code).toBe(0);
    expect(jobKeys()).toEqual(['k1']);
  });

  it('reports a creation whose outcome is unknown as such, and never sends it again unless asked', async () => {
    const { path, state } = input('k1\nk2\nk3\n');
    // A reset after the request was sent, and a 500: either may come after Elevate made the job.
    gate.fault = (_request, customerKey) => customerKey == 'k1' ? 'reset' : customerKey == 'k2' ? 500 : undefined;
    let requests = 0;
    gate.onArrival = () => { requests++; };
    const first = await runCli(['remove-customer', '--from', path, '--retries', '3', '--json']);
    expect(first.code).toBe(4);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ created: 1, failed: [], unknown: [
      { line: 1, code: 'network', message: expect.stringMatching(/^POST \S+\/create-remove-customer-job failed: /) },
      { line: 2, code: 'server', message: expect.stringContaining('failed (HTTP 500): Gate: 500.') },
    ] });
    // One request each, whatever --retries says: a retry could make a second job.
    expect(requests).toBe(3);
    gate.fault = () => undefined;
    const again = await runCli(['remove-customer', '--from', path]);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain('  2 outcome unknown, a job may have been created (not retried, which could start a second; --retry-unknown does):\n    line 1: network: ');
    expect(requests).toBe(3);
    const retried = await runCli(['remove-customer', '--from', path, '--retry-unknown']);
    expect(retried.code).toBe(0);
    expect(requests).toBe(5);
    expect(Object.values(readState(state()).keys).map((record) => (record as { outcome: string }).outcome)).toEqual(['created', 'created', 'created']);
  });

  it('stops at bad credentials: every key would fail alike (exit code 3)', async () => {
    gate.fault = () => 403;
    const { path } = input(`${keys(20).join('\n')}\n`);
    const { code, stdout, stderr } = await runCli(['remove-customer', '--from', path, '--concurrency', '2', '--json']);
    expect(code).toBe(3);
    expect(stderr).toContain('(HTTP 403): Gate: 403.');
    const summary = JSON.parse(stdout);
    expect(summary.error).toMatchObject({ code: 'bad-credentials' });
    expect(summary.failed.length).toBeLessThanOrEqual(2);
    expect(summary.notStarted).toBe(20 - summary.failed.length);
  });

  it('refuses a state file of another command or target, or one it did not write', async () => {
    const { path, state } = input('k1\n');
    expect((await runCli(['remove-customer', '--from', path])).code).toBe(0);
    const other = await runCli(['export-customer', '--from', path, '--state', state()]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`elevate-tracker: the state file ${state()} belongs to remove-customer against ${gate.base}, not export-customer against ${gate.base}`);
    writeFileSync(state(), '{"keys":');
    expect((await runCli(['remove-customer', '--from', path])).stderr).toContain(`the state file ${state()} is not JSON: give another --state, or move it away to start over`);
    expect(jobKeys()).toEqual(['k1']);
  });
});

describe('Ctrl-C (SIGINT)', () => {
  const keys = Array.from({ length: 12 }, (_, index) => `c-${index + 1}`);

  it('stops starting jobs, waits for those in flight, saves the state, exits 130; the re-run creates none twice', async () => {
    gate.delayMs = 100;
    const { path, state } = input(`${keys.join('\n')}\n`);
    let arrived = 0;
    const interrupted = await runCli(['remove-customer', '--from', path, '--concurrency', '2', '--json'], (child) => {
      gate.onArrival = () => { if (++arrived == 3) child.kill('SIGINT'); };
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('Interrupted: no new job is started; waiting for those in flight, then saving the state');
    const summary = JSON.parse(interrupted.stdout);
    // The two in flight when the signal came finished and were recorded; nothing else was started.
    expect(summary).toMatchObject({ interrupted: true, created: jobKeys().length, failed: [], unknown: [] });
    expect(summary.created).toBeGreaterThanOrEqual(3);
    expect(summary.created).toBeLessThanOrEqual(4);
    expect(summary.notStarted).toBe(12 - summary.created);
    expect(Object.keys(readState(state()).keys).sort()).toEqual(jobKeys().sort());

    gate.delayMs = 0;
    const resumed = await runCli(['remove-customer', '--from', path, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ created: 12 - summary.created, skipped: summary.created, interrupted: false });
    expect(jobKeys().sort()).toEqual([...keys].sort());
    // Written as a temporary file renamed over the state: none is left behind.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a second Ctrl-C quits at once: the keys in flight are then unknown, not sent again', async () => {
    gate.delayMs = 500;
    const { path } = input(`${keys.join('\n')}\n`);
    let arrived = 0;
    const killed = await runCli(['remove-customer', '--from', path, '--concurrency', '2'], (child) => {
      gate.onArrival = () => {
        if (++arrived < 2) return;
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 50);
      };
    });
    expect(killed).toMatchObject({ code: null, signal: 'SIGINT' });
    // The two requests in flight reach the stand-in anyway, as they would reach Elevate.
    for (let waited = 0; standIn.jobs.size < 2 && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(jobKeys().sort()).toEqual(['c-1', 'c-2']);

    gate.delayMs = 0;
    const resumed = await runCli(['remove-customer', '--from', path, '--json']);
    expect(resumed.code).toBe(4);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ created: 10, unknown: [
      { line: 1, code: 'interrupted', message: 'an earlier run ended while asking for this job: it may have been created' },
      { line: 2, code: 'interrupted' },
    ] });
    expect(jobKeys().filter((key) => key == 'c-1' || key == 'c-2')).toHaveLength(2);
  });
});

describe('progress on a terminal', () => {
  it('draws a bar in place, problems above it, at most every redrawMs (unit)', () => {
    let time = 0;
    let output = '';
    const progress = createProgress({ isTerminal: true, columns: 120, write: (text) => { output += text; }, label: 'remove-customer', now: () => time });
    const counts = { done: 0, total: 4, created: 0, failed: 0, unknown: 0 };
    progress.start(counts);
    progress.item('line 1: job j1: created', false, { ...counts, done: 1, created: 1 });
    time = 150;
    progress.item('line 2: job j2: created', false, { ...counts, done: 2, created: 2 });
    time = 160;
    progress.item('line 3: job j3: created', false, { ...counts, done: 3, created: 3 }); // within 100 ms: not drawn
    progress.item('line 4: failed, no job created: server: …', true, { ...counts, done: 4, created: 3, failed: 1 });
    progress.end({ ...counts, done: 4, created: 3, failed: 1 });
    const bar = (text: string) => `\r\x1b[2K${text}`;
    // 40 wide on a wide terminal.
    const filled = (count: number) => `[${'#'.repeat(count)}${'-'.repeat(40 - count)}]`;
    expect(output).toBe([
      bar(`remove-customer ${filled(0)}   0% 0/4 · 0 created`),
      bar(`remove-customer ${filled(20)}  50% 2/4 · 2 created`),
      bar('line 4: failed, no job created: server: …\n'),
      bar(`remove-customer ${filled(40)} 100% 4/4 · 3 created · 1 failed`),
      bar(`remove-customer ${filled(40)} 100% 4/4 · 3 created · 1 failed`), '\n',
    ].join(''));
    // Never wider than the terminal: a wrapped line could not be redrawn in place.
    expect(progressLine('export-customer', { done: 5, total: 10, created: 3, failed: 1, unknown: 1 }, 40)).toHaveLength(39);
    expect(progressLine('export-customer', { done: 5, total: 10, created: 3, failed: 1, unknown: 1 }, 80))
      .toBe('export-customer [########--------]  50% 5/10 · 3 created · 1 failed · 1 unknown');
  });

  it('prints plain numbered lines when stderr is not a terminal (unit)', () => {
    let output = '';
    const progress = createProgress({ isTerminal: false, write: (text) => { output += text; }, label: 'remove-customer' });
    const counts = { done: 1, total: 2, created: 1, failed: 0, unknown: 0 };
    progress.start({ ...counts, done: 0, created: 0 });
    progress.item('line 1: job j1: created', false, counts);
    progress.item('line 2: failed', true, { ...counts, done: 2, failed: 1 });
    progress.end({ ...counts, done: 2, failed: 1 });
    expect(output).toBe('[1/2] line 1: job j1: created\n[2/2] line 2: failed\n');
  });

  const hasScript = (() => { try { execFileSync('script', ['-V'], { stdio: 'ignore' }); return true; } catch { return false; } })();

  it.skipIf(!hasScript)('draws the bar when the CLI runs under a pseudo-terminal (script -qc)', async () => {
    const { path } = input('t1\nt2\nt3\n');
    const command = [process.execPath, cli, 'remove-customer', '--from', path].map((word) => `'${word}'`).join(' ');
    const output = await new Promise<string>((resolve) => {
      execFile('script', ['-qc', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: gate.base }, timeout: 8000 },
        (_error, stdout) => resolve(stdout));
    });
    expect(output).toContain('\r\x1b[2Kremove-customer [');
    expect(output).toMatch(/\] 100% 3\/3 · 3 created\r?\n/);
    expect(output).not.toMatch(/\[\d\/3\] line/);
    expect(jobKeys().sort()).toEqual(['t1', 't2', 't3']);
  });
});
