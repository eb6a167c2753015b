/**
 * 100,000 runs against an unreachable collector: the heap stays flat. Spans that cannot
 * be exported are dropped at the bounded queue, never accumulated. Runs in a child
 * process started with --expose-gc (heap readings after a full GC), against the built
 * package in dist/ (`npm run build`, which `npm test` does first).
 *
 * HEAP_RUNS overrides the run count (default 100,000). No timing assertion: only memory.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { startFaultyCollector } from "./helpers/faulty-collector.js";

const RUNS = Number(process.env.HEAP_RUNS ?? 100_000);
/** Generous: a leak of one span per run (~1 KB) would be ~100 MB. */
const MAX_GROWTH_BYTES = 30 * 1024 * 1024;
const CHILD = fileURLToPath(new URL("./fixtures/heap-child.mjs", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/esm/index.js", import.meta.url));

interface HeapReport {
  runs: number;
  before: number;
  after: number;
  samples: number[];
  failures: number;
  timedOut: boolean;
}

it(`keeps the heap flat over ${RUNS.toLocaleString("en-US")} runs with the collector unreachable`, async () => {
  expect(existsSync(DIST), "dist/ is missing: run `npm run build` first").toBe(true);
  const collector = await startFaultyCollector("refuse");
  try {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--expose-gc", CHILD],
      {
        env: { ...process.env, HEAP_RUNS: String(RUNS), COLLECTOR_URL: collector.tracesUrl },
        maxBuffer: 1024 * 1024,
      },
      (error, out, err) => (error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`))),
    );
  });
  const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as HeapReport;
  expect(report.runs).toBe(RUNS);
  expect(report.failures).toBe(0);
  for (const sample of report.samples) expect(sample - report.before).toBeLessThan(MAX_GROWTH_BYTES);
  expect(report.after - report.before).toBeLessThan(MAX_GROWTH_BYTES);
  } finally {
    await collector.close();
  }
}, 1_200_000);
