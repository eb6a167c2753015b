import { createRequire } from "node:module";
import * as esmRunnables from "@langchain/core/runnables";
import * as esmLangGraph from "@langchain/langgraph";
import { END, START, StateGraph } from "@langchain/langgraph";
import * as esmPregel from "@langchain/langgraph/pregel";
import { trace } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import * as root from "../../src/index.js";
import { LangGraphInstrumentation } from "../../src/index.js";
import { nodeAttemptsInFlight } from "../../src/instrumentation/node-registry.js";
import { METRIC_GEN_AI_WORKFLOW_DURATION } from "../../src/semconv.js";
import {
  CollectingMetricReader,
  nodeSpanName,
  OtelHarness,
  workflowSpanName,
} from "../helpers/otel.js";
import { signal } from "../helpers/waiting.js";
import { LogState, logNode } from "./graph-fixtures.js";

const require = createRequire(import.meta.url);

interface PregelModule {
  Pregel: { prototype: object };
  Channel: { subscribeTo(channel: string): object };
}
type LangGraphModule = typeof esmLangGraph;

const cjsPregel = require("@langchain/langgraph/pregel") as PregelModule;
const cjsLangGraph = require("@langchain/langgraph") as LangGraphModule;
const cjsRunnables = require("@langchain/core/runnables") as typeof esmRunnables;

/** PregelNode.prototype of a copy: the prototype in a node's chain that owns getNode. */
function nodePrototypeOf(pregel: PregelModule): Record<string, unknown> {
  let proto: object | null = Object.getPrototypeOf(pregel.Channel.subscribeTo("probe"));
  while (proto !== null && !Object.hasOwn(proto, "getNode")) proto = Object.getPrototypeOf(proto);
  if (proto === null) throw new Error("no getNode in the PregelNode chain");
  return proto as Record<string, unknown>;
}

/**
 * The functions the instrumentation patches in one copy: two of LangGraph's, and the
 * `invoke` of the class getNode() returns for a StateGraph node (once a task ran).
 */
function patchedFunctions(pregel: PregelModule, runnables: typeof esmRunnables) {
  return {
    streamIterator: (pregel.Pregel.prototype as Record<string, unknown>)._streamIterator,
    getNode: nodePrototypeOf(pregel).getNode,
    sequenceInvoke: runnables.RunnableSequence.prototype.invoke,
  };
}
const esmFunctions = () => patchedFunctions(esmPregel as unknown as PregelModule, esmRunnables);
const cjsFunctions = () => patchedFunctions(cjsPregel, cjsRunnables);

// Captured before anything is enabled in this process.
const ORIGINAL = { esm: esmFunctions(), cjs: cjsFunctions() };

function chain(lg: LangGraphModule, name: string) {
  return new lg.StateGraph(LogState)
    .addNode("a", logNode("a"))
    .addNode("b", logNode("b"))
    .addEdge(lg.START, "a")
    .addEdge("a", "b")
    .addEdge("b", lg.END)
    .compile({ name });
}

// Compiled before any instrumentation exists.
const compiledEarly = chain(esmLangGraph, "early");

