// Overhead benchmark: the same graphs, uninstrumented, instrumented by langgraph-otel and
// instrumented by @arizeai/openinference-instrumentation-langchain, in interleaved rounds
// (so machine drift hits every variant alike), then heap before/after many runs.
//
//   npm run bench                       full run (takes several minutes)
//   BENCH_QUICK=1 npm run bench         quick run (about a minute)
//   node bench/run.mjs --rounds 9 --runs 200 --heap-runs 100000 --workloads chain,react
//
// Needs `npm run build` first (imports ../dist/esm/index.js). Re-executes itself with
// --expose-gc when started without it, so that heap readings follow a full GC.
import { spawnSync } from "node:child_process";
import { setMaxListeners } from "node:events";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

if (typeof globalThis.gc !== "function") {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  process.exit(child.status ?? 1);
}

const { awaitAllCallbacks } = await import("@langchain/core/callbacks/promises");
const { WORKLOADS, buildChain } = await import("./graphs.mjs");
const { setupTelemetry, VARIANTS } = await import("./variants.mjs");

// A 20-way Send fan-out attaches one abort listener per task to the run's signal; Node's
// leak warning for more than 10 listeners is noise here.
setMaxListeners(1000);

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: process.env.BENCH_QUICK === "1" },
    rounds: { type: "string" },
    runs: { type: "string" },
    "heap-runs": { type: "string" },
    workloads: { type: "string" },
    markdown: { type: "string" },
  },
});
const quick = flags.quick === true;
const num = (flag, env, full, fast) => Number(flag ?? process.env[env] ?? (quick ? fast : full));
const ROUNDS = num(flags.rounds, "BENCH_ROUNDS", 15, 5);
const RUNS = num(flags.runs, "BENCH_RUNS", 100, 20);
const HEAP_RUNS = num(flags["heap-runs"], "BENCH_HEAP_RUNS", 100_000, 10_000);
const SELECTED = (flags.workloads ?? process.env.BENCH_WORKLOADS ?? Object.keys(WORKLOADS).join(","))
  .split(",")
  .filter((key) => key in WORKLOADS);

const telemetry = await setupTelemetry();

/** The q-quantile of `values`, interpolated between the two nearest ranks. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

const median = (values) => quantile(values, 0.5);

/**
 * Cost per run of `runs` sequential invocations, in ms of wall time and of process CPU
 * time. LangChain runs callback handlers in the background; waiting for them before
 * stopping the clock charges callback-based instrumentation for the work it deferred.
 * CPU time is what the tables compare: other processes on a busy machine inflate wall
 * time at random, CPU time far less (the loop does no I/O, so the two agree when idle).
 */
async function timeRuns(workload, runs, invoke = (input) => workload.graph.invoke(input)) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await invoke(workload.input());
  await awaitAllCallbacks();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: wall / runs, cpu: (cpu.user + cpu.system) / 1000 / runs };
}

/**
 * Runs one variant for one round and checks that exactly its spans came out. A full GC
 * first, so that no variant pays for the garbage the one before it left.
 */
async function round(workload, variant, runs) {
  const invoke = variant.invoker === undefined ? undefined : variant.invoker(workload);
  await variant.enable(telemetry);
  globalThis.gc();
  try {
    const cost = await timeRuns(workload, runs, invoke);
    const counts = await telemetry.drainCounts();
    variant.check(counts, runs);
    let spans = 0;
    for (const n of counts.values()) spans += n;
    return { ...cost, spansPerRun: spans / runs };
  } finally {
    await variant.disable(telemetry);
  }
}

