/**
 * The cache inside a real, instrumented LangGraph node: the lookup marks the active span
 * (the core's node span) and can be read back by the task's checkpoint namespace, the key
 * the GenAI handler parents its `chat` spans by.
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { type CacheLookup, onCacheLookup, ResponseCache, takeCacheLookup } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
  METRIC_LANGGRAPH_CACHE_ENTRIES,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";

const otel = useOtel();

const State = Annotation.Root({ question: Annotation<string>, answer: Annotation<string> });

describe("ResponseCache in a graph", () => {
  it("marks the node span, publishes the lookup under the task's namespace, counts on the global meter", async () => {
    const cache = new ResponseCache({ name: "answers" });
    const model = new FakeListChatModel({ responses: ["Paris", "Lyon"], cache });
    const graph = new StateGraph(State)
      // Passing the node's config (the common idiom) adds per-task call options.
      .addNode("ask", async (state: typeof State.State, config) => {
        const message = await model.invoke(state.question, config);
        return { answer: String(message.content) };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "qa" });

    const lookups: CacheLookup[] = [];
    const unsubscribe = onCacheLookup((lookup) => lookups.push(lookup));
    try {
      expect((await graph.invoke({ question: "capital of France?" })).answer).toBe("Paris");
      expect((await graph.invoke({ question: "capital of France?" })).answer).toBe("Paris");
    } finally {
      unsubscribe();
    }

    const nodes = otel.nodeSpans("ask");
    expect(nodes.map((s) => s.attributes[ATTR_LANGGRAPH_CACHE_HIT])).toEqual([false, true]);
    expect(nodes.map((s) => s.attributes[ATTR_LANGGRAPH_CACHE_RESULT])).toEqual([CACHE_RESULT_MISS, CACHE_RESULT_HIT]);
    expect(nodes[1]!.attributes[ATTR_LANGGRAPH_CACHE_NAME]).toBe("answers");

    expect(lookups).toHaveLength(2);
    for (const lookup of lookups) expect(lookup.checkpointNs).toMatch(/^ask:/);
    expect(lookups[1]!.span?.spanContext().spanId).toBe(nodes[1]!.spanContext().spanId);
    // Read back by namespace: once, then gone.
    const ns = lookups[1]!.checkpointNs!;
    expect(takeCacheLookup(ns)?.result).toBe(CACHE_RESULT_HIT);
    expect(takeCacheLookup(ns)).toBeUndefined();

    const name = { [ATTR_LANGGRAPH_CACHE_NAME]: "answers" };
    expect(await otel.counterValue(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_HIT })).toBe(1);
    expect(await otel.counterValue(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_MISS })).toBe(1);
    expect(await otel.counterValue(METRIC_LANGGRAPH_CACHE_ENTRIES, name)).toBe(1);
  });
});
