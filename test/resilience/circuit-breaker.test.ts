import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { CircuitBreaker, CircuitOpenError, type CircuitState, withCircuitBreaker } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  CIRCUIT_STATE_CLOSED,
  CIRCUIT_STATE_HALF_OPEN,
  CIRCUIT_STATE_OPEN,
  EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
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

const ok = async () => "ok";
const fail = async () => {
  throw new Error("service down");
};

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await expect(breaker.execute(fail)).rejects.toThrow("service down");
}

/** A call that stays pending until the test settles it. */
function deferredCall() {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { fn: () => promise, resolve, reject };
}

describe("CircuitBreaker (count mode)", () => {
  it("walks closed → open → half-open → closed / open, and the gauge follows every transition", async () => {
    const breaker = new CircuitBreaker({
      name: "llm",
      failureThreshold: 3,
      recoveryTimeoutMs: 10_000,
      ...telemetry.providers,
    });
    const gauge = () => telemetry.gauge(METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE, { [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "llm" });
    const seen: Array<[CircuitState, number | undefined]> = [];
    const snapshot = async () => seen.push([breaker.state, await gauge()]);

    await snapshot();
    await failTimes(breaker, 2);
    await breaker.execute(ok); // a success resets the consecutive count
    await failTimes(breaker, 2);
    await snapshot(); // still closed: never 3 in a row
    await failTimes(breaker, 1);
    await snapshot(); // open

    const rejected = await breaker.execute(ok).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect((rejected as CircuitOpenError).breakerName).toBe("llm");
    expect((rejected as CircuitOpenError).retryAfterMs).toBe(10_000);

    vi.advanceTimersByTime(9_999);
    await snapshot(); // still open
    vi.advanceTimersByTime(1);
    await snapshot(); // half-open (observed lazily, no call needed)
    await failTimes(breaker, 1);
    await snapshot(); // a failed probe reopens
    vi.advanceTimersByTime(10_000);
    await snapshot(); // half-open again
    expect(await breaker.execute(ok)).toBe("ok");
    await snapshot(); // a successful probe closes

    expect(seen).toEqual([
      ["closed", CIRCUIT_STATE_CLOSED],
      ["closed", CIRCUIT_STATE_CLOSED],
      ["open", CIRCUIT_STATE_OPEN],
      ["open", CIRCUIT_STATE_OPEN],
      ["half_open", CIRCUIT_STATE_HALF_OPEN],
      ["open", CIRCUIT_STATE_OPEN],
      ["half_open", CIRCUIT_STATE_HALF_OPEN],
      ["closed", CIRCUIT_STATE_CLOSED],
    ]);

    const transitions = async (from: string, to: string) =>
      telemetry.sum(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS, {
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "llm",
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM]: from,
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO]: to,
      });
    expect(await transitions("closed", "open")).toBe(1);
    expect(await transitions("open", "half_open")).toBe(2);
    expect(await transitions("half_open", "open")).toBe(1);
    expect(await transitions("half_open", "closed")).toBe(1);
    expect(await telemetry.sum(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS)).toBe(5);
  });

  it("puts a transition event on the span of the call that caused it", async () => {
    const breaker = new CircuitBreaker({ name: "svc", failureThreshold: 1, ...telemetry.providers });
    const { span, error } = await telemetry.inSpan("invoke_node call", () => breaker.execute(fail));
    expect((error as Error).message).toBe("service down");
    expect(eventsNamed(span, EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION).map((e) => e.attributes)).toEqual([
      {
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "svc",
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM]: "closed",
        [ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO]: "open",
      },
    ]);
  });

  it("half-open admits exactly halfOpenMaxProbes concurrent probes", async () => {
    const breaker = new CircuitBreaker({
      name: "probe",
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      halfOpenMaxProbes: 3,
      successThreshold: 4,
      ...telemetry.providers,
    });
    await failTimes(breaker, 1);
    vi.advanceTimersByTime(1000);

    const probes = Array.from({ length: 5 }, () => deferredCall());
    const started = probes.map((p) => breaker.execute(p.fn).catch((e: unknown) => e));
    await flushMicrotasks();
    expect(breaker.state).toBe("half_open");
    expect(breaker.activeProbes).toBe(3);
    // The 4th and 5th callers were turned away at once, without running.
    expect(await started[3]).toBeInstanceOf(CircuitOpenError);
    expect(await started[4]).toBeInstanceOf(CircuitOpenError);
    expect((await started[3]) as CircuitOpenError).toMatchObject({ retryAfterMs: 0 });

    // Finishing one probe frees exactly one slot.
    probes[0]!.resolve("a");
    expect(await started[0]).toBe("a");
    expect(breaker.activeProbes).toBe(2);
    const extra = deferredCall();
    const admitted = breaker.execute(extra.fn);
    const refused = await breaker.execute(ok).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(breaker.activeProbes).toBe(3);

    // Four successes in all close the breaker.
    probes[1]!.resolve("b");
    probes[2]!.resolve("c");
    extra.resolve("d");
    expect(await Promise.all([started[1], started[2], admitted])).toEqual(["b", "c", "d"]);
    expect(breaker.state).toBe("closed");
    expect(await telemetry.gauge(METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE, { [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "probe" })).toBe(
      CIRCUIT_STATE_CLOSED,
    );
  });

  it("one failed probe reopens; late results from the old state are ignored", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeoutMs: 1000, halfOpenMaxProbes: 2 });
    await failTimes(breaker, 1);
    vi.advanceTimersByTime(1000);
    const a = deferredCall();
    const b = deferredCall();
    const pa = breaker.execute(a.fn).catch((e: unknown) => e);
    const pb = breaker.execute(b.fn).catch((e: unknown) => e);
    a.reject(new Error("still down"));
    await pa;
    expect(breaker.state).toBe("open");
    b.resolve("late");
    expect(await pb).toBe("late");
    expect(breaker.state).toBe("open");
  });

  it("does not count aborts or LangGraph control flow as failures", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const interrupt = Object.assign(new Error("interrupt"), { name: "GraphInterrupt" });
    await expect(breaker.execute(async () => Promise.reject(interrupt))).rejects.toBe(interrupt);
    const abort = new DOMException("aborted", "AbortError");
    await expect(breaker.execute(async () => Promise.reject(abort))).rejects.toBe(abort);
    expect(breaker.state).toBe("closed");

    const controller = new AbortController();
    controller.abort(new Error("cancelled before start"));
    const fn = vi.fn(async (_q: string, _config: { signal?: AbortSignal }) => "ok");
    await expect(breaker.execute(fn, "x", { signal: controller.signal })).rejects.toThrow("cancelled before start");
    expect(fn).not.toHaveBeenCalled();
  });

  it("survives throwing hooks: isFailure counts a failure, onStateChange is ignored", async () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      isFailure: () => {
        throw new Error("hook bug");
      },
      onStateChange: () => {
        throw new Error("listener bug");
      },
    });
    const error = new Error("real");
    await expect(breaker.execute(async () => Promise.reject(error))).rejects.toBe(error);
    expect(breaker.state).toBe("open");
    breaker.reset();
    expect(breaker.state).toBe("closed");
  });
});

