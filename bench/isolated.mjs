// The overhead benchmark with one mode per process (issue 16's method): for each round,
// every variant runs in a fresh process of its own, in an order that rotates per round,
// on each Node runtime asked for. A process that never saw another variant's patches
// measures its own variant only: in-process interleaving leaves call sites that all
// variants share (LangChain's invoke, LangGraph's loop) polymorphic for every one of them.
//
//   npm run build && node bench/isolated.mjs [--runtimes 20,24] [--rounds 5] [--runs 1500]
//        [--workloads chain,fanout,react] [--variants name,name] [--markdown out.md] [--raw]
//        [--turns 150 --turn-runs 10]
//
// Ratios are paired per round (each round's variant against the uninstrumented run and
// the naive span wrapper's run of that round), then the median over rounds is printed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { nodeBinary } from "./runtimes.mjs";
import { VARIANTS } from "./variants.mjs";

const { values: flags } = parseArgs({
  options: {
    runtimes: { type: "string", default: "20,24" },
    rounds: { type: "string", default: "5" },
    runs: { type: "string", default: "1500" },
    warmup: { type: "string", default: "300" },
    workloads: { type: "string", default: "chain" },
    variants: { type: "string" },
    markdown: { type: "string" },
    raw: { type: "boolean", default: false },
    turns: { type: "string", default: "0" },
    "turn-runs": { type: "string", default: "20" },
  },
});
const ONE_MODE = fileURLToPath(new URL("./one-mode.mjs", import.meta.url));
const chosen = flags.variants === undefined ? VARIANTS.map((v) => v.name.trim()) : flags.variants.split(",");
const CONTRACT = "naive wrapper + contract data";
for (const required of [CONTRACT, "naive span wrapper", "uninstrumented"]) {
  if (!chosen.includes(required)) chosen.unshift(required);
}

