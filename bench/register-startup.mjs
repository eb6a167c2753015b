// What the zero-code entry adds to an app's start: peak RSS, heap, time to the first
// finished graph run and time to exit, for the unmodified example agent as a pure ES
// module app (`--import langgraph-otel/register`) and as a CommonJS app (`-r`), each
// measured against the same app without it, in alternating rounds (median of rounds).
//
//   npm run build && node bench/register-startup.mjs [--rounds 7]
//
// Each child exports to an OTLP/HTTP sink on loopback and serves /metrics on a free
// port, as the register entry does by default. Not a test: it prints, it never fails.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const rounds = Number(flags.rounds);
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

async function measure(mode) {
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, AGENT_NODE_MS: "0" };
  env.OTEL_EXPORTER_PROMETHEUS_PORT = String(await freePort());
  const started = performance.now();
  const child = spawn(process.execPath, ["-r", PROBE, ...mode.args], { env, stdio: ["ignore", "pipe", "pipe"] });
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

const samples = MODES.map(() => []);
for (let round = 0; round < rounds; round++) {
  // Alternate the order so drift of the machine hits every mode alike.
  const order = round % 2 === 0 ? MODES.keys() : [...MODES.keys()].reverse();
  for (const i of order) samples[i].push(await measure(MODES[i]));
}
sink.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (value, digits = 0) => value.toFixed(digits);
console.log(`register entry start-up, node ${process.version}, median of ${rounds} rounds`);
console.log("| app | variant | peak RSS MB | heap MB | first run ms | exit ms |");
console.log("|---|---|---|---|---|---|");
const rows = MODES.map((mode, i) => {
  const pick = (key) => median(samples[i].map((s) => s[key]));
  return { mode, rss: pick("rssMb"), heap: pick("heapMb"), first: pick("firstRunMs"), exit: pick("exitMs") };
});
for (const row of rows) {
  const base = rows.find((r) => r.mode.name === row.mode.name && r.mode.variant === "plain");
  const delta = (key, digits = 0) =>
    row === base ? fmt(row[key], digits) : `${fmt(row[key], digits)} (+${fmt(row[key] - base[key], digits)})`;
  console.log(
    `| ${row.mode.name} | ${row.mode.variant} | ${delta("rss")} | ${delta("heap", 1)} | ${delta("first")} | ${delta("exit")} |`,
  );
}
