import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

/**
 * Every Redis key of the original open-ethereum-pool layout, built from one prefix.
 *
 * This is the only place in the library that formats a key. The prefix is the pool's
 * `coin` setting (`"eth"` for existing data). For Redis Cluster give it a hash tag
 * (`"{eth}"`): every key then lands in one slot and each read stays one MULTI.
 *
 * Keys are `prefix + ":" + parts.join(":")`, exactly as the original's `formatKey`.
 */
export class PoolKeys {
  /** The prefix every key starts with, without the trailing `:`. */
  readonly prefix: string;

  constructor(prefix: string) {
    if (typeof prefix !== "string" || prefix === "") {
      throw new InvalidArgumentError("prefix", 'must be a non-empty string (the pool\'s `coin`, e.g. "eth")');
    }
    this.prefix = prefix;
  }

  /** `P:hashrate` — ZSET of every share in the hashrate window: `diff:login:worker:ms` scored by Unix seconds. */
  hashrate(): string {
    return this.key("hashrate");
  }

  /** `P:hashrate:<login>` — ZSET of one miner's shares: `diff:worker:ms` scored by Unix seconds. */
  minerHashrate(login: string): string {
    return this.key("hashrate", login);
  }

  /** `P:miners:<login>` — HASH of one miner's counters (`balance`, `paid`, `lastShare`, …). */
  miner(login: string): string {
    return this.key("miners", login);
  }

  /** `P:stats` — HASH with `roundShares` and `lastBlockFound`. */
  stats(): string {
    return this.key("stats");
  }

  /** `P:nodes` — HASH of node states, fields `<node>:<attribute>`. */
  nodes(): string {
    return this.key("nodes");
  }

  /** `P:shares:roundCurrent` — HASH login → share-difficulty sum of the current round. */
  roundCurrent(): string {
    return this.key("shares", "roundCurrent");
  }

  /** `P:shares:round<height>:<nonce>` — the round hash frozen when a block was found (no `:` after `round`). */
  round(height: bigint | number, nonce: string): string {
    return this.key("shares", `round${height}`, nonce);
  }

  /** `P:finders` — ZSET login → number of blocks found. */
  finders(): string {
    return this.key("finders");
  }

  /** `P:pow` — ZSET of submitted PoW triples, used to reject duplicate shares. */
  pow(): string {
    return this.key("pow");
  }

  /** `P:blocks:candidates` — ZSET of found blocks waiting for the unlocker, scored by height. */
  candidates(): string {
    return this.key("blocks", "candidates");
  }

  /** `P:blocks:immature` — ZSET of unlocked blocks still below the maturity depth. */
  immature(): string {
    return this.key("blocks", "immature");
  }

  /** `P:blocks:matured` — ZSET of matured (and orphaned) blocks. */
  matured(): string {
    return this.key("blocks", "matured");
  }

  /** `P:credits:immature:<height>:<hash>` — HASH login → Shannon credited while immature. */
  immatureCredits(height: bigint | number, hash: string): string {
    return this.key("credits", "immature", String(height), hash);
  }

  /** `P:credits:<height>:<hash>` — HASH login → Shannon credited at maturity. */
  credits(height: bigint | number, hash: string): string {
    return this.key("credits", String(height), hash);
  }

  /** `P:credits:all` — ZSET `hash:ts:rewardWei` scored by height. */
  creditsAll(): string {
    return this.key("credits", "all");
  }

  /** `P:finances` — HASH of pool-wide balances. */
  finances(): string {
    return this.key("finances");
  }

  /** `P:payments:pending` — ZSET `login:amount` of payouts in flight. */
  pendingPayments(): string {
    return this.key("payments", "pending");
  }

  /** `P:payments:lock` — STRING held while a payout runs. */
  paymentsLock(): string {
    return this.key("payments", "lock");
  }

  /** `P:payments:all` — ZSET `tx:login:amount` of every payment, scored by Unix seconds. */
  payments(): string {
    return this.key("payments", "all");
  }

  /** `P:payments:<login>` — ZSET `tx:amount` of one miner's payments. */
  minerPayments(login: string): string {
    return this.key("payments", login);
  }

  /** `P:blacklist` — SET of banned logins. */
  blacklist(): string {
    return this.key("blacklist");
  }

  /** `P:whitelist` — SET of trusted IPs. */
  whitelist(): string {
    return this.key("whitelist");
  }

  /**
   * `P:charts:pool` — ZSET of pool samples `<ts>:<hashrate>:<minersOnline>` scored by Unix
   * seconds (etclabscore/open-etc-pool's `formatKey("charts", "pool")`; not in the original).
   */
  poolChart(): string {
    return this.key("charts", "pool");
  }

  /**
   * `P:charts:miner:<login>` — ZSET of one miner's samples `<ts>:<hashrate>` scored by Unix
   * seconds, expiring after twice the retention (the fork's `formatKey("charts", "miner", login)`).
   */
  minerChart(login: string): string {
    return this.key("charts", "miner", login);
  }

  /**
   * `P:charts:sampler` — STRING lease naming the one API instance that writes the chart
   * samples (a random token, with a TTL); open-pool-stats's own, not the fork's.
   */
  chartSampler(): string {
    return this.key("charts", "sampler");
  }

  /**
   * A SCAN `MATCH` pattern for every `P:hashrate:<login>` key. The prefix is glob-escaped,
   * so a prefix holding `*`, `?`, `[` or `\` matches only itself.
   */
  minerHashratePattern(): string {
    return `${escapeGlob(this.minerHashrate(""))}*`;
  }

  /**
   * A SCAN `MATCH` pattern for every key of the pool (`P:*`), the prefix glob-escaped:
   * what a tool that owns the whole prefix (the demo) deletes when it is done.
   */
  allKeysPattern(): string {
    return `${escapeGlob(this.prefix)}:*`;
  }

  /**
   * The login of a `P:hashrate:<login>` key, or `undefined` for any other key.
   *
   * Found by stripping the known prefix, never by splitting on `:` (the original's
   * `split(":")[2]` fails for prefixes that contain `:`).
   */
  loginOfMinerHashrateKey(key: string): string | undefined {
    const head = this.minerHashrate("");
    return key.startsWith(head) && key.length > head.length ? key.slice(head.length) : undefined;
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(":");
  }
}

/** Escapes Redis glob metacharacters (`* ? [ ] \`) so the text matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}