function runMode(node, variant, workload) {
  const child = spawnSync(
    node,
    ["--expose-gc", ONE_MODE, "--variant", variant, "--workload", workload, "--runs", flags.runs, "--warmup", flags.warmup],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`${variant} on ${node} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

/**
 * --turns: every variant's process of a round is started and warmed up first, then they
 * take turns (a few runs each, in rotating order) until each has had `turns` turns. The
 * machine's speed drifts by ±15% within seconds on a shared host; turns a few ms apart
 * see the same drift, so the sums compare the variants and not the moments they ran at.
 */
async function runTurns(node, variants, workload, turns, turnRuns, round) {
  const children = variants.map((variant) => {
    const child = spawn(
      node,
      ["--expose-gc", ONE_MODE, "--variant", variant, "--workload", workload, "--warmup", flags.warmup, "--serve"],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return { variant, child, lines, cpuUs: 0 };
  });
  const nextLine = async (c) => {
    const { value, done } = await c.lines.next();
    if (done) throw new Error(`${c.variant} on ${node} ended early`);
    return value;
  };
  const results = new Map();
  for (const c of children) {
    const first = await nextLine(c);
    if (first === "ready") continue;
    // A variant the workload cannot run (the naive wrapper needs node functions of ours).
    if (JSON.parse(first).unsupported !== true) throw new Error(`${c.variant}: no ready line`);
    results.set(c.variant, { unsupported: true });
  }
  const serving = children.filter((c) => !results.has(c.variant));
  for (let t = 0; t < turns; t++) {
    for (let k = 0; k < serving.length; k++) {
      const c = serving[(k + t + round) % serving.length];
      c.child.stdin.write(`${turnRuns}\n`);
      c.cpuUs += Number(await nextLine(c));
    }
  }
  for (const c of serving) {
    c.child.stdin.write("end\n");
    const last = JSON.parse(await nextLine(c));
    await once(c.child, "exit");
    results.set(c.variant, { ...last, cpuUs: c.cpuUs / (turns * turnRuns) });
  }
  return results;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmtX = (x) => (x === undefined ? "n/a" : `${x.toFixed(3)}x`);

const lines = [
  Number(flags.turns) > 0
    ? `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}); one process per variant and round, ${flags.rounds} rounds; per round, ${flags.warmup} warm-up runs, then ${flags.turns} turns of ${flags["turn-runs"]} runs each, the variants' processes taking turns; CPU time; ratios are medians of per-round paired ratios.`
    : `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}); one process per variant and round, ${flags.rounds} rounds, ${flags.warmup} warm-up + ${flags.runs} measured runs per process; CPU time; ratios are medians of per-round paired ratios.`,
  "",
  "| runtime | graph | variant | CPU µs/run | ratio to uninstrumented | ratio to naive span wrapper | µs per node beyond naive | ratio to naive + contract data | spans per run |",
  "|---|---|---|---:|---:|---:|---:|---:|---:|",
];
const notes = [];
for (const major of flags.runtimes.split(",")) {
  const node = nodeBinary(major);
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  for (const workload of flags.workloads.split(",")) {
    const samples = new Map(chosen.map((name) => [name, []]));
    for (let r = 0; r < Number(flags.rounds); r++) {
      if (Number(flags.turns) > 0) {
        const results = await runTurns(node, chosen, workload, Number(flags.turns), Number(flags["turn-runs"]), r);
        for (const name of chosen) samples.get(name).push(results.get(name));
      } else {
        for (let k = 0; k < chosen.length; k++) {
          const name = chosen[(k + r) % chosen.length];
          samples.get(name).push(runMode(node, name, workload));
        }
      }
      process.stderr.write(`  Node ${version} ${workload}: round ${r + 1} done\n`);
      // --raw: each variant's CPU µs/run of the round, to see the spread behind the medians.
      if (flags.raw) {
        for (const name of chosen) process.stderr.write(`    ${samples.get(name)[r].cpuUs.toFixed(0).padStart(6)}  ${name}\n`);
      }
    }
    const base = samples.get("uninstrumented");
    const naive = samples.get("naive span wrapper");
    const contract = samples.get(CONTRACT);
    // What one instrumentation adds to the uninstrumented run, against what ours adds.
    const oi = samples.get("openinference");
    const ours = samples.get("langgraph-otel");
    if (oi !== undefined && ours !== undefined) {
      const added = median(oi.map((s, r) => (s.cpuUs - base[r].cpuUs) / (ours[r].cpuUs - base[r].cpuUs)));
      notes.push(
        `- Node ${version}, ${workload}: OpenInference adds ${added.toFixed(2)}x the CPU time langgraph-otel adds to the uninstrumented run (median of per-round ratios).`,
      );
    }
    const naiveSupported = !naive.some((s) => s.unsupported);
    for (const name of chosen) {
      const own = samples.get(name);
      if (own.some((s) => s.unsupported)) continue;
      const cpu = median(own.map((s) => s.cpuUs));
      const toBase = median(own.map((s, r) => s.cpuUs / base[r].cpuUs));
      const toNaive = naiveSupported ? median(own.map((s, r) => s.cpuUs / naive[r].cpuUs)) : undefined;
      const beyond = naiveSupported ? (cpu - median(naive.map((s) => s.cpuUs))) / own[0].nodesPerRun : undefined;
      const toContract = naiveSupported ? median(own.map((s, r) => s.cpuUs / contract[r].cpuUs)) : undefined;
      lines.push(
        `| Node ${version} | ${workload} | ${name} | ${cpu.toFixed(0)} | ${fmtX(toBase)} | ${fmtX(toNaive)} | ${beyond === undefined ? "n/a" : beyond.toFixed(1)} | ${fmtX(toContract)} | ${median(own.map((s) => s.spansPerRun))} |`,
      );
    }
  }
}
const report = [...lines, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
process.stdout.write(`\n${report}\n`);
if (flags.markdown !== undefined) writeFileSync(flags.markdown, `${report}\n`);
