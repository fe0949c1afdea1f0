/** A small SVG line chart for the benchmark: no dependency, two panels side by side. */

export interface Point {
  readonly n: number;
  readonly ms: number;
  readonly heapMb: number;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly Point[];
}

const W = 460;
const H = 300;
const PAD = { left: 64, right: 16, top: 36, bottom: 48 };

/** Collection time (log scale) and heap growth against N (log scale), one line per series. */
export function renderChart(series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points);
  const ns = [...new Set(all.map((p) => p.n))].sort((a, b) => a - b);
  const panel = (x0: number, title: string, value: (p: Point) => number, unit: string, log: boolean): string => {
    const values = all.map(value).filter((v) => v > 0);
    const lo = log ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0;
    const hi = log ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : niceCeil(Math.max(...values, 1));
    const sx = (n: number) => {
      if (ns.length === 1) return x0 + PAD.left + (W - PAD.left - PAD.right) / 2;
      const t =
        (Math.log10(n) - Math.log10(ns[0] as number)) /
        (Math.log10(ns[ns.length - 1] as number) - Math.log10(ns[0] as number));
      return x0 + PAD.left + t * (W - PAD.left - PAD.right);
    };
    const sy = (v: number) => {
      const t = log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / hi;
      return PAD.top + (1 - t) * (H - PAD.top - PAD.bottom);
    };
    const ticks = log
      ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i)
      : Array.from({ length: 5 }, (_, i) => (hi / 4) * i);
    const parts = [
      `<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${title}</text>`,
      `<line x1="${x0 + PAD.left}" y1="${H - PAD.bottom}" x2="${x0 + W - PAD.right}" y2="${H - PAD.bottom}" stroke="#333"/>`,
      `<line x1="${x0 + PAD.left}" y1="${PAD.top}" x2="${x0 + PAD.left}" y2="${H - PAD.bottom}" stroke="#333"/>`,
      ...ticks.map(
        (t) =>
          `<line x1="${x0 + PAD.left}" y1="${sy(t)}" x2="${x0 + W - PAD.right}" y2="${sy(t)}" stroke="#ddd"/><text x="${x0 + PAD.left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${formatTick(t, unit)}</text>`,
      ),
      ...ns.map(
        (n) => `<text x="${sx(n)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${formatN(n)}</text>`,
      ),
      `<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle" font-size="11">shares in the window</text>`,
    ];
    for (const s of series) {
      const pts = [...s.points].sort((a, b) => a.n - b.n);
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${sx(p.n).toFixed(1)},${sy(value(p)).toFixed(1)}`).join(" ")}"/>`,
        ...pts.map(
          (p) => `<circle cx="${sx(p.n).toFixed(1)}" cy="${sy(value(p)).toFixed(1)}" r="3.5" fill="${s.color}"/>`,
        ),
      );
    }
    return parts.join("\n");
  };
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${20 + i * 200}" y="${H + 8}" width="14" height="4" fill="${s.color}"/><text x="${40 + i * 200}" y="${H + 14}" font-size="12">${s.name}</text>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 30}" font-family="sans-serif" role="img">
<title>Collection time and heap growth against shares in the window: ${series.map((s) => s.name).join(", ")}</title>
<rect width="100%" height="100%" fill="white"/>
${panel(0, "Collection time (median)", (p) => p.ms, " ms", true)}
${panel(W, "Heap growth (peak)", (p) => p.heapMb, " MB", false)}
${legend}
</svg>
`;
}

function niceCeil(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / magnitude) * magnitude;
}

function formatTick(v: number, unit: string): string {
  if (unit === " ms" && v >= 1000) return `${Number((v / 1000).toPrecision(3))} s`;
  return `${Number(v.toPrecision(3))}${unit}`;
}

function formatN(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
}
