/**
 * Functional API: each `task()` call an entrypoint makes gets an attempt span under the
 * entrypoint's span, marked with `langgraph.task.name` (retried calls: one span per
 * attempt); plain graph nodes and Sends carry no task name.
 */
import { Annotation, END, entrypoint, Send, START, StateGraph, task } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_TASK_NAME,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";

const otel = useOtel();

describe("Functional API task() calls", () => {
  it("each call is a span under its entrypoint, with langgraph.task.name", async () => {
    const double = task("double", async (n: number) => n * 2);
    const inc = task("inc", async (n: number) => n + 1);
    const flow = entrypoint("flow", async (n: number) => {
      const a = await double(n);
      const [b, c] = await Promise.all([inc(a), double(a)]);
      return b + c;
    });
    expect(await flow.invoke(3)).toBe(19);

    const run = otel.span(workflowSpanName("flow"));
    const entry = otel.span(nodeSpanName("flow"));
    expect(otel.parentOf(entry)).toBe(run);
    expect(entry.attributes[ATTR_LANGGRAPH_TASK_NAME]).toBeUndefined();
    const calls = otel.childrenOf(entry);
    expect(calls.map((s) => s.name).sort()).toEqual(
      [nodeSpanName("double"), nodeSpanName("double"), nodeSpanName("inc")].sort(),
    );
    for (const call of calls) {
      expect(call.attributes[ATTR_LANGGRAPH_TASK_NAME]).toBe(call.attributes[ATTR_LANGGRAPH_NODE_NAME]);
      expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
    }
  });

  it("a call retried by its retry policy: one span per attempt, the failed one an error", async () => {
    let calls = 0;
    const flaky = task({ name: "flaky", retry: { maxAttempts: 2, initialInterval: 1, jitter: false } }, async (n: number) => {
      calls++;
      if (calls === 1) throw new RangeError("first call fails");
      return n;
    });
    const flow = entrypoint("retrying", async (n: number) => flaky(n));
    expect(await flow.invoke(7)).toBe(7);
    const attempts = otel.childrenOf(otel.span(nodeSpanName("retrying")));
    expect(attempts.map((s) => [s.attributes[ATTR_LANGGRAPH_TASK_NAME], s.attributes[ATTR_LANGGRAPH_NODE_ATTEMPT]])).toEqual([
      ["flaky", 1],
      ["flaky", 2],
    ]);
    expect(attempts.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
  });

  it("graph nodes and Send branches carry no task name", async () => {
    const State = Annotation.Root({ items: Annotation<number[]>, out: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const graph = new StateGraph(State)
      .addNode("fan", async () => ({}))
      .addNode("work", async (state: { items: number[] }) => ({ out: state.items }))
      .addEdge(START, "fan")
      .addConditionalEdges("fan", (state) => state.items.map((i) => new Send("work", { items: [i] })), ["work"])
      .addEdge("work", END)
      .compile({ name: "sends" });
    await graph.invoke({ items: [1, 2] });
    const spans = otel.spans().filter((s) => s.name.startsWith(nodeSpanName("")));
    expect(spans.length).toBe(3);
    for (const span of spans) expect(span.attributes[ATTR_LANGGRAPH_TASK_NAME]).toBeUndefined();
  });
});
