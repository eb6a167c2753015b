/** Small text formatting helpers for the demo's console summary. */

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatUsd(n: number | undefined): string {
  if (n === undefined) return "no price";
  return `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

export type Align = "left" | "right";

/**
 * A plain-text table: a header row and rows, columns padded, numbers right-aligned. A
 * row of one cell is a note: printed as it is, it does not widen the columns.
 */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: readonly Align[],
  indent = "  ",
): string[] {
  const cellRows = rows.filter((r) => r.length > 1);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...cellRows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells.length === 1
      ? indent + cells[0]
      : indent +
    cells
      .map((c, i) =>
        align[i] === "right" ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
