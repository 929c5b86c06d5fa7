// The `elevate-tracker` CLI, built with esbuild and run as a child process against the stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventDataStandIn } from '../../demo/event-data-standin.mjs';
import { closedPort } from '../support/ports.ts';
import { runCli as runCliInProcess } from '../../src/server/run-cli.ts';
import { withPollutedPrototype } from '../support/polluted-prototype.ts';

const KEY = 'pk-SECRET-cli-0815';
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const standIn = createEventDataStandIn({ apiKey: KEY, stepMs: 30, everyStatus: true });
// A second stand-in whose jobs end in error.
const failing = createEventDataStandIn({ apiKey: KEY, stepMs: 30, steps: ['created', 'running', 'error'] });
const dir = mkdtempSync(join(tmpdir(), 'elevate-cli-'));
const cli = join(dir, 'cli.js');
let apiBase = '';
let failingBase = '';

beforeAll(async () => {
  const [base, failingBaseUrl] = await Promise.all([standIn.listen(), failing.listen(),
    build({ entryPoints: ['src/server/cli.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli,
      define: { __VERSION__: JSON.stringify(version) }, logLevel: 'warning' })]);
  apiBase = base as string;
  failingBase = failingBaseUrl as string;
});
afterAll(async () => {
  await Promise.all([standIn.close(), failing.close()]);
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => standIn.reset());

interface Outcome { code: number | null; stdout: string; stderr: string }

/** Runs the CLI with only the environment given (PATH aside), so no ELEVATE_* of the test machine leaks in. */
function runCli(args: string[], env: Record<string, string> = { ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: apiBase }): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 4000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}


const UUID = '[0-9a-f-]{36}';

describe('commands', () => {
  it('remove-customer starts a remove job', async () => {
    const { code, stdout, stderr } = await runCli(['remove-customer', 'e3921377-18a2-47c9-a449-06b894898623']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^Remove job ${UUID}: created\n$`));
    expect(standIn.requests).toEqual([{ method: 'POST', prefix: 'admin/v4', endpoint: 'create-remove-customer-job',
      query: { customerKey: 'e3921377-18a2-47c9-a449-06b894898623' }, status: 200 }]);
  });

  it('export-customer --json prints the job as JSON', async () => {
    const { code, stdout } = await runCli(['export-customer', 'c1', '--json', '--api-version', 'admin/v4']);
    expect(code).toBe(0);
    const job = JSON.parse(stdout);
    expect(job).toEqual({ jid: expect.stringMatching(new RegExp(`^${UUID}$`)), status: 'created' });
    expect(standIn.jobs.get(job.jid)).toMatchObject({ kind: 'export', customerKey: 'c1' });
    expect(standIn.requests[0]).toMatchObject({ prefix: 'admin/v4', endpoint: 'create-export-customer-job' });
  });

  it('job-status prints the status of a job', async () => {
    const { jid } = JSON.parse((await runCli(['remove-customer', 'c1', '--json'])).stdout);
    const { code, stdout } = await runCli(['job-status', jid, '--api-version', 'admin/v3']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Job ${jid}: (created|waiting|running|done)\n$`));
    expect(standIn.requests[1]).toMatchObject({ method: 'GET', prefix: 'admin/v3', endpoint: 'job-status', query: { jid } });
  });

  it('--wait shows status changes on stderr and ends when the job is done', async () => {
    const { code, stdout, stderr } = await runCli(['remove-customer', 'c1', '--wait', '--poll-interval', '10']);
    expect(code).toBe(0);
    const [jid] = [...standIn.jobs.keys()];
    expect(stdout).toBe(`Remove job ${jid}: done\n`);
    // The stand-in moves on one status at most between two answers (everyStatus): each change shows, once and in order.
    expect(stderr).toBe(['created', 'waiting', 'running', 'done'].map((status) => `Remove job ${jid}: ${status}\n`).join(''));
  });

  it('prints its version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help documents commands, options, environment and exit codes', async () => {
    const { code, stdout } = await runCli(['--help'], {});
    expect(code).toBe(0);
    for (const text of ['remove-customer <customerKey>', 'export-customer <customerKey>', 'job-status <jid>',
      '--cluster-id <id>', '--api-base <url>', '--api-version <version>', '--wait', '--json', '-h, --help', '--version',
      'ELEVATE_API_KEY', 'ELEVATE_CLUSTER_ID', 'ELEVATE_API_BASE', 'ELEVATE_API_VERSION', 'Exit codes:',
      '0  Success', '2  Bad usage', '3  Bad credentials', '4  Server or network failure', '5  The job ended in error',
      '--from <file>', '--column <name|n>', '--concurrency <n>', '--state <file>', '--retry-unknown', '130  --from: interrupted',
      'the one forget() returned']) {
      expect(stdout).toContain(text);
    }
    expect((await runCli(['-h'], {})).stdout).toBe(stdout);
  });
});

