import { readFile } from 'node:fs/promises';
import { runBulkJobs } from './bulk-jobs.js';
import type { BulkResult } from './bulk-jobs.js';
import { openBulkState } from './bulk-state.js';
import type { JobOutcome } from './bulk-state.js';
import { bulkSummary, formatBulkSummary } from './bulk-summary.js';
import type { CliIo } from './cli-io.js';
import { EventDataError } from './errors.js';
import type { EventDataClient } from './event-data.js';
import { EXIT_CODES, FAILED_EXIT_CODE, INTERRUPTED_EXIT_CODE, USAGE_EXIT_CODE } from './exit-codes.js';
import { readKeyList } from './key-list.js';
import type { KeyList } from './key-list.js';
import { createProgress } from './progress.js';
import type { ProgressCounts } from './progress.js';
import { UsageError } from './usage-error.js';

export interface BulkCommandOptions {
  command: 'remove-customer' | 'export-customer';
  /** The --from file: one key a line, or a CSV with `column`. */
  from: string;
  column?: string;
  /** Defaults to `{from}.{command}.state.json`, next to the input. */
  statePath?: string;
  concurrency: number;
  retries: number;
  retryUnknown: boolean;
  isJson: boolean;
  /** Made with `retries: 0`: the bulk run retries only what certainly did not arrive. */
  client: EventDataClient;
  io: CliIo;
}

/** The line a key's outcome gets in the progress output (its line in the input, never the key). */
function describeOutcome(line: number, outcome: JobOutcome): string {
  if (outcome.outcome == 'created') return `line ${line}: job ${outcome.jid}: ${outcome.status}`;
  const what = outcome.outcome == 'failed' ? 'failed, no job created' : 'outcome unknown, a job may have been created';
  return `line ${line}: ${what}: ${outcome.code}: ${outcome.message}`;
}

function exitCode(result: BulkResult, list: KeyList): number {
  if (result.interrupted) return INTERRUPTED_EXIT_CODE;
  if (result.fatal) return result.fatal instanceof EventDataError ? EXIT_CODES[result.fatal.code] : USAGE_EXIT_CODE;
  if (result.failed.length || result.unknown.length) return FAILED_EXIT_CODE;
  return list.refused.length ? USAGE_EXIT_CODE : 0;
}

async function readList(from: string, column: string | undefined): Promise<KeyList> {
  let text: string;
  try {
    text = await readFile(from, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --from ${from}: ${(error as Error).message}`);
  }
  const list = readKeyList(text, column);
  if (!list.entries.length && !list.refused.length) throw new UsageError(`--from ${from} holds no keys`);
  return list;
}

/** `remove-customer --from FILE` / `export-customer --from FILE`: a job for each key, resumable; returns the exit code. */
export async function runBulkCommand(options: BulkCommandOptions): Promise<number> {
  const { command, from, client, io } = options;
  const list = await readList(from, options.column);
  // The client prints as where it sends (never the key): a state file is for that target only.
  const target = String(JSON.parse(JSON.stringify(client)).apiBase);
  const state = await openBulkState(options.statePath ?? `${from}.${command}.state.json`, { command, target });
  const progress = createProgress({ isTerminal: io.isTerminal === true, columns: io.columns, write: io.stderr, label: command });
  const interrupt = new AbortController();
  const undo = io.onInterrupt?.(() => {
    io.stderr(`${io.isTerminal ? '\n' : ''}Interrupted: no new job is started; waiting for those in flight, then saving the state (Ctrl-C again quits at once: their outcome is then unknown)\n`);
    interrupt.abort();
  });
  let result: BulkResult;
  /** The bar's last counts, once it is drawn. */
  let shown: ProgressCounts | undefined;
  try {
    result = await runBulkJobs({
      entries: list.entries, start: (key) => command == 'remove-customer' ? client.createRemoveCustomerJob(key) : client.createExportCustomerJob(key),
      state, concurrency: options.concurrency, retries: options.retries, retryUnknown: options.retryUnknown, signal: interrupt.signal,
      onStart: (counts) => {
        io.stderr(`${command}: ${list.entries.length} keys from ${from}, ${counts.total} to start, ${options.concurrency} at a time; state in ${state.path}\n`);
        if (counts.total) progress.start(shown = counts);
      },
      onResult: (entry, outcome, counts) => progress.item(describeOutcome(entry.line, outcome), outcome.outcome != 'created', shown = counts),
    });
  } finally {
    undo?.();
  }
  if (shown) progress.end(shown);
  const summary = bulkSummary({ command, from, state: state.path }, list, result);
  if (result.fatal) io.stderr(`elevate-tracker: ${result.fatal.message}\n`);
  io.stdout(options.isJson ? `${JSON.stringify(summary)}\n` : formatBulkSummary(summary));
  return exitCode(result, list);
}
