import { Command, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_INTERRUPT_COUNT,
  ATTR_LANGGRAPH_INTERRUPT_ID,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_INTERRUPT,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_INTERRUPTS,
  METRIC_LANGGRAPH_NODE_DURATION,
  OUTCOME_INTERRUPTED,
  OUTCOME_PARENT_COMMAND,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType, logNode } from "./graph-fixtures.js";

const otel = useOtel();

function approvalGraph() {
  return new StateGraph(LogState)
    .addNode("prepare", logNode("prepare"))
    .addNode("ask", async (): Promise<Partial<LogStateType>> => {
      const answer = interrupt<string, string>("approve?");
      return { log: [`answer:${answer}`] };
    })
    .addEdge(START, "prepare")
    .addEdge("prepare", "ask")
    .addEdge("ask", END)
    .compile({ name: "approval", checkpointer: new MemorySaver() });
}

describe("interrupt() and resume", () => {
  it("ends the first run interrupted (not ERROR) and the resumed run ok", async () => {
    const graph = approvalGraph();
    const config = { configurable: { thread_id: "hitl-1" } };

    const paused = await graph.invoke({}, config);
    expect(paused).toHaveProperty("__interrupt__");

    const firstRun = otel.span(workflowSpanName("approval"));
    expectOk(firstRun, OUTCOME_INTERRUPTED);
    expect(firstRun.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("hitl-1");
    const ask = otel.span(nodeSpanName("ask"));
    expectOk(ask, OUTCOME_INTERRUPTED);
    expect(ask.events.map((e) => e.name)).toContain(EVENT_LANGGRAPH_INTERRUPT);
    expect(ask.events.map((e) => e.name)).not.toContain("exception");
    const event = ask.events.find((e) => e.name === EVENT_LANGGRAPH_INTERRUPT);
    expect(event?.attributes?.[ATTR_LANGGRAPH_INTERRUPT_COUNT]).toBe(1);
    expect(event?.attributes?.[ATTR_LANGGRAPH_INTERRUPT_ID]).toEqual([expect.any(String)]);
    expectOk(otel.span(nodeSpanName("prepare")));

    const labels = { [ATTR_GEN_AI_WORKFLOW_NAME]: "approval", [ATTR_LANGGRAPH_NODE_NAME]: "ask" };
    expect(await otel.counterValue(METRIC_LANGGRAPH_INTERRUPTS, labels)).toBe(1);
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, {
        ...labels,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_INTERRUPTED,
      }),
    ).toBe(1);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_WORKFLOW_DURATION, {
        [ATTR_GEN_AI_WORKFLOW_NAME]: "approval",
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_INTERRUPTED,
      }),
    ).toBe(1);

    otel.exporter.reset();
    const resumed = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(resumed.log).toEqual(["prepare", "answer:yes"]);

    const secondRun = otel.span(workflowSpanName("approval"));
    expectOk(secondRun);
    expect(secondRun.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("hitl-1");
    // The resumed node runs again from its start, in the resumed run's trace.
    expect(otel.childrenOf(secondRun).map((s) => s.name)).toEqual([nodeSpanName("ask")]);
    expectOk(otel.span(nodeSpanName("ask")));
    expect(await otel.counterValue(METRIC_LANGGRAPH_INTERRUPTS, labels)).toBe(1);
  });

  it("marks every enclosing run interrupted when a subgraph node interrupts", async () => {
    const sub = new StateGraph(LogState)
      .addNode("review", async (): Promise<Partial<LogStateType>> => {
        const verdict = interrupt<string, string>("review?");
        return { log: [`verdict:${verdict}`] };
      })
      .addEdge(START, "review")
      .addEdge("review", END)
      .compile({ name: "review-sub" });
    const graph = new StateGraph(LogState)
      .addNode("reviewer", sub)
      .addEdge(START, "reviewer")
      .addEdge("reviewer", END)
      .compile({ name: "review-parent", checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "hitl-sub" } };

    await graph.invoke({}, config);
    for (const name of [
      nodeSpanName("review"),
      workflowSpanName("review-sub"),
      nodeSpanName("reviewer"),
      workflowSpanName("review-parent"),
    ]) {
      expectOk(otel.span(name), OUTCOME_INTERRUPTED);
    }

    otel.exporter.reset();
    const resumed = await graph.invoke(new Command({ resume: "fine" }), config);
    expect(resumed.log).toContain("verdict:fine");
    expectOk(otel.span(workflowSpanName("review-parent")));
    expectOk(otel.span(nodeSpanName("review")));
  });

  it("does not mark a static interruptBefore pause as an error", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addNode("b", logNode("b"))
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addEdge("b", END)
      .compile({ name: "static-pause", checkpointer: new MemorySaver(), interruptBefore: ["b"] });
    const config = { configurable: { thread_id: "static-1" } };
    await graph.invoke({}, config);
    const firstRun = otel.span(workflowSpanName("static-pause"));
    expect(firstRun.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(otel.nodeSpans("b")).toHaveLength(0);

    const done = await graph.invoke(null, config);
    expect(done.log).toEqual(["a", "b"]);
    expect(otel.workflowSpans("static-pause")).toHaveLength(2);
    expectOk(otel.workflowSpans("static-pause")[1]!);
  });
});

describe("Command control flow", () => {
  it("treats Command({ goto }) as ordinary routing", async () => {
    const graph = new StateGraph(LogState)
      .addNode("router", async () => new Command({ goto: "target", update: { log: ["router"] } }), {
        ends: ["target", "other"],
      })
      .addNode("target", logNode("target"))
      .addNode("other", logNode("other"))
      .addEdge(START, "router")
      .addEdge("target", END)
      .addEdge("other", END)
      .compile({ name: "goto" });

    const result = await graph.invoke({});
    expect(result.log).toEqual(["router", "target"]);
    const run = otel.span(workflowSpanName("goto"));
    expectOk(run);
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual(
      ["router", "target"].map(nodeSpanName),
    );
    for (const span of otel.childrenOf(run)) expectOk(span);
  });

  it("treats Command.PARENT from a subgraph node as control flow, not an error", async () => {
    const child = new StateGraph(LogState)
      .addNode("escalate", async () => {
        return new Command({ graph: Command.PARENT, goto: "handler", update: { log: ["escalate"] } });
      })
      .addEdge(START, "escalate")
      .compile({ name: "child" });
    const graph = new StateGraph(LogState)
      .addNode("child_node", child, { ends: ["handler"] })
      .addNode("handler", logNode("handler"))
      .addEdge(START, "child_node")
      .addEdge("handler", END)
      .compile({ name: "parent" });

    const result = await graph.invoke({});
    expect(result.log).toEqual(["escalate", "handler"]);

    for (const span of otel.spans()) expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expectOk(otel.span(nodeSpanName("escalate")), OUTCOME_PARENT_COMMAND);
    expectOk(otel.span(workflowSpanName("child")), OUTCOME_PARENT_COMMAND);
    expectOk(otel.span(nodeSpanName("child_node")), OUTCOME_PARENT_COMMAND);
    expectOk(otel.span(nodeSpanName("handler")));
    const run = otel.span(workflowSpanName("parent"));
    expectOk(run);
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual(
      ["child_node", "handler"].map(nodeSpanName),
    );
  });
});
