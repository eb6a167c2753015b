import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  backoffCeiling,
  backoffDelay,
  CircuitOpenError,
  classifyError,
  parseRetryAfter,
  retryAfterHint,
  withRetry,
} from "../../src/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRY_ATTEMPT,
  ATTR_LANGGRAPH_RETRY_DELAY_MS,
  EVENT_LANGGRAPH_RETRY,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { eventsNamed, flushMicrotasks, Telemetry } from "./support.js";

class Flaky extends Error {
  override name = "FlakyError";
  status = 503;
}

class BadRequest extends Error {
  override name = "BadRequestError";
  status = 400;
}

let telemetry: Telemetry;

beforeEach(() => {
  telemetry = new Telemetry();
  vi.useFakeTimers();
});

afterEach(async () => {
  vi.useRealTimers();
  await telemetry.shutdown();
});

/** A function that fails with `errors` in order, then returns "done". */
function scripted(errors: unknown[]) {
  const calls: number[] = [];
  const fn = vi.fn(async (_input: string) => {
    calls.push(Date.now());
    const next = errors.shift();
    if (next !== undefined) throw next;
    return "done";
  });
  return { fn, calls };
}

describe("backoff", () => {
  const policyArb = fc.record({
    initialInterval: fc.double({ min: 0, max: 10_000, noNaN: true }),
    backoffFactor: fc.double({ min: 1, max: 10, noNaN: true }),
    maxInterval: fc.double({ min: 0, max: 120_000, noNaN: true }),
    jitter: fc.boolean(),
  });

  it("keeps every delay within [0, min(maxInterval, initial * factor^(n-1))]", () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (policy, retry, r) => {
          const ceiling = backoffCeiling(retry, policy);
          const delay = backoffDelay(retry, policy, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(ceiling).toBeLessThanOrEqual(policy.maxInterval);
          const exponential = policy.initialInterval * policy.backoffFactor ** (retry - 1);
          if (Number.isFinite(exponential)) expect(ceiling).toBeLessThanOrEqual(exponential);
          if (!policy.jitter) expect(delay).toBe(ceiling);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("stays in bounds even with a broken random source", () => {
    const policy = { initialInterval: 100, backoffFactor: 2, maxInterval: 1000, jitter: true };
    for (const r of [-1, 7, Number.NaN, Number.POSITIVE_INFINITY]) {
      const delay = backoffDelay(3, policy, () => r);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it("waits between real attempts within the bounds (fake timers)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (maxAttempts, initialInterval, backoffFactor, maxInterval, seed) => {
          let state = seed;
          // A seeded LCG: every run is reproducible from fast-check's counterexample.
          const random = () => {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            return state / 2 ** 31;
          };
          const { fn, calls } = scripted(Array.from({ length: maxAttempts }, () => new Flaky("down")));
          const wrapped = withRetry(fn, {
            maxAttempts,
            initialInterval,
            backoffFactor,
            maxInterval,
            random,
            ...telemetry.providers,
          });
          const outcome = wrapped("q").catch((err: unknown) => err);
          await vi.runAllTimersAsync();
          expect(await outcome).toBeInstanceOf(Flaky);
          expect(calls).toHaveLength(maxAttempts);
          for (let n = 1; n < calls.length; n++) {
            const waited = calls[n]! - calls[n - 1]!;
            const ceiling = Math.min(maxInterval, initialInterval * backoffFactor ** (n - 1));
            expect(waited).toBeGreaterThanOrEqual(0);
            expect(waited).toBeLessThanOrEqual(Math.ceil(ceiling));
          }
          expect(vi.getTimerCount()).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("withRetry", () => {
  it("retries transient failures, then succeeds; events and metrics say so", async () => {
    const { fn } = scripted([new Flaky("a"), new Flaky("b")]);
    const wrapped = withRetry(fn, { name: "llm", random: () => 0.5, ...telemetry.providers });
    const run = telemetry.inSpan("node", () => wrapped("q"));
    await vi.runAllTimersAsync();
    const { value, span } = await run;
    expect(value).toBe("done");
    expect(fn).toHaveBeenCalledTimes(3);

    const events = eventsNamed(span, EVENT_LANGGRAPH_RETRY).map((e) => e.attributes);
    expect(events).toEqual([
      {
        [ATTR_LANGGRAPH_OPERATION]: "llm",
        [ATTR_LANGGRAPH_RETRY_ATTEMPT]: 1,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        [ATTR_ERROR_TYPE]: "FlakyError",
        [ATTR_LANGGRAPH_RETRY_DELAY_MS]: 250,
      },
      {
        [ATTR_LANGGRAPH_OPERATION]: "llm",
        [ATTR_LANGGRAPH_RETRY_ATTEMPT]: 2,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        [ATTR_ERROR_TYPE]: "FlakyError",
        [ATTR_LANGGRAPH_RETRY_DELAY_MS]: 500,
      },
      {
        [ATTR_LANGGRAPH_OPERATION]: "llm",
        [ATTR_LANGGRAPH_RETRY_ATTEMPT]: 3,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
      },
    ]);
    const op = { [ATTR_LANGGRAPH_OPERATION]: "llm" };
    expect(await telemetry.sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { ...op, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR })).toBe(2);
    expect(await telemetry.sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { ...op, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK })).toBe(1);
  });

  it("a first-try success adds no event but counts the attempt", async () => {
    const wrapped = withRetry(async () => 42, { name: "quick", ...telemetry.providers });
    const { value, span } = await telemetry.inSpan("node", () => wrapped());
    expect(value).toBe(42);
    expect(eventsNamed(span, EVENT_LANGGRAPH_RETRY)).toHaveLength(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK })).toBe(1);
  });

  it.each([
    ["HTTP 400", () => new BadRequest("bad")],
    ["TypeError", () => new TypeError("x is not a function")],
    ["GraphInterrupt", () => Object.assign(new Error("interrupt"), { name: "GraphInterrupt" })],
    ["ParentCommand", () => Object.assign(new Error("goto"), { name: "ParentCommand" })],
    ["CircuitOpenError", () => new CircuitOpenError("svc", 1000)],
    ["insufficient_quota", () => Object.assign(new Error("quota"), { error: { code: "insufficient_quota" } })],
  ])("does not retry a permanent error (%s): same object, one attempt", async (_label, make) => {
    const error = make();
    const fn = vi.fn(async () => {
      throw error;
    });
    const wrapped = withRetry(fn, { maxAttempts: 5, ...telemetry.providers });
    await expect(wrapped()).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS)).toBe(1);
  });

  it("gives up after maxAttempts with the last error, unchanged", async () => {
    const errors = [new Flaky("1"), new Flaky("2"), new Flaky("3")];
    const last = errors[2];
    const { fn } = scripted([...errors]);
    const wrapped = withRetry(fn, { maxAttempts: 3, ...telemetry.providers });
    const outcome = wrapped("q").catch((err: unknown) => err);
    await vi.runAllTimersAsync();
    expect(await outcome).toBe(last);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("honours a Retry-After hint instead of the backoff", async () => {
    const limited = Object.assign(new Error("slow down"), { status: 429, headers: { "retry-after": "7" } });
    const { fn, calls } = scripted([limited]);
    const wrapped = withRetry(fn, { initialInterval: 10, ...telemetry.providers });
    const outcome = wrapped("q");
    await flushMicrotasks();
    await vi.advanceTimersByTimeAsync(6999);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe("done");
    expect(calls[1]! - calls[0]!).toBe(7000);
  });

  it("fails at once when the Retry-After hint exceeds maxRetryAfter", async () => {
    const limited = Object.assign(new Error("come back tomorrow"), { status: 429, retryAfterMs: 86_400_000 });
    const { fn } = scripted([limited]);
    const wrapped = withRetry(fn, { maxRetryAfter: 60_000, ...telemetry.providers });
    await expect(wrapped("q")).rejects.toBe(limited);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("abort during the wait stops the loop at once and leaves no timer", async () => {
    const controller = new AbortController();
    const { fn } = scripted([new Flaky("1"), new Flaky("2")]);
    const wrapped = withRetry(fn, { initialInterval: 10_000, jitter: false, signal: controller.signal, ...telemetry.providers });
    const outcome = wrapped("q").catch((err: unknown) => err);
    await flushMicrotasks();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error("user cancelled");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("abort during an attempt rejects at once, even if the work ignores the signal", async () => {
    const controller = new AbortController();
    const fn = vi.fn((_q: string, _config?: { signal?: AbortSignal }) => new Promise<string>(() => undefined));
    const wrapped = withRetry(fn, { ...telemetry.providers });
    const outcome = wrapped("q", { signal: controller.signal }).catch((err: unknown) => err);
    await flushMicrotasks();
    controller.abort();
    const err = await outcome;
    expect((err as Error).name).toBe("AbortError");
    expect(fn).toHaveBeenCalledTimes(1);
    expect(await telemetry.sum(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_CANCELLED })).toBe(1);
  });

  it("never starts when the caller's config.signal is already aborted", async () => {
    const fn = vi.fn(async (_q: string, _config?: { signal?: AbortSignal }) => "x");
    const wrapped = withRetry(fn);
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(wrapped("q", { signal: controller.signal })).rejects.toThrow("gone");
    expect(fn).not.toHaveBeenCalled();
  });

  it("passes the node's config through, and links a policy signal into it", async () => {
    const seen: Array<AbortSignal | undefined> = [];
    const node = async (state: { n: number }, config: LangGraphRunnableConfig) => {
      seen.push(config.signal);
      return { n: state.n + (config.metadata?.step as number) };
    };
    const policySignal = new AbortController().signal;
    const callerSignal = new AbortController().signal;
    const plain = withRetry(node);
    const linked = withRetry(node, { signal: policySignal });
    const config: LangGraphRunnableConfig = { signal: callerSignal, metadata: { step: 2 } };
    expect(await plain({ n: 1 }, config)).toEqual({ n: 3 });
    expect(await linked({ n: 1 }, config)).toEqual({ n: 3 });
    expect(seen[0]).toBe(callerSignal);
    expect(seen[1]).not.toBe(callerSignal);
    expect(seen[1]).toBeInstanceOf(AbortSignal);
    expect(config.signal).toBe(callerSignal);
  });

  it("keeps the wrapped function's parameter types", () => {
    const node = async (state: { n: number }, _config: LangGraphRunnableConfig) => ({ n: state.n });
    const wrapped = withRetry(node);
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[{ n: number }, LangGraphRunnableConfig]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<{ n: number }>>();
    expect(wrapped.name).toBe("node");
  });

  it("a LangGraph-style retryOn replaces the classifier; a throwing hook means permanent", async () => {
    const error = new BadRequest("normally permanent");
    const { fn } = scripted([error]);
    const wrapped = withRetry(fn, { retryOn: () => true, ...telemetry.providers });
    const outcome = wrapped("q");
    await vi.runAllTimersAsync();
    expect(await outcome).toBe("done");

    const boom = new Flaky("x");
    const { fn: fn2 } = scripted([boom]);
    const throwing = withRetry(fn2, {
      classify: () => {
        throw new Error("classifier bug");
      },
    });
    await expect(throwing("q")).rejects.toBe(boom);
    expect(fn2).toHaveBeenCalledTimes(1);
  });

  it("rejects invalid policies when wrapping", () => {
    expect(() => withRetry(async () => 1, { maxAttempts: 0 })).toThrow(RangeError);
    expect(() => withRetry(async () => 1, { initialInterval: -1 })).toThrow(RangeError);
  });
});

describe("classifier and Retry-After", () => {
  it("classifies common failures", () => {
    expect(classifyError(Object.assign(new Error("x"), { status: 429 }))).toBe("transient");
    expect(classifyError(Object.assign(new Error("x"), { response: { status: 502 } }))).toBe("transient");
    expect(classifyError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe("transient");
    expect(classifyError(Object.assign(new Error("x"), { status: 404 }))).toBe("permanent");
    expect(classifyError(Object.assign(new Error("x"), { name: "AbortError" }))).toBe("permanent");
    expect(classifyError(Object.assign(new Error("x"), { name: "TimeoutError" }))).toBe("transient");
    expect(classifyError(new Error("unknown"))).toBe("transient");
  });

  it("reads Retry-After in its forms", () => {
    const now = Date.parse("2026-11-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Sun, 01 Nov 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(retryAfterHint({ headers: new Headers({ "Retry-After": "2" }) }, now)).toBe(2000);
    expect(retryAfterHint({ response: { headers: { "retry-after-ms": "150" } } }, now)).toBe(150);
    expect(retryAfterHint({ retryAfter: 1.5 }, now)).toBe(1500);
    expect(retryAfterHint(new Error("none"), now)).toBeUndefined();
  });
});
