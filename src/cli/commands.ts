import type { CommandSpec, OptionSpec } from "./command-spec.js";

const LOG_OPTIONS: readonly OptionSpec[] = [
  {
    name: "log-level",
    type: "string",
    value: "<level>",
    default: "info",
    help: "trace, debug, info, warn, error, fatal or silent; debug adds a line per collection",
  },
  {
    name: "log-format",
    type: "string",
    value: "<json|pretty>",
    default: "pretty on a terminal, else json",
    help: "JSON lines (pino) or readable lines",
  },
  {
    name: "log-repeat",
    type: "string",
    value: "<duration>",
    default: "1m",
    help: "repeated failures of one kind: one line per this interval, with a count (0: every one)",
  },
];

const HELP: OptionSpec = { name: "help", short: "h", type: "boolean", help: "this page" };

/** `open-pool-stats serve`. @internal */
export const SERVE: CommandSpec = {
  name: "serve",
  summary: "the original API process, from the pool's own config.json",
  usage: "open-pool-stats serve --config <config.json> [options]",
  options: [
    { name: "config", short: "c", type: "string", value: "<path>", help: "the pool's config.json (required)" },
    { name: "listen", type: "string", value: "<host:port>", default: "api.listen", help: "where to serve the API" },
    {
      name: "no-purge",
      type: "boolean",
      help: "never purge: for an instance on a read-only replica while a purgeOnly one purges",
    },
    {
      name: "ignore-api-enabled",
      type: "boolean",
      help: "serve even if api.enabled is false (an all-in-one config whose Go API is off)",
    },
    {
      name: "metrics",
      type: "boolean",
      default: "api.metrics, else off",
      help: "serve GET /metrics (Prometheus text format) on the API's port",
    },
    {
      name: "metrics-listen",
      type: "string",
      value: "<host:port>",
      help: "serve /metrics on its own address instead (implies --metrics)",
    },
    ...LOG_OPTIONS,
    HELP,
  ],
  notes: [
    `Serves /api/stats, /api/miners, /api/blocks, /api/payments, /api/accounts/<login> and
/health byte for byte like the original. From config.json: "coin" (the key prefix), the
"redis" section (endpoint as host:port, redis:// or rediss:// (TLS); password; database;
our own "tls" (true, or {"ca","cert","key"} file paths), "cluster" (["host:port", …]) and
"username") and the "api" section (listen, intervals, windows, purgeOnly, and our own
"metrics"). REDIS_PASSWORD and REDIS_USERNAME in the environment win over the file.`,
    `It listens at once; until Redis answers (retried with backoff, each cause logged) it
serves /health 503 and the original's empty bodies. A Redis database that does not exist
stops it (exit code 1) before any other command reaches that server.`,
    `Run the binary itself under a supervisor (systemd, runit, a container's init): npx and
npm run do not pass signals on reliably.`,
  ],
};

/** `open-pool-stats demo`. @internal */
export const DEMO: CommandSpec = {
  name: "demo",
  summary: "a simulated pool, served on 127.0.0.1",
  usage: "open-pool-stats demo [options]",
  options: [
    { name: "port", type: "string", value: "<n>", default: "a free port", help: "the API's port on 127.0.0.1" },
    { name: "miners", type: "string", value: "<n>", default: "200", help: "simulated miners, 1 to 10000" },
    {
      name: "duration",
      type: "string",
      value: "<seconds>",
      default: "until Ctrl+C",
      help: "stop by itself after this long, 1 to 86400",
    },
    { name: "metrics", type: "boolean", help: "serve GET /metrics (Prometheus) on the API's port" },
    ...LOG_OPTIONS,
    HELP,
  ],
  notes: [
    `History first (two hours of shares, blocks through the unlocker, payouts), then live
shares, blocks, payouts and node heartbeats. Uses REDIS_URL under a random key prefix
(deleted on exit; its password is never printed), or starts a throwaway redis-server from
PATH.`,
  ],
};

/** Every command. @internal */
export const COMMANDS: readonly CommandSpec[] = [SERVE, DEMO];
