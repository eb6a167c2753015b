import { END, Send, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType, logNode } from "./graph-fixtures.js";

const otel = useOtel();

class ToolBrokeError extends Error {
  override name = "ToolBrokeError";
}

function expectFailed(span: ReadableSpan, type: string, message?: string): void {
  expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes[ATTR_ERROR_TYPE]).toBe(type);
  const exception = span.events.find((e) => e.name === "exception");
  expect(exception, `exception event on ${span.name}`).toBeDefined();
  if (message !== undefined) {
    expect(exception?.attributes?.["exception.message"]).toBe(message);
  }
}

function graphThatThrows(name: string, thrown: () => unknown) {
  return new StateGraph(LogState)
    .addNode("ok", logNode("ok"))
    .addNode("boom", async (): Promise<Partial<LogStateType>> => {
      throw thrown();
    })
    .addNode("never", logNode("never"))
    .addEdge(START, "ok")
    .addEdge("ok", "boom")
    .addEdge("boom", "never")
    .addEdge("never", END)
    .compile({ name });
}

describe("node errors", () => {
  it("hands the caller the very same error and marks node and run spans ERROR", async () => {
    const error = new ToolBrokeError("the tool broke");
    const graph = graphThatThrows("failing", () => error);

    await expect(graph.invoke({})).rejects.toBe(error);

    const node = otel.span(nodeSpanName("boom"));
    expectFailed(node, "ToolBrokeError", "the tool broke");
    const run = otel.span(workflowSpanName("failing"));
    expectFailed(run, "ToolBrokeError", "the tool broke");
    expectOk(otel.span(nodeSpanName("ok")));
    expect(otel.nodeSpans("never")).toHaveLength(0);
    expect(node.parentSpanContext?.spanId).toBe(run.spanContext().spanId);

    const nodeLabels = { [ATTR_GEN_AI_WORKFLOW_NAME]: "failing", [ATTR_LANGGRAPH_NODE_NAME]: "boom" };
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, {
        ...nodeLabels,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        [ATTR_ERROR_TYPE]: "ToolBrokeError",
      }),
    ).toBe(1);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_WORKFLOW_DURATION, {
        [ATTR_GEN_AI_WORKFLOW_NAME]: "failing",
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        [ATTR_ERROR_TYPE]: "ToolBrokeError",
      }),
    ).toBe(1);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, {
        [ATTR_GEN_AI_WORKFLOW_NAME]: "failing",
      }),
    ).toBe(0);
  });

  it("passes a thrown non-Error value through untouched", async () => {
    const thrown = { code: 42, reason: "not an Error" };
    const graph = graphThatThrows("throws-object", () => thrown);
    await expect(graph.invoke({})).rejects.toBe(thrown);
    const node = otel.span(nodeSpanName("boom"));
    expect(node.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(node.status.code).toBe(SpanStatusCode.ERROR);
    expect(typeof node.attributes[ATTR_ERROR_TYPE]).toBe("string");
  });

  it("passes a synchronous throw from a plain function node through as the same object", async () => {
    const error = new RangeError("sync failure");
    const graph = new StateGraph(LogState)
      .addNode("sync", (): Partial<LogStateType> => {
        throw error;
      })
      .addEdge(START, "sync")
      .addEdge("sync", END)
      .compile({ name: "sync-throw" });
    await expect(graph.invoke({})).rejects.toBe(error);
    expectFailed(otel.span(nodeSpanName("sync")), "RangeError", "sync failure");
  });

  it("propagates a subgraph node's error through every enclosing span", async () => {
    const error = new ToolBrokeError("deep failure");
    const sub = new StateGraph(LogState)
      .addNode("deep", async (): Promise<Partial<LogStateType>> => {
        throw error;
      })
      .addEdge(START, "deep")
      .addEdge("deep", END)
      .compile({ name: "sub-failing" });
    const graph = new StateGraph(LogState)
      .addNode("wrapper", sub)
      .addEdge(START, "wrapper")
      .addEdge("wrapper", END)
      .compile({ name: "outer-failing" });

    await expect(graph.invoke({})).rejects.toBe(error);
    for (const name of [
      nodeSpanName("deep"),
      workflowSpanName("sub-failing"),
      nodeSpanName("wrapper"),
      workflowSpanName("outer-failing"),
    ]) {
      expectFailed(otel.span(name), "ToolBrokeError", "deep failure");
    }
  });

  it("marks a parallel sibling aborted by the failure as cancelled, not as an error", async () => {
    const error = new ToolBrokeError("branch failed");
    let siblingSawAbort = false;
    const graph = new StateGraph(LogState)
      .addNode("split", logNode("split"))
      .addNode(
        "branch",
        async (state: { kind?: string }, config): Promise<Partial<LogStateType>> => {
          if (state.kind === "fail") {
            await new Promise((resolve) => setImmediate(resolve));
            throw error;
          }
          // The slow sibling waits for LangGraph to abort it (or gives up after 5 s, so a
          // regression fails on the assertions below rather than as a timeout).
          const signal = config.signal;
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, 5_000);
            signal?.addEventListener("abort", () => {
              clearTimeout(timer);
              siblingSawAbort = true;
              reject(signal.reason);
            });
          });
          return { log: ["slow"] };
        },
      )
      .addEdge(START, "split")
      .addConditionalEdges(
        "split",
        () => [new Send("branch", { kind: "fail" }), new Send("branch", { kind: "slow" })],
        ["branch"],
      )
      .addEdge("branch", END)
      .compile({ name: "siblings" });

    await expect(graph.invoke({})).rejects.toBe(error);
    expect(siblingSawAbort).toBe(true);
    const branches = otel.nodeSpans("branch");
    expect(branches).toHaveLength(2);
    const failed = branches.filter((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME] === OUTCOME_ERROR);
    const cancelled = branches.filter(
      (s) => s.attributes[ATTR_LANGGRAPH_OUTCOME] === OUTCOME_CANCELLED,
    );
    expect(failed).toHaveLength(1);
    expectFailed(failed[0]!, "ToolBrokeError", "branch failed");
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.status.code).not.toBe(SpanStatusCode.ERROR);
    expectFailed(otel.span(workflowSpanName("siblings")), "ToolBrokeError");
  });
});
