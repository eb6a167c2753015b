/**
 * A collector that stays down must not flood stderr. The SDK reports each failed batch to
 * the global error handler of its copy of @opentelemetry/core; with two copies installed,
 * the other copy's default handler writes `diag.error(<JSON with the stack>)` per batch,
 * past our FailureReporter. The diag logger holds back repeats of a line's shape for a
 * minute, then sums them up.
 */
import { diag } from "@opentelemetry/api";
import { loggingErrorHandler } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import { installDiagLogger, lineShape, RepeatFilter } from "../../src/setup/diag-logger.js";

afterEach(() => diag.disable());

function captureStderr(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    lines.push(...text.split("\n").filter((line) => line.startsWith("[otel ")));
    return true;
  }) as typeof process.stderr.write;
  return { lines, restore: () => (process.stderr.write = write) };
}

describe("diag repeats", () => {
  it("a second core copy's default error handler, 90 failed batches: one line, not 90", () => {
    installDiagLogger("warn");
    const handler = loggingErrorHandler();
    const stderr = captureStderr();
    try {
      for (let batch = 0; batch < 90; batch++) {
        const error = new Error(`connect ECONNREFUSED 127.0.0.1:${4300 + (batch % 7)}`);
        Object.assign(error, { code: "ECONNREFUSED", port: 4300 + (batch % 7) });
        handler(error);
      }
      diag.warn("langgraph-otel: something else happened");
    } finally {
      stderr.restore();
    }
    expect(stderr.lines.filter((l) => l.includes("ECONNREFUSED"))).toHaveLength(1);
    expect(stderr.lines).toContain("[otel warn] langgraph-otel: something else happened");
  });

  it("after the window, one summary line tells how many were held back", () => {
    let now = 0;
    const filter = new RepeatFilter(() => now);
    expect(filter.admit("export failed: timeout after 10000 ms (batch 1)")).toHaveLength(1);
    for (let i = 2; i <= 40; i++) expect(filter.admit(`export failed: timeout after 10000 ms (batch ${i})`)).toEqual([]);
    now = 61_000;
    expect(filter.admit("export failed: timeout after 10000 ms (batch 41)")).toEqual([
      "(39 more like the next line in the last minute)",
      "export failed: timeout after 10000 ms (batch 41)",
    ]);
  });

  it("lines of other shapes pass; debug output is never held back", () => {
    const filter = new RepeatFilter(() => 0);
    expect(filter.admit("trace export failed: refused")).toHaveLength(1);
    expect(filter.admit("log export failed: refused")).toHaveLength(1);
    expect(lineShape('span 4bf92f3577b34da6 "a" 12')).toBe(lineShape('span 00f067aa0ba902b7 "b" 99'));
    installDiagLogger("debug");
    const stderr = captureStderr();
    try {
      for (let i = 0; i < 5; i++) diag.debug("same debug line");
    } finally {
      stderr.restore();
    }
    expect(stderr.lines).toHaveLength(5);
  });

  it("remembers a bounded number of shapes", () => {
    const filter = new RepeatFilter(() => 0);
    for (let i = 0; i < 1000; i++) filter.admit(`kind-${"abcdefghijklmnopqrstuvwxyz"[i % 26]}${String.fromCharCode(65 + (i % 50))}${i % 7 === 0 ? "x" : "y"} failed`);
    expect((filter as unknown as { shapes: Map<string, unknown> }).shapes.size).toBeLessThanOrEqual(200);
  });
});
