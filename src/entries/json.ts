/**
 * `open-pool-stats/json`: the original's JSON. `toGoJson` prints what Go's
 * `encoding/json` prints; the mappers turn typed results into the values the original
 * hands to it (structs in declaration order, maps, nil slices).
 * @packageDocumentation
 */

export { type GoJsonStruct, type GoJsonValue, goQuote, toGoJson } from "../go/json.js";
export { compareUtf8 } from "../go/utf8-order.js";
export {
  chartAveragesToGo,
  minerChartPointToGo,
  minerChartsToGo,
  poolChartPointToGo,
  poolChartsToGo,
  uncertaintyToGo,
} from "../json/chart-shapes.js";
export {
  accountToGo,
  blocksToGo,
  blockToGo,
  luckRowToGo,
  luckToGo,
  minerStatsToGo,
  minersToGo,
  minerToGo,
  nodeStatesToGo,
  nodeStateToGo,
  paymentsToGo,
  paymentToGo,
  poolStatsToGo,
  workersStatsToGo,
  workerToGo,
} from "../json/compat-shapes.js";
export {
  accountWithExtras,
  type JsonExtras,
  jsonExtrasOf,
  luckRowWithExtras,
  luckWithExtras,
  minersWithExtras,
  NO_JSON_EXTRAS,
} from "../json/extra-fields.js";
