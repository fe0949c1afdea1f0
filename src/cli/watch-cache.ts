import type { StatsCache } from "../cache/stats-cache.js";
import { formatDuration } from "../go/duration.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import type { FailureLog } from "./failure-log.js";
import type { Logger } from "./logger.js";
import type { RedisLink } from "./redis-link.js";

/** What {@link watchCache} logs to. @internal */
export interface CacheWatch {
  readonly log: Logger;
  readonly failures: FailureLog;
  readonly link: RedisLink;
  /** Log the first collection (and the first after a failure) at info; the rest are debug. */
  readonly logCollections: boolean;
}

/**
 * The original's log lines for the loops, with what the snapshot adds: each collection at
 * debug (the first, and the first after a failure, at info: a line every 5 s says nothing
 * new), each purge at info, failures with their Redis code, collapsed while they repeat.
 * @internal
 */
export function watchCache(cache: StatsCache, watch: CacheWatch): void {
  const { log, failures, link } = watch;
  cache.on("collected", (snapshot) => {
    const recovered = failures.recovered("collect", "Stats collection works again");
    failures.recovered("nodes", "Node stats read again");
    failures.recovered("account", "Account reads work again");
    const text = `Stats collection finished ${formatDuration(snapshot.durationMs)}${details(snapshot)}`;
    const fields = { version: snapshot.version, miners: snapshot.stats.minersTotal, durationMs: snapshot.durationMs };
    if (watch.logCollections && (snapshot.version === 1 || recovered)) log.info(text, fields);
    else log.debug(text, fields);
  });
  cache.on("purged", ({ result, durationMs }) => {
    failures.recovered("purge", "Purge works again");
    log.info(
      `Purged stale stats from backend, ${result.removed} shares affected, elapsed time ${formatDuration(durationMs)}`,
      { removed: result.removed, durationMs },
    );
  });
  let leading = false;
  cache.on("sampled", ({ outcome, leader, acquired, at, miners }) => {
    failures.recovered("charts", "Chart sampling works again");
    if (acquired) log.info("Chart sampler lease acquired: this instance samples the charts");
    else if (!leader && leading) log.info("Chart sampler lease lost: another instance samples the charts");
    leading = leader;
    if (outcome === "sampled") log.debug(`Charts sampled at ${at}: the pool and ${miners} miners`, { at, miners });
  });
  cache.on("error", ({ operation, error, login }) => {
    const failure = link.explain(error);
    if (operation === "collect") failures.failed("collect", "Failed to fetch stats from backend", failure);
    else if (operation === "purge") failures.failed("purge", "Failed to purge stale data from backend", failure);
    else if (operation === "charts") failures.failed("charts", "Failed to read or sample the charts", failure);
    else failures.failed("account", `Failed to refresh account ${login ?? "?"}`, failure);
  });
}

function details(snapshot: StatsSnapshot): string {
  const { stats } = snapshot;
  const skipped = Object.entries({ ...stats.malformed, ...snapshot.luck?.malformed });
  const malformed =
    skipped.length === 0 ? "" : `; skipped malformed: ${skipped.map(([k, n]) => `${k}=${n}`).join(", ")}`;
  return ` (version ${snapshot.version}, ${stats.minersTotal} miners, ${stats.hashrate} H/s${malformed})`;
}