describe('exit codes', () => {
  it.each([
    [[], 'elevate-tracker: a command is required'],
    [['purge-customer', 'c1'], 'elevate-tracker: unknown command "purge-customer"'],
    [['constructor', 'c1'], 'elevate-tracker: unknown command "constructor"'],
    [['remove-customer'], 'elevate-tracker: remove-customer takes exactly one argument'],
    [['remove-customer', 'c1', '--force'], "elevate-tracker: Unknown option '--force'"],
    [['remove-customer', ''], 'elevate-tracker: customerKey must be a non-empty string'],
    [['job-status', 'j1', '--api-version', 'v9'], 'elevate-tracker: Invalid option apiVersion: "v9" is not one of v2, admin/v3, admin/v4'],
    [['job-status', 'j1', '--cluster-id', 'evil.example/x'], 'elevate-tracker: Invalid option clusterId: "evil.example/x" is not a cluster ID'],
    [['job-status', 'j1', '--retries', 'many'], 'elevate-tracker: --retries "many" is not valid'],
    [['remove-customer', 'c1', '--column', 'customerKey'], 'elevate-tracker: --column goes with --from <file>'],
    [['export-customer', 'c1', '--retry-unknown'], 'elevate-tracker: --retry-unknown goes with --from <file>'],
    [['job-status', '--from', 'jids.txt'], 'elevate-tracker: --from goes with remove-customer and export-customer'],
    [['remove-customer', 'c1', '--from', 'keys.txt'], 'elevate-tracker: remove-customer takes a customerKey or --from <file>, not both'],
    [['remove-customer', '--from', 'keys.txt', '--wait'], 'elevate-tracker: --wait follows one job: run job-status <jid> for the jids of a --from run'],
    [['remove-customer', '--from', 'keys.txt', '--concurrency', '0'], 'elevate-tracker: --concurrency "0" is not valid'],
    [['remove-customer', '--from', 'keys.txt', '--concurrency', '17'], 'elevate-tracker: --concurrency "17" is not valid'],
    [['remove-customer', '--from', 'keys.txt', '--concurrency', '2.5'], 'elevate-tracker: --concurrency "2.5" is not valid'],
    [['remove-customer', '--from', join(tmpdir(), 'elevate-cli-no-such-file.txt')], 'elevate-tracker: cannot read --from'],
  ])('2 for bad usage or input: %j', { concurrent: true }, async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Run elevate-tracker --help for usage.');
    expect(standIn.requests).toEqual([]);
  });

  it.each([
    [['remove-customer', 'c1', '--wait', '--wait-timeout', '2592000'], 'elevate-tracker: --wait-timeout "2592000" is too long: at most 2147483 seconds (24.8 days)'],
    [['remove-customer', 'c1', '--wait', '--wait-timeout', 'Infinity'], 'elevate-tracker: --wait-timeout "Infinity" is too long: at most 2147483 seconds (24.8 days)'],
    [['export-customer', 'c1', '--wait', '--poll-interval', '3000000000'], 'elevate-tracker: --poll-interval "3000000000" is too long: at most 2147483647 ms (24.8 days)'],
  ])('2 for a duration no timer can wait, before any request: %j (issue 12, item 10)', { concurrent: true }, async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(standIn.requests).toEqual([]);
  });

  it('2 when ELEVATE_API_KEY is missing, or neither cluster nor base is given', async () => {
    const noKey = await runCli(['job-status', 'j1'], { ELEVATE_API_BASE: apiBase });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('Missing API key: set the ELEVATE_API_KEY environment variable');
    const noTarget = await runCli(['job-status', 'j1', '--json'], { ELEVATE_API_KEY: KEY });
    expect(noTarget.code).toBe(2);
    expect(JSON.parse(noTarget.stdout)).toEqual({ error: { code: 'usage', message: 'give --cluster-id or --api-base (or set ELEVATE_CLUSTER_ID or ELEVATE_API_BASE)' } });
  });

  it.each([['--api-key', KEY], [`--api-key=${KEY}`], ['--apiKey', KEY]])('2 for %s: the key is taken from ELEVATE_API_KEY only', { concurrent: true }, async (...flag) => {
    const { code, stdout, stderr } = await runCli(['job-status', 'j1', ...flag], { ELEVATE_API_BASE: apiBase });
    expect(code).toBe(2);
    expect(stderr).toContain('elevate-tracker: --api-key is not accepted: arguments end up in shell history and process lists. Set the ELEVATE_API_KEY environment variable instead');
    expect(stdout + stderr).not.toContain(KEY);
    expect(standIn.requests).toEqual([]);
  });

  it('3 for a wrong key, which is never printed', async () => {
    const wrongKey = `${KEY}-wrong`;
    const { code, stdout, stderr } = await runCli(['remove-customer', 'c1', '--json'], { ELEVATE_API_KEY: wrongKey, ELEVATE_API_BASE: apiBase });
    expect(code).toBe(3);
    expect(stderr).toContain('(HTTP 403): Incorrect cluster credentials.');
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'bad-credentials', status: 403 });
    expect(stdout + stderr).not.toContain(wrongKey);
    expect(standIn.requests).toHaveLength(1);
  });

  it('4 for a server failing past the retries', async () => {
    standIn.setFail500(5);
    const { code, stderr } = await runCli(['job-status', 'j1', '--retries', '1']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/failed \(HTTP 500\).*\(after 2 attempts\)/);
    expect(standIn.requests).toHaveLength(2);
  });

  it('4 when nothing listens; flags win over the environment', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const { code, stderr } = await runCli(['job-status', 'j1', '--retries', '0', '--api-base', closed]);
    expect(code).toBe(4);
    expect(stderr).toContain('ECONNREFUSED');
    // The flag's stand-in answers (not_found), though ELEVATE_API_BASE points at the closed port.
    expect(await runCli(['job-status', 'j1', '--api-base', apiBase], { ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: closed }))
      .toEqual({ code: 5, stdout: 'Job j1: not_found\n', stderr: '' });
  });

  it('4 when --wait times out', async () => {
    const { jid } = JSON.parse((await runCli(['remove-customer', 'c1', '--json'])).stdout);
    standIn.jobs.get(jid)!.steps = ['waiting'];
    // Long enough for the first poll to answer on a loaded 2-core CI machine (0.2 s was not: "none yet").
    const { code, stderr } = await runCli(['job-status', jid, '--wait', '--wait-timeout', '2', '--poll-interval', '20']);
    expect(code).toBe(4);
    expect(stderr).toContain(`Job ${jid} was not done within 2000 ms; last status: waiting`);
  });

  it('5 for a job that is not found', async () => {
    expect(await runCli(['job-status', 'no-such-job'])).toEqual({ code: 5, stdout: 'Job no-such-job: not_found\n', stderr: '' });
  });

  it('5 for a job that ends in error while waiting', async () => {
    const { code, stdout, stderr } = await runCli(['export-customer', 'c1', '--wait', '--poll-interval', '10', '--json'],
      { ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: failingBase });
    expect(code).toBe(5);
    expect(stderr).toMatch(new RegExp(`Export job (${UUID}): created\n(.|\n)*Export job \\1: error\nelevate-tracker: Job \\1 ended in error\n$`));
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'job-failed' });
  });
});

