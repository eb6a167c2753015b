// One step of bench/export-throughput.mjs, in its own process: starts langgraph-otel from
// the OTEL_* environment the parent sets (OTLP protocol and endpoint, OTEL_BSP_*), creates
// node-like spans at --rate spans/s for --seconds, flushes, and prints one JSON line: spans
// created, CPU time of this process, and what the batch span processor reported through
// its own metric (otel.sdk.processor.span.processed, by error.type: queue_full = dropped).
//
//   node bench/export-sender.mjs --rate 50000 --seconds 3
import { mainThreadCpuMs } from "./proc-cpu.mjs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { trace } from "@opentelemetry/api";
import { MetricReader } from "@opentelemetry/sdk-metrics";
import { startObservability } from "../dist/esm/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_NODE_TRIGGERS,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_STEP,
  ATTR_LANGGRAPH_TASK_ID,
  ERROR_TYPE_QUEUE_FULL,
  METRIC_OTEL_SDK_SPAN_PROCESSED,
  SPAN_INVOKE_NODE,
} from "../dist/esm/semconv.js";

const { values: flags } = parseArgs({
  options: { rate: { type: "string" }, seconds: { type: "string", default: "3" } },
});
const rate = Number(flags.rate);
const seconds = Number(flags.seconds);
if (!(rate > 0 && seconds > 0)) throw new Error("--rate and --seconds must be positive numbers");

/** Collects on demand: the span processor's own counters, read once at the end. */
class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const reader = new PullReader();
const otel = startObservability({ genai: false, metricReaders: [reader] });
await otel.ready;
const tracer = trace.getTracer("export-throughput");

// The attributes a node attempt span carries (the SDK copies them into each span).
const attributes = {
  [ATTR_GEN_AI_WORKFLOW_NAME]: "bench_workflow",
  [ATTR_LANGGRAPH_NODE_NAME]: "worker",
  [ATTR_LANGGRAPH_STEP]: 3,
  [ATTR_LANGGRAPH_NODE_ATTEMPT]: 1,
  [ATTR_LANGGRAPH_TASK_ID]: "5f1c2a9e-8d3b-4c7a-9e21-0b6d4f3a8c17",
  [ATTR_LANGGRAPH_CHECKPOINT_NS]: "worker:5f1c2a9e-8d3b-4c7a-9e21-0b6d4f3a8c17",
  [ATTR_LANGGRAPH_NODE_TRIGGERS]: ["branch:to:worker"],
  [ATTR_LANGGRAPH_OUTCOME]: "ok",
};
const name = `${SPAN_INVOKE_NODE} worker`;
const makeSpans = (n) => {
  for (let i = 0; i < n; i++) tracer.startSpan(name, { attributes }).end();
};

// Warm-up (JIT, sockets): exported, then left out of every count below (the parent
// subtracts `warmup` from the Collector's count).
const WARMUP = 2_000;
makeSpans(WARMUP);
await otel.forceFlush();
const before = await processed();

// Paced: each turn creates the spans due by now (at most 1,000, then yields so that the
// exporter, on this same thread, gets its turn); ahead of schedule, it sleeps 1 ms.
// A process that cannot keep up offers fewer spans than asked: `created` says so.
// The main thread's own CPU (the rest of the process: a worker, GC and libuv threads).
const mainThreadMs = mainThreadCpuMs;
const mainStart = mainThreadMs();
const cpuStart = process.cpuUsage();
const start = performance.now();
const end = start + seconds * 1000;
let created = 0;
for (let now = start; now < end; now = performance.now()) {
  const due = Math.min(1_000, Math.floor(((now - start) * rate) / 1000) - created);
  if (due > 0) {
    makeSpans(due);
    created += due;
    await new Promise((resolve) => setImmediate(resolve));
  } else {
    await sleep(1);
  }
}
const generatedMs = performance.now() - start;
const cpuGenerate = process.cpuUsage(cpuStart);
const flushStart = performance.now();
await otel.forceFlush();
const flushMs = performance.now() - flushStart;
const cpuTotal = process.cpuUsage(cpuStart);
const cpuMainMs = mainThreadMs() - mainStart;
const after = await processed();
await otel.shutdown();

const delta = {};
for (const [type, count] of Object.entries(after)) delta[type] = count - (before[type] ?? 0);
const cpuMs = (usage) => (usage.user + usage.system) / 1000;
console.log(
  JSON.stringify({
    rate,
    seconds,
    warmup: WARMUP,
    created,
    generatedMs,
    flushMs,
    cpuMsGenerate: cpuMs(cpuGenerate),
    cpuMsTotal: cpuMs(cpuTotal),
    cpuMsMain: cpuMainMs,
    exportedOk: delta.ok ?? 0,
    dropped: delta[ERROR_TYPE_QUEUE_FULL] ?? 0,
    failed: Object.fromEntries(Object.entries(delta).filter(([t, n]) => t !== "ok" && t !== ERROR_TYPE_QUEUE_FULL && n > 0)),
  }),
);

/** otel.sdk.processor.span.processed by error.type ("ok" where there is none). */
async function processed() {
  const { resourceMetrics } = await reader.collect();
  const counts = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== METRIC_OTEL_SDK_SPAN_PROCESSED) continue;
      for (const point of metric.dataPoints) {
        const type = String(point.attributes[ATTR_ERROR_TYPE] ?? "ok");
        counts[type] = (counts[type] ?? 0) + point.value;
      }
    }
  }
  return counts;
}
