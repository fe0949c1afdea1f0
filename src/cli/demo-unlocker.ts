import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { toHashEntries } from "../convert/reply-shapes.js";
import { PayoutsLockedError } from "../errors/payouts-locked-error.js";
import { formatBlockMember } from "../writer/members.js";
import type { RedisPoolWriter } from "../writer/redis-pool-writer.js";
import type { BlockInput } from "../writer/writer-inputs.js";
import type { Logger } from "./logger.js";

/** A candidate the demo's pool found: what the original's unlocker reads back. @internal */
export interface DemoCandidate {
  readonly height: number;
  readonly nonce: string;
  readonly powHash: string;
  readonly mixDigest: string;
  readonly timestamp: number;
  readonly difficulty: bigint;
  readonly totalShares: bigint;
  /** Share-difficulty sums per login in the block's round. */
  readonly round: ReadonlyMap<string, bigint>;
}

interface Immature {
  readonly block: BlockInput;
  readonly immatureKey: string;
  readonly rewards: Map<string, bigint>;
  readonly unlockedAt: number;
}

const WEI_PER_SHANNON = 1_000_000_000n;
const BLOCK_REWARD_WEI = 2_000_000_000_000_000_000n; // 2 ETH
const POOL_FEE_PERCENT = 1n;
/** 0.5 ETH, the example config's payout threshold, in Shannon. */
const PAYOUT_THRESHOLD = 500_000_000n;

/** When blocks move on, in demo seconds. */
export const DEMO_UNLOCK_TIMING = Object.freeze({ immatureAfterS: 20, maturedAfterS: 40 });

/**
 * The original's unlocker and payer, simulated: candidates become immature (sometimes
 * orphaned, sometimes uncles), immature blocks mature (rarely orphaned late), balances
 * above the threshold are paid. Every write goes through {@link RedisPoolWriter}.
 * @internal
 */
export class DemoUnlocker {
  private readonly candidates: DemoCandidate[] = [];
  private readonly immature: Immature[] = [];
  private readonly balances = new Map<string, bigint>();
  private readonly counts = { found: 0, matured: 0, orphaned: 0, uncles: 0, payouts: 0 };

  constructor(
    private readonly writer: RedisPoolWriter,
    private readonly redis: Redis,
    private readonly random: () => number,
    /** Where to tell what happens; `undefined` keeps quiet (while the history is written). */
    private readonly logger: () => Logger | undefined,
  ) {}

  private get log(): Logger | undefined {
    return this.logger();
  }

  /** Records a block `writeBlock` just wrote, reading its round the way the unlocker does. */
  async found(block: Omit<DemoCandidate, "round" | "totalShares">): Promise<DemoCandidate> {
    const reply = await this.redis.hgetall(this.writer.keys.round(block.height, block.nonce));
    const round = new Map<string, bigint>();
    let totalShares = 0n;
    for (const [login, value] of toHashEntries(reply) ?? []) {
      round.set(login, BigInt(value));
      totalShares += BigInt(value);
    }
    const candidate = { ...block, round, totalShares };
    this.candidates.push(candidate);
    this.counts.found++;
    return candidate;
  }

  /** One unlocker run at `nowS`: candidates old enough become immature, immature ones mature. */
  async unlock(nowS: number): Promise<void> {
    const { immatureAfterS, maturedAfterS } = DEMO_UNLOCK_TIMING;
    while ((this.candidates[0]?.timestamp ?? Number.POSITIVE_INFINITY) <= nowS - immatureAfterS) {
      await this.toImmature(this.candidates.shift() as DemoCandidate, nowS);
    }
    while ((this.immature[0]?.unlockedAt ?? Number.POSITIVE_INFINITY) <= nowS - maturedAfterS) {
      await this.toMatured(this.immature.shift() as Immature);
    }
  }

