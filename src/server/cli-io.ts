/** Where the CLI writes, and what it knows of its terminal; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: a bulk run then draws a progress bar there, instead of a plain line a key. Defaults to `false`. */
  isTerminal?: boolean;
  /** The terminal's width, for the bar. Defaults to 80. */
  columns?: number;
  /**
   * Makes `handler` what the next Ctrl-C (SIGINT) does instead of ending the process; returns what undoes it. A bulk
   * run uses it to stop starting jobs and save its state. Defaults to none (Ctrl-C ends the process).
   */
  onInterrupt?(handler: () => void): () => void;
}
