import { HumanMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_GEN_AI_USAGE_COST,
  METRIC_LANGGRAPH_LLM_COST,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

const genai = new GenAIInstrumentation({
  enabled: false,
  prices: { "acme-large": { input: 4, output: 16 } },
});
const otel = useOtel({ instrumentations: [genai] });

const BRANCHES = 6;

/** Resolves once `n` callers are waiting: proves the branches really overlap. */
function barrier(n: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    waiting += 1;
    if (waiting === n) release();
    await all;
  };
}

describe("six Send branches", () => {
  it("parents each branch's chat span to that branch's own node span", async () => {
    const model = new ScriptedChatModel({
      provider: "openai",
      model: "gpt-4o-mini",
      loop: true,
      // Input tokens = branch number, so each chat span says which branch made it.
      script: [
        ({ messages }) => {
          const branch = Number(String(messages[0]?.content).replace("branch ", ""));
          return { content: `done ${branch}`, usage: { input: branch, output: 1 } };
        },
      ],
    });
    const wait = barrier(BRANCHES);
    const State = Annotation.Root({
      results: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    });
    const Branch = Annotation.Root({ branch: Annotation<number> });
    const graph = new StateGraph(State)
      .addNode(
        "worker",
        async (input: typeof Branch.State) => {
          trace.getActiveSpan()?.setAttribute("test.branch", input.branch);
          await wait();
          await model.invoke([new HumanMessage(`branch ${input.branch}`)]);
          return { results: [input.branch] };
        },
        { input: Branch },
      )
      .addConditionalEdges(START, () =>
        Array.from({ length: BRANCHES }, (_, i) => new Send("worker", { branch: i + 1 })),
      )
      .addEdge("worker", END)
      .compile({ name: "fan-out" });

    const result = await graph.invoke({ results: [] });
    expect([...result.results].sort()).toEqual([1, 2, 3, 4, 5, 6]);

    const workers = otel.nodeSpans("worker");
    expect(workers).toHaveLength(BRANCHES);
    const chats = otel.spansNamed("chat gpt-4o-mini");
    expect(chats).toHaveLength(BRANCHES);
    for (const chat of chats) {
      const parent = otel.parentOf(chat);
      expect(parent?.name).toBe(nodeSpanName("worker"));
      expect(chat.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(parent?.attributes["test.branch"]);
    }
    expect(new Set(chats.map((c) => otel.parentOf(c)?.spanContext().spanId)).size).toBe(BRANCHES);
  });

  it("parents calls of a fake model from @langchain/core/utils/testing the same way", async () => {
    const model = new FakeListChatModel({ responses: ["a", "b", "c"] });
    const wait = barrier(3);
    const Branch = Annotation.Root({ branch: Annotation<number> });
    const State = Annotation.Root({ done: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const graph = new StateGraph(State)
      .addNode(
        "ask",
        async (input: typeof Branch.State) => {
          trace.getActiveSpan()?.setAttribute("test.branch", input.branch);
          await wait();
          await model.invoke(`question ${input.branch}`);
          return { done: 1 };
        },
        { input: Branch },
      )
      .addConditionalEdges(START, () => [1, 2, 3].map((branch) => new Send("ask", { branch })))
      .addEdge("ask", END)
      .compile({ name: "fake-fan-out" });
    await graph.invoke({ done: 0 });
    const chats = otel.spansNamed(/^chat/);
    expect(chats).toHaveLength(3);
    const parents = chats.map((c) => otel.parentOf(c));
    expect(parents.every((p) => p?.name === nodeSpanName("ask"))).toBe(true);
    expect(new Set(parents.map((p) => p?.spanContext().spanId)).size).toBe(3);
    // No usage reported, no price: no cost, never a false zero.
    for (const chat of chats) expect(chat.attributes[ATTR_GEN_AI_USAGE_COST]).toBeUndefined();
  });
});

function singleCallGraph(model: ScriptedChatModel, name: string) {
  const State = Annotation.Root({ n: Annotation<number> });
  return new StateGraph(State)
    .addNode("llm", async () => {
      await model.invoke([new HumanMessage("hi")]);
      return { n: 1 };
    })
    .addEdge(START, "llm")
    .addEdge("llm", END)
    .compile({ name });
}

describe("cost", () => {
  it("is tokens x price for a known model, on the span and the counter", async () => {
    const model = new ScriptedChatModel({
      provider: "openai",
      model: "gpt-4o-mini",
      script: [{ content: "x", usage: { input: 1200, output: 300 } }],
    });
    await singleCallGraph(model, "priced").invoke({ n: 0 });
    const expected = (1200 * 0.15 + 300 * 0.6) / 1_000_000;
    const chat = otel.span("chat gpt-4o-mini");
    expect(chat.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo(expected, 12);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_LLM_COST, {
        [ATTR_GEN_AI_REQUEST_MODEL]: "gpt-4o-mini",
        [ATTR_GEN_AI_WORKFLOW_NAME]: "priced",
      }),
    ).toBeCloseTo(expected, 12);
  });

  it("uses a user price for a model the table does not know", async () => {
    const model = new ScriptedChatModel({
      provider: "acme",
      model: "acme-large-2026-01",
      script: [{ content: "x", usage: { input: 1000, output: 500 } }],
    });
    await singleCallGraph(model, "user-priced").invoke({ n: 0 });
    const chat = otel.span("chat acme-large-2026-01");
    expect(chat.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((1000 * 4 + 500 * 16) / 1_000_000, 12);
  });

  it("is absent for an unknown model: no attribute, no counter point", async () => {
    const model = new ScriptedChatModel({
      provider: "local",
      model: "my-private-llm",
      script: [{ content: "x", usage: { input: 100, output: 10 } }],
    });
    await singleCallGraph(model, "unpriced").invoke({ n: 0 });
    const chat = otel.span("chat my-private-llm");
    expect(chat.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(100);
    expect(ATTR_GEN_AI_USAGE_COST in chat.attributes).toBe(false);
    expect(
      await otel.metricPoints(METRIC_LANGGRAPH_LLM_COST, { [ATTR_GEN_AI_REQUEST_MODEL]: "my-private-llm" }),
    ).toEqual([]);
  });
});
