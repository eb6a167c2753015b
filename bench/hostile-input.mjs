// What hostile tool input costs: a graph node calls a chat model whose history holds a
// tool call with a huge Map, a 1 MB Buffer, deep nesting, a circular object or a 10 MB
// string as arguments, then calls the `tool()` with them; uninstrumented and with
// langgraph-otel (content capture off, the default, and on). Rounds interleave the
// variants (machine drift hits them alike); the median wall time per run is printed side
// by side. The target: with capture off, no more than uninstrumented.
//
//   npm run bench:hostile
//   node bench/hostile-input.mjs [--rounds 7] [--runs 3] [--inputs map,buffer]
//   BENCH_COMPARE_DIST=/path/to/other/dist node bench/hostile-input.mjs   (adds that build)
//
// Needs `npm run build` first (imports ../dist/esm).
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, START, StateGraph, Annotation } from "@langchain/langgraph";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { GenAIInstrumentation, LangGraphInstrumentation } from "../dist/esm/index.js";
import { enableWith, setupTelemetry } from "./variants.mjs";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    runs: { type: "string", default: "3" },
    inputs: { type: "string" },
  },
});
const ROUNDS = Number(flags.rounds);
const RUNS = Number(flags.runs);

function circular() {
  const a = { name: "a", list: [1, 2, 3] };
  const b = { name: "b", a };
  a.b = b;
  a.self = a;
  return a;
}

function deep(levels) {
  let value = { leaf: "x" };
  for (let i = 0; i < levels; i++) value = { level: i, child: value };
  return value;
}

const INPUTS = {
  "Map, 300k entries": () => ({ lookup: new Map(Array.from({ length: 300_000 }, (_, i) => [`key-${i}`, i])) }),
  "Buffer, 1 MB": () => ({ blob: Buffer.alloc(1024 * 1024, 7) }),
  "nesting, 2,000 levels": () => ({ tree: deep(2_000) }),
  "circular object": () => ({ node: circular() }),
  "string, 10 MB": () => ({ text: "x".repeat(10 * 1024 * 1024) }),
  // Not hostile: what a run costs with ordinary arguments, for comparison (last: warm JIT).
  "ordinary ({ city, days })": () => ({ city: "Reykjavik", days: 3 }),
};
const selected = Object.entries(INPUTS).filter(
  ([name]) => flags.inputs === undefined || flags.inputs.split(",").some((key) => name.toLowerCase().startsWith(key)),
);

const inspect = tool(async (input) => `keys: ${Object.keys(input).length}`, {
  name: "inspect",
  description: "Looks at anything.",
  schema: z.object({}).passthrough(),
});

/** One node: the model sees the tool call in its history, then the node calls the tool. */
function graphFor(args) {
  const model = new FakeListChatModel({ responses: ["ok"] });
  const history = [
    new HumanMessage("look"),
    new AIMessage({ content: "", tool_calls: [{ name: "inspect", args, id: "call_1" }] }),
  ];
  return new StateGraph(Annotation.Root({ done: Annotation() }))
    .addNode("call_tool", async (_state, config) => {
      await model.invoke(history, config);
      await inspect.invoke(args, config);
      return { done: true };
    })
    .addEdge(START, "call_tool")
    .addEdge("call_tool", END)
    .compile({ name: "hostile" });
}

const telemetry = await setupTelemetry();

/** A variant: langgraph-otel from some build, with capture on or off. */
function instrumented(name, module, capture) {
  const core = new module.LangGraphInstrumentation({ enabled: false });
  const genai = new module.GenAIInstrumentation({ enabled: false, captureMessageContent: capture });
  return {
    name,
    enable: () => enableWith(telemetry, [core, genai]),
    async disable() {
      genai.disable();
      core.disable();
    },
  };
}

const ours = { GenAIInstrumentation, LangGraphInstrumentation };
const VARIANTS = [
  { name: "uninstrumented", enable: async () => {}, disable: async () => {} },
  instrumented("capture off", ours, false),
  instrumented("capture on", ours, true),
];
const compareDist = process.env.BENCH_COMPARE_DIST;
if (compareDist !== undefined && compareDist !== "") {
  const other = await import(pathToFileURL(join(resolve(compareDist), "esm/index.js")).href);
  VARIANTS.push(instrumented(`capture off (${compareDist})`, other, false));
  VARIANTS.push(instrumented(`capture on (${compareDist})`, other, true));
}

// LangChain prints a line per failing handler call ("Error in handler …"): count them.
const printed = new Map(VARIANTS.map((v) => [v.name, 0]));
let printing = VARIANTS[0].name;
for (const method of ["log", "warn", "error"]) {
  console[method] = () => printed.set(printing, printed.get(printing) + 1);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (const [inputName, make] of selected) {
  const graph = graphFor(make());
  const samples = new Map(VARIANTS.map((v) => [v.name, []]));
  for (let r = -2; r < ROUNDS; r++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(k + r + 2) % VARIANTS.length];
      await variant.enable();
      printing = variant.name;
      const started = performance.now();
      for (let i = 0; i < RUNS; i++) await graph.invoke({ done: false });
      const ms = (performance.now() - started) / RUNS;
      await variant.disable();
      await telemetry.drainCounts();
      if (r >= 0) samples.get(variant.name).push(ms);
    }
  }
  results.push([inputName, VARIANTS.map((v) => median(samples.get(v.name)))]);
}
await telemetry.shutdown();

const cell = (ms, base) => (ms === base ? `${ms.toFixed(1)}` : `${ms.toFixed(1)} (${ms - base >= 0 ? "+" : ""}${(ms - base).toFixed(1)})`);
process.stdout.write(
  `\nNode ${process.version}; ${ROUNDS} rounds x ${RUNS} runs; ms per graph run (one tool call), median of rounds; (+x) = added to uninstrumented\n\n`,
);
process.stdout.write(`| tool input | ${VARIANTS.map((v) => v.name).join(" | ")} |\n|---|${VARIANTS.map(() => "---:").join("|")}|\n`);
for (const [inputName, medians] of results) {
  process.stdout.write(`| ${inputName} | ${medians.map((ms) => cell(ms, medians[0])).join(" | ")} |\n`);
}
// What the input itself adds: each row minus the ordinary row, per variant. The target is
// that the capture-off column stays at the uninstrumented one.
const [, ordinary] = results.find(([name]) => name.startsWith("ordinary")) ?? [];
if (ordinary !== undefined) {
  process.stdout.write(`\nms the input adds to a run with ordinary arguments, per variant\n\n`);
  process.stdout.write(`| tool input | ${VARIANTS.map((v) => v.name).join(" | ")} |\n|---|${VARIANTS.map(() => "---:").join("|")}|\n`);
  for (const [inputName, medians] of results) {
    if (medians === ordinary) continue;
    process.stdout.write(`| ${inputName} | ${medians.map((ms, i) => (ms - ordinary[i]).toFixed(1)).join(" | ")} |\n`);
  }
}
process.stdout.write(`\nConsole lines printed during the runs: ${VARIANTS.map((v) => `${v.name} ${printed.get(v.name)}`).join(", ")}\n`);
