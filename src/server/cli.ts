// `elevate-tracker` command (package.json `bin` → dist/cli.js). All logic lives in run-cli.ts, where tests can reach it.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: process.stderr.isTTY === true,
  columns: process.stderr.columns,
  // Once: a second Ctrl-C finds no handler and ends the process, as it would have without one.
  onInterrupt: (handler) => {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
});
