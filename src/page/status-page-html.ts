import { createHash } from "node:crypto";

/**
 * The built-in status page: one HTML document, no framework, no CDN, nothing fetched but
 * the API of the server that serves it (`/api/stats`, `/api/blocks`, `/api/accounts/…`).
 * It draws the pool's hashrate and miners over time (inline SVG), the latest blocks and
 * luck, and a searchable account with its chart and workers; with the uncertainty opt-in
 * it shows each hashrate's ±1σ. Every text from the API goes in through `textContent`
 * or `setAttribute`, never as markup. Its style and script are inline, allowed by their
 * hashes in the page's Content-Security-Policy (nothing else runs).
 *
 * The script is written without template literals, so the page is a plain string here.
 * @packageDocumentation
 */

const STYLE = `
:root { --bg:#f5f6f8; --card:#fff; --fg:#1d2330; --muted:#5f6b7c; --line:#dde1e7;
  --accent:#1b7f5a; --accent2:#2f5fb3; --warn:#a15c00; --bad:#b3261e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg:#12151b; --card:#1b2028; --fg:#e6e9ef;
  --muted:#9aa4b2; --line:#2c333f; --accent:#3ecf8e; --accent2:#7aa2f7; --warn:#e0a34a; --bad:#f2726a; } }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font-size:15px; line-height:1.45; }
header, main { max-width:1100px; margin:0 auto; padding:0 16px; }
header { display:flex; flex-wrap:wrap; align-items:baseline; justify-content:space-between; gap:8px; padding-top:18px; }
h1 { font-size:1.45rem; margin:0; } h2 { font-size:1.1rem; margin:0 0 10px; }
#status { color:var(--muted); font-size:.9rem; } #status.err { color:var(--bad); }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin:14px 0; }
.totals { display:grid; grid-template-columns:repeat(auto-fit, minmax(160px, 1fr)); gap:10px; margin:14px 0; padding:0; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 14px; }
.tile dt { color:var(--muted); font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; }
.tile dd { margin:2px 0 0; font-size:1.2rem; font-weight:600; font-variant-numeric:tabular-nums; white-space:nowrap; }
.tile dd .pm { display:block; font-size:.78rem; font-weight:400; color:var(--muted); }
#account .totals { grid-template-columns:repeat(auto-fit, minmax(132px, 1fr)); }
#account .tile dd { font-size:1.05rem; }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:14px; }
.charts > div h3 { font-size:.95rem; margin:0 0 4px; }
svg.chart { width:100%; height:auto; display:block; }
svg.chart .grid { stroke:var(--line); stroke-width:1; }
svg.chart .lbl { fill:var(--muted); font-size:11px; }
svg.chart .ln { fill:none; stroke-width:2; stroke-linejoin:round; }
svg.chart .area { opacity:.13; }
svg.chart.c1 .ln { stroke:var(--accent); } svg.chart.c1 .area, svg.chart.c1 .pt { fill:var(--accent); }
svg.chart.c2 .ln { stroke:var(--accent2); } svg.chart.c2 .area, svg.chart.c2 .pt { fill:var(--accent2); }
.empty { color:var(--muted); font-style:italic; margin:6px 0; }
table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
caption { color:var(--muted); text-align:left; caption-side:bottom; padding-top:6px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--muted); font-weight:600; font-size:.85rem; }
td.num, th.num { text-align:right; }
.scroll { overflow-x:auto; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:.88rem; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:.8rem; border:1px solid currentColor; }
.ok { color:var(--accent); } .warn { color:var(--warn); } .bad { color:var(--bad); } .muted { color:var(--muted); }
form { display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
label { font-weight:600; }
input { flex:1 1 360px; padding:8px 10px; font:inherit; font-family:ui-monospace, monospace; border:1px solid var(--line);
  border-radius:6px; background:var(--bg); color:var(--fg); }
input:focus, button:focus { outline:2px solid var(--accent2); outline-offset:1px; }
button { padding:8px 14px; font:inherit; border:0; border-radius:6px; background:var(--accent2); color:#fff; cursor:pointer; }
#acct-msg { margin:8px 0 0; } #account h3 { font-size:1rem; margin:12px 0 6px; overflow-wrap:anywhere; }
#luck { margin-top:12px; }
`;

