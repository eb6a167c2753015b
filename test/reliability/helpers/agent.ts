/**
 * The agent the fault tests run: a real `createReactAgent` with the scripted chat model
 * and one tool (agent -> tools -> agent per run), safe to run many times concurrently.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { ScriptedChatModel } from "../../../src/testing/scripted-chat-model.js";

export const FINAL_ANSWER = "The answer is 42.";

export function buildAgent() {
  const lookup = tool(async ({ q }: { q: string }) => `result for ${q}`, {
    name: "lookup",
    description: "Looks something up.",
    schema: z.object({ q: z.string() }),
  });
  // Stateless script: ask for the tool first, answer once its result is in.
  const model = new ScriptedChatModel({
    loop: true,
    script: [
      ({ messages }: { messages: BaseMessage[] }) =>
        messages[messages.length - 1]?.getType() === "tool"
          ? { content: FINAL_ANSWER, usage: { input: 20, output: 5 } }
          : { toolCalls: [{ name: "lookup", args: { q: "answer" } }], usage: { input: 10, output: 3 } },
    ],
  });
  return createReactAgent({ llm: model, tools: [lookup], name: "reliability_agent" });
}

/** Runs the agent `runs` times, `concurrency` at a time; returns every final answer. */
export async function runAgent(runs: number, concurrency: number): Promise<string[]> {
  const agent = buildAgent();
  const answers: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        next++;
        const result = await agent.invoke({ messages: [new HumanMessage("what is the answer?")] });
        const last = result.messages[result.messages.length - 1];
        answers.push(String(last?.content));
      }
    }),
  );
  return answers;
}
