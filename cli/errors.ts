/**
 * Exit codes, the same for every subcommand, so scripts can tell a denied
 * token from a typo in the config and from a broken OPA.
 */
export enum ExitCode {
  Ok = 0,
  /** `verify`: the policy denied the run. */
  Denied = 1,
  /** Bad usage, bad config or a bad key file: fix the command line or the file. */
  Usage = 2,
  /** Something outside the input failed: OPA crashed, a file could not be written. */
  Failure = 3,
}

/** An error the CLI prints as one line (no stack trace) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}
