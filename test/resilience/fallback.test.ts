import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { CircuitBreaker, withFallback, withRetry, withTimeout } from "../../src/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_FALLBACK_LEVEL,
  ATTR_LANGGRAPH_OPERATION,
  EVENT_LANGGRAPH_FALLBACK,
  EVENT_LANGGRAPH_RETRY,
  EVENT_LANGGRAPH_TIMEOUT,
  METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
} from "../../src/semconv.js";
import { eventsNamed, flushMicrotasks, Telemetry } from "./support.js";

let telemetry: Telemetry;

beforeEach(() => {
  telemetry = new Telemetry();
});

afterEach(async () => {
  vi.useRealTimers();
  await telemetry.shutdown();
});

class PrimaryDown extends Error {
  override name = "PrimaryDown";
}

describe("withFallback", () => {
  it("answers from the first level that succeeds; the span says which", async () => {
    const primary = vi.fn(async (q: string): Promise<string> => {
      throw new PrimaryDown(q);
    });
    const secondary = vi.fn(async (_q: string): Promise<string> => {
      throw new Error("also down");
    });
    const canned = vi.fn(async (q: string) => `sorry, no answer to ${q}`);
    const answer = withFallback(primary, secondary, canned, { name: "answer", ...telemetry.providers });
    const { value, span } = await telemetry.inSpan("invoke_node answer", () => answer("why"));

    expect(value).toBe("sorry, no answer to why");
    expect(primary).toHaveBeenCalledWith("why");
    expect(secondary).toHaveBeenCalledWith("why");
    expect(span.attributes[ATTR_LANGGRAPH_FALLBACK_LEVEL]).toBe(2);
    expect(eventsNamed(span, EVENT_LANGGRAPH_FALLBACK).map((e) => e.attributes)).toEqual([
      { [ATTR_LANGGRAPH_OPERATION]: "answer", [ATTR_LANGGRAPH_FALLBACK_LEVEL]: 1, [ATTR_ERROR_TYPE]: "PrimaryDown" },
      { [ATTR_LANGGRAPH_OPERATION]: "answer", [ATTR_LANGGRAPH_FALLBACK_LEVEL]: 2, [ATTR_ERROR_TYPE]: "Error" },
    ]);
    expect(
      await telemetry.sum(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS, {
        [ATTR_LANGGRAPH_OPERATION]: "answer",
        [ATTR_LANGGRAPH_FALLBACK_LEVEL]: 2,
      }),
    ).toBe(1);
  });

  it("a primary answer is level 0 and counts no activation", async () => {
    const answer = withFallback(async () => "primary", async () => "fallback", telemetry.providers);
    const { value, span } = await telemetry.inSpan("node", () => answer());
    expect(value).toBe("primary");
    expect(span.attributes[ATTR_LANGGRAPH_FALLBACK_LEVEL]).toBe(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS)).toBe(0);
  });

  it("when every level fails the caller gets the last error, unchanged", async () => {
    const last = new Error("last");
    const answer = withFallback(
      async () => Promise.reject(new Error("first")),
      async () => Promise.reject(last),
    );
    await expect(answer()).rejects.toBe(last);
  });

  it("does not fall back on LangGraph control flow, a cancelled caller, or when told not to", async () => {
    const interrupt = Object.assign(new Error("interrupt"), { name: "GraphInterrupt" });
    const fallback = vi.fn(async () => "fb");
    await expect(withFallback(async (): Promise<string> => Promise.reject(interrupt), fallback)()).rejects.toBe(interrupt);

    const controller = new AbortController();
    const reason = new Error("cancelled");
    const cancelled = withFallback(async (_s: unknown, _c?: { signal?: AbortSignal }): Promise<string> => {
      controller.abort(reason);
      throw reason;
    }, fallback);
    await expect(cancelled({}, { signal: controller.signal })).rejects.toBe(reason);

    const bad = new Error("validation");
    const picky = withFallback(async (): Promise<string> => Promise.reject(bad), fallback, {
      shouldFallback: (err) => err !== bad,
    });
    await expect(picky()).rejects.toBe(bad);
    expect(fallback).not.toHaveBeenCalled();
  });

  it("keeps node types and demands options last", () => {
    const node = async (state: { q: string }, _config: LangGraphRunnableConfig) => ({ a: state.q });
    const canned = async (_state: { q: string }, _config: LangGraphRunnableConfig) => ({ a: "canned" });
    const wrapped = withFallback(node, canned);
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[{ q: string }, LangGraphRunnableConfig]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<{ a: string }>>();
    expect(() => withFallback(node, {}, canned)).toThrow(TypeError);
  });
});

describe("composition", () => {
  it("fallback(retry(timeout(breaker(fn)))) reports each layer on the same span", async () => {
    vi.useFakeTimers();
    const breaker = new CircuitBreaker({ name: "svc", failureThreshold: 10, ...telemetry.providers });
    let calls = 0;
    const service = async (q: string, config?: { signal?: AbortSignal }) => {
      calls++;
      // First call hangs until aborted; the second one answers.
      if (calls === 1) {
        return new Promise<string>((_r, reject) =>
          config?.signal?.addEventListener("abort", () => reject(config.signal?.reason)),
        );
      }
      return `answer to ${q}`;
    };
    const call = withFallback(
      withRetry(withTimeout(breaker.wrap(service), 1000, telemetry.providers), {
        maxAttempts: 2,
        random: () => 0,
        ...telemetry.providers,
      }),
      async () => "canned",
      telemetry.providers,
    );
    let timersAfter = -1;
    const run = telemetry.inSpan("invoke_node call", async () => {
      try {
        return await call("q");
      } finally {
        timersAfter = vi.getTimerCount();
      }
    });
    await vi.advanceTimersByTimeAsync(1000); // the first attempt times out
    for (let i = 0; i < 5; i++) {
      await flushMicrotasks(20);
      await vi.advanceTimersByTimeAsync(1); // the zero backoff (timers wait >= 1 ms), then the second attempt
    }
    const { value, span } = await run;
    expect(value).toBe("answer to q");
    expect(span.events.map((e) => e.name)).toEqual([EVENT_LANGGRAPH_TIMEOUT, EVENT_LANGGRAPH_RETRY, EVENT_LANGGRAPH_RETRY]);
    expect(span.attributes[ATTR_LANGGRAPH_FALLBACK_LEVEL]).toBe(0);
    expect(eventsNamed(span, EVENT_LANGGRAPH_RETRY)[0]?.attributes?.[ATTR_ERROR_TYPE]).toBe("TimeoutError");
    expect(timersAfter).toBe(0);
  });

  it("spanName gives a wrapper its own span, a child of the active one", async () => {
    const wrapped = withFallback(async (): Promise<string> => Promise.reject(new Error("x")), async () => "ok", {
      spanName: "fallback answer",
      ...telemetry.providers,
    });
    const { span: parent } = await telemetry.inSpan("outer", () => wrapped());
    const own = telemetry.exporter.getFinishedSpans().find((s) => s.name === "fallback answer");
    expect(own?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(own?.attributes[ATTR_LANGGRAPH_FALLBACK_LEVEL]).toBe(1);
    expect(eventsNamed(own!, EVENT_LANGGRAPH_FALLBACK)).toHaveLength(1);
    expect(eventsNamed(parent, EVENT_LANGGRAPH_FALLBACK)).toHaveLength(0);
  });
});
