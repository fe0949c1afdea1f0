import { describe, expect, it } from "vitest";
import { cleanPath, escapePath, MAX_RAW_PATH_LENGTH, resolveMuxPath } from "../../src/http/mux-path.js";

const LOGIN = "0x8e550c57631c4743ac80a5441efc6e7cde71d248";

describe("resolveMuxPath: what gorilla/mux matches on, after Go's percent-decoding", () => {
  it.each([
    ["/api/stats", "/api/stats"],
    ["/api/stats?x=1&y", "/api/stats"], // queries are ignored
    ["/api/stats?", "/api/stats"],
    ["/api/%73tats", "/api/stats"], // Go matches the decoded URL.Path
    ["/api%2Fstats", "/api/stats"], // even an encoded slash
    ["/api/stats/", "/api/stats/"], // a trailing slash is kept (and matches nothing)
    ["/api/stats%00", "/api/stats\u0000"],
    ["/api/a#b", "/api/a#b"], // a request target has no fragment: `#` is part of the path
    [
      `/api/accounts/${LOGIN.toUpperCase().replace("0X", "0x")}`,
      `/api/accounts/${LOGIN.toUpperCase().replace("0X", "0x")}`,
    ],
    ["/%C3%A9", "/\u00c3\u00a9"], // bytes, one char each
    ["http://pool.example:8080/api/stats?a", "/api/stats"], // absolute form: Go uses its path
  ])("%j → path %j", (url, path) => {
    expect(resolveMuxPath(url)).toEqual({ kind: "path", path });
  });

  it.each([
    ["//api/stats", "/api/stats"],
    ["/api//stats", "/api/stats"],
    ["/api/./stats", "/api/stats"],
    ["/api/x/../stats", "/api/stats"],
    ["/../api/stats", "/api/stats"], // `..` never climbs above the root
    ["/api/%2e/stats", "/api/stats"], // cleaned after decoding
    ["/api/%2E%2E/api/stats", "/api/stats"],
    ["//api/stats?x=1", "/api/stats?x=1"], // the query is kept
    ["//api/stats?", "/api/stats?"],
    ["/api//stats/", "/api/stats/"], // and so is a trailing slash
    ["/a//b%20c", "/a/b%20c"], // re-escaped as Go's URL.String does
    ["/a//%3F", "/a/%3F"],
    ["/a//%40%2C%24", "/a/@,$"],
    ["/a/./%C3%A9", "/a/%C3%A9"],
    ["/.", "/"],
  ])("%j → 301 to %j", (url, location) => {
    expect(resolveMuxPath(url)).toEqual({ kind: "redirect", location });
  });

  it.each(["/api/%zzstats", "/api/stats%", "/api/stats%4", "/api/%4g", "/api/\u0001", "/api/\u007f"])(
    "%j → 400 (Go refuses the request)",
    (url) => {
      expect(resolveMuxPath(url)).toEqual({ kind: "bad-request" });
    },
  );

  it.each(["*", "", "api/stats", "http://host", `/${"a".repeat(MAX_RAW_PATH_LENGTH)}`])("%j → 404 at once", (url) => {
    expect(resolveMuxPath(url)).toEqual({ kind: "not-found" });
  });

  it("limits the path, not the query", () => {
    expect(resolveMuxPath(`/api/stats?${"q".repeat(10_000)}`)).toEqual({ kind: "path", path: "/api/stats" });
  });
});

describe("cleanPath and escapePath: Go's path.Clean and path escaping", () => {
  it.each([
    ["", "/"],
    ["/", "/"],
    ["a/b", "/a/b"],
    ["/a/b/", "/a/b/"],
    ["/a/b/..", "/a"],
    ["/a/b/../", "/a/"],
    ["/a/../../b", "/b"],
    ["/...", "/..."],
    ["/a/.b/c.", "/a/.b/c."],
  ])("cleanPath(%j) = %j", (input, output) => {
    expect(cleanPath(input)).toBe(output);
  });

  it("escapes all but Go's unreserved and path-safe characters, in upper-case hex", () => {
    expect(escapePath("/az_AZ-09.~$&+,/:;=@")).toBe("/az_AZ-09.~$&+,/:;=@");
    expect(escapePath("/ ?#%\"<>\\^`{|}!'()*[]")).toBe("/%20%3F%23%25%22%3C%3E%5C%5E%60%7B%7C%7D%21%27%28%29%2A%5B%5D");
    expect(escapePath("/\u0000\u00ff")).toBe("/%00%FF");
  });
});
