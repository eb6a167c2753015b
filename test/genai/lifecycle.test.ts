import { createRequire } from "node:module";
import { join } from "node:path";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { HumanMessage } from "@langchain/core/messages";
import { StructuredTool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { context, ROOT_CONTEXT, SpanStatusCode, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import { isWrapped } from "@opentelemetry/instrumentation";
import { describe, expect, it } from "vitest";
import { GENAI_HANDLER_NAME, GenAIInstrumentation } from "../../src/genai/index.js";
import { withHandler } from "../../src/genai/inject.js";
import { MAX_OPEN_CALLS } from "../../src/genai/open-calls.js";
import { registerNodeAttempt, unregisterNodeAttempt } from "../../src/instrumentation/node-registry.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  OUTCOME_CANCELLED,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { signal } from "../helpers/waiting.js";
import { StreamingScriptedModel } from "./_model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const cjsManager = createRequire(join(process.cwd(), "x.js"))("@langchain/core/callbacks/manager") as {
  CallbackManager: { configure: unknown };
};

function oneCallGraph(model: ScriptedChatModel) {
  const State = Annotation.Root({ n: Annotation<number> });
  return new StateGraph(State)
    .addNode("ask", async (_state, config) => {
      await model.invoke([new HumanMessage("hi")], config);
      return { n: 1 };
    })
    .addEdge(START, "ask")
    .addEdge("ask", END)
    .compile({ name: "one-call" });
}

function model(script: ConstructorParameters<typeof ScriptedChatModel>[0]["script"]) {
  return new ScriptedChatModel({ provider: "openai", model: "gpt-4o-mini", loop: true, script });
}

describe("GenAIInstrumentation lifecycle", () => {
  it("patches both the ESM and the CJS copy of @langchain/core, and disable undoes it", async () => {
    const esm = CallbackManager as unknown as { configure: unknown };
    expect(esm).not.toBe(cjsManager.CallbackManager);
    expect(isWrapped(esm.configure)).toBe(true);
    expect(isWrapped(cjsManager.CallbackManager.configure)).toBe(true);
    expect(isWrapped(StructuredTool.prototype.call)).toBe(true);

    genai.disable();
    genai.disable(); // idempotent
    try {
      expect(isWrapped(esm.configure)).toBe(false);
      expect(isWrapped(cjsManager.CallbackManager.configure)).toBe(false);
      expect(isWrapped(StructuredTool.prototype.call)).toBe(false);
      await oneCallGraph(model([{ content: "x", usage: { input: 1, output: 1 } }])).invoke({ n: 0 });
      expect(otel.spansNamed(/^chat/)).toEqual([]);
      expect(otel.nodeSpans("ask")).toHaveLength(1);
    } finally {
      genai.enable();
      genai.enable();
      await genai.ready;
    }
    expect(isWrapped(esm.configure)).toBe(true);
    expect(isWrapped(StructuredTool.prototype.call)).toBe(true);
    await oneCallGraph(model([{ content: "x", usage: { input: 1, output: 1 } }])).invoke({ n: 0 });
    expect(otel.spansNamed(/^chat/)).toHaveLength(1);
  });

  it("adds its handler without mutating the caller's callbacks, and keeps the caller's handlers", async () => {
    const seen: string[] = [];
    const userCallbacks = [{ handleLLMStart: () => void seen.push("user") }];
    const m = model([{ content: "x", usage: { input: 1, output: 1 } }]);
    await m.invoke([new HumanMessage("hi")], { callbacks: userCallbacks });
    expect(userCallbacks).toHaveLength(1);
    expect(seen).toEqual(["user"]);
    expect(otel.spansNamed("chat gpt-4o-mini")).toHaveLength(1);

    const list = [{ name: "other" }];
    const handler = { name: GENAI_HANDLER_NAME };
    expect(withHandler(list, handler)).toEqual([...list, handler]);
    expect(list).toHaveLength(1);
    expect(withHandler([handler], handler)).toEqual([handler]);
    expect(withHandler(undefined, handler)).toEqual([handler]);
  });

  it("parents by checkpoint namespace when callbacks run outside the node's context", () => {
    const tracer = trace.getTracer("test");
    const nodeSpan = tracer.startSpan(nodeSpanName("manual"));
    const entry = {
      span: nodeSpan,
      context: trace.setSpan(ROOT_CONTEXT, nodeSpan),
      workflowName: "wf",
      nodeName: "manual",
    };
    const registration = registerNodeAttempt("manual:task-1", entry);
    try {
      // The ambient context is empty, as in LangChain's background callback queue.
      context.with(ROOT_CONTEXT, () => {
        const h = genai.handler;
        h.handleChatModelStart({}, [[]], "run-1", undefined, {}, [], {
          langgraph_checkpoint_ns: "manual:task-1",
          ls_model_name: "gpt-4o",
          ls_provider: "openai",
        });
        h.handleLLMEnd({ generations: [] }, "run-1");
      });
    } finally {
      unregisterNodeAttempt(registration);
      nodeSpan.end();
    }
    const chat = otel.span("chat gpt-4o");
    expect(chat.parentSpanContext?.spanId).toBe(nodeSpan.spanContext().spanId);
    expect(chat.attributes[ATTR_LANGGRAPH_NODE_NAME]).toBe("manual");
  });

  it("marks a failing model call as an error and hands the caller the very same error", async () => {
    const boom = new RangeError("rate limited");
    const failing = model([{ error: boom }]);
    await expect(oneCallGraph(failing).invoke({ n: 0 })).rejects.toBe(boom);
    const chat = otel.span("chat gpt-4o-mini");
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes[ATTR_ERROR_TYPE]).toBe("RangeError");
    expect(otel.parentOf(chat)?.name).toBe(nodeSpanName("ask"));
    expect(
      await otel.histogramCount(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, { [ATTR_ERROR_TYPE]: "RangeError" }),
    ).toBe(1);
  });

  it("never breaks the application when telemetry itself fails", async () => {
    const broken: Tracer = {
      startSpan: () => {
        throw new Error("tracer down");
      },
      startActiveSpan: () => {
        throw new Error("tracer down");
      },
    } as unknown as Tracer;
    const provider: TracerProvider = { getTracer: () => broken };
    genai.setTracerProvider(provider);
    try {
      const result = await oneCallGraph(model([{ content: "fine", usage: { input: 1, output: 1 } }])).invoke({ n: 0 });
      expect(result.n).toBe(1);
    } finally {
      genai.setTracerProvider(otel.tracerProvider);
    }
    expect(otel.spansNamed(/^chat/)).toEqual([]);
  });
});

