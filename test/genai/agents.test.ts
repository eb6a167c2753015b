/**
 * Agents built with `createReactAgent` (@langchain/langgraph/prebuilt) and `createAgent`
 * (langchain 1.x) get an `invoke_agent {name}` span (INTERNAL, gen_ai.operation.name
 * invoke_agent, gen_ai.agent.name) between the node that runs them and their model and
 * tool spans; plain graphs get none.
 */
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_AGENT_DESCRIPTION,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_LANGGRAPH_OUTCOME,
} from "../../src/semconv.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";

/**
 * `createAgent` of package `langchain`, loaded by a specifier the type checker does not
 * follow: langchain's root types pull in @langchain/core/testing, whose vitest `Assertion`
 * augmentation (two type parameters) clashes with the testing kit's documented one
 * (test/testing/examples). The runtime module is the real one.
 */
type CreateAgent = (params: { model: unknown; tools: unknown[]; name?: string; description?: string }) => {
  invoke(input: unknown, config?: unknown): Promise<unknown>;
};
const LANGCHAIN: string = "langchain";
const { createAgent } = (await import(LANGCHAIN)) as { createAgent: CreateAgent };

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const weather = tool(async ({ city }: { city: string }) => `${city}: 21C`, {
  name: "weather",
  description: "Weather of a city.",
  schema: z.object({ city: z.string() }),
});

function scriptedModel() {
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
function parentRunning(agent: { invoke(input: unknown, config?: unknown): Promise<unknown> }) {
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
function ancestry(span: ReadableSpan): string[] {
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = span; s !== undefined; s = otel.parentOf(s)) names.push(s.name);
  return names;
}

describe("invoke_agent spans", () => {
  it("createReactAgent: node → invoke_agent {name} → agent nodes → chat and tool spans", async () => {
    const agent = createReactAgent({ llm: scriptedModel(), tools: [weather], name: "forecaster" });
    await parentRunning(agent).invoke({ messages: [new HumanMessage("weather in Oslo?")] });

    const agentSpan = otel.span("invoke_agent forecaster");
    expect(agentSpan.kind).toBe(SpanKind.INTERNAL);
    expect(agentSpan.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("invoke_agent");
    expect(agentSpan.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe("forecaster");
    expect(agentSpan.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe("ok");
    for (const chat of otel.spansNamed("chat gpt-4o-mini")) {
      expect(ancestry(chat)).toEqual([
        "chat gpt-4o-mini",
        nodeSpanName("agent"),
        "invoke_agent forecaster",
        workflowSpanName("forecaster"),
        nodeSpanName("delegate"),
        workflowSpanName("supervisor"),
      ]);
    }
    expect(ancestry(otel.span("execute_tool weather")).slice(0, 3)).toEqual([
      "execute_tool weather",
      nodeSpanName("tools"),
      "invoke_agent forecaster",
    ]);
    // The plain parent graph is no agent.
    expect(otel.spansNamed(/^invoke_agent/)).toHaveLength(1);
  });

  it("createAgent (langchain): its name and description on invoke_agent, above model and tool spans", async () => {
    const agent = createAgent({
      model: scriptedModel(),
      tools: [weather],
      name: "planner",
      description: "Plans trips.",
    });
    await parentRunning(agent).invoke({ messages: [new HumanMessage("weather in Oslo?")] });

    const agentSpan = otel.span("invoke_agent planner");
    expect(agentSpan.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe("planner");
    expect(agentSpan.attributes[ATTR_GEN_AI_AGENT_DESCRIPTION]).toBe("Plans trips.");
    expect(agentSpan.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("invoke_agent");
    const chats = otel.spansNamed("chat gpt-4o-mini");
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      const names = ancestry(chat);
      const at = names.indexOf("invoke_agent planner");
      expect(at).toBeGreaterThan(0);
      expect(names.slice(at)).toEqual([
        "invoke_agent planner",
        workflowSpanName("planner"),
        nodeSpanName("delegate"),
        workflowSpanName("supervisor"),
      ]);
    }
    expect(ancestry(otel.span("execute_tool weather"))).toContain("invoke_agent planner");
  });

  it("an agent invoked at the top: invoke_agent right under its run span", async () => {
    const agent = createReactAgent({ llm: scriptedModel(), tools: [weather], name: "solo" });
    await agent.invoke(
      { messages: [new HumanMessage("weather in Oslo?")] },
      { configurable: { thread_id: "thread-9" }, metadata: { user_id: "user-7" } },
    );
    const agentSpan = otel.span("invoke_agent solo");
    expect(otel.parentOf(agentSpan)?.name).toBe(workflowSpanName("solo"));
    // What every span of the run carries is on the agent span too.
    expect(agentSpan.attributes["user.id"]).toBe("user-7");
    expect(agentSpan.attributes["gen_ai.conversation.id"]).toBe("thread-9");
    const nodes = otel.spansNamed(/^invoke_node /);
    expect(nodes.map((s) => s.name)).toEqual([nodeSpanName("agent"), nodeSpanName("tools"), nodeSpanName("agent")]);
    for (const node of nodes) expect(otel.parentOf(node)?.name).toBe("invoke_agent solo");
  });
});
