import type { PoolStatsMetrics, PoolStatsMetricsOptions } from "../metrics/pool-stats-metrics.js";
import { CliError } from "./cli-error.js";

/**
 * The metrics layer, loaded only when metrics are asked for: prom-client is an optional
 * peer dependency, so a service without `--metrics` runs without it installed. Its
 * registry also holds prom-client's default process metrics.
 * @throws {@link CliError} when prom-client is not installed
 * @internal
 */
export async function loadMetrics(options: PoolStatsMetricsOptions): Promise<PoolStatsMetrics> {
  let layer: typeof import("../metrics/pool-stats-metrics.js");
  try {
    layer = await import("../metrics/pool-stats-metrics.js");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new CliError("metrics need prom-client, an optional dependency: npm install prom-client", 1, {
        cause: error,
      });
    }
    throw error;
  }
  return layer.registerPoolStatsMetrics(layer.createMetricsRegistry(), options);
}
