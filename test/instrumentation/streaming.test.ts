import { END, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it, vi } from "vitest";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  OUTCOME_CANCELLED,
} from "../../src/semconv.js";
import { langgraphAtLeast } from "../helpers/langgraph-version.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType, logNode } from "./graph-fixtures.js";

const otel = useOtel();
/** Polling budget for work that settles after the caller returns (generous: CI is loaded). */
const WAIT = { timeout: 10_000, interval: 20 };

function chain(name: string) {
  return new StateGraph(LogState)
    .addNode("a", logNode("a"))
    .addNode("b", logNode("b"))
    .addNode("c", logNode("c"))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", "c")
    .addEdge("c", END)
    .compile({ name });
}

describe("streaming", () => {
  it("traces a fully consumed stream() as one ok run", async () => {
    const chunks: unknown[] = [];
    for await (const chunk of await chain("streamed").stream({}, { streamMode: "updates" })) {
      chunks.push(chunk);
    }
    expect(chunks).toHaveLength(3);
    const run = otel.span(workflowSpanName("streamed"));
    expectOk(run);
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual(["a", "b", "c"].map(nodeSpanName));
  });

  // LangGraph before 1.7.3 never cancels an abandoned stream (its stream wrapper gives the
  // inner reader no cancel, and aborts nothing): the run stays parked at its next chunk, and
  // so does its span. README (compatibility) says so.
  it.skipIf(!langgraphAtLeast(1, 7, 3))("ends the run span as cancelled when the consumer abandons the stream", async () => {
    const graph = chain("abandoned");
    let seen = 0;
    for await (const _chunk of await graph.stream({}, { streamMode: "updates" })) {
      seen += 1;
      break;
    }
    expect(seen).toBe(1);

    // The iterator's return() closes the span; it may settle a tick after the break.
    await vi.waitFor(() => expect(otel.workflowSpans("abandoned")).toHaveLength(1), WAIT);
    const run = otel.span(workflowSpanName("abandoned"));
    expect(run.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_CANCELLED);
    expect(run.status.code).not.toBe(SpanStatusCode.ERROR);
    expectOk(otel.span(nodeSpanName("a")));
    // Every node span that started has ended (nothing leaked open under the run).
    for (const node of otel.childrenOf(run)) expect(node.ended).toBe(true);

    const labels = { [ATTR_GEN_AI_WORKFLOW_NAME]: "abandoned" };
    await vi.waitFor(async () =>
      expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels)).toBe(0),
    WAIT);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_WORKFLOW_DURATION, {
        ...labels,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_CANCELLED,
      }),
    ).toBe(1);
  });

  it("ends the run span as cancelled when the caller aborts through its signal", async () => {
    const controller = new AbortController();
    const graph = new StateGraph(LogState)
      .addNode("first", async (): Promise<Partial<LogStateType>> => {
        controller.abort();
        return { log: ["first"] };
      })
      .addNode("second", logNode("second"))
      .addEdge(START, "first")
      .addEdge("first", "second")
      .addEdge("second", END)
      .compile({ name: "aborted" });

    await expect(graph.invoke({}, { signal: controller.signal })).rejects.toThrow();
    // LangGraph rejects on the signal at once; the run winds down right after.
    await vi.waitFor(() => expect(otel.workflowSpans("aborted")).toHaveLength(1), WAIT);
    const run = otel.span(workflowSpanName("aborted"));
    expect(run.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_CANCELLED);
    expect(run.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("traces streamEvents v2 as exactly one run", async () => {
    const events: string[] = [];
    for await (const event of chain("evented").streamEvents({}, { version: "v2" })) {
      events.push(event.event);
    }
    expect(events).toContain("on_chain_end");
    expect(otel.workflowSpans()).toHaveLength(1);
    const run = otel.span(workflowSpanName("evented"));
    expectOk(run);
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual(["a", "b", "c"].map(nodeSpanName));
  });

  it("traces every stream mode combination as one run", async () => {
    const graph = chain("multi-mode");
    for await (const _chunk of await graph.stream({}, { streamMode: ["values", "updates", "debug"] })) {
      // drain
    }
    expect(otel.workflowSpans()).toHaveLength(1);
    expectOk(otel.span(workflowSpanName("multi-mode")));
  });
});
