// What the agent tests share: a tool, a scripted model, a parent graph that runs an agent
// from a node, and a span's ancestry.
import { tool } from "@langchain/core/tools";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import type { useOtel } from "../helpers/otel.js";

type Otel = ReturnType<typeof useOtel>;

export const weather = tool(async ({ city }: { city: string }) => `${city}: 21C`, {
  name: "weather",
  description: "Weather of a city.",
  schema: z.object({ city: z.string() }),
});

export function scriptedModel() {
  return new ScriptedChatModel({
    provider: "openai",
    model: "gpt-4o-mini",
    script: [
      { toolCalls: [{ name: "weather", args: { city: "Oslo" }, id: "call_1" }], usage: { input: 10, output: 5 } },
      { content: "Oslo is 21C", usage: { input: 20, output: 4 } },
    ],
  });
}

/** A parent graph whose `delegate` node runs the agent (a subgraph called from a node). */
export function parentRunning(agent: { invoke(input: unknown, config?: unknown): Promise<unknown> }) {
  return new StateGraph(MessagesAnnotation)
    .addNode("delegate", async (state, config) => {
      const result = (await agent.invoke({ messages: state.messages }, config)) as typeof state;
      return { messages: result.messages.slice(state.messages.length) };
    })
    .addEdge(START, "delegate")
    .addEdge("delegate", END)
    .compile({ name: "supervisor" });
}

/** The names from a span up to the root. */
export function ancestry(otel: Otel, span: ReadableSpan): string[] {
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = span; s !== undefined; s = otel.parentOf(s)) names.push(s.name);
  return names;
}
