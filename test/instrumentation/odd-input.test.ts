import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  METRIC_LANGGRAPH_NODE_DURATION,
  SPAN_INVOKE_NODE,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, logNode } from "./graph-fixtures.js";

const otel = useOtel();

describe("odd input", () => {
  it("handles node names with spaces, unicode and 500 characters", async () => {
    const spaced = "look up the weather";
    const unicode = "节点 ✨ ノード 🚀";
    const long = `n${"ø".repeat(498)}x`;
    expect(long).toHaveLength(500);
    const graph = new StateGraph(LogState)
      .addNode(spaced, logNode(spaced))
      .addNode(unicode, logNode(unicode))
      .addNode(long, logNode("long"))
      .addEdge(START, spaced)
      .addEdge(spaced, unicode)
      .addEdge(unicode, long)
      .addEdge(long, END)
      .compile({ name: "odd names" });

    const result = await graph.invoke({});
    expect(result.log).toEqual([spaced, unicode, "long"]);

    expectOk(otel.span(workflowSpanName("odd names")));
    expectOk(otel.span(nodeSpanName(spaced)));
    expectOk(otel.span(nodeSpanName(unicode)));

    const longSpan = otel.nodeSpans().find((s) => s.attributes[ATTR_LANGGRAPH_NODE_NAME] === long);
    expect(longSpan, "span of the 500-character node").toBeDefined();
    expectOk(longSpan!);
    // The span name is cut to a sensible length; the attribute keeps the full name.
    expect(longSpan!.name.startsWith(`${SPAN_INVOKE_NODE} n${"ø".repeat(20)}`)).toBe(true);
    expect(longSpan!.name.length).toBeLessThan(SPAN_INVOKE_NODE.length + 1 + 500);
    expect(longSpan!.name.length).toBeLessThanOrEqual(SPAN_INVOKE_NODE.length + 1 + 256);
    expect(longSpan!.attributes[ATTR_LANGGRAPH_NODE_NAME]).toBe(long);

    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, { [ATTR_LANGGRAPH_NODE_NAME]: unicode }),
    ).toBe(1);
  });

  it("names a graph compiled without a name LangGraph", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addEdge(START, "a")
      .addEdge("a", END)
      .compile();
    await graph.invoke({});
    const run = otel.span(workflowSpanName("LangGraph"));
    expect(run.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("LangGraph");
    expect(otel.span(nodeSpanName("a")).attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("LangGraph");
  });

  it("runs state that cannot be serialized: circular refs, BigInt, functions, symbols", async () => {
    const OddState = Annotation.Root({
      blob: Annotation<unknown>({ reducer: (_a, b) => b, default: () => undefined }),
      count: Annotation<bigint>({ reducer: (_a, b) => b, default: () => 0n }),
    });
    const circular: Record<string, unknown> = { label: "loop" };
    circular.self = circular;
    const graph = new StateGraph(OddState)
      .addNode("make", async () => ({
        blob: { circular, fn: () => 1, sym: Symbol("s"), big: 2n ** 70n },
        count: 1n,
      }))
      .addNode("use", async (state: typeof OddState.State) => ({ count: state.count + 1n }))
      .addEdge(START, "make")
      .addEdge("make", "use")
      .addEdge("use", END)
      .compile({ name: "odd state" });

    const result = await graph.invoke({ blob: circular, count: 5n });
    expect(result.count).toBe(2n);
    expectOk(otel.span(workflowSpanName("odd state")));
    expect(otel.nodeSpans()).toHaveLength(2);
  });

  it("accepts thread ids that are numbers, objects or empty", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addEdge(START, "a")
      .addEdge("a", END)
      .compile({ name: "odd threads" });
    await graph.invoke({}, { configurable: { thread_id: 42 } });
    await graph.invoke({}, { configurable: { thread_id: { nested: true } } });
    await graph.invoke({}, { configurable: { thread_id: "" } });
    const runs = otel.workflowSpans("odd threads");
    expect(runs).toHaveLength(3);
    for (const run of runs) expectOk(run);
    expect(runs[0]!.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("42");
    // An object is not a thread id: no attribute rather than "[object Object]".
    expect(runs[1]!.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBeUndefined();
  });

  it("survives graph names that are long or unusual", async () => {
    const name = `graph/${"ü".repeat(300)}`;
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addEdge(START, "a")
      .addEdge("a", END)
      .compile({ name });
    await graph.invoke({});
    const run = otel.workflowSpans()[0]!;
    expect(run.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe(name);
    expect(run.name.length).toBeLessThan(name.length);
    expectOk(run);
  });
});
