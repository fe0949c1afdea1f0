/** A service's log: one line per event, each with an ISO timestamp. @internal */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * Lines like `2024-05-01T12:00:00.000Z Stats collection finished 12ms` on `out`
 * (errors too: one stream keeps their order for a reader or journald). Newlines inside a
 * message are flattened, so one event is one line.
 * @internal
 */
export function createLogger(out: NodeJS.WritableStream, clock: () => number = Date.now): Logger {
  const write = (level: string, message: string): void => {
    out.write(`${new Date(clock()).toISOString()} ${level}${message.replace(/\s*\n\s*/g, " ")}\n`);
  };
  return {
    info: (message) => write("", message),
    error: (message) => write("ERROR ", message),
  };
}

/** The message of an error, one line. @internal */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
