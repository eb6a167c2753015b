/**
 * The TelemetryHarness itself: concurrent recordings see only their own runs, a failing
 * assertion prints the run tree, metric deltas refuse to answer when recordings overlap,
 * and stop() leaves the process as it found it (patches undone, globals restored).
 */
import { createRequire } from "node:module";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { StructuredTool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { Channel, Pregel } from "@langchain/langgraph/pregel";
import { context, createContextKey, metrics, type ProxyTracerProvider, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC_LANGGRAPH_NODE_DURATION } from "../../src/semconv.js";
import {
  AgentAssertionError,
  assertNodeRan,
  assertNoErrors,
  ScriptedChatModel,
  TelemetryHarness,
} from "../../src/testing/index.js";

const require = createRequire(import.meta.url);

/** A two-node graph whose model waits `latencyMs`, so concurrent runs overlap. */
function echoGraph(latencyMs: number) {
  const model = new ScriptedChatModel({
    model: "gpt-4o-mini",
    provider: "openai",
    latencyMs,
    script: ({ threadId }) => ({ content: `hello ${threadId}` }),
  });
  const State = Annotation.Root({ question: Annotation<string>, answer: Annotation<string> });
  return new StateGraph(State)
    .addNode("think", async (state, config) => ({ answer: String((await model.invoke(state.question, config)).content) }))
    .addNode("finish", async (state) => ({ answer: `${state.answer}!` }))
    .addEdge(START, "think")
    .addEdge("think", "finish")
    .addEdge("finish", END)
    .compile({ name: "echo" });
}

describe("concurrent recordings", () => {
  let harness: TelemetryHarness;
  const graph = echoGraph(40);
  // Both tests wait here until the other one's run is in flight too.
  let arrived = 0;
  const bothStarted = new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (arrived >= 2) {
        clearInterval(poll);
        resolve();
      }
    }, 1);
  });

  beforeAll(async () => {
    harness = await TelemetryHarness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  for (const thread of ["thread-a", "thread-b"]) {
    it.concurrent(`${thread} sees only its own run`, async () => {
      const recording = await harness.record(async () => {
        arrived++;
        await bothStarted;
        return graph.invoke({ question: "hi" }, { configurable: { thread_id: thread } });
      });
      expect(recording.result?.answer).toBe(`hello ${thread}!`);
      const runs = recording.workflowRuns();
      expect(runs.map((r) => r.threadId)).toEqual([thread]);
      expect(recording.nodeAttempts().map((a) => a.node)).toEqual(["think", "finish"]);
      expect(recording.modelCalls()).toHaveLength(1);
      expect(recording.spans.every((s) => s.span.spanContext().traceId === runs[0]!.span.span.spanContext().traceId)).toBe(true);
      // Metrics are per process, not per recording: a shared delta would be wrong.
      expect(() => recording.metric(METRIC_LANGGRAPH_NODE_DURATION)).toThrow(/at the same time/);
    });
  }
});

