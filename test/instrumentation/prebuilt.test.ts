import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_STEP,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { expectOk } from "./graph-fixtures.js";

const otel = useOtel();

const add = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
  name: "add",
  description: "Adds two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});

describe("createReactAgent", () => {
  it("traces the agent loop node by node: agent, tools, agent", async () => {
    const model = new ScriptedChatModel({
      provider: "scripted",
      model: "scripted-react",
      script: [
        { toolCalls: [{ name: "add", args: { a: 2, b: 3 }, id: "call_add" }], usage: { input: 12, output: 7 } },
        { content: "2 + 3 = 5", usage: { input: 30, output: 6 } },
      ],
    });
    const agent = createReactAgent({ llm: model, tools: [add], name: "calculator" });

    const result = await agent.invoke(
      { messages: [new HumanMessage("what is 2 + 3?")] },
      { configurable: { thread_id: "react-1" } },
    );

    const messages = result.messages;
    const toolMessage = messages.find((m) => ToolMessage.isInstance(m));
    expect(toolMessage?.content).toBe("5");
    const last = messages.at(-1);
    expect(AIMessage.isInstance(last) && last.content).toBe("2 + 3 = 5");
    expect(model.calls).toHaveLength(2);
    expect(model.boundToolNames[0]).toEqual(["add"]);

    const run = otel.span(workflowSpanName("calculator"));
    expectOk(run);
    expect(run.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("react-1");
    // The agent's nodes run under its invoke_agent span, the run's one child.
    const [agentSpan, ...others] = otel.childrenOf(run);
    expect(agentSpan?.name).toBe("invoke_agent calculator");
    expect(others).toEqual([]);
    const nodes = otel.childrenOf(agentSpan!).filter((s) => s.name.startsWith(nodeSpanName("")));
    expect(nodes.map((s) => s.attributes[ATTR_LANGGRAPH_NODE_NAME])).toEqual([
      "agent",
      "tools",
      "agent",
    ]);
    const steps = nodes.map((s) => s.attributes[ATTR_LANGGRAPH_STEP] as number);
    expect([...steps].sort((x, y) => x - y)).toEqual(steps);
    for (const node of nodes) {
      expectOk(node);
      expect(node.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("calculator");
    }
  });

  it("keeps a failing tool inside an ok tools node (ToolNode reports the error as a message)", async () => {
    const broken = tool(
      async (): Promise<string> => {
        throw new Error("tool is down");
      },
      { name: "broken", description: "Always fails.", schema: z.object({}) },
    );
    const model = new ScriptedChatModel({
      script: [{ toolCalls: [{ name: "broken", args: {} }] }, { content: "sorry" }],
    });
    const agent = createReactAgent({ llm: model, tools: [broken] });

    const result = await agent.invoke({ messages: [new HumanMessage("go")] });
    const toolMessage = result.messages.find((m) => ToolMessage.isInstance(m));
    expect(ToolMessage.isInstance(toolMessage) && toolMessage.status).toBe("error");

    // createReactAgent without a name reports LangGraph's default graph name.
    const run = otel.span(workflowSpanName("LangGraph"));
    expectOk(run);
    expectOk(otel.span(nodeSpanName("tools")));
  });
});
