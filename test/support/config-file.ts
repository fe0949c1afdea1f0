import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A folder of its own for a test file's config files. */
export function configDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `open-pool-stats-${label}-`));
}

/**
 * Writes a pool's config.json (the original's shape: `coin`, `redis`, `api`) into `dir`
 * and returns its path. `api.listen` defaults to a free loopback port.
 */
export function writeConfig(
  dir: string,
  name: string,
  config: { coin: string; redis: Record<string, unknown>; api?: Record<string, unknown> },
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({ coin: config.coin, redis: config.redis, api: { listen: "127.0.0.1:0", ...config.api } }),
  );
  return path;
}
