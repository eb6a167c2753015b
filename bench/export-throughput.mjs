// How many spans/s one Node process exports through langgraph-otel's batch span processor
// and OTLP exporter into the real OpenTelemetry Collector (our distribution, built by
// scripts/stack-binaries.sh), per protocol, with the default and with tuned OTEL_BSP_*
// settings: spans offered vs accepted by the Collector, spans dropped by the full queue,
// CPU ms per 1,000 spans of the sending process, the highest rate sent without a drop and
// the rate at which drops begin.
//
//   npm run bench:export
//   node bench/export-throughput.mjs [--rates 10000,25000,50000,100000,150000] [--seconds 3]
//     [--protocols http/protobuf,http/json,grpc] [--tuned 16384,2048,1000] [--markdown file]
//
// Each step (protocol x settings x rate) is a fresh sender process (bench/export-sender.mjs)
// against one Collector whose pipeline is otlp receiver -> debug exporter (which drops);
// "accepted" is the Collector's own otelcol_receiver_accepted_spans, read from its
// Prometheus endpoint before and after the step. Not a test: it prints, it never fails.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { processCpuMs } from "./proc-cpu.mjs";

const { values: flags } = parseArgs({
  options: {
    rates: { type: "string", default: "10000,25000,50000,100000,150000" },
    seconds: { type: "string", default: "3" },
    protocols: { type: "string", default: "http/protobuf,http/json,grpc" },
    tuned: { type: "string", default: "16384,2048,1000" },
    // Which of the two settings to run (default,tuned), and extra OTEL_* variables for
    // every step (the sender gets no OTEL_* variable from this process otherwise).
    settings: { type: "string", default: "default,tuned" },
    env: { type: "string", multiple: true, default: [] },
    markdown: { type: "string" },
  },
});
const rates = flags.rates.split(",").map(Number);
const seconds = Number(flags.seconds);
const protocols = flags.protocols.split(",");
const [queue, batch, delay] = flags.tuned.split(",").map(Number);
const SETTINGS = [
  { name: "default (2048 / 512 / 5000 ms)", env: {} },
  {
    name: `tuned (${queue} / ${batch} / ${delay} ms)`,
    env: {
      OTEL_BSP_MAX_QUEUE_SIZE: String(queue),
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(batch),
      OTEL_BSP_SCHEDULE_DELAY: String(delay),
    },
  },
];
const chosen = flags.settings.split(",");
const ALL_SETTINGS = SETTINGS.splice(0);
SETTINGS.push(...ALL_SETTINGS.filter((s) => chosen.some((c) => s.name.startsWith(c))));
const extraEnv = Object.fromEntries(flags.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
const fmt = (n) => n.toLocaleString("en-US");
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const SENDER = here("./export-sender.mjs");

// The pinned Collector (a second's check when it is built already); prints otelcol=<bin dir>.
const binDir = execFileSync(here("../scripts/stack-binaries.sh"), ["otelcol"], { encoding: "utf8" })
  .trim()
  .replace(/^otelcol=/, "");
const otelcol = join(binDir, "otelcol-langgraph");

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const [httpPort, grpcPort, healthPort, telemetryPort] = await Promise.all(Array.from({ length: 4 }, freePort));

// A minimal Collector: OTLP in, counted by its own telemetry, dropped by the debug exporter
// (which logs one line per million batches). JSON is YAML, so no YAML writer is needed.
const config = {
  extensions: { health_check: { endpoint: `127.0.0.1:${healthPort}` } },
  receivers: {
    otlp: {
      protocols: {
        grpc: { endpoint: `127.0.0.1:${grpcPort}` },
        http: { endpoint: `127.0.0.1:${httpPort}` },
      },
    },
  },
  exporters: { debug: { verbosity: "basic", sampling_initial: 1, sampling_thereafter: 1_000_000 } },
  service: {
    extensions: ["health_check"],
    pipelines: { traces: { receivers: ["otlp"], exporters: ["debug"] } },
    telemetry: {
      logs: { level: "warn" },
      metrics: { readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: telemetryPort } } } }] },
    },
  },
};
const dir = mkdtempSync(join(tmpdir(), "export-throughput-"));
writeFileSync(join(dir, "collector.json"), JSON.stringify(config));
const collector = spawn(otelcol, [`--config=${join(dir, "collector.json")}`], { stdio: ["ignore", "ignore", "pipe"] });
let collectorLog = "";
collector.stderr.on("data", (chunk) => {
  collectorLog += chunk;
});
const stop = () => {
  collector.kill();
  rmSync(dir, { recursive: true, force: true });
};

