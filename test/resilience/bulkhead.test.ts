import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  Bulkhead,
  BulkheadRejectedError,
  CircuitBreaker,
  classifyError,
  isBulkheadRejectedError,
  TimeoutError,
  withBulkhead,
  withFallback,
  withRetry,
  withTimeout,
} from "../../src/index.js";
import {
  ATTR_LANGGRAPH_BULKHEAD_NAME,
  ATTR_LANGGRAPH_BULKHEAD_WAIT_MS,
  EVENT_LANGGRAPH_BULKHEAD_REJECTION,
  EVENT_LANGGRAPH_BULKHEAD_WAIT,
  METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT,
  METRIC_LANGGRAPH_BULKHEAD_QUEUED,
  METRIC_LANGGRAPH_BULKHEAD_REJECTIONS,
} from "../../src/semconv.js";
import { eventsNamed, flushMicrotasks, stubbornWork, telemetryPerTest } from "./support.js";

const telemetry = telemetryPerTest();
const OPENAI = { [ATTR_LANGGRAPH_BULKHEAD_NAME]: "openai" };

describe("Bulkhead", () => {
  it("runs at most maxConcurrent at once, queues up to maxQueue in order, rejects the rest", async () => {
    const { fn, stats } = stubbornWork(100);
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 2, maxQueue: 3, ...telemetry().providers });
    const call = bulkhead.wrap(fn);
    const order: string[] = [];
    const calls = ["a", "b", "c", "d", "e"].map((q) => call(q).then(() => order.push(q)));
    await flushMicrotasks();
    expect([stats.running, bulkhead.inFlight, bulkhead.queued]).toEqual([2, 2, 3]);
    expect(await telemetry().sum(METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT, OPENAI)).toBe(2);
    expect(await telemetry().sum(METRIC_LANGGRAPH_BULKHEAD_QUEUED, OPENAI)).toBe(3);

    const rejected = await telemetry().inSpan("invoke_node call", () => call("f"));
    expect(rejected.error).toBeInstanceOf(BulkheadRejectedError);
    expect(rejected.error).toMatchObject({ bulkheadName: "openai", maxConcurrent: 2, maxQueue: 3 });
    expect(eventsNamed(rejected.span, EVENT_LANGGRAPH_BULKHEAD_REJECTION).map((e) => e.attributes)).toEqual([OPENAI]);
    expect(await telemetry().sum(METRIC_LANGGRAPH_BULKHEAD_REJECTIONS, OPENAI)).toBe(1);

    await vi.advanceTimersByTimeAsync(300);
    await Promise.all(calls);
    expect(order).toEqual(["a", "b", "c", "d", "e"]);
    expect(stats.peak).toBe(2);
    expect(stats.started).toBe(5);
    expect([bulkhead.inFlight, bulkhead.queued]).toEqual([0, 0]);
    expect(await telemetry().sum(METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT, OPENAI)).toBe(0);
  });

  it("a queued call reports how long it waited, on its own span", async () => {
    const { fn } = stubbornWork(250);
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 1, ...telemetry().providers });
    const first = bulkhead.execute(fn, "a");
    const second = telemetry().inSpan("invoke_node second", () => bulkhead.execute(fn, "b"));
    await vi.advanceTimersByTimeAsync(500);
    await first;
    const { span } = await second;
    expect(eventsNamed(span, EVENT_LANGGRAPH_BULKHEAD_WAIT).map((e) => e.attributes)).toEqual([
      { ...OPENAI, [ATTR_LANGGRAPH_BULKHEAD_WAIT_MS]: 250 },
    ]);
  });

  it("a queued call whose signal aborts leaves the queue and never runs", async () => {
    const { fn, stats } = stubbornWork(1000);
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 1, maxQueue: 5 });
    // The timeout outside bounds the time spent waiting for a slot too.
    const call = withTimeout(bulkhead.wrap(fn), 100);
    const first = call("a").catch((e: unknown) => e);
    const second = call("b").catch((e: unknown) => e);
    await flushMicrotasks();
    expect(bulkhead.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await second).toBeInstanceOf(TimeoutError);
    expect(await first).toBeInstanceOf(TimeoutError);
    expect(bulkhead.queued).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stats.started).toBe(1);
    expect(bulkhead.inFlight).toBe(0);
  });

  it("abandoned work keeps its slot until it ends: the limit counts real executions", async () => {
    const { fn, stats } = stubbornWork(1000);
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 2, maxQueue: 100 });
    // The timeout inside the bulkhead gives up after 100 ms; the work runs 1 s regardless.
    const call = withBulkhead(withTimeout(fn, 100), bulkhead);
    const outcomes = Array.from({ length: 10 }, (_, i) => call(`q${i}`).catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await Promise.all(outcomes)).every((r) => r instanceof TimeoutError)).toBe(true);
    // Freed at each timeout, the slots would have let all 10 run at once.
    expect(stats.peak).toBe(2);
    expect(stats.started).toBe(10);
    expect(bulkhead.inFlight).toBe(0);
  });

  it("a never-ending abandoned execution gives its slot back after abandonedHoldMs", async () => {
    const { fn, stats } = stubbornWork(undefined);
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 1, abandonedHoldMs: 500 });
    const call = bulkhead.wrap(withTimeout(fn, 100));
    const first = call("a").catch((e: unknown) => e);
    const second = call("b").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toBeInstanceOf(TimeoutError);
    expect(stats.started).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(stats.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stats.started).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(await second).toBeInstanceOf(TimeoutError);
  });

  it("the caller's cancellation ends a running call at once; the work keeps its slot", async () => {
    const { fn, stats } = stubbornWork(1000);
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    const controller = new AbortController();
    const outcome = bulkhead.execute(fn, "a", { signal: controller.signal }).catch((e: unknown) => e);
    await flushMicrotasks();
    const reason = new Error("run cancelled");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(bulkhead.inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stats.running).toBe(0);
    expect(bulkhead.inFlight).toBe(0);
  });

  it("a failing or synchronously throwing call frees its slot", async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 0 });
    const error = new Error("boom");
    await expect(
      bulkhead.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    await expect(bulkhead.execute(async () => Promise.reject(error))).rejects.toBe(error);
    expect(await bulkhead.execute(async () => 42)).toBe(42);
    expect(bulkhead.inFlight).toBe(0);
  });

  it("rejects invalid options", () => {
    expect(() => new Bulkhead({ maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => new Bulkhead({ maxQueue: -1 })).toThrow(RangeError);
    expect(() => new Bulkhead({ maxQueue: 1.5 })).toThrow(RangeError);
    expect(() => new Bulkhead({ abandonedHoldMs: Number.NaN })).toThrow(RangeError);
  });
});