describe('keys the tracker refuses (issue 17)', () => {
  it.each([
    ['remove-customer', 'jane.doe@example.com', 'customerKey looks like an e-mail address, which the tracker never sends as a key (setCustomerKey refuses it)'],
    ['export-customer', 'Jane Doe', 'customerKey is not a key the tracker sends (1–256 characters: letters, digits and _ . : + / = ~ -)'],
  ])('%s %j: exit code 2 before any request, saying what to pass instead', { concurrent: true }, async (command, customerKey, problem) => {
    const { code, stdout, stderr } = await runCli([command, customerKey, '--json']);
    const message = `${problem}: pass the customerKey the tracker used instead: the one forget() returned, the key your site gave setCustomerKey, or the visitor's customerKey cookie`;
    expect(code).toBe(2);
    expect(stderr).toBe(`elevate-tracker: ${message}\nRun elevate-tracker --help for usage.\n`);
    expect(JSON.parse(stdout)).toEqual({ error: { code: 'invalid-arguments', message } });
    expect(standIn.requests).toEqual([]);
  });
});

describe('ELEVATE_API_VERSION (issue 17)', () => {
  /** The usual environment (apiBase is known once the stand-in listens) with ELEVATE_API_VERSION. */
  const env = (version: string) => ({ ELEVATE_API_KEY: KEY, ELEVATE_API_BASE: apiBase, ELEVATE_API_VERSION: version });

  it('chooses the API version when --api-version is not given, with the end-of-life warning', async () => {
    const { code, stderr } = await runCli(['remove-customer', 'c1'], env('admin/v3'));
    expect(code).toBe(0);
    expect(stderr).toContain('Elevate\'s admin/v3 API is supported until 2026-12-31');
    expect(standIn.requests).toMatchObject([{ prefix: 'admin/v3', endpoint: 'create-remove-customer-job' }]);
  });

  it('loses to --api-version, and is ignored when empty', async () => {
    expect((await runCli(['job-status', 'j1', '--api-version', 'admin/v4'], env('v2'))).code).toBe(5);
    expect((await runCli(['job-status', 'j1'], env(''))).code).toBe(5);
    expect(standIn.requests.map(({ prefix }) => prefix)).toEqual(['admin/v4', 'admin/v4']);
  });

  it('is checked as the client checks apiVersion, and named in the message', async () => {
    const { code, stderr } = await runCli(['job-status', 'j1'], env('admin/v9'));
    expect(code).toBe(2);
    expect(stderr).toContain('elevate-tracker: ELEVATE_API_VERSION: Invalid option apiVersion: "admin/v9" is not one of v2, admin/v3, admin/v4. Example: "admin/v4".');
    expect(standIn.requests).toEqual([]);
  });
});

describe('a polluted Object.prototype (issue 12, item 3)', () => {
  it('supplies no environment variable: only the environment\'s own are read', async () => {
    const output = { stdout: '', stderr: '' };
    const io = { stdout: (text: string) => { output.stdout += text; }, stderr: (text: string) => { output.stderr += text; } };
    // runCli reads the environment before its first await, so the prototype is clean again before anything is sent.
    const running = withPollutedPrototype({ ELEVATE_API_BASE: apiBase }, () => runCliInProcess(['job-status', 'j1'], { ELEVATE_API_KEY: KEY }, io));
    expect(await running).toBe(2);
    expect(output.stderr).toContain('give --cluster-id or --api-base (or set ELEVATE_CLUSTER_ID or ELEVATE_API_BASE)');
    expect(standIn.requests).toEqual([]);
  });
});