describe("CircuitBreaker (ratio mode)", () => {
  it("opens on the failure ratio over the window, once minimumCalls is reached", async () => {
    const breaker = new CircuitBreaker({
      failureRatio: 0.5,
      windowMs: 10_000,
      minimumCalls: 4,
      ...telemetry.providers,
    });
    await failTimes(breaker, 3);
    expect(breaker.state).toBe("closed"); // 3 calls < minimumCalls

    vi.advanceTimersByTime(11_000); // those three leave the window
    await breaker.execute(ok);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe("closed"); // 1 / 3
    await failTimes(breaker, 1);
    expect(breaker.state).toBe("open"); // 2 / 4 = 0.5
  });

  it("slides: failures older than the window no longer count", async () => {
    const breaker = new CircuitBreaker({ failureRatio: 0.6, windowMs: 1000, minimumCalls: 5 });
    await failTimes(breaker, 2);
    vi.advanceTimersByTime(600);
    await failTimes(breaker, 1);
    vi.advanceTimersByTime(500); // the first two are now outside the window
    for (let i = 0; i < 3; i++) await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe("closed"); // 2 failures / 5 calls in the window
  });
});

describe("CircuitBreaker as a node", () => {
  it("wraps a node keeping its types; breakers can be shared by call sites", async () => {
    const node = async (state: { q: string }, _config: LangGraphRunnableConfig) => ({ a: state.q.toUpperCase() });
    const shared = new CircuitBreaker({ name: "shared" });
    const wrapped = withCircuitBreaker(node, shared);
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[{ q: string }, LangGraphRunnableConfig]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<{ a: string }>>();
    expect(await wrapped({ q: "hi" }, {})).toEqual({ a: "HI" });
    expect(wrapped.name).toBe("node");
  });

  it("rejects invalid options", () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureRatio: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ halfOpenMaxProbes: 0 })).toThrow(RangeError);
  });
});

describe("CircuitBreaker half-open probe lease", () => {
  it("reopens when a probe never settles, then probes again and closes", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      name: "hung-probe",
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      probeTimeoutMs: 500,
      clock: () => now,
    });
    await expect(breaker.execute(async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(breaker.state).toBe("open");

    now = 1000;
    expect(breaker.state).toBe("half_open");
    const hung = breaker.execute(() => new Promise<string>(() => {}));
    void hung;
    await expect(breaker.execute(async () => "x")).rejects.toBeInstanceOf(CircuitOpenError);

    now = 1499;
    expect(breaker.state).toBe("half_open");
    now = 1500;
    expect(breaker.state).toBe("open");

    now = 2500;
    expect(await breaker.execute(async () => "back")).toBe("back");
    expect(breaker.state).toBe("closed");
  });

  it("rejects a probe lease that is not a positive number", () => {
    expect(() => new CircuitBreaker({ probeTimeoutMs: 0 })).toThrow(RangeError);
  });
});
