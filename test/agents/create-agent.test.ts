/**
 * Agents built with `createAgent` (package langchain 1.x) get an `invoke_agent {name}` span
 * with their name and description. Outside test/genai because the version matrix copies
 * that folder into apps with our oldest peers, and langchain 1.x needs @langchain/core
 * 1.2.13 or later and brings a LangGraph of its own.
 */
import { HumanMessage } from "@langchain/core/messages";
// Typed on purpose: langchain's root types pull in @langchain/core/testing, whose vitest
// `Assertion` augmentation must not clash with the testing kit's documented `Matchers` one
// (test/testing/examples), which the type check of this project then proves.
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ATTR_GEN_AI_AGENT_DESCRIPTION, ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_OPERATION_NAME } from "../../src/semconv.js";
import { ancestry, parentRunning, scriptedModel, weather } from "../genai/agent-support.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

describe("invoke_agent spans of createAgent", () => {
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
      const names = ancestry(otel, chat);
      const at = names.indexOf("invoke_agent planner");
      expect(at).toBeGreaterThan(0);
      expect(names.slice(at)).toEqual([
        "invoke_agent planner",
        workflowSpanName("planner"),
        nodeSpanName("delegate"),
        workflowSpanName("supervisor"),
      ]);
    }
    expect(ancestry(otel, otel.span("execute_tool weather"))).toContain("invoke_agent planner");
  });
});
