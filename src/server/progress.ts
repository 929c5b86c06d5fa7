/** How far a bulk run is: `done` of `total` keys started in this run, and what became of them. */
export interface ProgressCounts {
  done: number;
  total: number;
  created: number;
  failed: number;
  unknown: number;
}

export interface ProgressOptions {
  /** Whether the output is a terminal: a bar redrawn in place, with problems printed above it. Otherwise plain lines. */
  isTerminal: boolean;
  /** The terminal's width in columns (the bar's line never wraps); under 20 or unknown, 80. Defaults to 80. */
  columns?: number;
  write(text: string): void;
  /** What the bar is of, e.g. `remove-customer`. */
  label: string;
  /** Milliseconds between two redraws of the bar, at least. Defaults to 100. */
  redrawMs?: number;
  now?: () => number;
}

export interface Progress {
  /** Draws the bar at 0 on a terminal; nothing otherwise. */
  start(counts: ProgressCounts): void;
  /** A line of its own: on a terminal above the bar, and only when `isProblem`; otherwise always, numbered. */
  item(text: string, isProblem: boolean, counts: ProgressCounts): void;
  /** Ends the bar: drawn a last time and left on its line, so that what follows starts on the next. */
  end(counts: ProgressCounts): void;
}

const CLEAR_LINE = '\r\x1b[2K';

/** The bar's line: `label [#####-----] 50% 5/10 · 4 created · 1 failed`, cut to `columns - 1` characters. */
export function progressLine(label: string, { done, total, created, failed, unknown }: ProgressCounts, columns: number): string {
  const share = total ? done / total : 1;
  const counts = [`${done}/${total}`, `${created} created`, ...(failed ? [`${failed} failed`] : []), ...(unknown ? [`${unknown} unknown`] : [])].join(' · ');
  const text = ` ${String(Math.floor(share * 100)).padStart(3)}% ${counts}`;
  const width = Math.max(10, Math.min(40, columns - label.length - text.length - 4));
  const filled = Math.round(share * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`.slice(0, Math.max(1, columns - 1));
}

/**
 * The progress of a bulk run on stderr: a bar on a terminal, redrawn at most every `redrawMs` as keys complete (no
 * timer: nothing runs between two completions), or one plain line a key (`[3/10] line 4: …`) for logs and pipes.
 */
export function createProgress({ isTerminal, columns: given, write, label, redrawMs = 100, now = Date.now }: ProgressOptions): Progress {
  // A terminal that reports no size (0, as under `script`) gets the usual 80.
  const columns = typeof given == 'number' && given >= 20 ? given : 80;
  let drawnAt = -Infinity;
  let isDrawn = false;
  const draw = (counts: ProgressCounts) => {
    write(`${CLEAR_LINE}${progressLine(label, counts, columns)}`);
    drawnAt = now();
    isDrawn = true;
  };
  return {
    start(counts) {
      if (isTerminal) draw(counts);
    },
    item(text, isProblem, counts) {
      if (!isTerminal) return write(`[${counts.done}/${counts.total}] ${text}\n`);
      if (isProblem) write(`${isDrawn ? CLEAR_LINE : ''}${text}\n`);
      if (isProblem || counts.done == counts.total || now() - drawnAt >= redrawMs) draw(counts);
    },
    end(counts) {
      if (!isTerminal) return;
      draw(counts);
      write('\n');
      isDrawn = false;
    },
  };
}
