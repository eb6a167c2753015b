// Where the export path's CPU goes, per span, each part measured in isolation in its own
// process (issue 16): (a) span creation and the batch span processor, bare SDK vs
// startObservability; (b) OTLP transform + encode of a 2048-span batch (protobuf, JSON);
// (c) the send itself, pre-serialized bytes through the exporter's own transport into the
// real Collector (http/protobuf, http/json, grpc; gzip or not); (d) copying the batch to a
// worker: plain objects, structuredClone, postMessage. Parts alternate, several rounds;
// the median of the rounds is printed. CPU is the process's (all threads) and, separately,
// the main thread's (/proc/self/task/<pid>/stat, 10 ms ticks: runs are long enough).
//
//   node bench/export-attribution.mjs [--rounds 5] [--parts a,b,c,d]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mainThreadCpuMs, processCpuMs } from "./proc-cpu.mjs";

const { values: flags } = parseArgs({
  options: {
    child: { type: "string" },
    rounds: { type: "string", default: "5" },
    parts: { type: "string", default: "a,b,c,d" },
    endpoint: { type: "string" },
  },
});
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

const mainThreadMs = mainThreadCpuMs;
const processMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** µs per item of `fn` run until it has used at least `minMs` of CPU, after a warm-up. */
function perItem(items, fn, minMs = 1500) {
  fn();
  fn();
  const p0 = processMs();
  const t0 = mainThreadMs();
  let runs = 0;
  while (processMs() - p0 < minMs) {
    fn();
    runs++;
  }
  return {
    usProcess: ((processMs() - p0) * 1000) / (runs * items),
    usMain: ((mainThreadMs() - t0) * 1000) / (runs * items),
  };
}

if (flags.child) {
  const result = await runPart(flags.child);
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  await parent();
}

async function parent() {
  const rounds = Number(flags.rounds);
  const parts = flags.parts.split(",");
  const children = [];
  if (parts.includes("a")) children.push("a:basic", "a:node", "a:node+bsp", "a:lgo+bsp", "a:lgo+bsp+otlp-idle");
  if (parts.includes("b")) children.push("b");
  if (parts.includes("c")) {
    children.push("c:http/protobuf", "c:http/protobuf:gzip", "c:http/json", "c:grpc", "c:grpc:gzip");
  }
  if (parts.includes("d")) children.push("d");
  const collector = ["a", "c"].some((p) => parts.includes(p)) ? await startCollector() : undefined;
  const results = new Map();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const part of children) {
        const needsCollector = part.startsWith("c:") || part.endsWith("otlp-idle");
        if (needsCollector && !collector) throw new Error("no Collector");
        const port = part.includes("grpc") ? collector?.grpcPort : collector?.httpPort;
        const cpuBefore = collector ? processCpuMs(collector.pid) : 0;
        const out = await runChild(part, needsCollector ? `http://127.0.0.1:${port}` : undefined);
        if (part.startsWith("c:") && collector) {
          out.collectorUsPerSpan = ((processCpuMs(collector.pid) - cpuBefore) * 1000) / out.spansSent;
        }
        for (const [key, value] of Object.entries(out)) {
          if (typeof value !== "number") continue;
          const k = `${part} ${key}`;
          results.set(k, [...(results.get(k) ?? []), value]);
        }
        process.stderr.write(`round ${round + 1} ${part} ${JSON.stringify(out)}\n`);
      }
    }
  } finally {
    collector?.stop();
  }
  console.log(`Node ${process.version}; median of ${rounds} rounds (min..max)`);
  for (const [key, values] of results) {
    const sorted = [...values].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`${key.padEnd(52)} ${median.toFixed(2).padStart(9)}   (${sorted[0].toFixed(2)}..${sorted.at(-1).toFixed(2)})`);
  }
}

