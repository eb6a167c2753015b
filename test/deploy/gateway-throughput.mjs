// Spans per CPU-second one Collector gateway sustains with collector/otel-collector.yaml
// (span metrics for every span, tail sampling, 25% of the rest to an OTLP sink): a sizing
// figure for docs/deployment.md. CPU-seconds (from /proc) rather than wall time, so the
// figure holds up on a shared machine; the wall-clock rate is printed too.
//
//   node test/deploy/gateway-throughput.mjs [seconds=20] [decision_wait_seconds=30]
// Needs the two-tier Collector: scripts/k8s-tools.sh collector.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, trace } from "@opentelemetry/api";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { parse, stringify } from "yaml";

const seconds = Number(process.argv[2] ?? 20);
const decisionWait = Number(process.argv[3] ?? 30);
const repo = new URL("../..", import.meta.url).pathname;
const otelcol = execFileSync("bash", [join(repo, "scripts/k8s-tools.sh"), "collector"], { encoding: "utf8" }).trim();
const dir = mkdtempSync(join(tmpdir(), "gateway-throughput-"));
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const [gwHttp, gwGrpc, gwHealth, gwSpanMetrics, gwTelemetry, sinkGrpc, sinkHealth, sinkTelemetry] = await Promise.all(
  Array.from({ length: 8 }, freePort),
);

// The sink: receives the sampled traces and drops them.
const sink = {
  extensions: { health_check: { endpoint: `127.0.0.1:${sinkHealth}` } },
  receivers: { otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${sinkGrpc}` } } } },
  exporters: { debug: { verbosity: "basic", sampling_initial: 1, sampling_thereafter: 1000000 } },
  service: {
    extensions: ["health_check"],
    pipelines: { traces: { receivers: ["otlp"], exporters: ["debug"] } },
    telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: sinkTelemetry } } } }] } },
  },
};
const gateway = parse(readFileSync(join(repo, "collector/otel-collector.yaml"), "utf8"));
gateway.extensions.health_check.endpoint = `127.0.0.1:${gwHealth}`;
gateway.receivers.otlp.protocols.grpc.endpoint = `127.0.0.1:${gwGrpc}`;
gateway.receivers.otlp.protocols.http.endpoint = `127.0.0.1:${gwHttp}`;
gateway.exporters["otlp_grpc/jaeger"].endpoint = `127.0.0.1:${sinkGrpc}`;
gateway.exporters.prometheus.endpoint = `127.0.0.1:${gwSpanMetrics}`;
gateway.service.telemetry.metrics.readers[0].pull.exporter.prometheus = { host: "127.0.0.1", port: gwTelemetry };
writeFileSync(join(dir, "sink.yaml"), stringify(sink));
writeFileSync(join(dir, "gateway.yaml"), stringify(gateway));

const started = [];
const run = (name, health, env = {}) => {
  const child = spawn(otelcol, [`--config=${join(dir, `${name}.yaml`)}`], { env: { ...process.env, ...env }, stdio: "ignore" });
  started.push(child);
  return new Promise((resolve, reject) => {
    const poll = async (n) => {
      const ok = await fetch(`http://127.0.0.1:${health}/`).then((r) => r.ok, () => false);
      if (ok) resolve(child);
      else if (n > 120) reject(new Error(`${name} not healthy`));
      else setTimeout(() => poll(n + 1), 250);
    };
    poll(0);
  });
};
await run("sink", sinkHealth);
const gw = await run("gateway", gwHealth, { TAIL_SAMPLING_DECISION_WAIT: `${decisionWait}s`, TAIL_SAMPLING_PERCENT: "25" });

// Payloads: 200 requests of 50 traces x 10 spans (an agent run: a graph span, nodes, a
// model call, a tool), every trace id distinct, 10% failed; sent over and over.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("throughput");
const payloads = [];
for (let p = 0; p < 200; p++) {
  exporter.reset();
  for (let t = 0; t < 50; t++) {
    const root = tracer.startSpan("invoke_workflow support_agent", { attributes: { "gen_ai.workflow.name": "support_agent" } });
    const ctx = trace.setSpan(context.active(), root);
    for (let s = 0; s < 9; s++) {
      const span = tracer.startSpan(s % 3 === 2 ? "chat scripted-large" : `invoke_node node_${s}`, {
        attributes: { "gen_ai.workflow.name": "support_agent", "langgraph.node.name": `node_${s}`, "langgraph.outcome": "ok" },
      }, ctx);
      if (t % 10 === 0 && s === 8) span.setStatus({ code: 2 });
      span.end();
    }
    root.end();
  }
  payloads.push(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
}
const spansPerPayload = 500;

const cpu = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in seconds (USER_HZ 100)
};
const metric = async (name) => {
  const text = await (await fetch(`http://127.0.0.1:${gwTelemetry}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
};

const cpu0 = cpu(gw.pid);
const t0 = performance.now();
let refused = 0;
let next = 0;
const deadline = t0 + seconds * 1000;
const worker = async () => {
  while (performance.now() < deadline) {
    const body = payloads[next++ % payloads.length];
    const response = await fetch(`http://127.0.0.1:${gwHttp}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body,
    });
    await response.arrayBuffer();
    if (!response.ok) refused += spansPerPayload;
  }
};
await Promise.all(Array.from({ length: 4 }, worker));
const wall = (performance.now() - t0) / 1000;
// Traces are decided decision_wait after their first span: that work is part of the cost
// too, so CPU is read once the last decisions and a span-metrics flush are done.
await new Promise((done) => setTimeout(done, (decisionWait + 15) * 1000));
const cpuUsed = cpu(gw.pid) - cpu0;
const peakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${gw.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const accepted = await metric("otelcol_receiver_accepted_spans");
const refusedByCollector = await metric("otelcol_receiver_refused_spans");
console.log(
  JSON.stringify(
    {
      seconds: Math.round(wall * 10) / 10,
      spansAccepted: accepted,
      spansRefused: refusedByCollector + refused,
      gatewayCpuSeconds: Math.round(cpuUsed * 10) / 10,
      spansPerCpuSecond: Math.round(accepted / cpuUsed),
      spansPerWallSecond: Math.round(accepted / wall),
      gatewayPeakRssMiB: Math.round(peakRssMiB),
      decisionWaitSeconds: decisionWait,
      loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    },
    null,
    2,
  ),
);
for (const child of started) child.kill("SIGTERM");
