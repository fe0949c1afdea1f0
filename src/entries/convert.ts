/**
 * `open-pool-stats/convert`: the pure converters from Redis replies to typed rows (the
 * original's `convert*` functions), and the Go rules they read text by.
 * @packageDocumentation
 */

export { convertBlocks, convertCandidates } from "../convert/blocks.js";
export {
  CHART_AVERAGE_PERIODS,
  chartAverages,
  convertMinerChart,
  convertPoolChart,
  formatMinerChartMember,
  formatPoolChartMember,
} from "../convert/chart-members.js";
export { upperRegularizedGamma } from "../convert/gamma.js";
export { convertLuck, luckRatio } from "../convert/luck.js";
export { convertMinersStats } from "../convert/miners.js";
export { convertNodeStates } from "../convert/node-states.js";
export { convertPayments, isPoolPayment } from "../convert/payments.js";
export { type HashEntries, toHashEntries, toZsetWithScores, type ZsetWithScores } from "../convert/reply-shapes.js";
export { convertStringMap } from "../convert/string-map.js";
export { shareUncertainty, UncertaintySum } from "../convert/uncertainty.js";
export { convertWorkersStats } from "../convert/workers.js";
export { parseGoBool } from "../go/bool.js";
export { type DurationInput, formatDuration, parseDuration } from "../go/duration.js";
export { INT64_MAX, INT64_MIN, parseGoInt, parseGoInt64 } from "../go/int.js";
export { parseScore, redisScore } from "../go/score.js";
export type { MalformedReason, MalformedSink } from "../model/malformed.js";
