import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { createApiHandler } from "../../src/http/create-api-handler.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { StatsCacheConfig } from "../../src/model/config.js";
import { withStatusPage } from "../../src/page/status-page.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { useRedis } from "../support/redis.js";

// The callbacks handed to the page run in Chromium; they are type-checked here without the
// DOM library (src/ must never see DOM types), so these module-local declarations stand in.
interface PageElement {
  readonly innerText: string;
  readonly textContent: string | null;
  value: string;
  readonly cells: readonly PageElement[];
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { readonly length: number };
  readonly documentElement: { readonly scrollWidth: number };
};
declare const window: { readonly innerWidth: number; readonly __xss?: number };
declare const location: { hash: string };

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", ".tmp", "status-page");
const scenario = loadGolden("b_small_pool");
const NOW_S = scenario.nowMs / 1000;
const M1 = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";
const M2 = "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6";
const UNKNOWN = "0x965c27b854913816e632ae1ec8202df576bb3c3d";
/** A worker name that would run script if it were ever put in as markup. */
const XSS = '<img src=x onerror="window.__xss=1">';

/** The page's hashrate format: ÷1000 while ≥ 1000, two decimals past H/s. */
function fmtHashrate(value: number): string {
  const units = ["H/s", "KH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"];
  let n = value;
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i ? n.toFixed(2) : String(Math.round(n))} ${units[i]}`;
}

describe.skipIf(skip !== undefined)(
  `the status page in headless Chromium${skip === undefined ? "" : ` (skipped: ${skip})`}`,
  () => {
    const { redis, prefix } = useRedis();
    let server: Server;
    let base: string;
    let cache: StatsCache;
    let browser: Browser;
    let page: Page;
    let userDataDir: string;
    const problems: string[] = [];
    const p = prefix("page");

    beforeAll(async () => {
      // The golden pool, a worker with a hostile name, and a day of samples in the fork's format.
      await seedGolden(redis, scenario, p);
      const writer = new RedisPoolWriter(redis, { prefix: p, now: () => scenario.nowMs - 30_000 });
      await writer.writeShare(M1, XSS, ["0x1", "0xaa", "0xbb"], 4_000_000_000n, 18_600_000, "3h");
      const keys = new PoolKeys(p);
      for (let i = 0; i < 24; i++) {
        const x = NOW_S - (24 - i) * 600;
        const hashrate = Math.round(148_888_888 * (0.8 + 0.3 * Math.sin(i / 3) ** 2));
        await redis.zadd(keys.poolChart(), x, `${x}:${hashrate}:${1 + (i % 3)}`);
      }
      for (let i = 0; i < 12; i++) {
        const x = NOW_S - (12 - i) * 600;
        await redis.zadd(keys.minerChart(M1), x, `${x}:${60_000_000 + i * 2_000_000}`);
      }
      const backend = new RedisStatsBackend(redis, { prefix: p, now: () => scenario.nowMs });
      const config: StatsCacheConfig = {
        ...(scenario.httpConfig as StatsCacheConfig),
        charts: { enabled: true },
        uncertainty: true,
      };
      cache = new StatsCache(backend, config, { sampleCharts: false }); // the seeded series stay as they are
      await cache.start();
      server = createServer(withStatusPage(createApiHandler(cache)));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      userDataDir = mkdtempSync(join(tmpdir(), "ops-chromium-"));
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        // No sandbox: CI runs as root. Nothing goes beyond 127.0.0.1.
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${userDataDir}`,
        ],
        timeout: 20_000,
      });
      page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      page.on("pageerror", (error) => problems.push(`pageerror: ${String(error)}`));
      page.on("console", (message) => {
        const url = message.location().url ?? "";
        // The one expected error: the 404 of the unknown account, looked up on purpose.
        if (message.type() === "error" && !url.includes(`/api/accounts/${UNKNOWN}`)) {
          problems.push(`console: ${message.text()} ${url}`);
        }
      });
      page.on("request", (request) => {
        if (!request.url().startsWith(base)) problems.push(`off-origin request: ${request.url()}`);
      });
      await page.setViewport({ width: 1180, height: 900 });
      mkdirSync(SHOTS, { recursive: true });
    }, 60_000);

    afterAll(async () => {
      await browser?.close().catch(() => browser?.process()?.kill("SIGKILL"));
      await new Promise((resolve) => server?.close(resolve));
      await cache?.stop();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    /**
     * The text a user sees in `selector`: innerText, with the line breaks between a tile's
     * label and its value and the CSS upper-casing (textContent runs them together).
     */
    function shown(selector: string): Promise<string> {
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
      return page.$eval(selector, (e) => (e as unknown as PageElement).innerText);
    }

    /** A full-page screenshot under test/.tmp/status-page, attached to the test's output. */
    async function screenshot(context: TestContext, name: string): Promise<void> {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      await context.annotate(`screenshot: ${path}`, { path, contentType: "image/png" });
    }

    it("shows the pool: totals with ±1σ and averages, both charts, the blocks and luck", async (context) => {
      const response = await page.goto(`${base}/`, { waitUntil: "load" });
      expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'sha256-/);
      await page.waitForFunction(
        () => document.querySelector("#blocks table") && document.querySelector("#chart-hashrate svg"),
      );
      const stats = (await (await fetch(`${base}/api/stats`)).json()) as {
        hashrate: number;
        minersTotal: number;
        hashrateUncertainty: { relativeError: number };
      };
      const totals = await shown("#totals");
      expect(totals).toContain(fmtHashrate(stats.hashrate));
      expect(totals).toMatch(new RegExp(`± ${(stats.hashrateUncertainty.relativeError * 100).toFixed(1)}%`));
      expect(totals).toMatch(new RegExp(`Miners online\\s+${stats.minersTotal}\\b`, "i"));
      expect(totals).toMatch(/Average 1h\s+\d+\.\d\d [KMG]H\/s/i);
      expect(totals).toMatch(/Network height\s+18,600,000/i);
      for (const id of ["#chart-hashrate", "#chart-miners"]) {
        const chart = await page.$eval(id, (e) => ({
          points: e.querySelectorAll("svg circle.pt").length,
          line: e.querySelector("svg polyline")?.getAttribute("points")?.trim().split(/\s+/).length,
          role: e.querySelector("svg")?.getAttribute("role"),
          title: e.querySelector("svg > title")?.textContent,
        }));
        expect(chart).toEqual({ points: 24, line: 24, role: "img", title: expect.stringMatching(/over time$/) });
      }
      const blocks = await page.$$eval("#blocks tbody tr", (rows) =>
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
        rows.map((row) => [...(row as unknown as PageElement).cells].map((cell) => cell.innerText)),
      );
      expect(blocks).toHaveLength(7);
      expect(blocks[0]?.slice(0, 3)).toEqual(["18,599,977", "5 min ago", "pending"]);
      expect(blocks.find((row) => row[0] === "18,599,447")?.[2]).toBe("orphan");
      const luck = await shown("#luck");
      expect(luck).toMatch(/Chance of luck this bad/);
      await screenshot(context, "pool");
    });

    it("searches an account: its chart and workers, a hostile worker name shown as text", async (context) => {
      await page.type("#login", "0x1234");
      await page.keyboard.press("Enter");
      expect(await page.$eval("#acct-msg", (e) => e.textContent)).toMatch(/40 hexadecimal/);
      expect(await page.$eval("#login", (e) => e.getAttribute("aria-invalid"))).toBe("true");

      await page.$eval("#login", (e) => {
        (e as unknown as PageElement).value = "";
      });
      await page.type("#login", M1.toUpperCase().replace("0X", "0x"));
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector("#account table"));
      expect(await page.$eval("#account h3", (e) => e.textContent)).toBe(M1);
      expect(await page.evaluate(() => location.hash)).toBe(`#/account/${M1}`);
      expect(await page.$$eval("#account svg circle.pt", (c) => c.length)).toBe(12);
      const workers = await page.$$eval("#account tbody tr", (rows) =>
        rows.map((row) => (row as unknown as PageElement).cells[0]?.textContent),
      );
      expect(workers).toContain(XSS);
      expect(await page.$$eval("img", (images) => images.length)).toBe(0);
      expect(await page.evaluate(() => window.__xss)).toBeUndefined();
      expect(await shown("#account")).toMatch(/Hashrate \(short\)\s+[\d.]+ [KMG]H\/s\s*± \d/i);
      await screenshot(context, "account");
    });

    it("says when there is no history, no data for an address, and fits a phone", async (context) => {
      await page.goto(`${base}/#/account/${M2}`, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelector("#account table"));
      expect(await shown("#account")).toMatch(/No history yet/);
      await page.evaluate((login) => {
        location.hash = `#/account/${login}`;
      }, UNKNOWN);
      await page.waitForFunction(() =>
        /No data for/.test((document.querySelector("#account") as PageElement).textContent ?? ""),
      );

      await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1 });
      await page.goto(`${base}/#/account/${M1}`, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#account svg circle.pt").length === 12);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await screenshot(context, "phone");
      // Nothing failed, nothing was blocked by the CSP, nothing left 127.0.0.1.
      expect(problems).toEqual([]);
    });
  },
);
