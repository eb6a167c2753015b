/**
 * Who a run serves travels on every span of it: the thread as `gen_ai.conversation.id`,
 * the end user as `user.id`, allow-listed metadata and the tags, on the workflow span, a
 * subgraph's spans, node spans, chat spans and tool spans; never on metrics, and nothing
 * that was not allow-listed.
 */
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_LANGGRAPH_TAGS,
  ATTR_USER_ID,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({
  instrumentations: [genai],
  config: { runAttributes: { metadataKeys: ["tenant", "missing"], tags: true } },
});

const add = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
  name: "add",
  description: "Adds two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});

function agentGraph() {
  const model = new ScriptedChatModel({
    provider: "openai",
    model: "gpt-4o-mini",
    script: [
      { toolCalls: [{ name: "add", args: { a: 2, b: 3 }, id: "call_add" }], usage: { input: 10, output: 5 } },
      { content: "5", usage: { input: 20, output: 1 } },
    ],
  });
  const agent = createReactAgent({ llm: model, tools: [add], name: "assistant" });
  const State = Annotation.Root({ messages: Annotation<unknown[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
  // The agent as a subgraph node of an outer graph: the run's attributes cross into it.
  return new StateGraph(State)
    .addNode("delegate", async (state, config) => {
      const result = await agent.invoke({ messages: [new HumanMessage("2 + 3?")] }, config);
      return { messages: [...state.messages, ...result.messages] };
    })
    .addEdge(START, "delegate")
    .addEdge("delegate", END)
    .compile({ name: "outer" });
}

describe("run attributes", () => {
  it("thread, user, allow-listed metadata and tags on every span of the run, subgraph, model and tool included", async () => {
    await agentGraph().invoke(
      { messages: [] },
      {
        configurable: { thread_id: "thread-7" },
        metadata: { user_id: "user-42", tenant: "acme", api_key: "not-allow-listed" },
        tags: ["beta"],
      },
    );
    const spans = otel.spans();
    const kinds = ["invoke_workflow outer", "invoke_workflow assistant", "invoke_node delegate", "invoke_node agent", "chat gpt-4o-mini", "execute_tool add"];
    for (const name of kinds) expect(spans.map((s) => s.name)).toContain(name);
    for (const span of spans) {
      const where = `${span.name}: ${JSON.stringify(span.attributes)}`;
      expect(span.attributes[ATTR_GEN_AI_CONVERSATION_ID], where).toBe("thread-7");
      expect(span.attributes[ATTR_USER_ID], where).toBe("user-42");
      expect(span.attributes["langgraph.metadata.tenant"], where).toBe("acme");
      expect(span.attributes[ATTR_LANGGRAPH_TAGS], where).toEqual(["beta"]);
      expect(Object.keys(span.attributes).filter((k) => k.includes("api_key") || k.endsWith(".missing")), where).toEqual([]);
    }
  });

  it("never as metric labels", async () => {
    await agentGraph().invoke({ messages: [] }, { configurable: { thread_id: "t" }, metadata: { user_id: "u", tenant: "acme" } });
    for (const metric of [METRIC_GEN_AI_WORKFLOW_DURATION, METRIC_LANGGRAPH_NODE_DURATION, METRIC_GEN_AI_CLIENT_TOKEN_USAGE]) {
      const points = await otel.metricPoints(metric);
      expect(points.length, metric).toBeGreaterThan(0);
      for (const point of points) {
        expect(Object.keys(point.attributes).filter((k) => [ATTR_USER_ID, ATTR_GEN_AI_CONVERSATION_ID, ATTR_LANGGRAPH_TAGS].includes(k) || k.startsWith("langgraph.metadata."))).toEqual([]);
      }
    }
  });

  it("gen_ai.client.token.usage carries gen_ai.operation.name (required by the conventions)", async () => {
    await agentGraph().invoke({ messages: [] });
    const points = await otel.metricPoints(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) expect(point.attributes["gen_ai.operation.name"]).toBe("chat");
  });
});
