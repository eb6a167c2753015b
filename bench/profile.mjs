// Where the overhead goes: V8's sampling CPU profile of the same workload, one variant per
// process (bench/one-mode.mjs --profile), summed by who owns the code (ours, the OTel SDK,
// LangGraph, LangChain, GC, Node) and printed per run side by side, then the functions
// whose self time grew most from the first variant to the last.
//
//   npm run build && node bench/profile.mjs [--workload chain] [--runs 1500] [--rounds 3]
//        [--variants "uninstrumented,naive span wrapper,langgraph-otel"] [--measure cpu|allocations]
//
// Profiling slows every frame a little: read the table as an attribution of the overhead,
// and the benchmark (bench/isolated.mjs) as its measure.
//
// --measure allocations: bytes allocated per run instead of CPU time (V8's sampling heap
// profiler, garbage included), plus the async resources (promises) a run creates. Both are
// counts, not times: they do not drift with a shared machine's speed, so they can show a
// change of a few percent where CPU time cannot.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  options: {
    workload: { type: "string", default: "chain" },
    runs: { type: "string", default: "1500" },
    rounds: { type: "string", default: "3" },
    variants: { type: "string", default: "uninstrumented,naive span wrapper,langgraph-otel" },
    top: { type: "string", default: "25" },
    measure: { type: "string", default: "cpu" },
  },
});
const ONE_MODE = fileURLToPath(new URL("./one-mode.mjs", import.meta.url));
const ROUNDS = Number(flags.rounds);
const names = flags.variants.split(",");
if (flags.measure !== "cpu" && flags.measure !== "allocations") throw new Error("--measure is cpu or allocations");
const ALLOCATIONS = flags.measure === "allocations";

function oneMode(name, mode) {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", ONE_MODE, "--variant", name, "--workload", flags.workload, "--runs", flags.runs, mode],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`${name} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

const sums = new Map(names.map((name) => [name, { owners: new Map(), functions: new Map(), cpuUs: 0 }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of names) {
    const result = oneMode(name, ALLOCATIONS ? "--allocations" : "--profile");
    const sum = sums.get(name);
    sum.cpuUs += (result.cpuUs ?? 0) / ROUNDS;
    for (const [k, v] of Object.entries(result.owners)) sum.owners.set(k, (sum.owners.get(k) ?? 0) + v / ROUNDS);
    for (const [k, v] of Object.entries(result.functions)) sum.functions.set(k, (sum.functions.get(k) ?? 0) + v / ROUNDS);
  }
}

// The same count every time: once per variant.
const promises = new Map();
if (ALLOCATIONS) {
  for (const name of names) promises.set(name, oneMode(name, "--async-resources").asyncResourcesPerRun.PROMISE ?? 0);
}

const fmt = (value) => (ALLOCATIONS ? Math.round(value ?? 0).toLocaleString("en-US") : (value ?? 0).toFixed(1));
const unit = ALLOCATIONS ? "bytes" : "µs";
const owners = [...new Set(names.flatMap((name) => [...sums.get(name).owners.keys()]))].sort();
const what = ALLOCATIONS ? "bytes allocated per run, by the code that allocated them" : "self time in µs per run";
const out = [
  `Node ${process.version}; ${flags.workload}, ${flags.runs} runs per process, mean of ${ROUNDS} processes per variant; ${what}`,
  "",
  `| owner | ${names.join(" | ")} |`,
  `|---|${names.map(() => "---:").join("|")}|`,
];
for (const owner of owners) out.push(`| ${owner} | ${names.map((n) => fmt(sums.get(n).owners.get(owner))).join(" | ")} |`);
const total = (name) => [...sums.get(name).owners.values()].reduce((a, b) => a + b, 0);
out.push(`| **profiled total** | ${names.map((n) => `**${fmt(total(n))}**`).join(" | ")} |`);
if (ALLOCATIONS) out.push(`| promises created per run | ${names.map((n) => promises.get(n).toFixed(1)).join(" | ")} |`);
else out.push(`| CPU time (process.cpuUsage) | ${names.map((n) => fmt(sums.get(n).cpuUs)).join(" | ")} |`);
const first = sums.get(names[0]).functions;
const last = names[names.length - 1];
const grown = [...sums.get(last).functions]
  .map(([key, us]) => [key, us - (first.get(key) ?? 0)])
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(flags.top));
const grownWhat = ALLOCATIONS ? "Allocation" : "Self time";
out.push("", `${grownWhat} grown most, ${last} vs ${names[0]} (${unit} per run):`, "");
for (const [key, value] of grown) out.push(`  ${value >= 0 ? "+" : ""}${fmt(value).padStart(8)}  ${key}`);
process.stdout.write(`${out.join("\n")}\n`);
