import { END, Send, START, StateGraph } from "@langchain/langgraph";
import { SpanKind, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_NODE_TRIGGERS,
  ATTR_LANGGRAPH_STEP,
  ATTR_LANGGRAPH_TASK_ID,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
} from "../../src/semconv.js";
import { HAS_TASK_ID } from "../helpers/langgraph-version.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { barrier, expectOk, LogState, type LogStateType, logNode } from "./graph-fixtures.js";

const otel = useOtel();

describe("graph shapes", () => {
  it("traces a linear chain as one run span with one child span per node, in order", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addNode("b", logNode("b"))
      .addNode("c", logNode("c"))
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addEdge("b", "c")
      .addEdge("c", END)
      .compile({ name: "linear" });

    const result = await graph.invoke({}, { configurable: { thread_id: "thread-linear" } });
    expect(result.log).toEqual(["a", "b", "c"]);

    const run = otel.span(workflowSpanName("linear"));
    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toMatchObject({
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW,
      [ATTR_GEN_AI_WORKFLOW_NAME]: "linear",
      [ATTR_GEN_AI_CONVERSATION_ID]: "thread-linear",
    });
    expectOk(run);

    const children = otel.childrenOf(run);
    expect(children.map((s) => s.name)).toEqual(["a", "b", "c"].map(nodeSpanName));
    // Only the run and its three node spans: no `__start__` span by default.
    expect(otel.spans()).toHaveLength(4);

    const steps: number[] = [];
    for (const [i, node] of children.entries()) {
      const name = ["a", "b", "c"][i]!;
      expect(node.kind).toBe(SpanKind.INTERNAL);
      expect(node.spanContext().traceId).toBe(run.spanContext().traceId);
      expect(node.attributes).toMatchObject({
        [ATTR_GEN_AI_WORKFLOW_NAME]: "linear",
        [ATTR_LANGGRAPH_NODE_NAME]: name,
        [ATTR_LANGGRAPH_NODE_ATTEMPT]: 1,
      });
      expect(typeof node.attributes[ATTR_LANGGRAPH_TASK_ID]).toBe(HAS_TASK_ID ? "string" : "undefined");
      expect(String(node.attributes[ATTR_LANGGRAPH_CHECKPOINT_NS])).toMatch(new RegExp(`^${name}:`));
      expect(node.attributes[ATTR_LANGGRAPH_NODE_TRIGGERS]).toEqual(expect.any(Array));
      const step = node.attributes[ATTR_LANGGRAPH_STEP];
      expect(typeof step).toBe("number");
      steps.push(step as number);
      expectOk(node);
    }
    expect(steps[0]! < steps[1]! && steps[1]! < steps[2]!).toBe(true);
    // Node spans sit inside the run span's time window.
    expect(otel.childrenOf(run).every((s) => s.ended)).toBe(true);
  });

  it("traces only the branch a conditional edge takes", async () => {
    const graph = new StateGraph(LogState)
      .addNode("router", logNode("router"))
      .addNode("left", logNode("left"))
      .addNode("right", logNode("right"))
      .addEdge(START, "router")
      .addConditionalEdges("router", (s: LogStateType) => (s.value > 0 ? "right" : "left"), [
        "left",
        "right",
      ])
      .addEdge("left", END)
      .addEdge("right", END)
      .compile({ name: "branchy" });

    await graph.invoke({ value: 1 });
    await graph.invoke({ value: 0 });

    const [first, second] = otel.workflowSpans("branchy");
    expect(otel.workflowSpans("branchy")).toHaveLength(2);
    expect(otel.childrenOf(first!).map((s) => s.name)).toEqual([
      nodeSpanName("router"),
      nodeSpanName("right"),
    ]);
    expect(otel.childrenOf(second!).map((s) => s.name)).toEqual([
      nodeSpanName("router"),
      nodeSpanName("left"),
    ]);
    expect(first!.spanContext().traceId).not.toBe(second!.spanContext().traceId);
    // `langgraph.node.triggers` names what woke the node up (the branch channel).
    const right = otel.nodeSpans("right")[0]!;
    expect(right.attributes[ATTR_LANGGRAPH_NODE_TRIGGERS]).toEqual(["branch:to:right"]);
  });

  it("makes parallel Send branches sibling spans under the run, each active inside its node", async () => {
    const allArrived = barrier(3);
    const activeSpanIds = new Map<string, string | undefined>();
    const graph = new StateGraph(LogState)
      .addNode("plan", logNode("plan"))
      .addNode("worker", async (state: LogStateType & { item?: string }) => {
        // All three workers wait here until the last one arrives: they truly overlap.
        await allArrived();
        activeSpanIds.set(String(state.item), trace.getActiveSpan()?.spanContext().spanId);
        return { log: [`worker:${state.item}`] };
      })
      .addNode("collect", logNode("collect"))
      .addEdge(START, "plan")
      .addConditionalEdges(
        "plan",
        () => ["x", "y", "z"].map((item) => new Send("worker", { item })),
        ["worker"],
      )
      .addEdge("worker", "collect")
      .addEdge("collect", END)
      .compile({ name: "fanout" });

    const result = await graph.invoke({});
    expect([...result.log].sort()).toEqual(
      ["collect", "plan", "worker:x", "worker:y", "worker:z"].sort(),
    );

    const run = otel.span(workflowSpanName("fanout"));
    const workers = otel.nodeSpans("worker");
    expect(workers).toHaveLength(3);
    for (const worker of workers) {
      expect(worker.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect(worker.spanContext().traceId).toBe(run.spanContext().traceId);
      expectOk(worker);
    }
    // Distinct tasks, and inside each worker the active span is that worker's own span.
    if (HAS_TASK_ID) expect(new Set(workers.map((w) => w.attributes[ATTR_LANGGRAPH_TASK_ID])).size).toBe(3);
    expect(new Set(activeSpanIds.values())).toEqual(
      new Set(workers.map((w) => w.spanContext().spanId)),
    );
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual([
      nodeSpanName("plan"),
      ...workers.map(() => nodeSpanName("worker")),
      nodeSpanName("collect"),
    ]);
  });

  it("nests a compiled subgraph used as a node: run > node > subgraph run > subgraph nodes", async () => {
    const sub = new StateGraph(LogState)
      .addNode("inner1", logNode("inner1"))
      .addNode("inner2", logNode("inner2"))
      .addEdge(START, "inner1")
      .addEdge("inner1", "inner2")
      .addEdge("inner2", END)
      .compile({ name: "sub" });
    const graph = new StateGraph(LogState)
      .addNode("before", logNode("before"))
      .addNode("sub_node", sub)
      .addNode("after", logNode("after"))
      .addEdge(START, "before")
      .addEdge("before", "sub_node")
      .addEdge("sub_node", "after")
      .addEdge("after", END)
      .compile({ name: "outer" });

    const result = await graph.invoke({}, { configurable: { thread_id: "t-sub" } });
    // (The subgraph hands back its whole state, so the reducer sees "before" twice.)
    expect(result.log).toEqual(expect.arrayContaining(["before", "inner1", "inner2", "after"]));

    const run = otel.span(workflowSpanName("outer"));
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual(
      ["before", "sub_node", "after"].map(nodeSpanName),
    );
    const subNode = otel.span(nodeSpanName("sub_node"));
    const subRun = otel.span(workflowSpanName("sub"));
    expect(subRun.parentSpanContext?.spanId).toBe(subNode.spanContext().spanId);
    expect(subRun.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("sub");
    expect(subRun.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("t-sub");
    expectOk(subRun);
    const inner = otel.childrenOf(subRun);
    expect(inner.map((s) => s.name)).toEqual(["inner1", "inner2"].map(nodeSpanName));
    for (const span of inner) {
      expect(span.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("sub");
      expect(span.spanContext().traceId).toBe(run.spanContext().traceId);
      // The subgraph's tasks live in the parent task's checkpoint namespace.
      expect(String(span.attributes[ATTR_LANGGRAPH_CHECKPOINT_NS])).toMatch(/^sub_node:.+\|inner/);
    }
    expect(subNode.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("outer");
  });

  it("nests a graph invoked from inside a node under that node's span", async () => {
    const helper = new StateGraph(LogState)
      .addNode("h", logNode("h"))
      .addEdge(START, "h")
      .addEdge("h", END)
      .compile({ name: "helper" });
    const graph = new StateGraph(LogState)
      .addNode("caller", async (): Promise<Partial<LogStateType>> => {
        const inner = await helper.invoke({});
        return { log: ["caller", ...inner.log] };
      })
      .addEdge(START, "caller")
      .addEdge("caller", END)
      .compile({ name: "host" });

    const result = await graph.invoke({});
    expect(result.log).toEqual(["caller", "h"]);

    const caller = otel.span(nodeSpanName("caller"));
    const helperRun = otel.span(workflowSpanName("helper"));
    expect(helperRun.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(otel.childrenOf(helperRun).map((s) => s.name)).toEqual([nodeSpanName("h")]);
    expect(otel.parentOf(caller)).toBe(otel.span(workflowSpanName("host")));
  });

  it("parents a span opened by user code inside a node to the node's span", async () => {
    const graph = new StateGraph(LogState)
      .addNode("work", async (): Promise<Partial<LogStateType>> => {
        await trace.getTracer("user").startActiveSpan("user.step", async (span) => {
          await trace.getTracer("user").startActiveSpan("user.inner", async (inner) => {
            inner.end();
          });
          span.end();
        });
        return { log: ["work"] };
      })
      .addEdge(START, "work")
      .addEdge("work", END)
      .compile({ name: "user-spans" });

    await graph.invoke({});

    const node = otel.span(nodeSpanName("work"));
    const userSpan = otel.span("user.step");
    expect(userSpan.parentSpanContext?.spanId).toBe(node.spanContext().spanId);
    expect(userSpan.spanContext().traceId).toBe(node.spanContext().traceId);
    expect(otel.parentOf(otel.span("user.inner"))).toBe(userSpan);
  });

  it("parents the run span to the caller's active span", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addEdge(START, "a")
      .addEdge("a", END)
      .compile({ name: "child-of-request" });

    await trace.getTracer("app").startActiveSpan("http.request", async (request) => {
      await graph.invoke({});
      request.end();
    });

    expect(otel.parentOf(otel.span(workflowSpanName("child-of-request")))).toBe(
      otel.span("http.request"),
    );
  });
});