describe("enable / disable", () => {
  let harness: OtelHarness | undefined;
  afterAll(async () => {
    await harness?.stop();
  });

  it("exports the instrumentation from the package root", () => {
    expect(root.LangGraphInstrumentation).toBe(LangGraphInstrumentation);
    expect(typeof root.findNodeAttempt).toBe("function");
  });

  it("covers graphs compiled before enable(), in the ESM and the CJS copy", async () => {
    harness = await OtelHarness.start({ manualEnable: true });
    await compiledEarly.invoke({});
    expect(harness.spans()).toHaveLength(0);

    await harness.enable();
    expect(esmFunctions()).not.toEqual(ORIGINAL.esm);
    expect(cjsFunctions()).not.toEqual(ORIGINAL.cjs);
    expect(cjsFunctions().streamIterator).not.toBe(ORIGINAL.cjs.streamIterator);
    expect(cjsFunctions().getNode).not.toBe(ORIGINAL.cjs.getNode);

    const result = await compiledEarly.invoke({});
    expect(result.log).toEqual(["a", "b"]);
    expect(harness.workflowSpans("early")).toHaveLength(1);
    expect(harness.childrenOf(harness.span(workflowSpanName("early"))).map((s) => s.name)).toEqual(
      ["a", "b"].map(nodeSpanName),
    );

    expect(esmFunctions().sequenceInvoke).not.toBe(ORIGINAL.esm.sequenceInvoke);

    harness.exporter.reset();
    await chain(cjsLangGraph, "cjs-copy").invoke({});
    expect(cjsFunctions().sequenceInvoke).not.toBe(ORIGINAL.cjs.sequenceInvoke);
    expect(harness.workflowSpans("cjs-copy")).toHaveLength(1);
    expect(harness.nodeSpans()).toHaveLength(2);
    expect(nodeAttemptsInFlight()).toBe(0);
  });

  it("does not double-wrap when enabled twice", async () => {
    const h = harness!;
    h.exporter.reset();
    const before = {
      esm: esmFunctions(),
      cjs: cjsFunctions(),
    };
    await h.enable();
    await h.enable();
    expect(esmFunctions()).toEqual(before.esm);
    expect(cjsFunctions()).toEqual(before.cjs);
    await compiledEarly.invoke({});
    expect(h.workflowSpans()).toHaveLength(1);
    expect(h.nodeSpans()).toHaveLength(2);
  });

  it("restores the exact original functions on disable(), and enable() works again", async () => {
    const h = harness!;
    h.instrumentation.disable();
    expect(esmFunctions()).toEqual(ORIGINAL.esm);
    expect(cjsFunctions()).toEqual(ORIGINAL.cjs);
    // Disabling twice is harmless.
    h.instrumentation.disable();
    expect(cjsFunctions()).toEqual(ORIGINAL.cjs);

    h.exporter.reset();
    const result = await compiledEarly.invoke({});
    expect(result.log).toEqual(["a", "b"]);
    await chain(cjsLangGraph, "cjs-after-disable").invoke({});
    expect(h.spans()).toHaveLength(0);

    await h.enable();
    await compiledEarly.invoke({});
    expect(h.workflowSpans("early")).toHaveLength(1);
    expect(h.nodeSpans()).toHaveLength(2);
  });

  it("does not double-wrap when the constructor already enabled an instance", async () => {
    const h = harness!;
    h.instrumentation.disable();
    h.exporter.reset();
    // enabled by default: the constructor enables, then the application enables again.
    const inst = new LangGraphInstrumentation();
    inst.setTracerProvider(h.tracerProvider);
    inst.enable();
    await inst.ready;
    await compiledEarly.invoke({});
    expect(h.workflowSpans()).toHaveLength(1);
    expect(h.nodeSpans()).toHaveLength(2);
    inst.disable();
    expect(esmFunctions()).toEqual(ORIGINAL.esm);
    expect(cjsFunctions()).toEqual(ORIGINAL.cjs);
  });
});

/**
 * A third copy of @langchain/langgraph that module resolution does not hand out (what a
 * bundle or a nested install looks like): loaded with the require cache emptied, then the
 * cache is put back so `require` keeps returning the ordinary copy.
 */
function loadHiddenCopy(): { langgraph: LangGraphModule; pregel: PregelModule } {
  const isLangGraphFile = (key: string) => key.includes(`${"/@langchain/langgraph/"}`);
  const saved = new Map<string, NodeJS.Module | undefined>();
  for (const key of Object.keys(require.cache)) {
    if (isLangGraphFile(key)) {
      saved.set(key, require.cache[key]);
      delete require.cache[key];
    }
  }
  try {
    const langgraph = require("@langchain/langgraph") as LangGraphModule;
    const pregel = require("@langchain/langgraph/pregel") as PregelModule;
    return { langgraph, pregel };
  } finally {
    for (const key of Object.keys(require.cache)) if (isLangGraphFile(key)) delete require.cache[key];
    for (const [key, module] of saved) if (module !== undefined) require.cache[key] = module;
  }
}

describe("a run under way when patching starts", () => {
  it("stays untraced as a whole: no node span without its run span", async () => {
    const harness = await OtelHarness.start({ manualEnable: true });
    try {
      const gate = signal();
      const inA = signal();
      const graph = new StateGraph(LogState)
        .addNode("a", async () => {
          inA.open();
          await gate.opened;
          return { log: ["a"] };
        })
        .addNode("b", logNode("b"))
        .addEdge(START, "a")
        .addEdge("a", "b")
        .addEdge("b", END)
        .compile({ name: "half" });
      const running = graph.invoke({});
      await inA.opened;
      await harness.enable(); // node b's task is made after this, by a patched getNode
      gate.open();
      expect((await running).log).toEqual(["a", "b"]);
      expect(harness.spans()).toHaveLength(0);

      await graph.invoke({});
      expect(harness.workflowSpans("half")).toHaveLength(1);
      expect(harness.nodeSpans()).toHaveLength(2);
    } finally {
      await harness.stop();
    }
  });
});

