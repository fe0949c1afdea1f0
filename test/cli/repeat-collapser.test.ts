import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { FailureLog } from "../../src/cli/failure-log.js";
import { prettyLine } from "../../src/cli/log-format.js";
import { createLogger } from "../../src/cli/logger.js";
import { RepeatCollapser } from "../../src/cli/repeat-collapser.js";
import { fixedClock } from "../support/redis.js";

describe("RepeatCollapser, on a fake clock", () => {
  it("logs the first failure, then one per interval with the count folded in, per kind", () => {
    const clock = fixedClock(0);
    const collapser = new RepeatCollapser(10_000, clock.now);
    expect(collapser.note("collect", "ECONNREFUSED")).toEqual({ log: true, folded: 0, total: 1, sinceMs: 0 });
    const logged: number[] = [];
    for (let t = 500; t <= 30_000; t += 500) {
      clock.set(t);
      if (collapser.note("collect", "ECONNREFUSED").log) logged.push(t);
    }
    expect(logged).toEqual([10_000, 20_000, 30_000]); // 60 failures in 30 s: 4 lines
    clock.set(30_500);
    expect(collapser.note("collect", "ECONNREFUSED")).toEqual({ log: false });
    clock.set(40_000);
    expect(collapser.note("collect", "ECONNREFUSED")).toEqual({ log: true, folded: 1, total: 63, sinceMs: 40_000 });
  });

  it("a new code is a new kind, logged at once; groups are apart", () => {
    const clock = fixedClock(0);
    const collapser = new RepeatCollapser(60_000, clock.now);
    expect(collapser.note("connection", "ECONNREFUSED").log).toBe(true);
    clock.advance(100);
    expect(collapser.note("connection", "ECONNREFUSED").log).toBe(false);
    expect(collapser.note("connection", "LOADING").log).toBe(true); // the cause changed
    expect(collapser.note("collect", "LOADING").log).toBe(true); // another group
    expect(collapser.note("connection", "LOADING").log).toBe(false);
  });

  it("end(group) returns each run with what was left unsaid, and starts over", () => {
    const clock = fixedClock(1000);
    const collapser = new RepeatCollapser(60_000, clock.now);
    collapser.note("connection", "ECONNREFUSED");
    clock.advance(2000);
    collapser.note("connection", "ECONNREFUSED");
    collapser.note("connection", "LOADING");
    collapser.note("purge", "READONLY");
    clock.advance(1000);
    expect(collapser.failing("connection")).toBe(true);
    expect(collapser.end("connection")).toEqual([
      { code: "ECONNREFUSED", total: 2, folded: 1, durationMs: 3000 },
      { code: "LOADING", total: 1, folded: 0, durationMs: 1000 },
    ]);
    expect(collapser.failing("connection")).toBe(false);
    expect(collapser.end("connection")).toEqual([]);
    expect(collapser.failing("purge")).toBe(true);
    expect(collapser.note("connection", "ECONNREFUSED")).toMatchObject({ log: true, total: 1 });
  });

  it("an interval of 0 logs every failure", () => {
    const collapser = new RepeatCollapser(0, () => 5);
    for (let i = 0; i < 5; i++) expect(collapser.note("x", "ERR").log).toBe(true);
  });

  it("an outage of N s at any failure rate writes at most 2 + N / interval lines per kind", () => {
    const clock = fixedClock(0);
    const log = captured();
    const failures = new FailureLog(log.logger, 5_000, clock.now);
    for (let t = 0; t < 60_000; t += 10) {
      clock.set(t);
      failures.failed("account", "Failed", { code: "WRONGPASS", redisCode: "WRONGPASS", message: "WRONGPASS invalid" });
    }
    failures.recovered("account", "Account reads work again");
    const lines = log.lines();
    expect(lines.length).toBeLessThanOrEqual(2 + 60_000 / 5_000);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(0, -1))
      expect(line).toMatchObject({ level: "error", code: "WRONGPASS", redisCode: "WRONGPASS" });
    expect(lines[1]).toMatchObject({ repeated: 500, total: 501 });
    expect(lines.at(-1)).toMatchObject({ level: "info", failures: 6000, codes: ["WRONGPASS"] });
  });
});

function captured(options: { secrets?: string[] } = {}) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const logger = createLogger({ out, format: "json", level: "debug", ...options });
  return {
    logger,
    lines: () =>
      text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("the CLI's logger", () => {
  it("writes JSON lines with a level name, an ISO time and the message, one event per line", () => {
    const log = captured();
    log.logger.info("two\n  lines", { redisCode: "LOADING" });
    expect(log.lines()).toEqual([
      { level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), msg: "two lines", redisCode: "LOADING" },
    ]);
  });

  it("never prints a secret, in a message or a field, nor anything under a password-like key", () => {
    const log = captured({ secrets: ["hunter2"] });
    log.logger.error("cannot reach redis://:hunter2@127.0.0.1:6379", { url: "redis://:hunter2@h", password: "x" });
    const [line] = log.lines();
    expect(JSON.stringify(line)).not.toMatch(/hunter2|"x"/);
    expect(line).toMatchObject({
      msg: "cannot reach redis://:***@127.0.0.1:6379",
      url: "redis://:***@h",
      password: "***",
    });
  });

  it("the readable form: time, level (none for info, as the original), message, fields", () => {
    expect(prettyLine('{"level":"info","time":"2026-01-01T00:00:00.000Z","msg":"Stopped"}\n')).toBe(
      "2026-01-01T00:00:00.000Z Stopped\n",
    );
    expect(
      prettyLine('{"level":"error","time":"T","msg":"Failed: x","code":"WRONGPASS","url":"/api/a b","n":2}\n'),
    ).toBe('T ERROR Failed: x code=WRONGPASS url="/api/a b" n=2\n');
    expect(prettyLine("not json\n")).toBe("not json\n");
  });
});
