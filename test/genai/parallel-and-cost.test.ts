import { HumanMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ATTR_GEN_AI_USAGE_COST, ATTR_GEN_AI_USAGE_INPUT_TOKENS } from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

const genai = new GenAIInstrumentation({ enabled: false });
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
