import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Vitest's workers run without --expose-gc; the flag can still be turned on at run time
// and `gc` taken from a fresh context, where V8 then installs it.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** `heapUsed` after full garbage collections: what the process really keeps. */
export async function heapAfterGc(): Promise<number> {
  // Let pending callbacks drop their references (closed sockets, settled promises) first.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
