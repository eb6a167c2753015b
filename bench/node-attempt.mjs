// Where a node attempt's overhead goes, without LangGraph around it: the node wrapper
// alone (no-op tracer, no metrics), then with the OTel SDK's spans (batch processor,
// exporter that drops), then with the duration histogram too. Each variant calls the same
// trivial runnable; rounds interleave the variants, medians are printed.
//
//   node bench/node-attempt.mjs [--rounds 15] [--attempts 20000]
//
// Needs `npm run build` first (imports the node wrapper from ../dist/esm).
import { parseArgs } from "node:util";
import { diag, ProxyTracerProvider } from "@opentelemetry/api";
import { createGraphInstruments } from "../dist/esm/instrumentation/metrics.js";
import { wrapGetNode, wrapTaskInvoke } from "../dist/esm/instrumentation/node-attempt.js";
import { SeriesCache } from "../dist/esm/instrumentation/series.js";
import { setupTelemetry } from "./variants.mjs";

const { values: flags } = parseArgs({
  options: { rounds: { type: "string", default: "15" }, attempts: { type: "string", default: "20000" } },
});
const ROUNDS = Number(flags.rounds);
const ATTEMPTS = Number(flags.attempts);

// The same SDK setup as the graph benchmark: batch processor and periodic reader, both
// with exporters that drop.
const { tracerProvider, meterProvider, shutdown } = await setupTelemetry();

/** A task runnable's class: LangGraph makes one object per task, `invoke` is inherited. */
class TaskRunnable {
  invoke(input) {
    return Promise.resolve(input);
  }
}
const plainInvoke = TaskRunnable.prototype.invoke;

/** The node wrapper as the instrumentation installs it: the class's invoke opens the span. */
function wrapped(tracer, instruments) {
  const host = {
    tracer,
    instruments,
    config: {},
    diag,
    isNodeTraced: () => true,
    noteGraph() {},
    traceTaskRunnable() {},
    series: new SeriesCache(),
  };
  return { getNode: wrapGetNode(host, freshTask), invoke: wrapTaskInvoke(host, plainInvoke) };
}
const noopTracer = new ProxyTracerProvider().getTracer("bench");
const sdkTracer = tracerProvider.getTracer("bench");
const instruments = createGraphInstruments(meterProvider.getMeter("bench"));

// What LangGraph hands a task's runnable: a fresh object per task, and the task config.
const freshTask = () => new TaskRunnable();
const nodeFields = { bound: {}, writers: [] };
const configs = Array.from({ length: 10 }, (_, i) => ({
  metadata: {
    langgraph_node: `n${i}`,
    langgraph_step: i + 1,
    langgraph_triggers: [`branch:to:n${i}`],
    langgraph_checkpoint_ns: `n${i}:00000000-0000-0000-0000-00000000000${i}`,
  },
  executionInfo: { taskId: `task-${i}`, nodeAttempt: 1 },
}));

const VARIANTS = [
  { name: "no wrapper", getNode: freshTask, invoke: plainInvoke },
  { name: "wrapper (no-op tracer, no metrics)", ...wrapped(noopTracer, undefined) },
  { name: "wrapper + SDK spans", ...wrapped(sdkTracer, undefined) },
  { name: "wrapper + SDK spans + metrics", ...wrapped(sdkTracer, instruments) },
];

// A node attempt runs inside its graph run: the run state the wrapper reads from context.
const { withRunState } = await import("../dist/esm/instrumentation/run-context.js");
const { context, trace } = await import("@opentelemetry/api");
const runSpan = sdkTracer.startSpan("invoke_workflow bench");
const runContext = withRunState(trace.setSpan(context.active(), runSpan), {
  workflowName: "bench",
  span: runSpan,
  interrupted: false,
  spanAttributes: {},
});

async function attempts(variant, n) {
  for (let i = 0; i < n; i++) {
    const runnable = variant.getNode.call(nodeFields);
    await variant.invoke.call(runnable, i, configs[i % 10]);
  }
}

const samples = new Map(VARIANTS.map((v) => [v.name, []]));
for (let r = -2; r < ROUNDS; r++) {
  for (let k = 0; k < VARIANTS.length; k++) {
    const variant = VARIANTS[(k + r + 2) % VARIANTS.length];
    const start = process.cpuUsage();
    await context.with(runContext, () => attempts(variant, ATTEMPTS));
    const cpu = process.cpuUsage(start);
    if (r >= 0) samples.get(variant.name).push((cpu.user + cpu.system) / ATTEMPTS);
  }
}
await shutdown();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(samples.get("no wrapper"));
process.stdout.write(
  `\nNode ${process.version}; ${ROUNDS} rounds x ${ATTEMPTS} attempts; CPU µs per node attempt, median of rounds\n\n| variant | µs per attempt | added to a bare attempt |\n|---|---:|---:|\n`,
);
for (const variant of VARIANTS) {
  const us = median(samples.get(variant.name));
  process.stdout.write(`| ${variant.name} | ${us.toFixed(2)} | ${variant.name === "no wrapper" ? "" : `+${(us - base).toFixed(2)}`} |\n`);
}
