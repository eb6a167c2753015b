import { END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
} from "../../src/semconv.js";
import { nodeAttemptsInFlight } from "../../src/instrumentation/node-registry.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType } from "./graph-fixtures.js";

const otel = useOtel();

const RUNS = 50;
const NODES = ["fetch", "think", "answer"] as const;

/** Yields to the event loop a number of times so that runs interleave. */
async function yieldTimes(times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe("concurrent runs", () => {
  it(`keeps ${RUNS} interleaved runs apart: every node span in its own run's trace`, async () => {
    // What each node saw as its active trace, keyed by thread id: proves context isolation.
    const seen = new Map<string, Set<string>>();
    const node = (name: string) => async (
      _state: LogStateType,
      config: { configurable?: Record<string, unknown> },
    ): Promise<Partial<LogStateType>> => {
      const threadId = String(config.configurable?.thread_id);
      // Different delays per thread and node: runs overtake each other.
      await yieldTimes((threadId.length * 7 + name.length) % 5);
      const traceId = trace.getActiveSpan()?.spanContext().traceId ?? "none";
      const set = seen.get(threadId) ?? new Set<string>();
      set.add(traceId);
      seen.set(threadId, set);
      await trace.getTracer("user").startActiveSpan(`user ${name}`, async (span) => {
        await yieldTimes(1);
        span.setAttribute("thread", threadId);
        span.end();
      });
      return { log: [name] };
    };
    const graph = new StateGraph(LogState)
      .addNode("fetch", node("fetch"))
      .addNode("think", node("think"))
      .addNode("answer", node("answer"))
      .addEdge(START, "fetch")
      .addEdge("fetch", "think")
      .addEdge("think", "answer")
      .addEdge("answer", END)
      .compile({ name: "concurrent", checkpointer: new MemorySaver() });

    const threadIds = Array.from({ length: RUNS }, (_, i) => `thread-${i}-${"x".repeat(i % 4)}`);
    const results = await Promise.all(
      threadIds.map((id) => graph.invoke({}, { configurable: { thread_id: id } })),
    );
    for (const result of results) expect(result.log).toEqual([...NODES]);

    const runs = otel.workflowSpans("concurrent");
    expect(runs).toHaveLength(RUNS);
    const runByThread = new Map(runs.map((r) => [String(r.attributes[ATTR_GEN_AI_CONVERSATION_ID]), r]));
    expect(new Set(runByThread.keys())).toEqual(new Set(threadIds));
    expect(new Set(runs.map((r) => r.spanContext().traceId)).size).toBe(RUNS);

    for (const threadId of threadIds) {
      const run = runByThread.get(threadId)!;
      expectOk(run);
      const traceId = run.spanContext().traceId;
      // Inside every node of this thread, the active span belonged to this run's trace.
      expect(seen.get(threadId)).toEqual(new Set([traceId]));
      const children = otel.childrenOf(run);
      expect(children.map((s) => s.name)).toEqual(NODES.map(nodeSpanName));
      for (const child of children) {
        expect(child.spanContext().traceId).toBe(traceId);
        expectOk(child);
        const userSpans = otel.childrenOf(child);
        expect(userSpans).toHaveLength(1);
        expect(userSpans[0]!.attributes.thread).toBe(threadId);
      }
    }
    expect(otel.nodeSpans()).toHaveLength(RUNS * NODES.length);
    // The checkpoint-namespace registry of attempts in flight is empty again.
    expect(nodeAttemptsInFlight()).toBe(0);

    const labels = { [ATTR_GEN_AI_WORKFLOW_NAME]: "concurrent" };
    expect(await otel.histogramCount(METRIC_GEN_AI_WORKFLOW_DURATION, labels)).toBe(RUNS);
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels)).toBe(0);
    for (const name of NODES) {
      expect(
        await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, {
          ...labels,
          [ATTR_LANGGRAPH_NODE_NAME]: name,
        }),
      ).toBe(RUNS);
    }
  });
});
