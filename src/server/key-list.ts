import { csvRecords } from './csv-records.js';
import type { CsvRecord } from './csv-records.js';
import { customerKeyProblem } from './customer-key-problem.js';
import type { CustomerKeyProblem } from './customer-key-problem.js';
import { UsageError } from './usage-error.js';

/** A key to start a job for, and the line of the input it is on (1-based). */
export interface KeyEntry {
  key: string;
  line: number;
}

/** A line whose key the tracker would refuse (never quoted: it may be an e-mail address). */
export interface RefusedLine {
  line: number;
  reason: CustomerKeyProblem['reason'];
}

export interface KeyList {
  /** Each distinct valid key once, at its first line, in the input's order. */
  entries: KeyEntry[];
  refused: RefusedLine[];
  /** Lines repeating the key of an earlier line: left out. */
  duplicates: number[];
  /** The column read, when the input is a CSV: its header and 1-based number. */
  column?: { header: string; number: number };
}

const MAX_HEADER_SHOWN = 60;

const shown = (header: string) => JSON.stringify(header.length > MAX_HEADER_SHOWN ? `${header.slice(0, MAX_HEADER_SHOWN)}…` : header);

/** The 0-based index of `column` (a header, or a 1-based number) in the header record. */
function findColumn(header: string[], column: string): number {
  const names = header.map((name) => name.trim());
  if (!column.trim()) throw new UsageError('--column "" is not valid: give a header or a number from 1');
  if (/^\d+$/.test(column.trim())) {
    const number = Number(column);
    if (number < 1 || number > names.length) throw new UsageError(`--column ${column}: the header has ${names.length} column${names.length == 1 ? '' : 's'} (numbers start at 1)`);
    return number - 1;
  }
  const wanted = column.trim();
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const folded = names.flatMap((name, index) => name.toLowerCase() == wanted.toLowerCase() ? [index] : []);
  if (folded.length == 1) return folded[0];
  throw new UsageError(`--column ${JSON.stringify(column)}: no such column in the header (${names.map(shown).join(', ')}); give a header or a number from 1`);
}

/** The value of each record: the whole line, or one column of a CSV whose first record is its header. */
function values(text: string, column: string | undefined): { rows: { value: string; line: number }[]; column?: KeyList['column'] } {
  if (column === undefined) {
    const rows = text.split(/\r\n|\n|\r/).map((value, index) => ({ value: value.trim(), line: index + 1 })).filter(({ value }) => value);
    return { rows };
  }
  const [header, ...records]: CsvRecord[] = csvRecords(text);
  if (!header) return { rows: [] };
  const index = findColumn(header.fields, column);
  return {
    rows: records.map(({ fields, line }) => ({ value: (fields[index] ?? '').trim(), line })),
    column: { header: header.fields[index].trim(), number: index + 1 },
  };
}

/**
 * The keys of a `--from` file: one a line (blank lines left out), or with `column` one column of a CSV with a header
 * row (quoted fields, CRLF). A byte order mark is dropped, surrounding spaces are trimmed, a repeated key is kept once,
 * and keys the tracker would refuse (an e-mail address…) are reported by line. Throws a UsageError for a bad column.
 */
export function readKeyList(text: string, column?: string): KeyList {
  const { rows, column: found } = values(text.replace(/^\uFEFF/, ''), column);
  const list: KeyList = { entries: [], refused: [], duplicates: [], ...(found ? { column: found } : {}) };
  const seen = new Set<string>();
  for (const { value, line } of rows) {
    const problem = customerKeyProblem(value);
    if (problem) list.refused.push({ line, reason: problem.reason });
    else if (seen.has(value)) list.duplicates.push(line);
    else {
      seen.add(value);
      list.entries.push({ key: value, line });
    }
  }
  return list;
}
