import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { ATTR_GEN_AI_CONVERSATION_ID, SPAN_INVOKE_NODE } from "../../src/semconv.js";
import { useOtel, workflowSpanName } from "../helpers/otel.js";

const otel = useOtel();

const RUNS = 1000;
const BRANCHES = 3;
const ATTR_TEST_RUN = "test.run";

/** Lets the event loop interleave the runs: every node yields a random number of times. */
async function shuffle(): Promise<void> {
  const turns = Math.floor(Math.random() * 4);
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const State = Annotation.Root({
  run: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
  seen: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

/**
 * plan -> 3 parallel `Send` branches -> join. Every node opens a user span tagged with the
 * run id that its input state carries, so a span in the wrong trace is visible.
 */
function buildGraph() {
  const tracer = trace.getTracer("reliability-test");
  const tagged =
    (node: string) =>
    async (state: { run: string }): Promise<Partial<typeof State.State>> => {
      await shuffle();
      return tracer.startActiveSpan(`user ${node}`, async (span) => {
        span.setAttribute(ATTR_TEST_RUN, state.run);
        await shuffle();
        span.end();
        return { seen: [`${node}:${state.run}`] };
      });
    };
  return new StateGraph(State)
    .addNode("plan", tagged("plan"))
    .addNode("branch", tagged("branch"))
    .addNode("join", tagged("join"))
    .addEdge(START, "plan")
    .addConditionalEdges("plan", (state) =>
      Array.from({ length: BRANCHES }, () => new Send("branch", { run: state.run })),
    )
    .addEdge("branch", "join")
    .addEdge("join", END)
    .compile({ name: "concurrent" });
}

describe("1,000 concurrent runs", () => {
  it("puts every span in its own run's trace, with no mix-ups", async () => {
    const graph = buildGraph();
    const ids = Array.from({ length: RUNS }, (_, i) => `run-${i}`);
    const results = await Promise.all(
      ids.map((run) => graph.invoke({ run }, { configurable: { thread_id: run } })),
    );
    for (const [i, result] of results.entries()) {
      expect(result.seen).toHaveLength(BRANCHES + 2);
      expect(result.seen.every((entry: string) => entry.endsWith(`:${ids[i]}`))).toBe(true);
    }

    const spans = otel.spans();
    const runs = otel.workflowSpans("concurrent");
    expect(runs).toHaveLength(RUNS);

    // One root per run, each in its own trace.
    const traceOfRun = new Map<string, string>();
    for (const run of runs) {
      expect(run.parentSpanContext).toBeUndefined();
      const id = String(run.attributes[ATTR_GEN_AI_CONVERSATION_ID]);
      traceOfRun.set(id, run.spanContext().traceId);
    }
    expect(new Set(traceOfRun.values()).size).toBe(RUNS);

    const byTrace = new Map<string, ReadableSpan[]>();
    for (const span of spans) {
      const list = byTrace.get(span.spanContext().traceId) ?? [];
      list.push(span);
      byTrace.set(span.spanContext().traceId, list);
    }
    expect(byTrace.size).toBe(RUNS);

    const bySpanId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const [run, traceId] of traceOfRun) {
      const inTrace = byTrace.get(traceId) ?? [];
      // run + plan + 3 branches + join, each node with its user span.
      expect(inTrace).toHaveLength(1 + 2 * (BRANCHES + 2));
      const users = inTrace.filter((s) => s.name.startsWith("user "));
      expect(users).toHaveLength(BRANCHES + 2);
      for (const user of users) {
        expect(user.attributes[ATTR_TEST_RUN]).toBe(run);
        // The user span's parent is the node span of the same node, in the same trace.
        const parent = bySpanId.get(user.parentSpanContext?.spanId ?? "");
        expect(parent?.name).toBe(`${SPAN_INVOKE_NODE} ${user.name.slice("user ".length)}`);
        expect(parent?.spanContext().traceId).toBe(traceId);
      }
      // Every node span's parent is this run's workflow span.
      const root = inTrace.find((s) => s.name === workflowSpanName("concurrent"));
      for (const node of inTrace.filter((s) => s.name.startsWith(`${SPAN_INVOKE_NODE} `))) {
        expect(node.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
      }
    }
  }, 120_000);
});