  /** One payer run: every balance above the threshold is paid out (three per run at most). */
  async pay(): Promise<void> {
    const due = [...this.balances].filter(([, balance]) => balance >= PAYOUT_THRESHOLD).slice(0, 3);
    for (const [login, amount] of due) {
      try {
        await this.writer.lockPayouts(login, amount);
      } catch (error) {
        if (error instanceof PayoutsLockedError) return;
        throw error;
      }
      await this.writer.updateBalance(login, amount);
      await this.writer.writePayment(login, `0x${randomBytes(32).toString("hex")}`, amount);
      this.balances.set(login, 0n);
      this.counts.payouts++;
      this.log?.info(`Paid ${eth(amount * WEI_PER_SHANNON)} ETH to ${login}`);
    }
  }

  /** What happened so far, in a few words. */
  summary(): string {
    const { found, matured, orphaned, uncles, payouts } = this.counts;
    return `${found} blocks found, ${matured} matured (${uncles} uncles), ${orphaned} orphaned, ${payouts} payouts`;
  }

  private async toImmature(candidate: DemoCandidate, nowS: number): Promise<void> {
    const { round: _round, ...fields } = candidate;
    const roll = this.random();
    if (roll < 1 / 15) {
      const orphan: BlockInput = { ...fields, orphan: true };
      await this.writer.writePendingOrphans([orphan]);
      this.immature.push({
        block: orphan,
        immatureKey: formatBlockMember(orphan),
        rewards: new Map(),
        unlockedAt: nowS,
      });
      this.log?.info(`Block ${candidate.height} orphaned`);
      return;
    }
    const uncle = roll < 1 / 15 + 1 / 10;
    const fees = BigInt(Math.floor(this.random() * 1e17));
    const block: BlockInput = {
      ...fields,
      // An uncle is paid when a later block includes it: 6/8 of a reward at distance 2.
      ...(uncle ? { height: candidate.height + 2, roundHeight: candidate.height, uncleHeight: candidate.height } : {}),
      hash: `0x${randomBytes(32).toString("hex")}`,
      reward: uncle ? (BLOCK_REWARD_WEI * 6n) / 8n : BLOCK_REWARD_WEI + fees,
    };
    const rewards = split(block.reward ?? 0n, candidate);
    await this.writer.writeImmatureBlock(block, rewards);
    this.immature.push({ block, immatureKey: formatBlockMember(block), rewards, unlockedAt: nowS });
    this.log?.info(`Block ${candidate.height} immature${uncle ? " (an uncle)" : ""}, ${eth(block.reward ?? 0n)} ETH`);
  }

  private async toMatured({ block, immatureKey, rewards }: Immature): Promise<void> {
    if (block.orphan === true || this.random() < 1 / 30) {
      await this.writer.writeOrphan({ ...block, orphan: true, reward: null, immatureKey });
      this.counts.orphaned++;
      this.log?.info(`Block ${block.height} orphaned after all`);
      return;
    }
    await this.writer.writeMaturedBlock({ ...block, immatureKey }, rewards);
    this.counts.matured++;
    if (block.uncleHeight !== undefined) this.counts.uncles++;
    for (const [login, amount] of rewards) this.balances.set(login, (this.balances.get(login) ?? 0n) + amount);
    this.log?.info(`Block ${block.height} matured, ${rewards.size} miners credited`);
  }
}

/** The reward in Shannon, less the pool fee, shared in proportion to the round's shares. */
function split(rewardWei: bigint, candidate: DemoCandidate): Map<string, bigint> {
  const net = ((rewardWei / WEI_PER_SHANNON) * (100n - POOL_FEE_PERCENT)) / 100n;
  const rewards = new Map<string, bigint>();
  if (candidate.totalShares === 0n) return rewards;
  for (const [login, shares] of candidate.round) {
    const amount = (net * shares) / candidate.totalShares;
    if (amount > 0n) rewards.set(login, amount);
  }
  return rewards;
}

function eth(wei: bigint): string {
  return (Number(wei / 10n ** 12n) / 1e6).toFixed(4);
}
