/** A usage or input mistake of the CLI (a flag, an argument, the --from file, the state file): exit code 2, with a pointer to --help. */
export class UsageError extends Error {}
