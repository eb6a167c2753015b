// One benchmark mode in a process of its own (child of bench/isolated.mjs and
// bench/profile.mjs): a variant, once enabled, stays on for the process's life, so no
// variant runs on call sites another variant's patches have already seen.
//
//   node --expose-gc bench/one-mode.mjs --variant langgraph-otel --workload chain --runs 1500 [--profile | --serve | --async-resources]
//
// Prints one JSON line: CPU and wall µs per run, spans per run and, with --profile, self
// time per run by code owner and by function (V8's sampling profiler, 200 µs interval).
// --async-resources counts the async resources (promises, mostly) a run creates, by type:
// a count that does not drift with the machine, and on Node 20 each promise runs
// AsyncLocalStorage's hook, so it prices there what CPU time on a noisy host cannot.
// --allocations: bytes allocated per run (garbage included), by code owner and function,
// from V8's sampling heap profiler: what the garbage collector will have to clear.
import { Session } from "node:inspector/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { WORKLOADS } from "./graphs.mjs";
import { setupTelemetry, VARIANTS } from "./variants.mjs";

const { values: flags } = parseArgs({
  options: {
    variant: { type: "string" },
    workload: { type: "string", default: "chain" },
    runs: { type: "string", default: "1500" },
    warmup: { type: "string", default: "300" },
    profile: { type: "boolean", default: false },
    serve: { type: "boolean", default: false },
    "async-resources": { type: "boolean", default: false },
    allocations: { type: "boolean", default: false },
  },
});
const variant = VARIANTS.find((v) => v.name.trim() === flags.variant?.trim());
if (variant === undefined) {
  throw new Error(`no variant "${flags.variant}"; have: ${VARIANTS.map((v) => v.name.trim()).join(", ")}`);
}
const RUNS = Number(flags.runs);
const workload = WORKLOADS[flags.workload].build();
// A variant with its own invoker (the naive wrapper) has none for some workloads.
const invoke = variant.invoker === undefined ? (input) => workload.graph.invoke(input) : variant.invoker(workload);
if (invoke === undefined) {
  process.stdout.write(`${JSON.stringify({ unsupported: true })}\n`);
  process.exit(0);
}
const telemetry = await setupTelemetry();
await variant.enable(telemetry);
for (let i = 0; i < Number(flags.warmup); i++) await invoke(workload.input());
await telemetry.drainCounts();
globalThis.gc?.();

// --serve: measured in turns the parent (bench/isolated.mjs --turns) hands out on stdin, one
// line "<runs>" each, answered with a line of CPU µs; "end" finishes as below.
if (flags.serve) {
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  let served = 0;
  for await (const line of lines) {
    if (line === "end") break;
    const n = Number(line);
    const turnStart = process.cpuUsage();
    for (let i = 0; i < n; i++) await invoke(workload.input());
    const used = process.cpuUsage(turnStart);
    served += n;
    process.stdout.write(`${used.user + used.system}\n`);
  }
  lines.close();
  const counts = await telemetry.drainCounts();
  variant.check(counts, served);
  await telemetry.shutdown();
  const spans = [...counts.values()].reduce((a, b) => a + b, 0);
  // stdin keeps the process alive; exit once the last line is out (pipes write async).
  const last = `${JSON.stringify({ spansPerRun: spans / served, nodesPerRun: workload.nodesPerRun })}\n`;
  process.stdout.write(last, () => process.exit(0));
  await new Promise(() => {});
}

if (flags["async-resources"]) {
  const { createHook } = await import("node:async_hooks");
  const byType = {};
  const hook = createHook({
    init(_id, type) {
      byType[type] = (byType[type] ?? 0) + 1;
    },
  });
  hook.enable();
  for (let i = 0; i < RUNS; i++) await invoke(workload.input());
  hook.disable();
  const counts = await telemetry.drainCounts();
  variant.check(counts, RUNS);
  await telemetry.shutdown();
  const perRun = Object.fromEntries(Object.entries(byType).map(([type, n]) => [type, n / RUNS]));
  process.stdout.write(`${JSON.stringify({ variant: variant.name.trim(), asyncResourcesPerRun: perRun })}\n`);
  process.exit(0);
}

if (flags.allocations) {
  const heap = new Session();
  heap.connect();
  await heap.post("HeapProfiler.enable");
  await heap.post("HeapProfiler.startSampling", {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < RUNS; i++) await invoke(workload.input());
  const { profile } = await heap.post("HeapProfiler.stopSampling");
  const counts = await telemetry.drainCounts();
  variant.check(counts, RUNS);
  await telemetry.shutdown();
  const owners = {};
  const functions = {};
  const visit = (node) => {
    const bytes = node.selfSize / RUNS;
    if (bytes > 0) {
      const frame = node.callFrame;
      const owner = ownerOf(frame);
      owners[owner] = (owners[owner] ?? 0) + bytes;
      const file = frame.url.split("/").slice(-2).join("/");
      const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1} [${owner}]`;
      functions[key] = (functions[key] ?? 0) + bytes;
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  const bytesPerRun = Object.values(owners).reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({ variant: variant.name.trim(), bytesPerRun, owners, functions })}\n`);
  process.exit(0);
}

let session;
if (flags.profile) {
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
for (let i = 0; i < RUNS; i++) await invoke(workload.input());
const counts = await telemetry.drainCounts();
const wall = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
const result = {
  variant: variant.name.trim(),
  cpuUs: (cpu.user + cpu.system) / RUNS,
  wallUs: (wall * 1000) / RUNS,
  spansPerRun: [...counts.values()].reduce((a, b) => a + b, 0) / RUNS,
  nodesPerRun: workload.nodesPerRun,
};
variant.check(counts, RUNS);
if (session !== undefined) {
  const { profile } = await session.post("Profiler.stop");
  Object.assign(result, summarize(profile));
}
await telemetry.shutdown();
process.stdout.write(`${JSON.stringify(result)}\n`);

/** Who owns a frame: by the script's path, or V8's pseudo-frames. */
function ownerOf(frame) {
  const url = frame.url;
  if (url === "") {
    if (frame.functionName === "(garbage collector)") return "GC";
    if (frame.functionName === "(program)") return "V8 (program)";
    return "V8 builtins";
  }
  if (url.includes("/node_modules/")) {
    if (url.includes("@opentelemetry/sdk-trace")) return "OTel SDK traces";
    if (url.includes("@opentelemetry/sdk-metrics")) return "OTel SDK metrics";
    if (url.includes("@opentelemetry/")) return "OTel API, core, context";
    if (url.includes("@langchain/langgraph")) return "LangGraph";
    if (url.includes("@langchain/core")) return "LangChain core";
    if (url.includes("/langsmith/")) return "LangSmith (via LangChain core)";
    return "other packages";
  }
  if (url.includes("/dist/")) return "langgraph-otel";
  if (url.includes("/bench/")) return "benchmark (incl. naive wrapper)";
  if (url.startsWith("node:")) return "Node.js";
  return "other";
}

/** Self time in µs per run, by owner and by function (idle excluded). */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const owners = {};
  const functions = {};
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === "(idle)") continue;
    const owner = ownerOf(frame);
    owners[owner] = (owners[owner] ?? 0) + us / RUNS;
    const file = frame.url.split("/").slice(-2).join("/");
    const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1} [${owner}]`;
    functions[key] = (functions[key] ?? 0) + us / RUNS;
  }
  return { owners, functions };
}
