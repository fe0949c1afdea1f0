import { appendFileSync } from "node:fs";

/**
 * Prints what a fault or load case observed on one compact line, and appends it as JSON
 * to the file named by `FAULT_REPORT` when set (docs/RELIABILITY.md quotes such a run).
 */
export function report(name: string, numbers: Readonly<Record<string, unknown>>): void {
  const text = Object.entries(numbers)
    .map(([key, value]) => `${key}=${typeof value === "number" ? round(value) : String(value)}`)
    .join(" ");
  console.log(`[reliability] ${name}: ${text}`);
  const file = process.env.FAULT_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ name, ...numbers })}\n`);
}

/** Whole numbers from 100 up, three significant digits below. */
function round(value: number): number {
  return Math.abs(value) >= 100 || Number.isInteger(value) ? Math.round(value) : Number(value.toPrecision(3));
}
