import { parseArgs } from 'node:util';
import { MAX_TIMER_MS } from './admin-options.js';
import type { CliIo } from './cli-io.js';
import { createEventDataClient } from './event-data.js';
import type { EventDataApiVersion, EventDataClient, EventDataClientOptions, EventDataJob } from './event-data.js';
import { EventDataError } from './errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { ownOptions } from './own-options.js';
import { runBulkCommand } from './run-bulk-command.js';
import { UsageError } from './usage-error.js';

export type { CliIo } from './cli-io.js';

/** Replaced by build.mjs (esbuild `define`). */
declare const __VERSION__: string | undefined;

const HELP = `Usage: elevate-tracker <command> <argument> [options]
       elevate-tracker remove-customer|export-customer --from <file> [--column <name|n>] [options]

Starts and follows Voyado Elevate event-data jobs: GDPR removal or export of one visitor's data, or of many.

Commands:
  remove-customer <customerKey>  Start a job removing all data Elevate holds about the visitor.
  export-customer <customerKey>  Start a job exporting all data Elevate holds about the visitor.
  job-status <jid>               Print the status of a job.

  A customerKey is the key the tracker used: the one forget() returned, the key the site gave setCustomerKey, or the
  visitor's customerKey cookie. Keys the tracker refuses (an e-mail address, anything but 1-256 URL-safe characters)
  never reached Elevate and are refused here too (exit code 2), before any request.

Options:
  --cluster-id <id>        Elevate cluster ID, e.g. w00000000. Defaults to $ELEVATE_CLUSTER_ID.
  --api-base <url>         Base URL instead of the cluster's: https, or http on localhost. Defaults to $ELEVATE_API_BASE.
                           Give exactly one of --cluster-id and --api-base (flags win over the environment).
  --api-version <version>  admin/v4, admin/v3 or v2. Defaults to $ELEVATE_API_VERSION, then admin/v4, the current one.
                           admin/v3 is supported until 2026-12-31, v2 reached its end of life on 2024-04-30 (both with a
                           warning).
  --wait                   Wait until the job is done; status changes are printed on stderr. Elevate runs jobs
                           from the day after they were created: on a real cluster, run job-status <jid> later.
  --wait-timeout <s>       Seconds --wait waits before giving up, at most 2147483 (24.8 days). Defaults to 600.
  --poll-interval <ms>     First delay between status polls; it doubles up to 15 s. Defaults to 1000.
  --retries <n>            Retries of a 5xx answer, network error or timeout. Defaults to 3. With --from, a job is
                           retried only when it certainly did not arrive (refused connection, HTTP 429 or 503).
  --json                   Print the job as JSON on stdout: {"jid":"…","status":"…"}; a failure as {"error":{…}}.
                           With --from, the summary: {"created":…,"skipped":…,"invalid":[{"line":…}],"failed":[…],…}.
  -h, --help               Print this help.
  --version                Print the version.

Many keys (remove-customer and export-customer):
  --from <file>            Start a job for each key of the file: one key a line (blank lines, surrounding spaces, a
                           byte order mark and repeated keys are left out), or with --column a CSV file.
  --column <name|n>        The CSV column holding the keys, by its header or 1-based number. The first row is the
                           header; fields may be quoted ("a ""b"", c"), lines end in LF or CRLF.
  --concurrency <n>        Jobs asked for at once, 1 to 16. Defaults to 4.
  --state <file>           Where each key's outcome and jid is recorded as it completes (written atomically).
                           Defaults to <file>.<command>.state.json next to the input. Running the same command again
                           skips the keys already given a job and retries the failed ones.
  --retry-unknown          Also retry keys whose outcome is unknown (a timeout or a dropped connection after sending,
                           or a run killed mid-request): they may already have a job, and get a second one.
  Progress goes to stderr: a bar on a terminal, one line a key otherwise. Ctrl-C stops starting jobs, waits for those
  in flight, saves the state and exits with 130; a second Ctrl-C quits at once. A summary ends the run on stdout.

Environment:
  ELEVATE_API_KEY      Required: the Api-Key supplied during on-boarding. There is deliberately no flag for it,
                       so it stays out of shell history and process lists.
  ELEVATE_CLUSTER_ID   Cluster ID, when neither --cluster-id nor --api-base is given.
  ELEVATE_API_BASE     Base URL, when neither --cluster-id nor --api-base is given.
  ELEVATE_API_VERSION  API version, when --api-version is not given.

Exit codes:
  0  Success (job-status: the job exists and has not failed; --from: every key has a job).
  2  Bad usage, input or configuration, or HTTP 400 (invalid or missing arguments); --from: keys refused as invalid.
  3  Bad credentials: HTTP 403 (incorrect cluster credentials).
  4  Server or network failure (after the retries), or a timeout; --from: keys that failed or whose outcome is unknown.
  5  The job ended in error, or Elevate does not know it (not_found).
  130  --from: interrupted (Ctrl-C); the state is saved, run the same command again to go on.

Examples:
  ELEVATE_API_KEY=… elevate-tracker remove-customer e3921377-18a2-47c9-a449-06b894898623 --cluster-id w00000000
  ELEVATE_API_KEY=… elevate-tracker remove-customer --from requests.csv --column customerKey --cluster-id w00000000
`;

