/**
 * Agents built with `createReactAgent` (@langchain/langgraph/prebuilt) get an
 * `invoke_agent {name}` span (INTERNAL, gen_ai.operation.name invoke_agent,
 * gen_ai.agent.name) between the node that runs them and their model and tool spans;
 * plain graphs get none. `createAgent` (package langchain) is tested in test/agents/.
 */
import { HumanMessage } from "@langchain/core/messages";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { SpanKind } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_LANGGRAPH_OUTCOME,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { ancestry, parentRunning, scriptedModel, weather } from "./agent-support.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

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
      expect(ancestry(otel, chat)).toEqual([
        "chat gpt-4o-mini",
        nodeSpanName("agent"),
        "invoke_agent forecaster",
        workflowSpanName("forecaster"),
        nodeSpanName("delegate"),
        workflowSpanName("supervisor"),
      ]);
    }
    expect(ancestry(otel, otel.span("execute_tool weather")).slice(0, 3)).toEqual([
      "execute_tool weather",
      nodeSpanName("tools"),
      "invoke_agent forecaster",
    ]);
    // The plain parent graph is no agent.
    expect(otel.spansNamed(/^invoke_agent/)).toHaveLength(1);
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
