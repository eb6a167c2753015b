/**
 * The agent the docs' examples test (docs/testing.md): a small refund desk. The model looks
 * the order up, proposes a refund, a human approves or rejects it (interrupt), and the
 * model answers. Its model is the kit's ScriptedChatModel, answering from the messages
 * (stateless), so concurrent and property-based runs need no shared script position.
 *
 *   START -> agent -+-> tools -> agent
 *                   +-> approve -> tools | agent      (interrupt: a human decides)
 *                   +-> END
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import {
  Command,
  END,
  interrupt,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { recordHumanDecision } from "../../../src/index.js";
import { type ScriptedChatModelFields, ScriptedChatModel, type ScriptedReply, textOf } from "../../../src/testing/index.js";

export const ORDERS: Readonly<Record<string, number>> = { A100: 40, A200: 125, A300: 9.5 };

export const lookupOrder = tool(async ({ orderId }) => JSON.stringify({ orderId, total: ORDERS[orderId] ?? null }), {
  name: "lookup_order",
  description: "Finds an order by id.",
  schema: z.object({ orderId: z.string() }),
});

export const issueRefund = tool(async ({ orderId, amount }) => `refunded ${amount} on ${orderId}`, {
  name: "issue_refund",
  description: "Refunds an order.",
  schema: z.object({ orderId: z.string(), amount: z.number() }),
});

/** What the model answers, from the conversation so far. */
export function refundScript(messages: readonly BaseMessage[]): ScriptedReply {
  const last = messages[messages.length - 1];
  if (last instanceof ToolMessage || last?.getType() === "tool") {
    const text = textOf(last);
    if (last.name === "lookup_order") {
      const { orderId, total } = JSON.parse(text) as { orderId: string; total: number | null };
      if (total === null) return { content: `I cannot find order ${orderId}.` };
      return { toolCalls: [{ name: "issue_refund", args: { orderId, amount: total } }] };
    }
    return { content: text.startsWith("refunded") ? "Your refund is on its way." : "The refund was not approved." };
  }
  const orderId = /\bA\d{3}\b/.exec(last === undefined ? "" : textOf(last))?.[0];
  if (orderId === undefined) return { content: "Which order is it about?" };
  return { toolCalls: [{ name: "lookup_order", args: { orderId } }] };
}

export type ModelOptions = Partial<ScriptedChatModelFields>;

/** The refund agent, compiled with a checkpointer (interrupts need one). */
export function buildRefundAgent(modelOptions: ModelOptions = {}) {
  const model = new ScriptedChatModel({
    model: "gpt-4o-mini",
    provider: "openai",
    script: ({ messages }) => refundScript(messages),
    ...modelOptions,
  }).bindTools([lookupOrder, issueRefund]);

  async function agent(state: typeof MessagesAnnotation.State) {
    return { messages: [await model.invoke(state.messages)] };
  }

  // A refund waits for a human; a rejection answers the tool call without running it.
  async function approve(state: typeof MessagesAnnotation.State) {
    const call = (state.messages[state.messages.length - 1] as AIMessage).tool_calls?.[0];
    const answer = interrupt({ action: "issue_refund", args: call?.args }) as { approved: boolean };
    recordHumanDecision(answer.approved ? "approved" : "rejected", { workflowName: "refund_agent" });
    if (answer.approved) return new Command({ goto: "tools" });
    const rejected = new ToolMessage({ content: "rejected by a human", tool_call_id: call?.id ?? "", name: "issue_refund" });
    return new Command({ goto: "agent", update: { messages: [rejected] } });
  }

  function route(state: typeof MessagesAnnotation.State) {
    const calls = (state.messages[state.messages.length - 1] as AIMessage).tool_calls ?? [];
    if (calls.some((c) => c.name === "issue_refund")) return "approve";
    return calls.length > 0 ? "tools" : END;
  }

  return new StateGraph(MessagesAnnotation)
    .addNode("agent", agent, {
      retryPolicy: { maxAttempts: 3, initialInterval: 1, jitter: false, retryOn: (e: unknown) => (e as Error).name === "RateLimitError" },
    })
    .addNode("tools", new ToolNode([lookupOrder, issueRefund]))
    .addNode("approve", approve, { ends: ["tools", "agent"] })
    .addEdge(START, "agent")
    .addConditionalEdges("agent", route, ["tools", "approve", END])
    .addEdge("tools", "agent")
    .compile({ name: "refund_agent", checkpointer: new MemorySaver() });
}

/** A provider's rate-limit error, as LangChain integrations throw it. */
export function rateLimited(): Error {
  const error = new Error("429 Too Many Requests");
  error.name = "RateLimitError";
  return error;
}

/** The final answer of a run's output. */
export function answerOf(output: { messages: BaseMessage[] }): string {
  return textOf(output.messages[output.messages.length - 1] ?? new AIMessage(""));
}
