import type { PoolStatsMetrics, PoolStatsMetricsOptions } from "../metrics/metric-set.js";
import { loadServiceMetrics } from "../metrics/service-metrics.js";
import { CliError } from "./cli-error.js";

/**
 * The service's metrics, with prom-client loaded only when they are asked for: it is an
 * optional peer dependency, so a service without `--metrics` runs without it installed.
 * Their registry also holds prom-client's default process metrics.
 * @throws {@link CliError} when prom-client is not installed
 * @internal
 */
export async function loadMetrics(options: PoolStatsMetricsOptions): Promise<PoolStatsMetrics> {
  try {
    return await loadServiceMetrics(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new CliError("metrics need prom-client, an optional dependency: npm install prom-client", 1, {
        cause: error,
      });
    }
    throw error;
  }
}
