import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { TimeoutError, withTimeout } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_TIMEOUT_MS,
  EVENT_LANGGRAPH_TIMEOUT,
  METRIC_LANGGRAPH_TIMEOUTS,
} from "../../src/semconv.js";
import { eventsNamed, flushMicrotasks, Telemetry } from "./support.js";

let telemetry: Telemetry;

beforeEach(() => {
  telemetry = new Telemetry();
  vi.useFakeTimers();
});

afterEach(async () => {
  vi.useRealTimers();
  await telemetry.shutdown();
});

/** Work that only ends when its signal aborts, and records what it saw. */
function abortableWork() {
  const seen: { signal?: AbortSignal; reason?: unknown } = {};
  const fn = (_input: string, config?: { signal?: AbortSignal }) =>
    new Promise<string>((_resolve, reject) => {
      seen.signal = config?.signal;
      config?.signal?.addEventListener("abort", () => {
        seen.reason = config.signal?.reason;
        reject(new Error("work stopped"));
      });
    });
  return { fn, seen };
}

describe("withTimeout", () => {
  it("aborts the work with a TimeoutError at the deadline, reports it, leaves no timer", async () => {
    const { fn, seen } = abortableWork();
    const timed = withTimeout(fn, 5000, { name: "slow-llm", ...telemetry.providers });
    let timersAfter = -1;
    // Count timers before the span ends: the SDK's span export sets timers of its own.
    const run = telemetry.inSpan("invoke_node call", async () => {
      try {
        return await timed("q");
      } finally {
        timersAfter = vi.getTimerCount();
      }
    });
    await flushMicrotasks();
    expect(vi.getTimerCount()).toBe(1);
    expect(seen.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(seen.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { error, span } = await run;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: "TimeoutError", operation: "slow-llm", timeoutMs: 5000 });
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.reason).toBe(error);
    expect(timersAfter).toBe(0);
    expect(eventsNamed(span, EVENT_LANGGRAPH_TIMEOUT).map((e) => e.attributes)).toEqual([
      { [ATTR_LANGGRAPH_OPERATION]: "slow-llm", [ATTR_LANGGRAPH_TIMEOUT_MS]: 5000 },
    ]);
    expect(await telemetry.sum(METRIC_LANGGRAPH_TIMEOUTS, { [ATTR_LANGGRAPH_OPERATION]: "slow-llm" })).toBe(1);
  });

  it("gives up at once even when the work ignores its signal", async () => {
    const timed = withTimeout(() => new Promise<never>(() => undefined), 100);
    const outcome = timed().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("clears its timer when the work finishes or fails first", async () => {
    const quick = withTimeout(async (x: number) => x * 2, 1000, telemetry.providers);
    expect(await quick(21)).toBe(42);
    expect(vi.getTimerCount()).toBe(0);

    const error = new Error("own failure");
    const failing = withTimeout(async () => Promise.reject(error), 1000);
    await expect(failing()).rejects.toBe(error);
    expect(vi.getTimerCount()).toBe(0);

    const sync = withTimeout(() => {
      throw error;
    }, 1000);
    await expect(sync()).rejects.toBe(error);
    expect(vi.getTimerCount()).toBe(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_TIMEOUTS)).toBe(0);
  });

  it("the caller's config.signal aborts the work too, with the caller's reason", async () => {
    const { fn, seen } = abortableWork();
    const timed = withTimeout(fn, 60_000, telemetry.providers);
    const controller = new AbortController();
    const outcome = timed("q", { signal: controller.signal }).catch((e: unknown) => e);
    await flushMicrotasks();
    const reason = new Error("run cancelled");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(seen.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_TIMEOUTS)).toBe(0);
  });

  it("passes the rest of a node's config through and keeps its types", async () => {
    const node = async (state: { n: number }, config: LangGraphRunnableConfig) => ({
      n: state.n,
      thread: config.configurable?.thread_id as string,
      hasSignal: config.signal instanceof AbortSignal,
    });
    const timed = withTimeout(node, 1000);
    expectTypeOf(timed).parameters.toEqualTypeOf<[{ n: number }, LangGraphRunnableConfig]>();
    expect(await timed({ n: 1 }, { configurable: { thread_id: "t1" } })).toEqual({
      n: 1,
      thread: "t1",
      hasSignal: true,
    });
  });

  it("rejects a non-positive timeout", () => {
    expect(() => withTimeout(async () => 1, 0)).toThrow(RangeError);
    expect(() => withTimeout(async () => 1, Number.NaN)).toThrow(RangeError);
  });
});