try {
  for (let attempt = 0; ; attempt++) {
    const healthy = await fetch(`http://127.0.0.1:${healthPort}/`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) break;
    if (attempt > 120 || collector.exitCode !== null) throw new Error(`the Collector did not start:\n${collectorLog}`);
    await sleep(250);
  }

  const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
  const header =
    `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, ` +
    `load average ${load()} at start; Collector ${binDir.split("/").at(-2)} on the same machine; ` +
    `${seconds} s per step.` +
    (flags.env.length > 0 ? ` Extra env: ${flags.env.join(" ")}.` : "");
  console.log(header);
  const rows = [];
  for (const protocol of protocols) {
    for (const settings of SETTINGS) {
      for (const rate of rates) {
        const row = await step(protocol, settings, rate);
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  }
  const markdown = [
    `${header} Load average ${load()} at the end.`,
    "",
    table(rows),
    "",
    summary(rows),
  ].join("\n");
  console.log(`\n${markdown}`);
  if (flags.markdown) writeFileSync(flags.markdown, `${markdown}\n`);
} finally {
  stop();
}

/** One sender process at `rate`, with the Collector's accepted count around it. */
async function step(protocol, settings, rate) {
  const acceptedBefore = await collectorAccepted();
  const collectorCpuBefore = processCpuMs(collector.pid);
  const port = protocol === "grpc" ? grpcPort : httpPort;
  const env = {
    ...withoutOtelVariables(process.env),
    ...settings.env,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
    ...extraEnv,
  };
  const result = await runSender(["--rate", String(rate), "--seconds", String(seconds)], env);
  // The Collector counts a request once it has handed it on: wait for the count to settle.
  const acceptedNow = async () => (await collectorAccepted()) - acceptedBefore - result.warmup;
  let accepted = await acceptedNow();
  for (let i = 0; i < 20 && accepted < result.exportedOk; i++) {
    await sleep(100);
    accepted = await acceptedNow();
  }
  const failed = Object.values(result.failed).reduce((a, b) => a + b, 0);
  return {
    protocol,
    settings: settings.name,
    target: rate,
    offeredPerSec: Math.round(result.created / (result.generatedMs / 1000)),
    created: result.created,
    accepted,
    dropped: result.dropped,
    failed,
    failedBy: result.failed,
    cpuMsPer1k: (result.cpuMsTotal / result.created) * 1000,
    mainCpuMsPer1k: (result.cpuMsMain / result.created) * 1000,
    collectorCpuMsPer1k: ((processCpuMs(collector.pid) - collectorCpuBefore) / Math.max(1, accepted)) * 1000,
    flushMs: result.flushMs,
  };
}

function runSender(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SENDER, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`sender failed (${code}): ${stderr}${stdout}`));
      else resolve(JSON.parse(line));
    });
  });
}

function withoutOtelVariables(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("OTEL_")));
}

/** Sum of otelcol_receiver_accepted_spans over its series (the name may carry _total). */
async function collectorAccepted() {
  const text = await fetch(`http://127.0.0.1:${telemetryPort}/metrics`).then((res) => res.text());
  let sum = 0;
  for (const line of text.split("\n")) {
    if (/^otelcol_receiver_accepted_spans(_total)?[{ ]/.test(line)) sum += Number(line.split(" ").at(-1));
  }
  return sum;
}

function table(rows) {
  const lines = [
    "| protocol | BSP queue / batch / delay | target spans/s | offered spans/s | accepted by Collector | dropped (queue full) | export failed | CPU ms per 1k spans (sender, all threads; main thread) | CPU ms per 1k spans (Collector) | flush after the step ms |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.protocol} | ${r.settings} | ${fmt(r.target)} | ${fmt(r.offeredPerSec)} | ${fmt(r.accepted)} of ${fmt(r.created)} | ` +
        `${r.dropped > 0 ? `**${fmt(r.dropped)}**` : "0"} | ${r.failed > 0 ? `${fmt(r.failed)} ${JSON.stringify(r.failedBy)}` : "0"} | ` +
        `${r.cpuMsPer1k.toFixed(1)}; ${r.mainCpuMsPer1k.toFixed(1)} | ${r.collectorCpuMsPer1k.toFixed(1)} | ${Math.round(r.flushMs)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * Per protocol and settings: the highest target sent in full without a loss (offered at
 * least 95% of the target, nothing dropped or failed, everything accepted), the highest
 * rate actually offered without a loss (a busy machine may not reach the target), and the
 * lowest rate offered where the queue dropped spans (on a busy machine a higher step may
 * still pass: the queue drops when the process stalls, not only when the rate is high).
 */
function summary(rows) {
  const lines = [
    "| protocol | BSP settings | highest target met without loss | highest rate offered without loss | lowest rate offered with drops | CPU ms per 1k spans (median of steps) |",
    "|---|---|---:|---:|---:|---:|",
  ];
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.protocol}|${r.settings}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const lossless = group.filter((r) => r.dropped === 0 && r.failed === 0 && r.accepted === r.created);
    const met = lossless.filter((r) => r.offeredPerSec >= 0.95 * r.target).map((r) => r.target);
    const dropping = group.filter((r) => r.dropped > 0).map((r) => r.offeredPerSec);
    const cpu = group.map((r) => r.cpuMsPer1k).sort((a, b) => a - b)[Math.floor(group.length / 2)];
    lines.push(
      `| ${group[0].protocol} | ${group[0].settings} | ${met.length > 0 ? fmt(Math.max(...met)) : "none"} | ` +
        `${lossless.length > 0 ? fmt(Math.max(...lossless.map((r) => r.offeredPerSec))) : "none"} | ` +
        `${dropping.length > 0 ? fmt(Math.min(...dropping)) : "no drops"} | ${cpu.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
