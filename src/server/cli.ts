// `elevate-tracker` command (package.json `bin` → dist/cli.js). All logic lives in run-cli.ts, where tests can reach it.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
