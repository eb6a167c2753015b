// The three ways a graph runs in the benchmark, and the OTel SDK they share: a tracer
// provider with a BatchSpanProcessor whose exporter drops spans (after counting them by
// instrumentation scope, to prove each round ran with exactly the instrumentation it
// claims), and a MeterProvider with a periodic reader whose exporter drops too.
import { LangChainInstrumentation } from "@arizeai/openinference-instrumentation-langchain";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode } from "@opentelemetry/core";
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { GenAIInstrumentation, LangGraphInstrumentation } from "../dist/esm/index.js";
import { NAIVE_SCOPE } from "./graphs.mjs";

const MAX_QUEUE_SIZE = 2048;
// langgraph-otel's two scopes: graph/node spans, and model/tool spans (GenAI).
const LGO_SCOPES = ["langgraph-otel", "langgraph-otel/genai"];
const OI_SCOPE = "@arizeai/openinference-instrumentation-langchain";

/** Counts what it is given, per instrumentation scope, and drops it. */
class CountingDropExporter {
  counts = new Map();

  export(spans, done) {
    for (const span of spans) {
      const scope = span.instrumentationScope?.name ?? "unknown";
      this.counts.set(scope, (this.counts.get(scope) ?? 0) + 1);
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown() {
    return Promise.resolve();
  }

  forceFlush() {
    return Promise.resolve();
  }
}

const dropMetrics = {
  export: (_batch, done) => done({ code: ExportResultCode.SUCCESS }),
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export async function setupTelemetry() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new CountingDropExporter();
  const processor = () => new BatchSpanProcessor(exporter, { maxQueueSize: MAX_QUEUE_SIZE });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor()] });
  // The same pipeline with attributes switched off at the SDK (what they cost it to keep
  // and export), and with every span sampled out (what is left is our code and metrics).
  const noAttributesTracerProvider = new BasicTracerProvider({
    spanProcessors: [processor()],
    spanLimits: { attributeCountLimit: 0, eventCountLimit: 0, linkCountLimit: 0 },
  });
  const unsampledTracerProvider = new BasicTracerProvider({
    spanProcessors: [processor()],
    sampler: new AlwaysOffSampler(),
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 5000 }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    tracerProvider,
    noAttributesTracerProvider,
    unsampledTracerProvider,
    meterProvider,
    maxQueueSize: MAX_QUEUE_SIZE,
    /** Flushes the span queue; returns and resets the per-scope span counts. */
    async drainCounts() {
      await tracerProvider.forceFlush();
      await noAttributesTracerProvider.forceFlush();
      await unsampledTracerProvider.forceFlush();
      const counts = new Map(exporter.counts);
      exporter.counts.clear();
      return counts;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await noAttributesTracerProvider.shutdown();
      await unsampledTracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Throws unless the round's spans all came from `scopes` (at least one per run). */
function expectOnly(counts, scopes, runs, variantName) {
  let own = 0;
  for (const [name, n] of counts) {
    if (scopes.includes(name)) own += n;
    else if (n > 0) {
      throw new Error(`${variantName} round produced ${n} spans from ${name}: enable/disable leaked`);
    }
  }
  if (scopes.length > 0 && own < runs) {
    throw new Error(`${variantName} round produced ${own} spans for ${runs} runs`);
  }
}

// The whole SDK as startObservability registers it: graph and node spans plus model and
// tool spans with token usage and cost (content capture off, the default).
const langgraphOtel = [
  new LangGraphInstrumentation({ enabled: false }),
  new GenAIInstrumentation({ enabled: false }),
];
// Graph and node spans alone: what the core patch costs without LangChain callbacks.
const coreOnly = new LangGraphInstrumentation({ enabled: false });
const openInference = new LangChainInstrumentation({ instrumentationConfig: { enabled: false } });

/** Wires instrumentations to the benchmark's providers and enables them, in order. */
export async function enableWith(telemetry, instrumentations, tracerProvider = telemetry.tracerProvider) {
  for (const instrumentation of instrumentations) {
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(telemetry.meterProvider);
    instrumentation.enable();
    await instrumentation.ready;
  }
}

/**
 * A variant with one LangGraphInstrumentation alone: graph and node spans, graph metrics.
 * `provider` picks the tracer provider (attributes off, or every span sampled out).
 */
function graphAndNodeSpans(name, instrumentation, provider = "tracerProvider") {
  return {
    name,
    async enable(telemetry) {
      await enableWith(telemetry, [instrumentation], telemetry[provider]);
    },
    async disable() {
      instrumentation.disable();
    },
    check: (counts, runs) =>
      expectOnly(counts, provider === "unsampledTracerProvider" ? [] : ["langgraph-otel"], runs, name),
  };
}

/** The naive wrapper (bench/graphs.mjs): runs the workload's wrapped copy, if it has one. */
const naiveSpans = {
  name: "naive span wrapper",
  reference: true,
  invoker: (workload) => workload.naiveInvoke,
  async enable() {},
  async disable() {},
  check: (counts, runs) => expectOnly(counts, [NAIVE_SCOPE], runs, "naive span wrapper"),
};

/** The naive wrapper producing the contract's attributes and duration metrics (bench/graphs.mjs). */
const naiveContract = {
  name: "naive wrapper + contract data",
  invoker: (workload) => workload.naiveContractInvoke,
  async enable() {},
  async disable() {},
  check: (counts, runs) => expectOnly(counts, [NAIVE_SCOPE], runs, "naive wrapper + contract data"),
};

export const VARIANTS = [
  {
    name: "uninstrumented",
    async enable() {},
    async disable() {},
    check: (counts, runs) => expectOnly(counts, [], runs, "uninstrumented"),
  },
  {
    name: "langgraph-otel",
    async enable(telemetry) {
      await enableWith(telemetry, langgraphOtel);
    },
    async disable() {
      for (const instrumentation of langgraphOtel) instrumentation.disable();
    },
    check: (counts, runs) => expectOnly(counts, LGO_SCOPES, runs, "langgraph-otel"),
  },
  naiveSpans,
  naiveContract,
  graphAndNodeSpans("langgraph-otel (graph + node spans only)", coreOnly),
  // One part off at a time, so the cost of graph + node spans is attributed.
  graphAndNodeSpans(
    "  without metrics",
    new LangGraphInstrumentation({ enabled: false, enableMetrics: false }),
  ),
  graphAndNodeSpans(
    "  run span only (every node ignored)",
    new LangGraphInstrumentation({ enabled: false, ignoreNodes: () => true }),
  ),
  graphAndNodeSpans(
    "  attributes dropped by the SDK",
    new LangGraphInstrumentation({ enabled: false }),
    "noAttributesTracerProvider",
  ),
  graphAndNodeSpans(
    "  every span sampled out",
    new LangGraphInstrumentation({ enabled: false }),
    "unsampledTracerProvider",
  ),
  {
    name: "openinference",
    async enable(telemetry) {
      openInference.setTracerProvider(telemetry.tracerProvider);
      // Its documented manual path: patch the ESM callback manager LangGraph's ESM copy uses.
      openInference.manuallyInstrument(CallbackManagerModule);
    },
    async disable() {
      openInference.unpatch(CallbackManagerModule);
    },
    check: (counts, runs) => expectOnly(counts, [OI_SCOPE], runs, "openinference"),
  },
];

// BENCH_COMPARE_DIST=<another checkout's dist>: that build's whole SDK and its graph + node
// spans run in the same rounds, so a change to the hot path is measured side by side with
// what it replaces.
const compareDist = process.env.BENCH_COMPARE_DIST;
if (compareDist !== undefined && compareDist !== "") {
  const other = await import(pathToFileURL(join(resolve(compareDist), "esm/index.js")).href);
  const previousWhole = [
    new other.LangGraphInstrumentation({ enabled: false }),
    new other.GenAIInstrumentation({ enabled: false }),
  ];
  VARIANTS.push({
    name: `langgraph-otel (${compareDist})`,
    async enable(telemetry) {
      await enableWith(telemetry, previousWhole);
    },
    async disable() {
      for (const instrumentation of previousWhole) instrumentation.disable();
    },
    check: (counts, runs) => expectOnly(counts, LGO_SCOPES, runs, `langgraph-otel (${compareDist})`),
  });
  const previous = new other.LangGraphInstrumentation({ enabled: false });
  VARIANTS.push(graphAndNodeSpans(`langgraph-otel (graph + node spans only; ${compareDist})`, previous));
}
