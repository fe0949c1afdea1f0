import { describe, expect, it } from "vitest";
import { convertNodeStates } from "../../src/convert/node-states.js";
import { toGoJson } from "../../src/go/json.js";
import { nodeStatesToGo } from "../../src/json/compat-shapes.js";
import { recordingSink } from "../support/sink.js";

const fieldsOf = (nodes: ReturnType<typeof convertNodeStates>) =>
  nodes.map((node) => [node.id, Object.fromEntries(node.fields)]);

describe("convertNodeStates: P:nodes fields <node>:<attribute> grouped by node", () => {
  it("groups attributes per node, sorted by node id, values kept as strings", () => {
    const nodes = convertNodeStates([
      ["main:name", "main"],
      ["main:height", "18600000"],
      ["backup:name", "backup"],
      ["main:difficulty", "58000000000000000"],
      ["backup:height", "18599995"],
      ["main:lastBeat", "1699999998"],
    ]);
    expect(fieldsOf(nodes)).toEqual([
      ["backup", { name: "backup", height: "18599995" }],
      ["main", { name: "main", height: "18600000", difficulty: "58000000000000000", lastBeat: "1699999998" }],
    ]);
    expect(toGoJson(nodeStatesToGo({ nodes, malformed: {} }))).toBe(
      '[{"height":"18599995","name":"backup"},{"difficulty":"58000000000000000","height":"18600000","lastBeat":"1699999998","name":"main"}]',
    );
  });

  it("splits at the last ':' so a node name holding ':' stays whole", () => {
    const nodes = convertNodeStates([
      ["eu:1:height", "5"],
      ["eu:1:name", "eu:1"],
      ["eu:height", "6"],
    ]);
    expect(fieldsOf(nodes)).toEqual([
      ["eu", { height: "6" }],
      ["eu:1", { height: "5", name: "eu:1" }],
    ]);
  });

  it("sorts node ids by UTF-8 bytes, not numerically or by UTF-16", () => {
    const nodes = convertNodeStates([
      ["n10:name", "a"],
      ["n2:name", "b"],
      ["\u{1F600}:name", "c"],
      ["\uFF21:name", "d"],
      ["N:name", "e"],
    ]);
    expect(nodes.map((n) => n.id)).toEqual(["N", "n10", "n2", "\uFF21", "\u{1F600}"]);
  });

  it("accepts an empty node id or attribute (the field still has a ':')", () => {
    expect(fieldsOf(convertNodeStates([[":name", "x"]]))).toEqual([["", { name: "x" }]]);
    expect(fieldsOf(convertNodeStates([["main:", "x"]]))).toEqual([["main", { "": "x" }]]);
  });

  it("skips a field without ':' (the original panics) and reports it", () => {
    const { sink, skipped } = recordingSink();
    const nodes = convertNodeStates(
      [
        ["main:name", "main"],
        ["garbage", "1"],
        ["", "2"],
      ],
      sink,
    );
    expect(skipped).toEqual([
      ["garbage", "too-few-fields"],
      ["", "too-few-fields"],
    ]);
    expect(fieldsOf(nodes)).toEqual([["main", { name: "main" }]]);
  });

  it("gives [] for an empty hash", () => {
    expect(toGoJson(nodeStatesToGo({ nodes: convertNodeStates([]), malformed: {} }))).toBe("[]");
  });
});