const COMMANDS = {
  'remove-customer': { label: 'Remove job', start: (client: EventDataClient, key: string) => client.createRemoveCustomerJob(key) },
  'export-customer': { label: 'Export job', start: (client: EventDataClient, key: string) => client.createExportCustomerJob(key) },
  'job-status': { label: 'Job', start: (client: EventDataClient, jid: string) => client.getJobStatus(jid) },
};

/** Jobs a bulk run asks for at once, at most: enough to go fast, few enough not to hammer the cluster. */
const MAX_CONCURRENCY = 16;

type Values = ReturnType<typeof parse>['values'];
type Env = Partial<Record<string, string>>;

function readNumber(flag: string, value: string | undefined, fallback: number, isValid: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === '' || !isValid(number)) throw new UsageError(`${flag} ${JSON.stringify(value)} is not valid`);
  return number;
}

/** A positive duration flag in units of `unitMs`, refused (not clamped) when one timer cannot wait that long. */
function readDuration(flag: string, value: string | undefined, fallback: number, unitMs: number, unit: string): number {
  const number = readNumber(flag, value, fallback, (n) => n > 0);
  const max = Math.floor(MAX_TIMER_MS / unitMs);
  if (number > max) throw new UsageError(`${flag} ${JSON.stringify(value)} is too long: at most ${max} ${unit} (24.8 days)`);
  return number * unitMs;
}