const BODY = `
<header>
  <h1>Pool status</h1>
  <p id="status" role="status" aria-live="polite">Loading…</p>
</header>
<main>
  <dl class="totals" id="totals" aria-label="Current pool totals"></dl>
  <section aria-labelledby="h-hist">
    <h2 id="h-hist">History</h2>
    <div class="charts">
      <div><h3>Pool hashrate</h3><div id="chart-hashrate"></div></div>
      <div><h3>Miners</h3><div id="chart-miners"></div></div>
    </div>
  </section>
  <section aria-labelledby="h-acct">
    <h2 id="h-acct">Account</h2>
    <form id="search" novalidate>
      <label for="login">Address</label>
      <input id="login" name="login" autocomplete="off" spellcheck="false" placeholder="0x… (40 hex digits)"
             pattern="0x[0-9a-fA-F]{40}" aria-describedby="acct-msg">
      <button type="submit">Look up</button>
    </form>
    <p id="acct-msg" class="muted" role="alert"></p>
    <div id="account"></div>
  </section>
  <section aria-labelledby="h-blocks">
    <h2 id="h-blocks">Latest blocks</h2>
    <div class="scroll" id="blocks"></div>
    <div class="scroll" id="luck"></div>
  </section>
</main>
`;

const SCRIPT = `
"use strict";
var REFRESH_MS = 10000, MAX_BLOCKS = 15, LOGIN_RE = /^0x[0-9a-fA-F]{40}$/;
var $ = function (id) { return document.getElementById(id); };
var skewMs = 0, login = null, busy = false, seq = 0, chartId = 0;

// DOM builders: text only ever goes in through text nodes and setAttribute, never as markup.
function h(tag, attrs) {
  var el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] != null) el.setAttribute(k, String(attrs[k])); });
  Array.prototype.slice.call(arguments, 2).flat(Infinity).forEach(function (kid) {
    if (kid != null) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  });
  return el;
}
function s(tag, attrs, text) {
  var el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
  if (text != null) el.textContent = String(text);
  return el;
}
function put(el) { el.replaceChildren.apply(el, Array.prototype.slice.call(arguments, 1).flat(Infinity)); }

// Formatting.
function num(v) { return Number.isFinite(Number(v)) ? Number(v) : 0; }
function scaled(v, units) {
  var n = num(v), i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return [n, i];
}
function fmtHashrate(v) {
  var u = ["H/s", "KH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"], r = scaled(v, u);
  return (r[1] ? r[0].toFixed(2) : String(Math.round(r[0]))) + " " + u[r[1]];
}
function fmtMetric(v) {
  var u = ["", "K", "M", "G", "T", "P", "E"], r = scaled(v, u);
  return (r[1] ? r[0].toFixed(2) + " " : String(r[0])) + u[r[1]];
}
function fmtInt(v) { return num(v).toLocaleString("en-US"); }
function fmtCoin(shannon) { return (num(shannon) / 1e9).toFixed(6); }
function fmtReward(wei) { return wei === "" || wei == null ? "—" : (num(wei) / 1e18).toFixed(6); }
function fmtPct(f) {
  return (f && Math.abs(f) < 1e-4 ? (f * 100).toPrecision(2) : (f * 100).toFixed(Math.abs(f) < 0.1 ? 2 : 1)) + "%";
}
function niceCeil(v) { // 1, 2, 4, 5 or 10 times a power of ten, at least v
  if (!(v > 0)) return 1;
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  return [1, 2, 4, 5, 10].map(function (m) { return m * p; }).find(function (c) { return c >= v * (1 - 1e-9); });
}
function nowMs() { return Date.now() + skewMs; }
function ago(tsSec) {
  if (!num(tsSec)) return "—";
  var d = Math.round((nowMs() - num(tsSec) * 1000) / 1000), a = Math.abs(d);
  var t = a < 60 ? a + " s" : a < 3600 ? Math.round(a / 60) + " min" : a < 86400 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " d";
  return d >= 0 ? t + " ago" : "in " + t;
}
function isoTime(tsSec) { return num(tsSec) ? new Date(num(tsSec) * 1000).toISOString().replace(".000", "") : ""; }
function clock(tsSec) { return new Date(num(tsSec) * 1000).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }); }
function shortHash(x) { return typeof x === "string" && x.length > 20 ? x.slice(0, 10) + "…" + x.slice(-8) : String(x == null ? "" : x); }

function getJSON(path) {
  return fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" }).then(function (res) {
    if (res.status === 404) return { notFound: true };
    if (!res.ok) throw new Error(path + ": HTTP " + res.status);
    return res.json();
  });
}

// A line chart as inline SVG, or "no history yet" without samples.
function lineChart(points, key, title, fmt, colorClass, width) {
  var pts = (Array.isArray(points) ? points : [])
    .map(function (p) { return { x: Number(p && p.x), y: Number(p && p[key]) }; })
    .filter(function (p) { return Number.isFinite(p.x) && Number.isFinite(p.y); })
    .sort(function (a, b) { return a.x - b.x; });
  if (!pts.length) return h("p", { class: "empty" }, "No history yet — samples appear once charts are enabled and the first interval has passed.");
  // Drawn at the container's pixel width so labels keep their size; redrawn on every refresh.
  var W = Math.max(280, Math.round(width || 600)), H = 190, L = 10, R = 10, T = 24, B = 26, id = "c" + (++chartId);
  var ys = pts.map(function (p) { return p.y; });
  var x0 = pts[0].x, x1 = pts[pts.length - 1].x, peak = Math.max.apply(null, ys), yMax = niceCeil(peak * 1.05);
  var px = function (x) { return x1 === x0 ? (L + W - R) / 2 : L + ((x - x0) / (x1 - x0)) * (W - L - R); };
  var py = function (y) { return T + (1 - y / yMax) * (H - T - B); };
  var last = pts[pts.length - 1];
  var svg = s("svg", { class: "chart " + colorClass, viewBox: "0 0 " + W + " " + H, role: "img",
    "aria-labelledby": id + "t " + id + "d", "data-points": pts.length });
  svg.append(s("title", { id: id + "t" }, title),
    s("desc", { id: id + "d" }, pts.length + " samples from " + isoTime(x0) + " to " + isoTime(x1) +
      "; latest " + fmt(last.y) + ", peak " + fmt(peak) + "."));
  [0, 0.5, 1].forEach(function (f) {
    var y = py(yMax * f);
    svg.append(s("line", { class: "grid", x1: L, x2: W - R, y1: y, y2: y }));
    svg.append(s("text", { class: "lbl", x: L + 2, y: y - 4 }, f ? fmt(yMax * f) : "0"));
  });
  var coords = pts.map(function (p) { return px(p.x).toFixed(1) + "," + py(p.y).toFixed(1); }).join(" ");
  if (pts.length > 1) {
    svg.append(s("polygon", { class: "area", points: px(x0).toFixed(1) + "," + py(0) + " " + coords + " " + px(x1).toFixed(1) + "," + py(0) }));
    svg.append(s("polyline", { class: "ln", points: coords }));
  }
  pts.forEach(function (p) {
    var c = s("circle", { class: "pt", cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: pts.length > 60 ? 1.6 : 3 });
    c.append(s("title", null, isoTime(p.x) + ": " + fmt(p.y)));
    svg.append(c);
  });
  svg.append(s("text", { class: "lbl", x: L, y: H - 8 }, clock(x0)));
  svg.append(s("text", { class: "lbl", x: W - R, y: H - 8, "text-anchor": "end" }, clock(x1)));
  return svg;
}

function table(caption, head, rows, numCols) {
  return h("table", null, h("caption", null, caption),
    h("thead", null, h("tr", null, head.map(function (t, i) { return h("th", { scope: "col", class: numCols.indexOf(i) >= 0 ? "num" : null }, t); }))),
    h("tbody", null, rows.map(function (r) { return h("tr", null, r.map(function (c, i) { return h("td", { class: numCols.indexOf(i) >= 0 ? "num" : null }, c); })); })));
}
function tile(label, value, title) { return h("div", { class: "tile" }, h("dt", null, label), h("dd", { title: title }, value)); }

// A hashrate with its ±1σ (the uncertainty opt-in), or alone.
function rateTile(label, rate, u) {
  if (!u || typeof u !== "object" || u.relativeError == null) return tile(label, fmtHashrate(rate));
  var title = "±1σ: " + fmtHashrate(u.low) + " – " + fmtHashrate(u.high) + " from " + fmtInt(u.shares) + " shares";
  return tile(label, [fmtHashrate(rate), h("span", { class: "pm" }, "± " + fmtPct(num(u.relativeError)))], title);
}
// The 1 h / 6 h / 24 h averages of the samples (the charts opt-in), when present.
function averageTiles(av) {
  if (!av || typeof av !== "object") return [];
  return ["1h", "6h", "24h"].map(function (k) { return tile("Average " + k, av[k] == null ? "—" : fmtHashrate(av[k])); });
}

function renderStats(st) {
  if (num(st.now)) skewMs = num(st.now) - Date.now();
  var nodes = Array.isArray(st.nodes) ? st.nodes : [];
  var best = nodes.reduce(function (b, n) { return num(n && n.height) > num(b && b.height) ? n : b; }, null);
  var diff = num(best && best.difficulty), round = num(st.stats && st.stats.roundShares);
  put($("totals"),
    rateTile("Pool hashrate", st.hashrate, st.hashrateUncertainty),
    tile("Miners online", fmtInt(st.minersTotal)),
    tile("Network height", best ? fmtInt(best.height) : "—", best ? "node " + String(best.name == null ? "" : best.name) : null),
    tile("Difficulty", best ? fmtMetric(diff) : "—"),
    tile("Round effort", diff ? fmtPct(round / diff) : "—", fmtInt(round) + " shares"),
    tile("Last block", ago(st.stats && st.stats.lastBlockFound), isoTime(st.stats && st.stats.lastBlockFound)),
    averageTiles(st.hashrateAverages));
  put($("chart-hashrate"), lineChart(st.poolCharts, "hashrate", "Pool hashrate over time", fmtHashrate, "c1", $("chart-hashrate").clientWidth));
  put($("chart-miners"), lineChart(st.poolCharts, "minersOnline", "Miners online over time", fmtInt, "c2", $("chart-miners").clientWidth));
}

function blockStatus(b, kind) {
  if (b.orphan) return h("span", { class: "badge bad" }, "orphan");
  if (kind === "candidate") return h("span", { class: "badge warn" }, "pending");
  return h("span", { class: "badge " + (b.uncle ? "warn" : "ok") }, (b.uncle ? "uncle, " : "") + kind);
}
function renderBlocks(bl) {
  var all = [];
  [["candidate", bl.candidates], ["immature", bl.immature], ["matured", bl.matured]].forEach(function (pair) {
    (Array.isArray(pair[1]) ? pair[1] : []).forEach(function (b) { if (b && typeof b === "object") all.push([pair[0], b]); });
  });
  all.sort(function (a, b) { return num(b[1].height) - num(a[1].height); });
  if (!all.length) put($("blocks"), h("p", { class: "empty" }, "No blocks found yet."));
  else {
    var rows = all.slice(0, MAX_BLOCKS).map(function (kb) {
      var kind = kb[0], b = kb[1];
      return [fmtInt(b.height), h("span", { title: isoTime(b.timestamp) }, ago(b.timestamp)), blockStatus(b, kind),
        h("span", { class: "mono", title: String(b.hash || "") }, b.hash ? shortHash(b.hash) : "—"),
        num(b.difficulty) ? fmtPct(num(b.shares) / num(b.difficulty)) : "—", fmtReward(b.orphan ? "0" : b.reward)];
    });
    var total = num(bl.candidatesTotal) + num(bl.immatureTotal) + num(bl.maturedTotal);
    put($("blocks"), table("Newest " + rows.length + " of " + fmtInt(total) + " blocks (candidates, immature and matured).",
      ["Height", "Found", "Status", "Hash", "Effort", "Reward"], rows, [0, 4, 5]));
  }
  var luck = bl.luck && typeof bl.luck === "object" ? bl.luck : null;
  var keys = luck ? Object.keys(luck).sort(function (a, b) { return num(a) - num(b); }) : [];
  if (!keys.length) return put($("luck"));
  var withP = keys.some(function (k) { return luck[k] && "probability" in luck[k]; });
  var luckRows = keys.map(function (k) {
    var r = luck[k] || {};
    var row = [fmtInt(k), fmtPct(num(r.luck)), fmtPct(num(r.uncleRate)), fmtPct(num(r.orphanRate))];
    if (withP) row.push(r.probability == null ? "—" : fmtPct(num(r.probability)));
    return row;
  });
  var head = ["Blocks", "Luck (shares / difficulty)", "Uncles", "Orphans"];
  if (withP) head.push("Chance of luck this bad");
  put($("luck"), table("Luck over the newest blocks; above 100% means more shares than expected per block.", head, luckRows, [0, 1, 2, 3, 4]));
}

function renderAccount(a) {
  if (a.notFound) return put($("account"), h("p", { class: "empty" }, "No data for " + login + ": it has not submitted a share in the hashrate window."));
  var st = a.stats || {}, workers = a.workers && typeof a.workers === "object" ? a.workers : {};
  var ids = Object.keys(workers).sort(function (x, y) { return x.localeCompare(y); });
  var rows = ids.map(function (id) {
    var w = workers[id] || {};
    return [h("span", { class: "mono" }, id), fmtHashrate(w.hr), fmtHashrate(w.hr2),
      h("span", { title: isoTime(w.lastBeat) }, ago(w.lastBeat)),
      h("span", { class: "badge " + (w.offline ? "bad" : "ok") }, w.offline ? "offline" : "online")];
  });
  put($("account"),
    h("h3", { class: "mono" }, login),
    h("dl", { class: "totals" },
      rateTile("Hashrate (short)", a.currentHashrate, a.currentHashrateUncertainty),
      rateTile("Hashrate (long)", a.hashrate, a.hashrateUncertainty),
      tile("Workers online", fmtInt(a.workersOnline) + " / " + fmtInt(a.workersTotal)),
      tile("Balance", fmtCoin(st.balance)), tile("Immature", fmtCoin(st.immature)), tile("Paid", fmtCoin(st.paid)),
      tile("Last share", ago(st.lastShare), isoTime(st.lastShare)),
      averageTiles(a.hashrateAverages)),
    h("h3", null, "Hashrate over time"),
    lineChart(a.charts, "hashrate", "Account hashrate over time", fmtHashrate, "c1", $("account").clientWidth),
    h("h3", null, "Workers"),
    rows.length ? h("div", { class: "scroll" }, table(rows.length + " workers", ["Worker", "Hashrate (short)", "Hashrate (long)", "Last share", "Status"], rows, [1, 2]))
      : h("p", { class: "empty" }, "No workers."));
}

function refresh() {
  if (busy) return;
  busy = true;
  var my = ++seq, who = login;
  Promise.all([getJSON("/api/stats"), getJSON("/api/blocks"), who ? getJSON("/api/accounts/" + who) : null])
    .then(function (r) {
      if (my !== seq) return;
      renderStats(r[0]); renderBlocks(r[1]);
      if (who && who === login) renderAccount(r[2]);
      $("status").className = "";
      $("status").textContent = "Updated " + new Date().toLocaleTimeString("en-GB") + " · refreshes every " + REFRESH_MS / 1000 + " s";
    })
    .catch(function (e) {
      $("status").className = "err";
      $("status").textContent = "API unreachable (" + (e && e.message ? e.message : e) + "); showing the last data.";
    })
    .finally(function () { busy = false; });
}

function loginFromHash() {
  var m = /^#\\/account\\/(0x[0-9a-fA-F]{40})$/.exec(location.hash);
  return m ? m[1].toLowerCase() : null;
}
function onHash() {
  var l = loginFromHash();
  if (l === login) return;
  login = l;
  if (login) { $("login").value = login; put($("account"), h("p", { class: "muted" }, "Loading " + login + "…")); }
  else put($("account"));
  busy = false; refresh();
}
$("search").addEventListener("submit", function (e) {
  e.preventDefault();
  var v = $("login").value.trim();
  if (!LOGIN_RE.test(v)) {
    $("login").setAttribute("aria-invalid", "true");
    $("acct-msg").textContent = "Enter an address: 0x followed by 40 hexadecimal digits.";
    return;
  }
  $("login").removeAttribute("aria-invalid");
  $("acct-msg").textContent = "";
  location.hash = "#/account/" + v.toLowerCase();
});
window.addEventListener("hashchange", onHash);
login = loginFromHash();
if (login) $("login").value = login;
refresh();
setInterval(refresh, REFRESH_MS);
`;

/** `'sha256-…'`, the CSP source that allows exactly this inline text. */
function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page's Content-Security-Policy: its own inline style and script (by hash), requests
 * to its own origin only, nothing else (no images, frames, forms posted away, or plugins).
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(SCRIPT)}`,
  `style-src ${cspHash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The status page, a complete HTML document (UTF-8). */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pool status</title>
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;
