// The three workloads of the overhead benchmark. Nodes do (almost) nothing so that what
// is measured is LangGraph plus whatever instrumentation is on, per node attempt.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod";

/** 10 trivial nodes in a line: start -> n0 -> n1 -> ... -> n9 -> end. */
export function buildChain(length = 10) {
  const State = Annotation.Root({ count: Annotation({ reducer: (_a, b) => b, default: () => 0 }) });
  let graph = new StateGraph(State);
  for (let i = 0; i < length; i++) graph = graph.addNode(`n${i}`, (s) => ({ count: s.count + 1 }));
  graph = graph.addEdge(START, "n0");
  for (let i = 1; i < length; i++) graph = graph.addEdge(`n${i - 1}`, `n${i}`);
  graph = graph.addEdge(`n${length - 1}`, END);
  return {
    graph: graph.compile({ name: "bench_chain" }),
    input: () => ({ count: 0 }),
    nodesPerRun: length,
  };
}

/** A planner node sends 20 `Send`s to a worker node; a reduce node joins them. */
export function buildFanOut(width = 20) {
  const State = Annotation.Root({
    items: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
    total: Annotation({ reducer: (_a, b) => b, default: () => 0 }),
  });
  const graph = new StateGraph(State)
    .addNode("plan", () => ({}))
    .addNode("work", (s) => ({ items: [s.i * 2] }))
    .addNode("reduce", (s) => ({ total: s.items.length }))
    .addEdge(START, "plan")
    .addConditionalEdges("plan", () => Array.from({ length: width }, (_, i) => new Send("work", { i })))
    .addEdge("work", "reduce")
    .addEdge("reduce", END);
  return {
    graph: graph.compile({ name: "bench_fanout" }),
    input: () => ({ items: [] }),
    nodesPerRun: width + 2,
  };
}

/**
 * A chat model that follows a fixed script without any I/O: it asks for the `lookup`
 * tool once, then answers. It reports tokens and provider/model like a real one.
 */
export class ScriptedChatModel extends BaseChatModel {
  _llmType() {
    return "scripted";
  }

  bindTools() {
    return this;
  }

  getLsParams() {
    return { ls_provider: "scripted", ls_model_name: "scripted-1", ls_model_type: "chat" };
  }

  async _generate(messages) {
    const last = messages[messages.length - 1];
    const usage = { input_tokens: 12, output_tokens: 5, total_tokens: 17 };
    const message =
      last?._getType?.() === "tool"
        ? new AIMessage({ content: "The answer is 42.", usage_metadata: usage })
        : new AIMessage({
            content: "",
            tool_calls: [{ id: "call_1", name: "lookup", args: { q: "answer" }, type: "tool_call" }],
            usage_metadata: usage,
          });
    return { generations: [{ text: String(message.content), message }] };
  }
}

/** createReactAgent with the scripted model and one tool: agent -> tools -> agent. */
export function buildReactAgent() {
  const lookup = tool(async ({ q }) => `result for ${q}`, {
    name: "lookup",
    description: "Looks something up.",
    schema: z.object({ q: z.string() }),
  });
  const graph = createReactAgent({ llm: new ScriptedChatModel({}), tools: [lookup], name: "bench_react" });
  return {
    graph,
    input: () => ({ messages: [new HumanMessage("what is the answer?")] }),
    nodesPerRun: 3,
  };
}

export const WORKLOADS = {
  chain: { title: "10-node chain", build: () => buildChain(10) },
  fanout: { title: "20-way Send fan-out", build: () => buildFanOut(20) },
  react: { title: "ReAct agent (scripted model, 1 tool call)", build: () => buildReactAgent() },
};