function runChild(part, endpoint) {
  return new Promise((resolve, reject) => {
    const args = [here("./export-attribution.mjs"), "--child", part, ...(endpoint ? ["--endpoint", endpoint] : [])];
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OTEL_")));
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`${part} failed (${code}): ${stdout}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function startCollector() {
  const binDir = execFileSync(here("../scripts/stack-binaries.sh"), ["otelcol"], { encoding: "utf8" })
    .trim()
    .replace(/^otelcol=/, "");
  const freePort = () =>
    new Promise((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  const [httpPort, grpcPort, healthPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const config = {
    extensions: { health_check: { endpoint: `127.0.0.1:${healthPort}` } },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` }, http: { endpoint: `127.0.0.1:${httpPort}` } } },
    },
    exporters: { debug: { verbosity: "basic", sampling_initial: 1, sampling_thereafter: 1_000_000 } },
    service: {
      extensions: ["health_check"],
      pipelines: { traces: { receivers: ["otlp"], exporters: ["debug"] } },
      telemetry: { logs: { level: "warn" }, metrics: { level: "none" } },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), "export-attribution-"));
  writeFileSync(join(dir, "collector.json"), JSON.stringify(config));
  const proc = spawn(join(binDir, "otelcol-langgraph"), [`--config=${join(dir, "collector.json")}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${healthPort}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 120 || proc.exitCode !== null) throw new Error("the Collector did not start");
    await sleep(250);
  }
  return {
    pid: proc.pid,
    httpPort,
    grpcPort,
    stop() {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------
// Children

async function nodeLikeSpans() {
  const semconv = await import("../dist/esm/semconv.js");
  const attributes = {
    [semconv.ATTR_GEN_AI_WORKFLOW_NAME]: "bench_workflow",
    [semconv.ATTR_LANGGRAPH_NODE_NAME]: "worker",
    [semconv.ATTR_LANGGRAPH_STEP]: 3,
    [semconv.ATTR_LANGGRAPH_NODE_ATTEMPT]: 1,
    [semconv.ATTR_LANGGRAPH_TASK_ID]: "5f1c2a9e-8d3b-4c7a-9e21-0b6d4f3a8c17",
    [semconv.ATTR_LANGGRAPH_CHECKPOINT_NS]: "worker:5f1c2a9e-8d3b-4c7a-9e21-0b6d4f3a8c17",
    [semconv.ATTR_LANGGRAPH_NODE_TRIGGERS]: ["branch:to:worker"],
    [semconv.ATTR_LANGGRAPH_OUTCOME]: "ok",
  };
  return { name: `${semconv.SPAN_INVOKE_NODE} worker`, attributes };
}

/** A no-op exporter that counts what it was given. */
function countingExporter() {
  return {
    count: 0,
    export(spans, done) {
      this.count += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
}

async function runPart(part) {
  const [kind, variant, option] = part.split(":");
  if (kind === "a") return partA(variant);
  if (kind === "b") return partB();
  if (kind === "c") return partC(variant, option === "gzip");
  if (kind === "d") return partD();
  throw new Error(`unknown part ${part}`);
}

/** (a) tracer.startSpan(name, {attributes}).end(), paced as the sender does (1,000 then a turn). */
async function partA(variant) {
  const { trace, context } = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { name, attributes } = await nodeLikeSpans();
  const exporter = countingExporter();
  const bsp = () =>
    new BatchSpanProcessor(exporter, { maxQueueSize: 16384, maxExportBatchSize: 2048, scheduledDelayMillis: 1000 });
  let tracer;
  let flush = async () => {};
  if (variant === "basic") {
    tracer = new BasicTracerProvider().getTracer("a");
  } else if (variant === "node" || variant === "node+bsp") {
    const { NodeTracerProvider } = await import("@opentelemetry/sdk-trace-node");
    const processor = variant === "node+bsp" ? bsp() : undefined;
    const provider = new NodeTracerProvider({ spanProcessors: processor ? [processor] : [] });
    provider.register();
    tracer = trace.getTracer("a");
    flush = () => provider.forceFlush();
  } else {
    // startObservability: its own OTLP processor off (none) plus the same no-op BSP, or
    // ("otlp-idle") its OTLP processor on as well, pointed at the Collector.
    const { startObservability } = await import("../dist/esm/index.js");
    const idle = variant.endsWith("otlp-idle");
    const env = {
      ...process.env,
      OTEL_TRACES_EXPORTER: idle ? "otlp" : "none",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
      ...(idle
        ? {
            OTEL_EXPORTER_OTLP_ENDPOINT: flags.endpoint,
            OTEL_BSP_MAX_QUEUE_SIZE: "16384",
            OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2048",
            OTEL_BSP_SCHEDULE_DELAY: "1000",
          }
        : {}),
    };
    const { MetricReader } = await import("@opentelemetry/sdk-metrics");
    class PullReader extends MetricReader {
      async onForceFlush() {}
      async onShutdown() {}
    }
    const otel = startObservability({
      env,
      genai: false,
      metricReaders: [new PullReader()],
      spanProcessors: idle ? [] : [bsp()],
    });
    await otel.ready;
    tracer = trace.getTracer("a");
    flush = () => otel.forceFlush();
  }
  void context;
  const make = (n) => {
    for (let i = 0; i < n; i++) tracer.startSpan(name, { attributes }).end();
  };
  const turn = () => new Promise((r) => setImmediate(r));
  for (let i = 0; i < 100; i++) {
    make(1000);
    await turn();
  }
  await flush();
  const total = 400_000;
  const p0 = processMs();
  const t0 = mainThreadMs();
  const w0 = performance.now();
  for (let done = 0; done < total; done += 1000) {
    make(1000);
    await turn();
  }
  await flush();
  return {
    usPerSpanProcess: ((processMs() - p0) * 1000) / total,
    usPerSpanMain: ((mainThreadMs() - t0) * 1000) / total,
    usPerSpanWall: ((performance.now() - w0) * 1000) / total,
  };
}

/** 2048 real ReadableSpans with startObservability's resource, captured by a no-op BSP. */
async function batchOfSpans(size = 2048) {
  const { trace } = await import("@opentelemetry/api");
  const { BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { startObservability } = await import("../dist/esm/index.js");
  const { name, attributes } = await nodeLikeSpans();
  let batch = [];
  const capture = {
    export(spans, done) {
      if (batch.length === 0) batch = spans;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const env = { ...process.env, OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" };
  const otel = startObservability({
    env,
    genai: false,
    spanProcessors: [new BatchSpanProcessor(capture, { maxQueueSize: size, maxExportBatchSize: size })],
  });
  await otel.ready;
  const tracer = trace.getTracer("export-attribution");
  // Parent and child, as in a run: the first span of each 8 is the parent of the next 7.
  for (let i = 0; i < size; i++) tracer.startSpan(name, { attributes }).end();
  await otel.forceFlush();
  if (batch.length !== size) throw new Error(`captured ${batch.length} spans`);
  return batch;
}

/** A ReadableSpan as a plain, cloneable object (what a worker needs to rebuild the OTLP request). */
function toPlain(span, resources, scopes) {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  let r = resources.get(span.resource);
  if (r === undefined) {
    r = resources.size;
    resources.set(span.resource, r);
  }
  let s = scopes.get(span.instrumentationScope);
  if (s === undefined) {
    s = scopes.size;
    scopes.set(span.instrumentationScope, s);
  }
  return {
    r,
    s,
    name: span.name,
    kind: span.kind,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    traceFlags: ctx.traceFlags,
    traceState: ctx.traceState?.serialize(),
    parentSpanId: parent?.spanId,
    parentIsRemote: parent?.isRemote,
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events,
    droppedEventsCount: span.droppedEventsCount,
    links: span.links,
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
  };
}

/** (b) the OTLP transform + encode of one batch, as the exporters call it. */
async function partB() {
  const { ProtobufTraceSerializer, JsonTraceSerializer } = await import("@opentelemetry/otlp-transformer");
  const batch = await batchOfSpans();
  const proto = perItem(batch.length, () => ProtobufTraceSerializer.serializeRequest(batch));
  const json = perItem(batch.length, () => JsonTraceSerializer.serializeRequest(batch));
  return {
    protoBytesPerSpan: ProtobufTraceSerializer.serializeRequest(batch).length / batch.length,
    jsonBytesPerSpan: JsonTraceSerializer.serializeRequest(batch).length / batch.length,
    usProtoEncode: proto.usProcess,
    usProtoEncodeMain: proto.usMain,
    usJsonEncode: json.usProcess,
    usJsonEncodeMain: json.usMain,
  };
}

/** (c) pre-serialized bytes through the exporter's own transport, one request at a time. */
async function partC(protocol, gzip) {
  const { ProtobufTraceSerializer, JsonTraceSerializer } = await import("@opentelemetry/otlp-transformer");
  const batch = await batchOfSpans();
  const url = protocol === "grpc" ? flags.endpoint : `${flags.endpoint}/v1/traces`;
  const config = { url, ...(gzip ? { compression: "gzip" } : {}) };
  const mod =
    protocol === "grpc"
      ? await import("@opentelemetry/exporter-trace-otlp-grpc")
      : protocol === "http/json"
        ? await import("@opentelemetry/exporter-trace-otlp-http")
        : await import("@opentelemetry/exporter-trace-otlp-proto");
  const exporter = new mod.OTLPTraceExporter(config);
  const transport = exporter._delegate._transport;
  const bytes = (protocol === "http/json" ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(batch);
  const send = async () => {
    const response = await transport.send(bytes, 10_000);
    if (response.status !== "success") throw new Error(`send: ${response.status} ${response.error}`);
  };
  for (let i = 0; i < 20; i++) await send();
  const sends = 200;
  const p0 = processMs();
  const t0 = mainThreadMs();
  const w0 = performance.now();
  for (let i = 0; i < sends; i++) await send();
  const spansSent = sends * batch.length;
  const out = {
    usSendProcess: ((processMs() - p0) * 1000) / spansSent,
    usSendMain: ((mainThreadMs() - t0) * 1000) / spansSent,
    usSendWall: ((performance.now() - w0) * 1000) / spansSent,
    bytesPerSpan: bytes.length / batch.length,
    spansSent: spansSent + 20 * batch.length,
  };
  await exporter.shutdown();
  return out;
}

/** (d) the batch to a worker: plain objects, structured clone, postMessage (with a worker). */
async function partD() {
  const { Worker } = await import("node:worker_threads");
  const v8 = await import("node:v8");
  const { ProtobufTraceSerializer } = await import("@opentelemetry/otlp-transformer");
  const batch = await batchOfSpans();
  const plainOf = () => {
    const resources = new Map();
    const scopes = new Map();
    return batch.map((s) => toPlain(s, resources, scopes));
  };
  const plain = plainOf();
  const toPlainCost = perItem(batch.length, plainOf);
  const clone = perItem(batch.length, () => structuredClone(plain));
  const ser = perItem(batch.length, () => v8.serialize(plain));
  const serialized = v8.serialize(plain);
  const deser = perItem(batch.length, () => v8.deserialize(serialized));

  // A worker that takes each message and answers with its count (as an exporter's ack).
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     parentPort.on("message", (m) => parentPort.postMessage(Array.isArray(m) ? m.length : m.byteLength));`,
    { eval: true },
  );
  const roundTrip = (message, transfer) =>
    new Promise((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(message, transfer);
    });
  const post = async (make, n) => {
    for (let i = 0; i < 10; i++) {
      const { msg, transfer } = make();
      await roundTrip(msg, transfer);
    }
    const p0 = processMs();
    const t0 = mainThreadMs();
    for (let i = 0; i < n; i++) {
      const { msg, transfer } = make();
      await roundTrip(msg, transfer);
    }
    const spans = n * batch.length;
    const main = ((mainThreadMs() - t0) * 1000) / spans;
    return { main, other: ((processMs() - p0) * 1000) / spans - main };
  };
  const postPlain = await post(() => ({ msg: plainOf() }), 300);
  const postBytes = await post(() => {
    const bytes = ProtobufTraceSerializer.serializeRequest(batch);
    return { msg: bytes, transfer: [bytes.buffer] };
  }, 300);
  await worker.terminate();
  return {
    usToPlain: toPlainCost.usProcess,
    usStructuredClone: clone.usProcess,
    usV8Serialize: ser.usProcess,
    usV8Deserialize: deser.usProcess,
    cloneBytesPerSpan: serialized.length / batch.length,
    usPostPlainMain: postPlain.main,
    usPostPlainWorkerEtc: postPlain.other,
    usPostProtoBytesMain: postBytes.main,
    usPostProtoBytesWorkerEtc: postBytes.other,
  };
}
