import { parseArgs } from 'node:util';
import { MAX_TIMER_MS } from './admin-options.js';
import { createEventDataClient } from './event-data.js';
import type { EventDataApiVersion, EventDataClient, EventDataJob } from './event-data.js';
import { EventDataError } from './errors.js';
import type { EventDataErrorCode } from './errors.js';
import { ownOptions } from './own-options.js';

/** Replaced by build.mjs (esbuild `define`). */
declare const __VERSION__: string | undefined;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const HELP = `Usage: elevate-tracker <command> <argument> [options]

Starts and follows Voyado Elevate event-data jobs: GDPR removal or export of one visitor's data.

Commands:
  remove-customer <customerKey>  Start a job removing all data Elevate holds about the visitor.
  export-customer <customerKey>  Start a job exporting all data Elevate holds about the visitor.
  job-status <jid>               Print the status of a job.

Options:
  --cluster-id <id>        Elevate cluster ID, e.g. w00000000. Defaults to $ELEVATE_CLUSTER_ID.
  --api-base <url>         Base URL instead of the cluster's: https, or http on localhost. Defaults to $ELEVATE_API_BASE.
                           Give exactly one of --cluster-id and --api-base (flags win over the environment).
  --api-version <version>  admin/v4, admin/v3 or v2. Defaults to admin/v4, the current one. admin/v3 is supported
                           until 2026-12-31, v2 reached its end of life on 2024-04-30 (both with a warning).
  --wait                   Wait until the job is done; status changes are printed on stderr. Elevate runs jobs
                           from the day after they were created: on a real cluster, run job-status <jid> later.
  --wait-timeout <s>       Seconds --wait waits before giving up, at most 2147483 (24.8 days). Defaults to 600.
  --poll-interval <ms>     First delay between status polls; it doubles up to 15 s. Defaults to 1000.
  --retries <n>            Retries of a 5xx answer, network error or timeout. Defaults to 3.
  --json                   Print the job as JSON on stdout: {"jid":"…","status":"…"}; a failure as {"error":{…}}.
  -h, --help               Print this help.
  --version                Print the version.

Environment:
  ELEVATE_API_KEY     Required: the Api-Key supplied during on-boarding. There is deliberately no flag for it,
                      so it stays out of shell history and process lists.
  ELEVATE_CLUSTER_ID  Cluster ID, when neither --cluster-id nor --api-base is given.
  ELEVATE_API_BASE    Base URL, when neither --cluster-id nor --api-base is given.

Exit codes:
  0  Success (job-status: the job exists and has not failed).
  2  Bad usage, input or configuration, or HTTP 400 (invalid or missing arguments).
  3  Bad credentials: HTTP 403 (incorrect cluster credentials).
  4  Server or network failure (after the retries), or a timeout.
  5  The job ended in error, or Elevate does not know it (not_found).

Example:
  ELEVATE_API_KEY=… elevate-tracker remove-customer e3921377-18a2-47c9-a449-06b894898623 --cluster-id w00000000
`;

const COMMANDS = {
  'remove-customer': { label: 'Remove job', start: (client: EventDataClient, key: string) => client.createRemoveCustomerJob(key) },
  'export-customer': { label: 'Export job', start: (client: EventDataClient, key: string) => client.createExportCustomerJob(key) },
  'job-status': { label: 'Job', start: (client: EventDataClient, jid: string) => client.getJobStatus(jid) },
};

const EXIT_CODES: Record<EventDataErrorCode, number> = {
  'invalid-arguments': 2, config: 2, 'bad-credentials': 3, server: 4, network: 4, timeout: 4, 'invalid-response': 4, 'job-failed': 5,
};

/** A usage mistake: exit code 2, with a pointer to --help. */
class UsageError extends Error {}

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
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\.$/, ''));
  }
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
    if (argument === undefined || extra.length) throw new UsageError(`${name} takes exactly one argument`);
    const isFlagged = values['cluster-id'] !== undefined || values['api-base'] !== undefined;
    const clusterId = isFlagged ? values['cluster-id'] : env.ELEVATE_CLUSTER_ID || undefined;
    const apiBase = isFlagged ? values['api-base'] : env.ELEVATE_API_BASE || undefined;
    if (clusterId === undefined && apiBase === undefined) throw new UsageError('give --cluster-id or --api-base (or set ELEVATE_CLUSTER_ID or ELEVATE_API_BASE)');
    const client = createEventDataClient({
      clusterId,
      apiBase,
      apiVersion: values['api-version'] as EventDataApiVersion | undefined,
      apiKey: env.ELEVATE_API_KEY ?? '',
      retries: readNumber('--retries', values.retries, 3, (n) => Number.isInteger(n) && n >= 0),
    });
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