describe("lazy patching", () => {
  it("patches a CommonJS copy the app requires after enable(), through the require hook", async () => {
    const harness = await OtelHarness.start();
    try {
      const late = loadHiddenCopy();
      expect(late.pregel.Pregel).not.toBe(cjsPregel.Pregel);
      await chain(late.langgraph, "required-late").invoke({});
      expect(harness.workflowSpans("required-late")).toHaveLength(1);
      expect(harness.nodeSpans()).toHaveLength(2);
    } finally {
      await harness.stop();
    }
  });
});

describe("manuallyInstrument", () => {
  let harness: OtelHarness | undefined;
  afterAll(async () => {
    await harness?.stop();
  });

  it("patches a copy that module resolution cannot reach, and disable() restores it", async () => {
    // Loaded while nothing is enabled, then dropped from the require cache: neither the
    // cache nor the require hook will ever show this copy to the instrumentation.
    const hidden = loadHiddenCopy();
    harness = await OtelHarness.start();
    expect(hidden.pregel.Pregel).not.toBe(cjsPregel.Pregel);
    expect(require("@langchain/langgraph/pregel")).toBe(cjsPregel);
    const hiddenOriginal = patchedFunctions(hidden.pregel, cjsRunnables);

    await chain(hidden.langgraph, "hidden").invoke({});
    expect(harness.spans()).toHaveLength(0);

    harness.instrumentation.manuallyInstrument(hidden.langgraph);
    const result = await chain(hidden.langgraph, "hidden").invoke({});
    expect(result.log).toEqual(["a", "b"]);
    expect(harness.workflowSpans("hidden")).toHaveLength(1);
    expect(harness.childrenOf(harness.span(workflowSpanName("hidden"))).map((s) => s.name)).toEqual(
      ["a", "b"].map(nodeSpanName),
    );

    // Manual targets survive a disable/enable cycle and are restored exactly on disable.
    harness.instrumentation.disable();
    expect(patchedFunctions(hidden.pregel, cjsRunnables)).toEqual(hiddenOriginal);
    harness.exporter.reset();
    await harness.enable();
    await chain(hidden.langgraph, "hidden").invoke({});
    expect(harness.workflowSpans("hidden")).toHaveLength(1);
    expect(harness.nodeSpans()).toHaveLength(2);
    harness.instrumentation.disable();
    expect(patchedFunctions(hidden.pregel, cjsRunnables)).toEqual(hiddenOriginal);
  });

  it("accepts the Pregel class of a copy", async () => {
    const h = harness!;
    const hidden = loadHiddenCopy();
    await h.enable();
    h.exporter.reset();
    h.instrumentation.manuallyInstrument(hidden.pregel.Pregel);
    await chain(hidden.langgraph, "by-class").invoke({});
    expect(h.workflowSpans("by-class")).toHaveLength(1);
    // The node prototype was found through the graph's nodes.
    expect(h.nodeSpans()).toHaveLength(2);
  });

  it("rejects something that is not LangGraph", () => {
    expect(() => harness!.instrumentation.manuallyInstrument({ not: "langgraph" })).toThrow(TypeError);
  });
});

describe("NodeSDK", () => {
  it("works as one of NodeSDK's instrumentations", async () => {
    const exporter = new InMemorySpanExporter();
    const instrumentation = new LangGraphInstrumentation();
    const reader = new CollectingMetricReader();
    const sdk = new NodeSDK({
      // Resource detection would hold exports until its async attributes settle.
      autoDetectResources: false,
      // No OTLP log exporter from the environment defaults (its shutdown waits on a network).
      logRecordProcessors: [],
      metricReaders: [reader],
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      instrumentations: [instrumentation],
    });
    sdk.start();
    try {
      await instrumentation.ready;
      const graph = new StateGraph(LogState)
        .addNode("a", async () => {
          trace.getTracer("user").startSpan("inside").end();
          return { log: ["a"] };
        })
        .addEdge(START, "a")
        .addEdge("a", END)
        .compile({ name: "with-sdk" });
      await graph.invoke({});
      const names = exporter.getFinishedSpans().map((s) => s.name);
      expect(names).toEqual(["inside", nodeSpanName("a"), workflowSpanName("with-sdk")]);
      // NodeSDK hands its MeterProvider over with setMeterProvider after construction.
      const { resourceMetrics } = await reader.collect();
      const recorded = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const workflow = recorded.find((m) => m.descriptor.name === METRIC_GEN_AI_WORKFLOW_DURATION);
      expect(workflow?.dataPoints).toHaveLength(1);
    } finally {
      await sdk.shutdown();
      instrumentation.disable();
    }
    expect(cjsFunctions()).toEqual(ORIGINAL.cjs);
  });
});
