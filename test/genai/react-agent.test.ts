import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent, ToolNode } from "@langchain/langgraph/prebuilt";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { StreamingScriptedModel } from "./_model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const add = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
  name: "add",
  description: "Adds two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});
const lookup = tool(async ({ city }: { city: string }) => `${city}: 21C`, {
  name: "weather",
  description: "Weather of a city.",
  schema: z.object({ city: z.string() }),
});
const broken = tool(
  async (): Promise<string> => {
    throw new TypeError("backend unavailable");
  },
  { name: "broken", description: "Always fails.", schema: z.object({ q: z.string() }) },
);

function reactModel() {
  return new ScriptedChatModel({
    provider: "openai",
    model: "gpt-4o-mini",
    script: [
      {
        toolCalls: [
          { name: "add", args: { a: 2, b: 3 }, id: "call_add" },
          { name: "weather", args: { city: "Oslo" }, id: "call_weather" },
        ],
        usage: { input: 120, output: 30 },
        responseModel: "gpt-4o-mini-2024-07-18",
      },
      { content: "5, and Oslo is 21C", usage: { input: 200, output: 12 } },
    ],
  });
}

describe("createReactAgent with two tools", () => {
  it("puts chat spans under invoke_node agent and tool spans under invoke_node tools", async () => {
    const agent = createReactAgent({ llm: reactModel(), tools: [add, lookup], name: "assistant" });
    await agent.invoke({ messages: [new HumanMessage("what is 2 + 3, and the weather in Oslo?")] });

    const chats = otel.spansNamed("chat gpt-4o-mini");
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.kind).toBe(SpanKind.CLIENT);
      expect(otel.parentOf(chat)?.name).toBe(nodeSpanName("agent"));
      expect(chat.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("chat");
      expect(chat.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe("openai");
      expect(chat.attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe("gpt-4o-mini");
      expect(chat.attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(false);
      expect(chat.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("assistant");
    }
    const [first, second] = chats;
    expect(first!.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(120);
    expect(first!.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(30);
    expect(first!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe("gpt-4o-mini-2024-07-18");
    expect(first!.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(["tool_calls"]);
    expect(second!.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(200);
    expect(second!.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(12);
    expect(second!.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(["stop"]);

    const toolSpans = otel.spansNamed(/^execute_tool /);
    expect(toolSpans.map((s) => s.name).sort()).toEqual(["execute_tool add", "execute_tool weather"]);
    for (const span of toolSpans) {
      expect(otel.parentOf(span)?.name).toBe(nodeSpanName("tools"));
      expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    const addSpan = otel.span("execute_tool add");
    expect(addSpan.attributes[ATTR_GEN_AI_TOOL_NAME]).toBe("add");
    expect(addSpan.attributes[ATTR_GEN_AI_TOOL_CALL_ID]).toBe("call_add");
    expect(otel.span("execute_tool weather").attributes[ATTR_GEN_AI_TOOL_CALL_ID]).toBe("call_weather");

    // Token histogram points: one per call and type, with the node and graph on them.
    const base = {
      [ATTR_GEN_AI_REQUEST_MODEL]: "gpt-4o-mini",
      [ATTR_GEN_AI_PROVIDER_NAME]: "openai",
      [ATTR_GEN_AI_WORKFLOW_NAME]: "assistant",
      [ATTR_LANGGRAPH_NODE_NAME]: "agent",
    };
    const input = await otel.histogramPoints(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      ...base,
      [ATTR_GEN_AI_TOKEN_TYPE]: "input",
    });
    expect(input).toHaveLength(1);
    expect(input[0]!.value.count).toBe(2);
    expect(input[0]!.value.sum).toBe(320);
    const output = await otel.histogramPoints(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      ...base,
      [ATTR_GEN_AI_TOKEN_TYPE]: "output",
    });
    expect(output[0]!.value.sum).toBe(42);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        [ATTR_GEN_AI_OPERATION_NAME]: "chat",
        [ATTR_GEN_AI_REQUEST_MODEL]: "gpt-4o-mini",
        [ATTR_GEN_AI_PROVIDER_NAME]: "openai",
      }),
    ).toBe(2);
    for (const name of ["add", "weather"]) {
      expect(
        await otel.histogramCount(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, {
          [ATTR_GEN_AI_TOOL_NAME]: name,
          [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
        }),
      ).toBe(1);
    }
  });

  it("reports the tokens of a streamed run, with time to first chunk and token details", async () => {
    const model = new StreamingScriptedModel({
      provider: "openai",
      model: "gpt-4o",
      answers: ["It is sunny in Oslo today."],
      usage: { input: 50, output: 9, cacheRead: 20, reasoning: 4 },
    });
    const agent = createReactAgent({ llm: model, tools: [add, lookup], name: "streamer" });
    const chunks: unknown[] = [];
    for await (const chunk of await agent.stream(
      { messages: [new HumanMessage("weather?")] },
      { streamMode: "messages" },
    )) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(1);

    const chat = otel.span("chat gpt-4o");
    expect(otel.parentOf(chat)?.name).toBe(nodeSpanName("agent"));
    expect(chat.attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(chat.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(50);
    expect(chat.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(9);
    expect(chat.attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(20);
    expect(chat.attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]).toBe(4);
    const ttft = chat.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK];
    expect(typeof ttft).toBe("number");
    expect(ttft as number).toBeGreaterThanOrEqual(0);
    expect(chat.events.filter((e) => e.name === EVENT_LANGGRAPH_FIRST_CHUNK)).toHaveLength(1);

    const points = await otel.histogramPoints(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      [ATTR_GEN_AI_REQUEST_MODEL]: "gpt-4o",
      [ATTR_GEN_AI_TOKEN_TYPE]: "input",
    });
    expect(points.map((p) => p.value.sum)).toEqual([50]);
    // Streamed: one time-to-first-chunk point, in the conventions' buckets.
    const firstChunk = await otel.histogramPoints("gen_ai.client.operation.time_to_first_chunk", {
      [ATTR_GEN_AI_REQUEST_MODEL]: "gpt-4o",
      [ATTR_GEN_AI_OPERATION_NAME]: "chat",
    });
    expect(firstChunk.map((p) => p.value.count)).toEqual([1]);
    expect(firstChunk[0]?.value.buckets.boundaries).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
  });

  it("marks a tool span failed when ToolNode turns the tool's error into a message", async () => {
    const model = new ScriptedChatModel({
      provider: "openai",
      model: "gpt-4o-mini",
      script: [
        { toolCalls: [{ name: "broken", args: { q: "x" }, id: "call_broken" }], usage: { input: 5, output: 5 } },
        { content: "sorry", usage: { input: 9, output: 2 } },
      ],
    });
    const agent = createReactAgent({ llm: model, tools: [broken, add], name: "fragile" });
    const result = await agent.invoke({ messages: [new HumanMessage("go")] });
    const toolMessage = result.messages.find((m) => ToolMessage.isInstance(m)) as ToolMessage | undefined;
    expect(toolMessage?.status).toBe("error");

    const toolSpan = otel.span("execute_tool broken");
    expect(toolSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolSpan.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(toolSpan.attributes[ATTR_ERROR_TYPE]).toBe("TypeError");
    expect(toolSpan.events.some((e) => e.name === "exception")).toBe(true);
    const toolsNode = otel.parentOf(toolSpan);
    expect(toolsNode?.name).toBe(nodeSpanName("tools"));
    expect(toolsNode?.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
    expect(toolsNode?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, {
        [ATTR_GEN_AI_TOOL_NAME]: "broken",
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        // The conventions' attributes of the tool duration metric, error.type included.
        [ATTR_GEN_AI_OPERATION_NAME]: "execute_tool",
        "gen_ai.tool.type": "function",
        [ATTR_ERROR_TYPE]: "TypeError",
      }),
    ).toBe(1);
  });

  it("marks a tool span failed when the tool itself returns an error ToolMessage", async () => {
    const soft = tool(
      async (_input: { q: string }, config) =>
        new ToolMessage({ content: "quota exceeded", status: "error", tool_call_id: config.toolCall?.id ?? "" }),
      { name: "soft", description: "Fails softly.", schema: z.object({ q: z.string() }) },
    );
    const State = Annotation.Root({ ...MessagesAnnotation.spec });
    const graph = new StateGraph(State)
      .addNode("call", async () => {
        const out = await soft.invoke({ id: "call_soft", name: "soft", args: { q: "x" }, type: "tool_call" });
        return { messages: [out] };
      })
      .addEdge(START, "call")
      .addEdge("call", END)
      .compile({ name: "soft-graph" });
    await graph.invoke({ messages: [] });
    const span = otel.span("execute_tool soft");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(otel.parentOf(span)?.name).toBe(nodeSpanName("call"));
  });
  it("names tool spans after the tool, not the node whose config the tool inherits", async () => {
    // Tool call ids no model call produced: the name cannot come from a model response.
    const nested = new ScriptedChatModel({
      provider: "openai",
      model: "gpt-4o-mini",
      loop: true,
      script: [{ content: "inner", usage: { input: 1, output: 1 } }],
    });
    const asker = tool(async ({ q }: { q: string }, config) => String((await nested.invoke(q, config)).content), {
      name: "asker",
      description: "Asks a model.",
      schema: z.object({ q: z.string() }),
    });
    const State = Annotation.Root({ ...MessagesAnnotation.spec });
    const graph = new StateGraph(State)
      .addNode("tools", new ToolNode([add, asker]))
      .addNode("direct", async (_state, config) => {
        await add.invoke({ a: 1, b: 1 }, config); // inherits runName "direct"
        await add.invoke({ a: 1, b: 2 }, { ...config, runName: "adder" }); // explicit
        return { messages: [] };
      })
      .addEdge(START, "tools")
      .addEdge("tools", "direct")
      .addEdge("direct", END)
      .compile({ name: "named-tools" });
    const calls = [
      { name: "add", args: { a: 2, b: 3 }, id: "manual_add" },
      { name: "asker", args: { q: "hi" }, id: "manual_asker" },
    ];
    await graph.invoke({ messages: [new AIMessage({ content: "", tool_calls: calls })] });

    const names = otel.spansNamed(/^execute_tool /).map((s) => s.name);
    expect(names.sort()).toEqual(["execute_tool add", "execute_tool add", "execute_tool adder", "execute_tool asker"]);
    for (const span of otel.spansNamed(/^execute_tool /)) {
      expect(span.attributes[ATTR_GEN_AI_TOOL_NAME]).toBe(span.name.slice("execute_tool ".length));
    }
    const askerSpan = otel.span("execute_tool asker");
    expect(otel.parentOf(askerSpan)?.name).toBe(nodeSpanName("tools"));
    // A model called inside the tool still reports, under the tool span.
    expect(otel.parentOf(otel.span("chat gpt-4o-mini"))?.name).toBe("execute_tool asker");
    expect(
      await otel.histogramCount(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, {
        [ATTR_GEN_AI_TOOL_NAME]: "asker",
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
      }),
    ).toBe(1);
  });
});
