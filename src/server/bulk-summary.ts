import type { BulkResult, KeyReport } from './bulk-jobs.js';
import type { KeyList, RefusedLine } from './key-list.js';

/** What a bulk run did, as `--json` prints it. Keys are never in it (they identify people): lines of the input are. */
export interface BulkSummary {
  command: string;
  from: string;
  column?: KeyList['column'];
  state: string;
  /** Distinct valid keys in the input. */
  keys: number;
  created: number;
  skipped: number;
  invalid: RefusedLine[];
  duplicates: number[];
  failed: KeyReport[];
  unknown: KeyReport[];
  notStarted: number;
  interrupted: boolean;
  /** What stopped the run early. */
  error?: { code: string; message: string };
}

/** At most this many lines are listed in the text summary; --json lists all. */
const SHOWN = 10;

/** Reports in the input's order, not in the order the answers came. */
const byLine = (reports: KeyReport[]) => [...reports].sort((a, b) => a.line - b.line);

export function bulkSummary(run: { command: string; from: string; state: string }, list: KeyList, result: BulkResult): BulkSummary {
  const { fatal } = result;
  return {
    ...run, ...(list.column ? { column: list.column } : {}), keys: list.entries.length,
    created: result.created, skipped: result.skipped, invalid: list.refused, duplicates: list.duplicates,
    failed: byLine(result.failed), unknown: byLine(result.unknown), notStarted: result.notStarted, interrupted: result.interrupted,
    ...(fatal ? { error: { code: (fatal as { code?: string }).code ?? 'usage', message: fatal.message } } : {}),
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count == 1 ? '' : 's'}`;

/** `line 4, 9` or `lines 4, 9, … and 3 more`. */
function lines(numbers: number[]): string {
  const more = numbers.length > SHOWN ? `, … and ${numbers.length - SHOWN} more (--json lists all)` : '';
  return `line${numbers.length == 1 ? '' : 's'} ${numbers.slice(0, SHOWN).join(', ')}${more}`;
}

/** One indented line a report, the first SHOWN of them. */
const reports = (list: KeyReport[]) => list.slice(0, SHOWN).map(({ line, code, message }) => `\n    line ${line}: ${code}: ${message}`).join('')
  + (list.length > SHOWN ? `\n    … and ${list.length - SHOWN} more (--json lists all)` : '');

/** The summary for people, on stdout. */
export function formatBulkSummary(summary: BulkSummary): string {
  const { column, invalid, duplicates, failed, unknown, notStarted } = summary;
  const source = column ? `${summary.from}, column ${JSON.stringify(column.header)} (${column.number})` : summary.from;
  const out = [`${summary.command} from ${source}: ${plural(summary.keys, 'key')}`, `  ${summary.created} created`];
  if (summary.skipped) out.push(`  ${summary.skipped} skipped: already given a job by an earlier run`);
  if (invalid.length) {
    const reasons = [...new Set(invalid.map(({ reason }) => reason))].join(', ');
    out.push(`  ${invalid.length} refused as invalid (${reasons}): ${lines(invalid.map(({ line }) => line))}`,
      '    No such key reached Elevate: pass the customerKey the tracker used instead (the one forget() returned, or its cookie).');
  }
  if (duplicates.length) out.push(`  ${plural(duplicates.length, 'duplicate line')} left out: ${lines(duplicates)}`);
  if (failed.length) out.push(`  ${failed.length} failed, no job created (run the same command again to retry):${reports(failed)}`);
  if (unknown.length) {
    out.push(`  ${unknown.length} outcome unknown, a job may have been created (not retried, which could start a second; --retry-unknown does):${reports(unknown)}`);
  }
  if (notStarted) out.push(`  ${notStarted} not started${summary.interrupted ? ' (interrupted)' : ''}: run the same command again to go on`);
  out.push(`State: ${summary.state}`);
  return `${out.join('\n')}\n`;
}