describe("BulkheadRejectedError with the other wrappers", () => {
  /** A bulkhead with one slot taken for good and no queue: every call is rejected. */
  async function fullBulkhead() {
    const bulkhead = new Bulkhead({ name: "openai", maxConcurrent: 1, maxQueue: 0 });
    void bulkhead.execute(() => new Promise<never>(() => undefined));
    await flushMicrotasks();
    return bulkhead;
  }

  it("is permanent for classifyError, so withRetry does not retry it", async () => {
    expect(classifyError(new BulkheadRejectedError("x", 1, 0))).toBe("permanent");
    const bulkhead = await fullBulkhead();
    const work = vi.fn(async (_q: string) => "ok");
    const call = withRetry(bulkhead.wrap(work), { maxAttempts: 5 });
    const error = await call("q").catch((e: unknown) => e);
    expect(isBulkheadRejectedError(error)).toBe(true);
    expect(work).not.toHaveBeenCalled();
  });

  it("a policy can retry it: classify decides", async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 0 });
    let release: () => void = () => undefined;
    void bulkhead.execute(() => new Promise<void>((resolve) => (release = resolve)));
    await flushMicrotasks();
    const call = withRetry(bulkhead.wrap(async (_q: string) => "ok"), {
      classify: (e) => (isBulkheadRejectedError(e) ? "transient" : classifyError(e)),
      initialInterval: 100,
      jitter: false,
    });
    const outcome = call("q");
    await flushMicrotasks();
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBe("ok");
  });

  it("is not a circuit breaker failure", async () => {
    const bulkhead = await fullBulkhead();
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const call = breaker.wrap(bulkhead.wrap(async () => "ok"));
    await expect(call()).rejects.toBeInstanceOf(BulkheadRejectedError);
    await expect(call()).rejects.toBeInstanceOf(BulkheadRejectedError);
    expect(breaker.state).toBe("closed");
  });

  it("a fallback answers it", async () => {
    const bulkhead = await fullBulkhead();
    const call = withFallback(bulkhead.wrap(async () => "primary"), async () => "canned");
    expect(await call()).toBe("canned");
  });

  it("wraps a node and keeps its types", async () => {
    const node = async (state: { q: string }, _config: LangGraphRunnableConfig) => ({ a: state.q });
    const limited = withBulkhead(node, { maxConcurrent: 2 });
    expectTypeOf(limited).parameters.toEqualTypeOf<[{ q: string }, LangGraphRunnableConfig]>();
    expect(limited.name).toBe("node");
    expect(await limited({ q: "hi" }, {})).toEqual({ a: "hi" });
  });
});
