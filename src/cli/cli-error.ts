/**
 * A failure the command line reports as one line (no stack trace) before exiting with
 * `exitCode`: 2 for a usage mistake, 1 for everything else.
 * @internal
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