describe("one recording at a time", () => {
  let harness: TelemetryHarness;
  beforeAll(async () => {
    harness = await TelemetryHarness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it("gives the metric values the recording added", async () => {
    const graph = echoGraph(0);
    await harness.record(() => graph.invoke({ question: "warm up" }));
    const recording = await harness.record(() => graph.invoke({ question: "hi" }));
    expect(recording.metric(METRIC_LANGGRAPH_NODE_DURATION, { "langgraph.node.name": "think" }).count).toBe(1);
    expect(recording.metric("gen_ai.client.token.usage").value).toBe(recording.tokens().total);
  });

  it("keeps what the recorded function threw, and a failing assertion prints the run tree", async () => {
    const State = Annotation.Root({ n: Annotation<number> });
    const graph = new StateGraph(State)
      .addNode("count", async (state) => ({ n: state.n + 1 }))
      .addNode("explode", async () => {
        throw new RangeError("out of range");
      })
      .addEdge(START, "count")
      .addEdge("count", "explode")
      .addEdge("explode", END)
      .compile({ name: "fragile" });
    const recording = await harness.record(() => graph.invoke({ n: 0 }));
    expect(recording.failed).toBe(true);
    expect((recording.error as Error).message).toBe("out of range");

    let error: unknown;
    try {
      assertNodeRan(recording, "count", 2);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AgentAssertionError);
    expect((error as Error).message).toBe(
      [
        'expected node "count" to run 2 times, it ran 1 time',
        "",
        "run tree:",
        "  invoke_workflow fragile [error] (RangeError)",
        "    invoke_node count [ok]",
        "    invoke_node explode [error] (RangeError)",
      ].join("\n"),
    );
    expect(() => assertNoErrors(recording)).toThrow(
      /found 3:\n {2}- the recorded function threw RangeError: out of range\n {2}- invoke_workflow fragile: RangeError/,
    );
    expect(() => assertNoErrors(recording, { allow: ["RangeError"] })).not.toThrow();
  });

  it("refuses a second harness in the same process", async () => {
    await expect(TelemetryHarness.start()).rejects.toThrow(/already running/);
  });
});

/** Every function the instrumentations patch, in both module copies, by identity. */
function patchTargets(): unknown[] {
  const cjsGraph = require("@langchain/langgraph/pregel") as typeof import("@langchain/langgraph/pregel");
  const cjsManager = require("@langchain/core/callbacks/manager") as typeof import("@langchain/core/callbacks/manager");
  const cjsTools = require("@langchain/core/tools") as typeof import("@langchain/core/tools");
  const targets: unknown[] = [];
  for (const [pregel, channel, manager, tool] of [
    [Pregel, Channel, CallbackManager, StructuredTool],
    [cjsGraph.Pregel, cjsGraph.Channel, cjsManager.CallbackManager, cjsTools.StructuredTool],
  ] as const) {
    const nodeProto = Object.getPrototypeOf(channel.subscribeTo("x")) as { getNode: unknown };
    targets.push(pregel.prototype._streamIterator, nodeProto.getNode, manager.configure, tool.prototype.call);
  }
  // Model classes' methods, which the GenAI instrumentation wraps (provider code under chat).
  for (const proto of [BaseChatModel.prototype, ScriptedChatModel.prototype] as const) {
    targets.push(proto._generate, proto._streamResponseChunks);
  }
  targets.push(BaseChatModel.prototype._generateUncached);
  return targets;
}

function contextPropagates(): boolean {
  const key = createContextKey("probe");
  return context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key) === 1);
}

describe("stop()", () => {
  it("undoes every patch and unregisters what start() registered", async () => {
    const before = patchTargets();
    expect(contextPropagates()).toBe(false);
    const harness = await TelemetryHarness.start();
    expect(patchTargets()).not.toEqual(before);
    expect(contextPropagates()).toBe(true);
    await harness.record(() => echoGraph(0).invoke({ question: "hi" }));
    await harness.stop();

    expect(patchTargets()).toEqual(before);
    expect(contextPropagates()).toBe(false);
    expect(trace.getTracer("probe").startSpan("x").isRecording()).toBe(false);
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
    // A new SDK registered afterwards sees no graph spans: nothing of ours is left running.
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    try {
      await echoGraph(0).invoke({ question: "hi" });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      trace.disable();
      await provider.shutdown();
    }
  });

  it("leaves a tracer provider the application registered in place", async () => {
    const provider = new BasicTracerProvider();
    trace.setGlobalTracerProvider(provider);
    try {
      const harness = await TelemetryHarness.start();
      const recording = await harness.record(() => echoGraph(0).invoke({ question: "hi" }));
      expect(recording.nodeAttempts()).toHaveLength(2);
      await harness.stop();
      expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(provider);
    } finally {
      trace.disable();
      await provider.shutdown();
    }
  });
});
