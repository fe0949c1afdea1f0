/**
 * The layers of src/, lowest first, and what each may import (docs/ARCHITECTURE.md says
 * why). `npm run check` runs this: an import against the order fails the check.
 */
const layers = {
  errors: [],
  time: [],
  go: ["errors", "time"],
  keys: ["errors"],
  model: ["errors", "time", "go"],
  convert: ["errors", "go", "model"],
  json: ["errors", "go", "model"],
  redis: ["errors", "go", "model", "convert"],
  window: ["go", "model", "convert"],
  charts: ["errors", "time", "go", "keys", "model", "convert", "redis"],
  backend: ["errors", "time", "go", "keys", "model", "convert", "redis", "window", "charts"],
  writer: ["errors", "time", "go", "keys", "model", "convert", "redis"],
  cache: ["errors", "time", "go", "model"],
  http: ["errors", "time", "go", "model", "json"],
  metrics: ["errors", "time", "model", "redis", "http"],
  page: ["http"],
  testing: [
    "errors",
    "time",
    "go",
    "keys",
    "model",
    "convert",
    "json",
    "redis",
    "window",
    "charts",
    "backend",
    "writer",
  ],
  cli: [
    "errors",
    "time",
    "go",
    "keys",
    "model",
    "convert",
    "json",
    "redis",
    "window",
    "charts",
    "backend",
    "writer",
    "cache",
    "http",
    "metrics",
    "page",
    "testing",
  ],
};

const folders = Object.keys(layers);

module.exports = {
  forbidden: [
    ...folders.map((from) => ({
      name: `layer-${from}`,
      comment: `src/${from}/ may import only ${layers[from].length ? layers[from].map((f) => `src/${f}/`).join(", ") : "nothing of src/"} (docs/ARCHITECTURE.md)`,
      severity: "error",
      from: { path: `^src/${from}/` },
      to: {
        path: "^src/",
        pathNot: [`^src/${from}/`, ...layers[from].map((to) => `^src/${to}/`)],
      },
    })),
    {
      name: "entries-are-the-top",
      comment: "the public entry points (src/index.ts, src/entries/) re-export; nothing inside src/ imports them",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/entries/" },
      to: { path: ["^src/index\\.ts$", "^src/entries/"] },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "cli-dependencies-stay-in-the-cli",
      comment: "the logger belongs to the CLI, never to the library: the library emits events and never logs",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/cli/"] },
      to: { path: "node_modules/(pino|pino-pretty)/" },
    },
    {
      name: "prom-client-stays-in-the-metrics-layer",
      comment:
        "prom-client is an optional peer dependency of open-pool-stats/metrics only: nothing else may need it (the CLI loads the metrics layer on demand)",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/metrics/"] },
      to: { path: "node_modules/prom-client/" },
    },
    {
      name: "not-to-dev-dependencies",
      comment: "the package's code must not need what only development installs",
      severity: "error",
      from: { path: "^src/" },
      // A peer dependency (prom-client) is also a dev dependency, for the tests: that is allowed.
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only", "npm-peer"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    exclude: { path: "\\.d\\.ts$" },
  },
};
