import { buildPoolStatsMetrics, type PoolStatsMetrics, type PoolStatsMetricsOptions } from "./metric-set.js";

/**
 * The metrics of a service on a registry of their own with prom-client's default process
 * metrics, prom-client loaded only now: a program that imports this file (the CLI) runs
 * without prom-client installed until metrics are asked for. Rejects with Node's
 * `ERR_MODULE_NOT_FOUND` when prom-client is not installed.
 * @internal
 */
export async function loadServiceMetrics(options: PoolStatsMetricsOptions): Promise<PoolStatsMetrics> {
  const prom = await import("prom-client");
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  return buildPoolStatsMetrics(prom, registry, options);
}