const results = [];
for (const key of SELECTED) {
  const spec = WORKLOADS[key];
  const workload = spec.build();
  // A variant with an invoker (the naive wrapper) runs only on workloads it can wrap.
  const variants = VARIANTS.filter((v) => v.invoker === undefined || v.invoker(workload) !== undefined);
  const samples = new Map(variants.map((v) => [v.name, []]));
  // Two warm-up rounds (JIT, lazy imports, call sites seeing every variant), discarded.
  for (let r = 0; r < 2; r++) for (const variant of variants) await round(workload, variant, RUNS);
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so no variant always runs first or last.
    const order = variants.map((_, i) => variants[(i + r) % variants.length]);
    for (const variant of order) samples.get(variant.name).push(await round(workload, variant, RUNS));
  }
  const baseSamples = samples.get("uninstrumented");
  const base = median(baseSamples.map((s) => s.cpu));
  const row = { key, title: spec.title, nodesPerRun: workload.nodesPerRun, base, variants: {} };
  const reference = variants.find((v) => v.reference === true);
  const referenceSamples = reference === undefined ? undefined : samples.get(reference.name);
  for (const variant of variants) {
    if (variant.name === "uninstrumented") continue;
    const own = samples.get(variant.name);
    // Each round's ratio is taken against the uninstrumented run of the same round, so
    // drift between rounds cancels; the median of those ratios is the one reported.
    const ratios = own.map((s, r) => s.cpu / baseSamples[r].cpu);
    // The same, paired with the naive wrapper's run of the round: the issue-16 target.
    const naiveRatio =
      referenceSamples === undefined ? undefined : median(own.map((s, r) => s.cpu / referenceSamples[r].cpu));
    const ms = median(own.map((s) => s.cpu));
    row.variants[variant.name] = {
      ms,
      ratio: median(ratios),
      quartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
      wallRatio: median(own.map((s, r) => s.wall / baseSamples[r].wall)),
      naiveRatio,
      perNodeUs: ((ms - base) * 1000) / workload.nodesPerRun,
      spansPerRun: median(own.map((s) => s.spansPerRun)),
    };
  }
  results.push(row);
  process.stderr.write(`  ${spec.title}: done\n`);
}

// Heap: langgraph-otel on, many runs of a one-node graph (the cheapest run, so the most
// spans per second), GC before each reading. Growth must stay within the span queue bound.
async function heapCheck(runs) {
  const lgo = VARIANTS.find((v) => v.name === "langgraph-otel");
  const oneNode = buildChain(1);
  await lgo.enable(telemetry);
  try {
    await timeRuns(oneNode, 200);
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    const concurrency = 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < runs) await oneNode.graph.invoke(oneNode.input());
      }),
    );
    await telemetry.drainCounts();
    globalThis.gc();
    const after = process.memoryUsage().heapUsed;
    return { runs, before, after };
  } finally {
    await lgo.disable(telemetry);
  }
}
const heap = HEAP_RUNS > 0 ? await heapCheck(HEAP_RUNS) : undefined;
await telemetry.shutdown();

const fmtMs = (ms) => ms.toFixed(3);
const fmtX = (x) => `${x.toFixed(2)}x`;
const fmtUs = (us) => `${us >= 0 ? "+" : ""}${us.toFixed(1)}`;
const fmtMB = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

const command = `${quick ? "BENCH_QUICK=1 " : ""}npm run bench  (rounds ${ROUNDS}, runs ${RUNS}, heap runs ${HEAP_RUNS})`;
const lines = [
  `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; ${ROUNDS} interleaved rounds x ${RUNS} runs per variant; CPU ms per run, median of rounds. Ratio: median of the per-round ratios to the uninstrumented run of the same round, with their interquartile range and the wall-time ratio.`,
  "",
  "| graph | node attempts per run | variant | ms/run | ratio to uninstrumented | IQR of ratio | ratio to naive span wrapper | wall-time ratio | overhead per node (µs) | spans per run |",
  "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
];
for (const row of results) {
  lines.push(`| ${row.title} | ${row.nodesPerRun} | uninstrumented | ${fmtMs(row.base)} | 1.00x | | | | | 0 |`);
  for (const [name, v] of Object.entries(row.variants)) {
    const [q1, q3] = v.quartiles;
    const naive = v.naiveRatio === undefined ? "n/a" : fmtX(v.naiveRatio);
    lines.push(
      `| | | ${name} | ${fmtMs(v.ms)} | **${fmtX(v.ratio)}** | ${fmtX(q1)}–${fmtX(q3)} | ${naive} | ${fmtX(v.wallRatio)} | ${fmtUs(v.perNodeUs)} | ${v.spansPerRun} |`,
    );
  }
}
if (heap !== undefined) {
  lines.push(
    "",
    `Heap (langgraph-otel on, one-node graph, after full GC): ${fmtMB(heap.before)} before, ${fmtMB(heap.after)} after ${heap.runs.toLocaleString("en-US")} runs (${fmtMB(heap.after - heap.before)} growth; span queue bound ${telemetry.maxQueueSize} spans).`,
  );
}
const report = lines.join("\n");
process.stdout.write(`\n${command}\n\n${report}\n`);
if (flags.markdown !== undefined) writeFileSync(flags.markdown, `${report}\n`);
