/**
 * What the GenAI callback handler may and may not change in a LangChain/LangGraph run.
 * Two differences are by design (README, "What the instrumentation changes"): a model
 * called while the handler listens gets a run manager, like under any LangChain tracer,
 * and callbacks are awaited inline. Everything else the model sees stays the same.
 */
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { describe, expect, it, vi } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { GENAI_HANDLER_NAME } from "../../src/genai/handler.js";
import { langgraphAtLeast } from "../helpers/langgraph-version.js";
import { useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

interface GenerateCall {
  messages: BaseMessage[];
  options: Record<string, unknown>;
  runManager: { handlers?: Array<{ name?: string }> } | undefined;
}

/** Runs a ReAct agent once and returns what its model's `_generate` received. */
async function generateCallOfAgent(): Promise<GenerateCall> {
  const model = new ScriptedChatModel({ script: [{ content: "hello" }] });
  const spy = vi.spyOn(model, "_generate");
  const agent = createReactAgent({
    llm: model,
    tools: [],
    preModelHook: () => ({ llmInputMessages: [new HumanMessage({ id: "pre", content: "pre-hook" })] }),
  });
  const result = await agent.invoke({ messages: [new HumanMessage({ id: "q", content: "hi?" })] });
  expect(result.messages.at(-1)?.content).toBe("hello");
  expect(spy).toHaveBeenCalledTimes(1);
  const [messages, options, runManager] = spy.mock.calls[0] as unknown as [BaseMessage[], Record<string, unknown>, GenerateCall["runManager"]];
  return { messages, options, runManager };
}

/**
 * Call options without what is made anew per run (signal, run and task ids, the per-task
 * writer and interrupt closures): keys and every other value must match.
 */
function stableOptions(options: Record<string, unknown>): Record<string, unknown> {
  const { signal: _signal, runId: _runId, callbacks: _callbacks, executionInfo: _executionInfo, ...rest } = options;
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, typeof value === "function" ? "function" : value]),
  );
}

describe("GenAI handler and the model call", () => {
  it("passes the model the same messages and options; only the run manager is added", async () => {
    genai.disable();
    const plain = await generateCallOfAgent();
    genai.enable();
    await genai.ready;
    const traced = await generateCallOfAgent();

    expect(traced.messages).toEqual(plain.messages);
    expect(stableOptions(traced.options)).toEqual(stableOptions(plain.options));
    expect(plain.runManager).toBeUndefined();
    expect(traced.runManager?.handlers?.map((h) => h.name)).toContain(GENAI_HANDLER_NAME);
    expect(otel.spansNamed(/^chat\b/)).toHaveLength(1);
  });
});

describe("GenAI handler and stream mode messages", () => {
  // LangGraph 1.0.0 streams a nested graph's tokens twice without LangSmith tracing, once
  // with it; with the GenAI handler on, twice in both cases. 1.4.21 passes (the version in
  // between that changed it is not bisected): README (compatibility) says so.
  it.skipIf(!langgraphAtLeast(1, 4, 21))("streams a nested graph's tokens once under LangSmith tracing", async () => {
    const answer = "Hello world from langgraph";
    const inner = () => {
      const model = new FakeListChatModel({ responses: [answer] }).withConfig({ runName: "model_call" });
      return new StateGraph(MessagesAnnotation)
        .addNode("agent", async () => {
          const parts: string[] = [];
          for await (const chunk of await model.stream("say hello")) {
            if (typeof chunk.content === "string") parts.push(chunk.content);
          }
          return { messages: [new AIMessage(parts.join(""))] };
        })
        .addEdge(START, "agent")
        .addEdge("agent", END)
        .compile({ name: "Inner" });
    };
    let innerText = "";
    const outer = new StateGraph(MessagesAnnotation)
      .addNode("delegate", async () => {
        const stream = await inner().stream(
          { messages: [{ role: "user", content: "say hello" }] },
          { streamMode: ["messages", "updates"], subgraphs: true },
        );
        for await (const [, mode, data] of stream) {
          if (mode !== "messages") continue;
          const [message] = data as unknown as [AIMessage];
          if (message?.getType?.() === "ai" && typeof message.content === "string") innerText += message.content;
        }
        return {};
      })
      .addEdge(START, "delegate")
      .addEdge("delegate", END)
      .compile({ name: "Outer" });

    // LangSmith tracing installs the ambient config that nested graphs merge; its fetch is
    // replaced (through langsmith's own hook) so nothing leaves the machine.
    process.env.LANGSMITH_TRACING = "true";
    const fetchKey = Symbol.for("ls:fetch_implementation");
    (globalThis as Record<symbol, unknown>)[fetchKey] = async () => new Response("{}", { status: 200 });
    try {
      const stream = await outer.stream(
        { messages: [{ role: "user", content: "say hello" }] },
        { streamMode: ["messages", "updates"], subgraphs: true },
      );
      for await (const _chunk of stream) {
        // drain
      }
    } finally {
      delete process.env.LANGSMITH_TRACING;
      delete (globalThis as Record<symbol, unknown>)[fetchKey];
    }
    expect(innerText).toBe(answer);
    expect(otel.spansNamed(/^chat\b/)).toHaveLength(1);
  });
});
