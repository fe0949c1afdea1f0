/** Signals closer together than this are one request to stop (see below). */
const SAME_REQUEST_MS = 1000;

/**
 * Resolves with the name of the first SIGINT or SIGTERM. The handlers are installed at
 * once (so a signal during start-up is not the default instant death). Another signal
 * more than a second later, while shutting down, exits at once with code 1, for an
 * operator who cannot wait; closer ones are the same request arriving twice (`npm run`
 * and `timeout` forward a signal the child also received from the terminal or group).
 * @internal
 */
export function shutdownSignal(onForced: (signal: string) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let receivedAt: number | undefined;
    const handler = (signal: NodeJS.Signals): void => {
      if (receivedAt !== undefined) {
        if (Date.now() - receivedAt < SAME_REQUEST_MS) return;
        onForced(signal);
        process.exit(1);
      }
      receivedAt = Date.now();
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}
