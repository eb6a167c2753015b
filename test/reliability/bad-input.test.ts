/**
 * Hostile application data with content capture on: circular state, BigInt, functions,
 * 10 MB strings, unicode, a 10,000-character node name, secrets in prompts and tool
 * arguments. The run behaves exactly as without telemetry (nothing throws, the state
 * comes back), every attribute respects the limits, and redaction still holds.
 */
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation, LangGraphInstrumentation } from "../../src/index.js";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_LANGGRAPH_NODE_NAME,
  SPAN_CHAT,
  SPAN_EXECUTE_TOOL,
  SPAN_INVOKE_NODE,
} from "../../src/semconv.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

/** The SDK's attribute length limit (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT in an app). */
const ATTRIBUTE_LIMIT = 8192;
/** The GenAI content limits under test. */
const MAX_CONTENT = 2048;
const MAX_STRING = 256;

const TEN_MB = "a".repeat(10 * 1024 * 1024);
const UNICODE = "Grüße 🦜🔗 مرحبا 你好 \u0000\u202e\ud83d"; // incl. NUL, RTL override, lone surrogate
const LONG_NODE = `节点🦜${"n".repeat(10_000)}`;
const PROVIDER_KEY = "sk-live0123456789abcdefXYZ";
const DB_PASSWORD = "hunter2-db-password";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  spanLimits: { attributeValueLengthLimit: ATTRIBUTE_LIMIT },
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const contextManager = new AsyncLocalStorageContextManager();
const core = new LangGraphInstrumentation({ enabled: false });
const genai = new GenAIInstrumentation({
  enabled: false,
  captureMessageContent: true,
  maxContentLength: MAX_CONTENT,
  maxStringLength: MAX_STRING,
});

beforeAll(async () => {
  context.disable();
  trace.disable();
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  for (const inst of [core, genai]) {
    inst.setTracerProvider(provider);
    inst.enable();
    await inst.ready;
  }
});

afterAll(async () => {
  genai.disable();
  core.disable();
  await provider.shutdown();
  contextManager.disable();
  context.disable();
  trace.disable();
});

const lookup = tool(
  async ({ q }: { q: string; api_key: string }) => `found ${q.length} chars; password=${DB_PASSWORD}`,
  {
    name: "lookup",
    description: "Looks up.",
    schema: z.object({ q: z.string(), api_key: z.string() }),
  },
);

function hostileState() {
  const data: Record<string, unknown> = {
    big: 2n ** 70n,
    fn: () => "functions are state too",
    huge: TEN_MB,
    unicode: UNICODE,
    api_key: PROVIDER_KEY,
    nested: { password: DB_PASSWORD, list: [1n, Symbol("s"), new Map([["k", 1n]])] },
  };
  data.self = data;
  return data;
}

const State = Annotation.Root({
  data: Annotation<Record<string, unknown>>({ reducer: (_a, b) => b, default: () => ({}) }),
  answer: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
});

function buildGraph() {
  const model = new ScriptedChatModel({
    loop: true,
    script: [
      {
        content: `${UNICODE} ${TEN_MB}`,
        toolCalls: [{ name: "lookup", args: { q: TEN_MB, api_key: PROVIDER_KEY } }],
        usage: { input: 5, output: 5 },
      },
    ],
  });
  return new StateGraph(State)
    .addNode(LONG_NODE, async (state) => {
      const reply = await model.invoke([
        new HumanMessage(`my key is ${PROVIDER_KEY}; ${UNICODE}; ${TEN_MB}`),
      ]);
      const call = reply.tool_calls?.[0];
      const found = await lookup.invoke({
        q: String(call?.args.q),
        api_key: String(call?.args.api_key),
      });
      // Hand the hostile state on untouched (the reducer keeps the same object).
      return { data: state.data, answer: `${String(found).slice(0, 20)}` };
    })
    .addEdge(START, LONG_NODE)
    .addEdge(LONG_NODE, END)
    .compile({ name: `graph ${UNICODE}` });
}

function allStrings(span: ReadableSpan): string[] {
  const out: string[] = [span.name];
  const collect = (value: unknown) => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) for (const item of value) collect(item);
  };
  for (const value of Object.values(span.attributes)) collect(value);
  for (const event of span.events) for (const value of Object.values(event.attributes ?? {})) collect(value);
  return out;
}

describe("hostile input with content capture on", () => {
  it("runs unchanged, keeps every attribute within limits and every secret out", async () => {
    const data = hostileState();
    const result = await buildGraph().invoke({ data });
    expect(result.data).toBe(data);
    expect(result.answer).toBe("found 10485760 chars");

    const spans = exporter.getFinishedSpans();
    const names = spans.map((s) => s.name);
    expect(names.some((n) => n.startsWith(`${SPAN_INVOKE_NODE} `))).toBe(true);
    expect(names.some((n) => n.startsWith(`${SPAN_CHAT} `))).toBe(true);
    expect(names.some((n) => n.startsWith(`${SPAN_EXECUTE_TOOL} `))).toBe(true);

    for (const span of spans) {
      // Span names stay short enough for backends to index.
      expect(span.name.length).toBeLessThan(300);
      for (const text of allStrings(span)) {
        expect(text.length).toBeLessThanOrEqual(ATTRIBUTE_LIMIT);
        expect(text).not.toContain(PROVIDER_KEY);
        expect(text).not.toContain(DB_PASSWORD);
      }
      for (const key of [
        ATTR_GEN_AI_INPUT_MESSAGES,
        ATTR_GEN_AI_OUTPUT_MESSAGES,
        ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
        ATTR_GEN_AI_TOOL_CALL_RESULT,
      ]) {
        const value = span.attributes[key];
        if (value !== undefined) expect(String(value).length).toBeLessThanOrEqual(MAX_CONTENT);
      }
    }

    // Content was captured (the limits above were exercised, not vacuous)...
    const chat = spans.find((s) => s.name.startsWith(`${SPAN_CHAT} `));
    expect(String(chat?.attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain("Grüße 🦜🔗");
    const toolSpan = spans.find((s) => s.name.startsWith(`${SPAN_EXECUTE_TOOL} `));
    expect(String(toolSpan?.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS])).toContain("[REDACTED]");
    // ...and the 10,000-character node name is kept up to the SDK's attribute limit.
    const node = spans.find((s) => s.name.startsWith(`${SPAN_INVOKE_NODE} `));
    expect(String(node?.attributes[ATTR_LANGGRAPH_NODE_NAME])).toBe(LONG_NODE.slice(0, ATTRIBUTE_LIMIT));
  }, 60_000);
});
