/**
 * The agent keeps working whatever the collector does: refuses connections, accepts and
 * never answers, answers 500, or answers 429 with Retry-After. Every run succeeds, the
 * span queue never holds more than its bound, spans dropped for a full queue are counted,
 * each kind of failure is logged once (not once per batch), and shutdown() returns by
 * its deadline. Loopback only; every wait is bounded.
 *
 * All through the real `startObservability`; the queue length and the dropped-span count
 * are read from the batch processor's own SDK metrics, which the setup wires up.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ERROR_TYPE_QUEUE_FULL } from "../../src/semconv.js";
import { eventually, sleep } from "../helpers/waiting.js";
import { FINAL_ANSWER, runAgent } from "./helpers/agent.js";
import {
  type FaultKind,
  type FaultyCollector,
  startFaultyCollector,
} from "./helpers/faulty-collector.js";
import { type Pipeline, type PipelineOptions, startSetupPipeline } from "./helpers/pipeline.js";

const RUNS = 120;
const CONCURRENCY = 16;
// run + invoke_agent + agent, tools, agent nodes + two chat spans and one execute_tool span
const SPANS_PER_RUN = 8;
const SHUTDOWN_DEADLINE_MS = 1500;
/** Slack on top of the deadline before a shutdown counts as hung (a bound, not a timing). */
const HANG_MARGIN_MS = 5000;

const QUEUE: Omit<PipelineOptions, "tracesUrl"> = {
  maxQueueSize: 64,
  maxExportBatchSize: 16,
  scheduledDelayMillis: 20,
  exportTimeoutMillis: 3000,
  otlpTimeoutMillis: 1500,
  shutdownTimeoutMillis: SHUTDOWN_DEADLINE_MS,
};

/** A failure line of the setup's reporter; group 1 is the kind. */
const REPORTED = /^warn langgraph-otel: (.+?) failed: /;
const DROPPED = /Dropped (\d+) spans because maxQueueSize reached/;

let collector: FaultyCollector | undefined;
let pipeline: Pipeline | undefined;

afterEach(async () => {
  await pipeline?.shutdown();
  await collector?.close();
  pipeline = undefined;
  collector = undefined;
});

/** Runs the agent through the fault and checks everything but the queue. */
async function exercise(kind: FaultKind, active: Pipeline, faulty: FaultyCollector) {
  const answers = await runAgent(RUNS, CONCURRENCY);
  expect(answers).toHaveLength(RUNS);
  expect(new Set(answers)).toEqual(new Set([FINAL_ANSWER]));

  // The export failure is reported.
  const exportFailed = () =>
    active.diagLines.some((l) => REPORTED.exec(l)?.[1] === "trace export");
  expect(await eventually("a failed export", () => exportFailed() || undefined, 15_000, 20)).toBe(true);
  if (kind === "status429") {
    // Retry-After was honoured: the same batch arrived again.
    expect(await eventually("a retried batch", () => faulty.retries > 0 || undefined, 10_000, 20)).toBe(
      true,
    );
  }
  if (kind === "status500") expect(faulty.retries).toBe(0);
  if (kind !== "refuse") expect(faulty.requests).toBeGreaterThan(0);

  // More runs while the collector is still broken: still fine.
  const more = await runAgent(10, 4);
  expect(more.every((answer) => answer === FINAL_ANSWER)).toBe(true);
}

/** shutdown() settles by its deadline (plus a generous margin), never hangs. */
async function expectTimelyShutdown(active: Pipeline) {
  const outcome = await Promise.race([
    active.shutdown().then(() => "returned" as const),
    sleep(SHUTDOWN_DEADLINE_MS + HANG_MARGIN_MS).then(() => "hung" as const),
  ]);
  expect(outcome).toBe("returned");
  pipeline = undefined;
}

/** Each kind of failure logged once; otherwise only the SDK's per-episode drop summaries. */
function expectReportedOnce(lines: readonly string[], dropped?: number) {
  const kinds = lines.flatMap((l) => REPORTED.exec(l)?.[1] ?? []);
  expect(kinds.filter((k) => k === "trace export")).toHaveLength(1);
  expect(new Set(kinds).size).toBe(kinds.length);
  const others = lines.filter(
    (l) => !REPORTED.test(l) && !l.includes("shutdown deadline passed"),
  );
  for (const line of others) expect(line).toMatch(DROPPED);
  const summarised = others.reduce((sum, l) => sum + Number(DROPPED.exec(l)?.[1] ?? 0), 0);
  if (dropped !== undefined) expect(summarised).toBeLessThanOrEqual(dropped);
  // However many batches failed, the log stays a handful of lines.
  expect(lines.length).toBeLessThan(20);
}

const FAULTS: FaultKind[] = ["refuse", "hang", "status500", "status429", "reset"];

/** The `error.type` each fault's lost spans are counted under. */
const LOSS_REASON: Record<FaultKind, string> = {
  refuse: "ECONNREFUSED",
  hang: "timeout",
  status500: "500",
  status429: "retries_exhausted",
  reset: "ECONNRESET",
};

describe.each(FAULTS)("collector fault %s", (kind) => {
  it("never hurts the agent, keeps the queue bounded, counts drops, reports once, shuts down by the deadline", async () => {
    collector = await startFaultyCollector(kind);
    const active = await startSetupPipeline({ tracesUrl: collector.tracesUrl, ...QUEUE });
    pipeline = active;

    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await active.sampleQueue();
        await sleep(2);
      }
    })();
    await exercise(kind, active, collector);
    sampling = false;
    await sampler;

    // The setup wires the queue to the SDK metrics: it is seen filling, never past its bound.
    expect(active.maxQueueSeen).toBeGreaterThan(0);
    expect(active.maxQueueSeen).toBeLessThanOrEqual(QUEUE.maxQueueSize);
    // 130 runs x 8 spans through a 64-span queue: a collector that holds each export
    // open makes the queue overflow, and the dropped spans are counted.
    const dropped = await active.droppedSpans();
    if (kind === "hang") expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThanOrEqual((RUNS + 10) * SPANS_PER_RUN);

    // Every span is accounted for, by reason: exported, dropped (queue full), or lost in
    // a failed export under this fault's reason; none vanishes silently.
    const ended = (RUNS + 10) * SPANS_PER_RUN;
    const accounted = async () => {
      const processed = await active.processedSpans();
      const total = Object.values(processed).reduce((sum, n) => sum + n, 0) + (await active.sampleQueue());
      return total === ended ? processed : undefined;
    };
    const processed = await eventually("every span accounted for", accounted, 30_000, 50);
    expect(processed[LOSS_REASON[kind]] ?? 0).toBeGreaterThan(0);
    for (const type of Object.keys(processed)) {
      expect(["", ERROR_TYPE_QUEUE_FULL, LOSS_REASON[kind]]).toContain(type);
    }

    await expectTimelyShutdown(active);
    expectReportedOnce(active.diagLines, dropped);
  }, 60_000);
});
