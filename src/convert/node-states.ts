import { compareUtf8 } from "../go/utf8-order.js";
import type { MalformedSink } from "../model/malformed.js";
import type { NodeState } from "../model/rows.js";
import { ignoreMalformed } from "./malformed.js";
import type { HashEntries } from "./reply-shapes.js";

/**
 * The original's node-state grouping of `P:nodes` fields `<node>:<attribute>`.
 *
 * Differences, both for robustness: the field is split at its **last** `:` so a node name
 * that contains `:` stays whole (the original takes parts 0 and 1); and the nodes come
 * sorted by id (the original's order is random). A field without `:` is malformed (the
 * original panics).
 */
export function convertNodeStates(entries: HashEntries, onMalformed: MalformedSink = ignoreMalformed): NodeState[] {
  const byId = new Map<string, Map<string, string>>();
  for (const [field, value] of entries) {
    const cut = field.lastIndexOf(":");
    if (cut < 0) {
      onMalformed(field, "too-few-fields");
      continue;
    }
    const id = field.slice(0, cut);
    let fields = byId.get(id);
    if (fields === undefined) {
      fields = new Map();
      byId.set(id, fields);
    }
    fields.set(field.slice(cut + 1), value);
  }
  return [...byId.keys()].sort(compareUtf8).map((id) => ({ id, fields: byId.get(id) as Map<string, string> }));
}
