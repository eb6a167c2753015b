/**
 * Work that ignores its abort signal cannot be stopped from outside. These tests count the
 * executions really running at once (a work function that keeps going after its timeout)
 * and check that the wrappers neither multiply them nor hide them.
 */
import { describe, expect, it, vi } from "vitest";
import { TimeoutError, withRetry, withTimeout } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  METRIC_LANGGRAPH_TIMEOUT_ABANDONED,
  OUTCOME_ERROR,
} from "../../src/semconv.js";
import { flushMicrotasks, stubbornWork, telemetryPerTest } from "./support.js";

const telemetry = telemetryPerTest();

describe("withRetry(withTimeout(work)) around work that ignores its signal", () => {
  it("never runs two attempts of one call at once: 50 calls, at most 50 executions", async () => {
    const { fn, stats } = stubbornWork(1000);
    const call = withRetry(withTimeout(fn, 100, { name: "stubborn" }), {
      maxAttempts: 4,
      initialInterval: 10,
      jitter: false,
    });
    const outcomes = Array.from({ length: 50 }, (_, i) => call(`q${i}`).catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(10_000);
    const results = await Promise.all(outcomes);

    expect(results.every((r) => r instanceof TimeoutError)).toBe(true);
    // Before the fix: 4 attempts per call overlapped, 200 at once.
    expect(stats.peak).toBe(50);
    expect(stats.started).toBe(200);
    expect(stats.running).toBe(0);
  });

  it("the next attempt starts once the abandoned one has ended, not before", async () => {
    const { fn, stats } = stubbornWork(1000);
    const call = withRetry(withTimeout(fn, 100), { maxAttempts: 2, initialInterval: 10, jitter: false });
    const outcome = call("q").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(stats.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await flushMicrotasks();
    // The backoff (10 ms) ran concurrently with the wait: the retry starts right away.
    expect(stats.started).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
  });

  it("gives up with the TimeoutError when the abandoned attempt outlives maxAbandonedWait", async () => {
    const { fn, stats } = stubbornWork(undefined);
    const call = withRetry(withTimeout(fn, 100), {
      maxAttempts: 3,
      initialInterval: 10,
      jitter: false,
      maxAbandonedWait: 500,
      name: "stubborn",
      ...telemetry().providers,
    });
    let settledAt = -1;
    const outcome = call("q")
      .catch((e: unknown) => e)
      .finally(() => {
        settledAt = Date.now();
      });
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(5000);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(settledAt - start).toBe(600);
    expect(stats.started).toBe(1);
    expect(stats.running).toBe(1);
    // One attempt, reported as the last one (an error with no retry after it).
    expect(await telemetry().sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { [ATTR_LANGGRAPH_OPERATION]: "stubborn" })).toBe(1);
    expect(
      await telemetry().sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR }),
    ).toBe(1);
  });

  it("the caller's cancellation stops the wait at once", async () => {
    const { fn } = stubbornWork(undefined);
    const call = withRetry(withTimeout(fn, 100), { maxAttempts: 3, initialInterval: 10 });
    const controller = new AbortController();
    const outcome = call("q", { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    const reason = new Error("run cancelled");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
  });
});

describe("langgraph.timeout.abandoned", () => {
  it("counts executions still running after withTimeout gave up on them", async () => {
    const { fn } = stubbornWork(1000);
    const timed = withTimeout(fn, 100, { name: "stubborn", ...telemetry().providers });
    const attributes = { [ATTR_LANGGRAPH_OPERATION]: "stubborn" };
    const outcomes = [timed("a"), timed("b"), timed("c")].map((p) => p.catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(outcomes);
    expect(await telemetry().sum(METRIC_LANGGRAPH_TIMEOUT_ABANDONED, attributes)).toBe(3);
    await vi.advanceTimersByTimeAsync(900);
    expect(await telemetry().sum(METRIC_LANGGRAPH_TIMEOUT_ABANDONED, attributes)).toBe(0);
  });

  it("work that honours its signal nets to zero", async () => {
    const honest = (_input: string, config?: { signal?: AbortSignal }) =>
      new Promise<string>((_resolve, reject) => {
        config?.signal?.addEventListener("abort", () => reject(config.signal?.reason));
      });
    const timed = withTimeout(honest, 100, { name: "honest", ...telemetry().providers });
    const outcome = timed("a").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    const points = await telemetry().points(METRIC_LANGGRAPH_TIMEOUT_ABANDONED);
    expect(points.reduce((n, p) => n + (p.value as number), 0)).toBe(0);
  });
});

describe("across copies of the package", () => {
  it("a withRetry of one copy waits for work a withTimeout of another copy abandoned", async () => {
    // Two module graphs stand for the ESM and CJS builds (or two installed versions).
    const { withRetry: retryA } = await import("../../src/resilience/retry.js");
    vi.resetModules();
    const { withTimeout: timeoutB } = await import("../../src/resilience/timeout.js");
    const { fn, stats } = stubbornWork(1000);
    const call = retryA(timeoutB(fn, 100), { maxAttempts: 2, initialInterval: 10, jitter: false });
    const outcomes = Array.from({ length: 5 }, (_, i) => call(`q${i}`).catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(outcomes);
    expect(stats.started).toBe(10);
    expect(stats.peak).toBe(5);
  });
});