function parse(argv: string[]) {
  // Checked before parsing, so the value is never echoed, not even in parseArgs' "unknown option" message.
  if (argv.some((arg) => /^--?api[-_]?key(=|$)/i.test(arg))) {
    throw new UsageError('--api-key is not accepted: arguments end up in shell history and process lists. Set the ELEVATE_API_KEY environment variable instead');
  }
  try {
    return parseArgs({
      args: argv, allowPositionals: true, strict: true, options: {
        'cluster-id': { type: 'string' }, 'api-base': { type: 'string' }, 'api-version': { type: 'string' },
        wait: { type: 'boolean' }, 'wait-timeout': { type: 'string' }, 'poll-interval': { type: 'string' },
        retries: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' },
        from: { type: 'string' }, column: { type: 'string' }, concurrency: { type: 'string' }, state: { type: 'string' },
        'retry-unknown': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\.$/, ''));
  }
}

/** The client's options from the flags, then the environment's own variables (a flag wins). */
function clientOptions(values: Values, env: Env, retries: number): EventDataClientOptions {
  const isFlagged = values['cluster-id'] !== undefined || values['api-base'] !== undefined;
  const clusterId = isFlagged ? values['cluster-id'] : env.ELEVATE_CLUSTER_ID || undefined;
  const apiBase = isFlagged ? values['api-base'] : env.ELEVATE_API_BASE || undefined;
  if (clusterId === undefined && apiBase === undefined) throw new UsageError('give --cluster-id or --api-base (or set ELEVATE_CLUSTER_ID or ELEVATE_API_BASE)');
  const apiVersion = (values['api-version'] ?? (env.ELEVATE_API_VERSION || undefined)) as EventDataApiVersion | undefined;
  return { clusterId, apiBase, apiVersion, apiKey: env.ELEVATE_API_KEY ?? '', retries };
}

/** The client, checked as createEventDataClient checks it; an apiVersion from the environment is named as such. */
function createClient(values: Values, env: Env, retries: number): EventDataClient {
  try {
    return createEventDataClient(clientOptions(values, env, retries));
  } catch (error) {
    if (!(error instanceof EventDataError && error.message.startsWith('Invalid option apiVersion') && values['api-version'] === undefined)) throw error;
    throw new EventDataError('config', `ELEVATE_API_VERSION: ${error.message}`);
  }
}

/** The bulk flags only make sense with --from, and --from only with a create command and no key argument. */
function checkBulkFlags(name: string, values: Values, argument: string | undefined): void {
  const flags = (['column', 'concurrency', 'state', 'retry-unknown'] as const).filter((flag) => values[flag] !== undefined).map((flag) => `--${flag}`);
  if (values.from === undefined) {
    if (flags.length) throw new UsageError(`${flags[0]} goes with --from <file>`);
    return;
  }
  if (name == 'job-status') throw new UsageError('--from goes with remove-customer and export-customer');
  if (argument !== undefined) throw new UsageError(`${name} takes a customerKey or --from <file>, not both`);
  if (values.wait) throw new UsageError('--wait follows one job: run job-status <jid> for the jids of a --from run (its state file lists them)');
}

/** One job: started, followed with --wait, printed. */
async function runOne(command: (typeof COMMANDS)[keyof typeof COMMANDS], argument: string, values: Values, env: Env, io: CliIo, isJson: boolean): Promise<number> {
  const client = createClient(values, env, readNumber('--retries', values.retries, 3, (n) => Number.isInteger(n) && n >= 0));
  const waitOptions = {
    timeoutMs: readDuration('--wait-timeout', values['wait-timeout'], 600, 1000, 'seconds'),
    intervalMs: readDuration('--poll-interval', values['poll-interval'], 1000, 1, 'ms'),
  };
  let job: EventDataJob = await command.start(client, argument);
  if (values.wait) {
    let shown = job.status;
    io.stderr(`${command.label} ${job.jid}: ${job.status}\n`);
    job = await client.waitForJob(job.jid, { ...waitOptions, onProgress: ({ jid, status }) => {
      if (status !== shown) io.stderr(`${command.label} ${jid}: ${status}\n`);
      shown = status;
    } });
  }
  io.stdout(isJson ? `${JSON.stringify({ jid: job.jid, status: job.status })}\n` : `${command.label} ${job.jid}: ${job.status}\n`);
  // job-status without --wait: a failed or unknown job is still a failure for scripts.
  return job.status == 'error' || job.status == 'not_found' ? 5 : 0;
}

/** `--from`: a job for each key of a file. The client makes no retries of its own: the bulk run retries what cannot have arrived. */
function runMany(name: 'remove-customer' | 'export-customer', from: string, values: Values, env: Env, io: CliIo, isJson: boolean): Promise<number> {
  const retries = readNumber('--retries', values.retries, 3, (n) => Number.isInteger(n) && n >= 0);
  const concurrency = readNumber('--concurrency', values.concurrency, 4, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENCY);
  if (values.state === '') throw new UsageError('--state "" is not valid: give a file');
  return runBulkCommand({
    command: name, from, column: values.column, statePath: values.state, concurrency, retries, retryUnknown: values['retry-unknown'] === true,
    isJson, client: createClient(values, env, 0), io,
  });
}

/** The whole CLI: parses `argv`, runs one command, returns the exit code. Never throws. */
export async function runCli(argv: string[], givenEnv: Record<string, string | undefined>, io: CliIo): Promise<number> {
  // Own variables only: an ELEVATE_API_BASE planted on Object.prototype (which process.env inherits) would receive the key.
  const env = ownOptions(givenEnv);
  let isJson = argv.includes('--json');
  try {
    const { values, positionals } = parse(argv);
    isJson = values.json === true;
    if (values.help || values.version) {
      io.stdout(values.help ? HELP : `${typeof __VERSION__ == 'string' ? __VERSION__ : 'dev'}\n`);
      return 0;
    }
    const [name, argument, ...extra] = positionals;
    const command = Object.hasOwn(COMMANDS, name ?? '') ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
    if (!command) throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : 'a command is required');
    checkBulkFlags(name, values, argument);
    if (values.from !== undefined) {
      if (extra.length) throw new UsageError(`${name} --from <file> takes no argument`);
      return await runMany(name as 'remove-customer' | 'export-customer', values.from, values, env, io, isJson);
    }
    if (argument === undefined || extra.length) throw new UsageError(`${name} takes exactly one argument`);
    return await runOne(command, argument, values, env, io, isJson);
  } catch (error) {
    const isUsage = error instanceof UsageError;
    const code = error instanceof EventDataError ? EXIT_CODES[error.code] : isUsage ? 2 : 1;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`elevate-tracker: ${message}${code == 2 ? '\nRun elevate-tracker --help for usage.' : ''}\n`);
    if (isJson) {
      const details = error instanceof EventDataError ? { code: error.code, status: error.status } : { code: isUsage ? 'usage' : 'internal' };
      io.stdout(`${JSON.stringify({ error: { ...details, message } })}\n`);
    }
    return code;
  }
}