describe("a run under way when graph tracing starts", () => {
  it("gets no model span either: the run stays untraced as a whole", async () => {
    const graphTracing = otel.instrumentation;
    graphTracing.disable();
    const inAsk = signal();
    const gate = signal();
    const chat = model([{ content: "x", usage: { input: 1, output: 1 } }]);
    const State = Annotation.Root({ n: Annotation<number> });
    const graph = new StateGraph(State)
      .addNode("ask", async (_state, config) => {
        inAsk.open();
        await gate.opened;
        await chat.invoke([new HumanMessage("hi")], config);
        return { n: 1 };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "mid-run" });
    try {
      const running = graph.invoke({ n: 0 });
      await inAsk.opened;
      graphTracing.enable();
      gate.open();
      await running;
      expect(otel.spans()).toEqual([]);

      await graph.invoke({ n: 0 });
      const node = otel.span(nodeSpanName("ask"));
      expect(otel.spansNamed(/^chat/).map((s) => s.parentSpanContext?.spanId)).toEqual([node.spanContext().spanId]);
    } finally {
      graphTracing.enable();
    }
  });
});

describe("a model stream the node abandons", () => {
  it("ends its span, cancelled, when the node attempt ends, and forgets the call", async () => {
    const streaming = new StreamingScriptedModel({
      provider: "openai",
      model: "gpt-4o-mini",
      answers: ["one two three four"],
      usage: { input: 3, output: 4 },
    });
    const State = Annotation.Root({ first: Annotation<string> });
    const graph = new StateGraph(State)
      .addNode("peek", async (_state, config) => {
        for await (const chunk of await streaming.stream([new HumanMessage("hi")], config)) {
          return { first: String(chunk.content) };
        }
        return { first: "" };
      })
      .addEdge(START, "peek")
      .addEdge("peek", END)
      .compile({ name: "abandoning" });

    for (let run = 0; run < 20; run++) expect((await graph.invoke({ first: "" })).first).toBe("one ");

    const chats = otel.spansNamed(/^chat/);
    expect(chats).toHaveLength(20);
    const nodes = otel.nodeSpans("peek");
    for (const chat of chats) {
      expect(chat.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_CANCELLED);
      expect(chat.status.code).not.toBe(SpanStatusCode.ERROR);
      const node = nodes.find((n) => n.spanContext().spanId === chat.parentSpanContext?.spanId);
      expect(node, "chat span under its node").toBeDefined();
    }
    expect(genai.handler.models.inFlight()).toBe(0);
  });

  it("calls LangChain never ends: at most MAX_OPEN_CALLS stay open, the oldest end cancelled", () => {
    const tracer = trace.getTracer("test");
    const nodeSpan = tracer.startSpan(nodeSpanName("manual"));
    const entry = { span: nodeSpan, context: trace.setSpan(ROOT_CONTEXT, nodeSpan), workflowName: "wf", nodeName: "manual" };
    const metadata = { langgraph_checkpoint_ns: "manual:bound", ls_model_name: "gpt-4o", ls_provider: "openai" };
    const registration = registerNodeAttempt("manual:bound", entry);
    const extra = 5;
    try {
      context.with(ROOT_CONTEXT, () => {
        const h = genai.handler;
        for (let i = 0; i < MAX_OPEN_CALLS + extra; i++) {
          h.handleChatModelStart({}, [[]], `never-ended-model-${i}`, undefined, {}, [], metadata);
          h.handleToolStart?.({ lc: 1, type: "not_implemented", id: ["lookup"] }, "{}", `never-ended-tool-${i}`, undefined, [], metadata, "lookup");
        }
        expect(h.models.inFlight()).toBe(MAX_OPEN_CALLS);
        expect(h.tools.inFlight()).toBe(MAX_OPEN_CALLS);
      });
      const evicted = otel.spansNamed(/^chat gpt-4o/);
      expect(evicted).toHaveLength(extra);
      for (const span of evicted) expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_CANCELLED);
      expect(otel.spansNamed(/^execute_tool lookup/)).toHaveLength(extra);
    } finally {
      unregisterNodeAttempt(registration);
      nodeSpan.end();
    }
    // The node attempt's end takes the model calls placed under it; disable() takes the rest.
    genai.disable();
    try {
      expect(genai.handler.models.inFlight()).toBe(0);
      expect(genai.handler.tools.inFlight()).toBe(0);
    } finally {
      genai.enable();
    }
  });

  it("outside any node stays open until the instrumentation is disabled, which ends it", async () => {
    const streaming = new StreamingScriptedModel({ model: "gpt-4o-mini", answers: ["a b c"], usage: { input: 1, output: 3 } });
    for await (const _chunk of await streaming.stream([new HumanMessage("hi")])) break;
    expect(genai.handler.models.inFlight()).toBe(1);
    expect(otel.spansNamed(/^chat/)).toHaveLength(0);
    genai.disable();
    try {
      expect(genai.handler.models.inFlight()).toBe(0);
      expect(otel.spansNamed(/^chat/)).toHaveLength(1);
    } finally {
      genai.enable();
    }
  });
});
