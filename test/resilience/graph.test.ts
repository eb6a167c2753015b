/**
 * The wrappers in a real LangGraph graph, instrumented by the core: a node wrapped in
 * fallback(retry(breaker(service))) against a seeded service that fails 60% of the time.
 * The breaker's clock is a manual one the test advances per run, and the service outcome
 * depends only on the call order, so every run of this test sees the same sequence.
 */
import { Annotation, END, type LangGraphRunnableConfig, START, StateGraph } from "@langchain/langgraph";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { CircuitBreaker, withFallback, withRetry } from "../../src/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  ATTR_LANGGRAPH_FALLBACK_LEVEL,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRY_ATTEMPT,
  EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION,
  EVENT_LANGGRAPH_FALLBACK,
  EVENT_LANGGRAPH_RETRY,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
  METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { useOtel, workflowSpanName } from "../helpers/otel.js";
import { seeded } from "./support.js";

const otel = useOtel();

class ServiceUnavailableError extends Error {
  override name = "ServiceUnavailableError";
  status = 503;
}

const State = Annotation.Root({
  question: Annotation<string>,
  answer: Annotation<string>,
  source: Annotation<string>,
});
type StateType = typeof State.State;

function events(span: ReadableSpan, name: string) {
  return span.events.filter((e) => e.name === name).map((e) => e.attributes ?? {});
}

describe("resilience wrappers in a real graph", () => {
  it("breaker + retry + fallback around a 60%-failing service: spans, events, metric points", async () => {
    const failures = seeded(60);
    const service = { calls: 0, failures: 0 };
    let now = 0;
    const callService = async (state: StateType, config: LangGraphRunnableConfig): Promise<Partial<StateType>> => {
      expect(config.signal).toBeInstanceOf(AbortSignal); // LangGraph's signal reaches the work
      service.calls++;
      if (failures() < 0.6) {
        service.failures++;
        throw new ServiceUnavailableError("upstream 503");
      }
      return { answer: `answer to ${state.question}`, source: "service" };
    };
    const canned = async (_state: StateType): Promise<Partial<StateType>> => ({ answer: "please try later", source: "canned" });

    const breaker = new CircuitBreaker({
      name: "upstream",
      failureRatio: 0.5,
      minimumCalls: 6,
      windowMs: 10_000,
      recoveryTimeoutMs: 5_000,
      clock: () => now,
    });
    const node = withFallback(
      withRetry(breaker.wrap(callService), { maxAttempts: 3, initialInterval: 1, maxInterval: 4, random: seeded(7) }),
      canned,
    );
    const graph = new StateGraph(State)
      .addNode("call", node)
      .addEdge(START, "call")
      .addEdge("call", END)
      .compile({ name: "resilient" });

    const runs = 60;
    const results: StateType[] = [];
    for (let i = 0; i < runs; i++) {
      results.push(await graph.invoke({ question: `q${i}` }));
      now += 1_000; // the breaker's clock: 1 s between runs
    }

    // Every run answered: by the service (level 0) or by the canned fallback (level 1).
    expect(results.every((r) => r.source === "service" || r.source === "canned")).toBe(true);
    const fromFallback = results.filter((r) => r.source === "canned").length;
    expect(fromFallback).toBeGreaterThan(0);
    expect(fromFallback).toBeLessThan(runs);
    expect(service.failures / service.calls).toBeGreaterThan(0.4);

    // Spans: one run span and one node span per invocation, all ok.
    expect(otel.workflowSpans("resilient")).toHaveLength(runs);
    const nodes = otel.nodeSpans("call");
    expect(nodes).toHaveLength(runs);
    for (const span of nodes) expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
    expect(nodes.map((s) => s.attributes[ATTR_LANGGRAPH_FALLBACK_LEVEL])).toEqual(
      results.map((r) => (r.source === "canned" ? 1 : 0)),
    );
    const run0 = otel.workflowSpans("resilient")[0]!;
    expect(nodes[0]!.parentSpanContext?.spanId).toBe(run0.spanContext().spanId);

    // Events, on the node spans of the attempts that saw them.
    const retryEvents = nodes.flatMap((s) => events(s, EVENT_LANGGRAPH_RETRY));
    const fallbackEvents = nodes.flatMap((s) => events(s, EVENT_LANGGRAPH_FALLBACK));
    const transitions = nodes.flatMap((s) => events(s, EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION));
    expect(retryEvents.some((e) => e[ATTR_ERROR_TYPE] === "ServiceUnavailableError")).toBe(true);
    expect(retryEvents.some((e) => e[ATTR_ERROR_TYPE] === "CircuitOpenError")).toBe(true);
    expect(retryEvents.every((e) => e[ATTR_LANGGRAPH_OPERATION] === "call")).toBe(true);
    expect(retryEvents.some((e) => e[ATTR_LANGGRAPH_RETRY_ATTEMPT] === 3)).toBe(true);
    expect(fallbackEvents).toHaveLength(fromFallback);
    const path = transitions.map((e) => `${e[ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM]}>${e[ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO]}`);
    expect(path).toContain("closed>open");
    expect(path).toContain("open>half_open");
    expect(path.some((p) => p === "half_open>closed" || p === "half_open>open")).toBe(true);

    // Metric points agree with the events and the service's own tally.
    const op = { [ATTR_LANGGRAPH_OPERATION]: "call" };
    const okAttempts = await otel.counterValue(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { ...op, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK });
    const failedAttempts = await otel.counterValue(METRIC_LANGGRAPH_RETRY_ATTEMPTS, { ...op, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR });
    expect(okAttempts).toBe(runs - fromFallback);
    expect(failedAttempts).toBe(retryEvents.filter((e) => e[ATTR_LANGGRAPH_OUTCOME] === OUTCOME_ERROR).length);
    const openRejections = retryEvents.filter((e) => e[ATTR_ERROR_TYPE] === "CircuitOpenError").length;
    expect(okAttempts + failedAttempts).toBe(service.calls + openRejections);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS, { ...op, [ATTR_LANGGRAPH_FALLBACK_LEVEL]: 1 }),
    ).toBe(fromFallback);
    const breakerName = { [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "upstream" };
    expect(await otel.counterValue(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS, breakerName)).toBe(transitions.length);
    const gauge = await otel.metricPoints(METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE, breakerName);
    expect(gauge).toHaveLength(1);
    expect(gauge[0]!.value).toBe({ closed: 0, half_open: 1, open: 2 }[breaker.state]);
    expect(workflowSpanName("resilient")).toBe(run0.name);
  });
});
