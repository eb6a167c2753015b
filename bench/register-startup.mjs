// What the zero-code entry adds to an app's start: peak RSS, heap, time to the first
// finished graph run and time to exit, for the unmodified example agent as a pure ES
// module app (`--import langgraph-otel/register`) and as a CommonJS app (`-r`), each
// measured against the same app without it, in alternating rounds (median of rounds),
// on each Node major of --runtimes (others than this process's via `npx -y node@<major>`).
//
//   npm run build && node bench/register-startup.mjs [--rounds 7] [--runtimes 20,24]
//     [--bound-mb 60] [--readme]
//
// --readme rewrites the table between the register-bench markers in README.md.
// Each child exports to an OTLP/HTTP sink on loopback and serves /metrics on a free
// port, as the register entry does by default. Not a test: it prints, it never fails.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { nodeBinary } from "./runtimes.mjs";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    runtimes: { type: "string", default: "20,24" },
    "bound-mb": { type: "string", default: "60" },
    readme: { type: "boolean", default: false },
  },
});
const rounds = Number(flags.rounds);
const boundMb = Number(flags["bound-mb"]);
const runtimes = flags.runtimes.split(",").map((major) => {
  const node = nodeBinary(major.trim());
  return { node, version: execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim() };
});
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const PROBE = here("./rss-probe.cjs");

const MODES = [
  { name: "ESM app", variant: "plain", args: [here("../examples/unmodified/agent.mjs")] },
  {
    name: "ESM app",
    variant: "--import register",
    args: ["--import", here("../dist/esm/register.js"), here("../examples/unmodified/agent.mjs")],
  },
  { name: "CJS app", variant: "plain", args: [here("../examples/unmodified/agent.cjs")] },
  {
    name: "CJS app",
    variant: "-r register",
    args: ["-r", here("../dist/cjs/register.js"), here("../examples/unmodified/agent.cjs")],
  },
];

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sink = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
});
await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${sink.address().port}`;

async function measure(node, mode) {
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, AGENT_NODE_MS: "0" };
  env.OTEL_EXPORTER_PROMETHEUS_PORT = String(await freePort());
  const started = performance.now();
  const child = spawn(node, ["-r", PROBE, ...mode.args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let firstRunMs;
  let stderr = "";
  child.stdout.on("data", () => {
    firstRunMs ??= performance.now() - started;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const exitMs = performance.now() - started;
  const probe = /rss-probe (\{.*\})/.exec(stderr);
  if (code !== 0 || probe === null) throw new Error(`${mode.name} ${mode.variant} failed (${code}): ${stderr}`);
  const { maxRssKb, heapUsed } = JSON.parse(probe[1]);
  return { firstRunMs, exitMs, rssMb: maxRssKb / 1024, heapMb: heapUsed / 1024 / 1024 };
}

const loadAtStart = loadavg()[0];
// samples[runtime][mode]: alternate the order every round so that drift of the machine
// hits every runtime and mode alike.
const samples = runtimes.map(() => MODES.map(() => []));
const cells = runtimes.flatMap((_, r) => MODES.map((_, m) => [r, m]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? cells : [...cells].reverse();
  for (const [r, m] of order) samples[r][m].push(await measure(runtimes[r].node, MODES[m]));
}
sink.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (value, digits = 0) => value.toFixed(digits);
const rows = runtimes.flatMap((runtime, r) =>
  MODES.map((mode, m) => {
    const pick = (key) => median(samples[r][m].map((s) => s[key]));
    return {
      runtime: `Node ${runtime.version}`,
      mode,
      rss: pick("rssMb"),
      heap: pick("heapMb"),
      first: pick("firstRunMs"),
      exit: pick("exitMs"),
    };
  }),
);
const lines = [
  "| runtime | app | variant | peak RSS MB | heap MB | first run ms | exit ms |",
  "|---|---|---|---|---|---|---|",
];
let worstRss = 0;
for (const row of rows) {
  const base = rows.find((r) => r.runtime === row.runtime && r.mode.name === row.mode.name && r.mode.variant === "plain");
  if (row !== base) worstRss = Math.max(worstRss, row.rss - base.rss);
  const delta = (key, digits = 0) =>
    row === base ? fmt(row[key], digits) : `${fmt(row[key], digits)} (+${fmt(row[key] - base[key], digits)})`;
  lines.push(
    `| ${row.runtime} | ${row.mode.name} | ${row.mode.variant} | ${delta("rss")} | ${delta("heap", 1)} | ${delta("first")} | ${delta("exit")} |`,
  );
}
const table = lines.join("\n");
console.log(
  `register entry start-up, median of ${rounds} rounds, ${cpus().length} CPUs, ` +
    `load average ${fmt(loadAtStart, 1)} at start and ${fmt(loadavg()[0], 1)} at the end`,
);
console.log(table);
console.log(
  `largest peak RSS added: +${fmt(worstRss)} MB (bound +${boundMb} MB: ${worstRss <= boundMb ? "within" : "ABOVE"})`,
);

if (flags.readme) {
  const readme = fileURLToPath(new URL("../README.md", import.meta.url));
  const text = readFileSync(readme, "utf8");
  const pattern = /(<!-- register-bench:start -->\n)[\s\S]*?(<!-- register-bench:end -->)/;
  if (!pattern.test(text)) throw new Error("README.md has no register-bench markers");
  writeFileSync(readme, text.replace(pattern, `$1${table}\n$2`));
  console.log("README.md table rewritten");
}
