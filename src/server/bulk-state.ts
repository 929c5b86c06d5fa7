import { open, readFile, rename, rm } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * What a bulk run knows of one key. `sending` is written before the job is asked for, so a run that died with it in
 * flight (a second Ctrl-C, a crash) leaves a record saying its outcome is unknown rather than none at all.
 */
export type KeyOutcome = JobOutcome | { outcome: 'sending'; at: string };

/** How asking for a job ended: with one, certainly without one (`failed`), or perhaps with one (`unknown`). */
export type JobOutcome =
  | { outcome: 'created'; jid: string; status: string; at: string }
  | { outcome: 'failed' | 'unknown'; code: string; message: string; at: string };

/** The run a state file belongs to: its records mean nothing for another command or cluster. */
export interface StateOwner {
  command: string;
  /** Where jobs go: the cluster's or the apiBase's URL. */
  target: string;
}

export interface BulkState {
  readonly path: string;
  get(key: string): KeyOutcome | undefined;
  set(key: string, outcome: KeyOutcome): void;
  delete(key: string): void;
  /** Resolves once everything set so far is on disk: one write at a time, later changes coalesced into the next. */
  save(): Promise<void>;
}

const FORMAT = 'elevate-tracker-bulk/1';
const OUTCOMES = ['created', 'failed', 'unknown', 'sending'];

const isText = (value: unknown): value is string => typeof value == 'string';

/** A record as read back: the fields of its outcome, all strings, or undefined when it is not one this CLI wrote. */
function readOutcome(value: any): KeyOutcome | undefined {
  if (!value || typeof value != 'object' || !Object.hasOwn(value, 'outcome') || !OUTCOMES.includes(value.outcome) || !isText(value.at)) return undefined;
  const { outcome, at } = value;
  if (outcome == 'sending') return { outcome, at };
  if (outcome == 'created') return isText(value.jid) && isText(value.status) ? { outcome, jid: value.jid, status: value.status, at } : undefined;
  return isText(value.code) && isText(value.message) ? { outcome, code: value.code, message: value.message, at } : undefined;
}

/** The records of an existing state file; none when there is no file yet. Throws a UsageError for a file not of this run. */
async function load(path: string, owner: StateOwner): Promise<Map<string, KeyOutcome>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code == 'ENOENT') return new Map();
    throw new UsageError(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  const damaged = (what: string) => new UsageError(`the state file ${path} ${what}: give another --state, or move it away to start over (the keys it records as created would then get a second job)`);
  let file: any;
  try { file = JSON.parse(text); } catch { throw damaged('is not JSON'); }
  if (!file || typeof file != 'object' || file.format !== FORMAT || !file.keys || typeof file.keys != 'object') throw damaged(`is not one this CLI wrote (${FORMAT})`);
  if (file.command !== owner.command || file.target !== owner.target) {
    throw damaged(`belongs to ${String(file.command)} against ${String(file.target)}, not ${owner.command} against ${owner.target}`);
  }
  const records = new Map<string, KeyOutcome>();
  for (const [key, value] of Object.entries(file.keys)) {
    const outcome = readOutcome(value);
    if (!outcome) throw damaged(`has a record that is not valid (key number ${records.size + 1})`);
    records.set(key, outcome);
  }
  return records;
}

/** Writes `text` to a temporary file next to `path`, flushed to disk, then renames it over `path`: a reader sees the old file or the new one, never half of one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    // 0o600: the state lists customer keys, which identify people.
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new UsageError(`cannot write the state file ${path}: ${(error as Error).message}`);
  }
}

/** The state file of a bulk run at `path`: read once, then rewritten whole (atomically) on each save. */
export async function openBulkState(path: string, owner: StateOwner): Promise<BulkState> {
  const records = await load(path, owner);
  let queued: Promise<void> | undefined;
  let last: Promise<unknown> = Promise.resolve();
  const write = () => {
    queued = undefined;
    // The snapshot is taken as the write starts: what is set from now on goes into the next one. One key a line.
    const lines = [...records].map(([key, outcome]) => `${JSON.stringify(key)}:${JSON.stringify(outcome)}`);
    const head = JSON.stringify({ format: FORMAT, command: owner.command, target: owner.target }).slice(0, -1);
    return writeAtomically(path, `${head},"keys":{\n${lines.join(',\n')}\n}}\n`);
  };
  return {
    path,
    get: (key) => records.get(key),
    set: (key, outcome) => void records.set(key, outcome),
    delete: (key) => void records.delete(key),
    save() {
      if (!queued) {
        queued = last.then(write);
        last = queued.catch(() => {});
      }
      return queued;
    },
  };
}
