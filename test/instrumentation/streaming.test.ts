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

  describe("the run's iterator, as LangGraph's callers use it", () => {
    type RunIterator = AsyncGenerator<unknown, unknown, unknown>;
    const iteratorOf = (graph: ReturnType<typeof chain>): RunIterator =>
      (graph as unknown as { _streamIterator(input: unknown, options: object): RunIterator })._streamIterator(
        {},
        { streamMode: "updates" },
      );

    it("returned before its first next(): done, no run started, no span", async () => {
      const iterator = iteratorOf(chain("never-read"));
      await expect(iterator.return("early")).resolves.toEqual({ done: true, value: "early" });
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
      expect(otel.workflowSpans("never-read")).toHaveLength(0);
      expect(otel.spans().filter((s) => s.name === nodeSpanName("a"))).toHaveLength(0);
    });

    it("queues next() calls made without waiting, in LangGraph's order", async () => {
      const iterator = iteratorOf(chain("eager"));
      const steps = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
      expect(steps.map((step) => step.done)).toEqual([false, false, false, true]);
      expect(steps.slice(0, 3).map((step) => Object.keys(step.value as object))).toEqual([["a"], ["b"], ["c"]]);
      expectOk(otel.span(workflowSpanName("eager")));
    });

    it("throw(): the caller gets its own error object back, and the run ends as an error", async () => {
      const iterator = iteratorOf(chain("thrown-into"));
      await iterator.next();
      const reason = new TypeError("consumer gave up");
      const thrown = await iterator.throw(reason).catch((err: unknown) => err);
      expect(thrown).toBe(reason);
      const run = otel.span(workflowSpanName("thrown-into"));
      expect(run.status.code).toBe(SpanStatusCode.ERROR);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it("is its own async iterator, and disposable like a generator object", async () => {
      const iterator = iteratorOf(chain("disposed"));
      expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
      await iterator.next();
      await (iterator as unknown as AsyncDisposable)[Symbol.asyncDispose]();
      const run = otel.span(workflowSpanName("disposed"));
      expect(run.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_CANCELLED);
    });
  });
});
