/**
 * OTEL_EXPORTER_OTLP_PROTOCOL end to end: an instrumented LangGraph run exports traces,
 * metrics and logs to a real receiver over http/protobuf (the spec's default), http/json
 * and grpc, with gzip compression and the headers of OTEL_EXPORTER_OTLP_HEADERS and the
 * per-signal variables. The receiver checks each request's content type and encoding and
 * decodes its body.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startObservability } from "../../src/index.js";
import {
  EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
} from "../../src/semconv.js";
import { type OtlpReceiver, type OtlpSignal, startOtlpReceiver } from "./otlp-receiver.js";

vi.setConfig({ testTimeout: 60_000 });

const CONTENT_TYPES = {
  "http/protobuf": "application/x-protobuf",
  "http/json": "application/json",
  grpc: "application/grpc",
} as const;
type Protocol = keyof typeof CONTENT_TYPES;
const SIGNALS: readonly OtlpSignal[] = ["traces", "metrics", "logs"];

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function graph() {
  const State = Annotation.Root({ n: Annotation<number>() });
  return new StateGraph(State)
    .addNode("inc", (s) => ({ n: s.n + 1 }))
    .addEdge(START, "inc")
    .addEdge("inc", END)
    .compile({ name: "proto_check" });
}

/** Starts with `env`, runs the graph once, shuts down (which flushes all three signals). */
async function runWith(env: Record<string, string>): Promise<number> {
  const handle = startObservability({
    env: {
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_METRIC_EXPORT_INTERVAL: "600000",
      LANGGRAPH_OTEL_LIFECYCLE_LOGS: "true",
      OTEL_SERVICE_NAME: "protocols-test",
      ...env,
    },
    genai: false,
  });
  await handle.ready;
  const result = await graph().invoke({ n: 1 });
  const { timedOut } = await handle.shutdown({ timeoutMillis: 20_000 });
  expect(timedOut).toBe(false);
  return result.n;
}

function expectDecoded(r: OtlpReceiver): void {
  expect(r.errors).toEqual([]);
  const names = r.spans.map((s) => s.name);
  expect(names).toContain(`${SPAN_INVOKE_WORKFLOW} proto_check`);
  expect(names).toContain(`${SPAN_INVOKE_NODE} inc`);
  const run = r.spans.find((s) => s.name === `${SPAN_INVOKE_WORKFLOW} proto_check`);
  const node = r.spans.find((s) => s.name === `${SPAN_INVOKE_NODE} inc`);
  expect(run?.serviceName).toBe("protocols-test");
  expect(run?.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(node?.parentSpanId).toBe(run?.spanId);
  expect(node?.attributes["langgraph.node.name"]).toBe("inc");
  const metricNames = r.metrics.map((m) => m.name);
  expect(metricNames).toContain(METRIC_LANGGRAPH_NODE_DURATION);
  expect(metricNames).toContain(METRIC_GEN_AI_WORKFLOW_DURATION);
  expect(r.metrics[0]?.serviceName).toBe("protocols-test");
  const events = r.logs.filter((l) => l.traceId === run?.traceId).map((l) => l.eventName);
  expect(events.sort()).toEqual([EVENT_LANGGRAPH_WORKFLOW_COMPLETED, EVENT_LANGGRAPH_WORKFLOW_STARTED]);
}

describe.each(Object.keys(CONTENT_TYPES) as Protocol[])("OTEL_EXPORTER_OTLP_PROTOCOL=%s", (protocol) => {
  it("sends traces, metrics and logs in that encoding, gzip-compressed, with the configured headers", async () => {
    const r = await startOtlpReceiver();
    receiver = r;
    const n = await runWith({
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: protocol === "grpc" ? r.grpcUrl : r.url,
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20t0ken,x-team=agents",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-signal=traces,x-team=tracing",
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-signal=metrics",
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: "x-signal=logs",
    });
    expect(n).toBe(2);
    for (const signal of SIGNALS) {
      const requests = r.requests.filter((q) => q.signal === signal);
      expect(requests.length, signal).toBeGreaterThan(0);
      for (const request of requests) {
        expect(request.transport).toBe(protocol === "grpc" ? "grpc" : "http");
        expect(request.contentType).toContain(CONTENT_TYPES[protocol]);
        expect(request.contentEncoding).toBe("gzip");
        expect(request.headers.authorization).toBe("Bearer t0ken");
        expect(request.headers["x-signal"]).toBe(signal);
        // Per-signal headers win over the generic ones, key by key.
        expect(request.headers["x-team"]).toBe(signal === "traces" ? "tracing" : "agents");
      }
    }
    expectDecoded(r);
  });
});

it("per-signal protocols and endpoints: traces over grpc, metrics http/json, logs http/protobuf (default), uncompressed", async () => {
  const r = await startOtlpReceiver();
  receiver = r;
  await runWith({
    OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: r.grpcUrl,
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
  });
  const seen = (signal: OtlpSignal) =>
    [...new Set(r.requests.filter((q) => q.signal === signal).map((q) => `${q.transport} ${q.contentType} ${q.contentEncoding}`))];
  expect(seen("traces")).toEqual(["grpc application/grpc "]);
  expect(seen("metrics")).toEqual(["http application/json "]);
  expect(seen("logs")).toEqual(["http application/x-protobuf "]);
  expectDecoded(r);
});

it("options: otlpProtocol, otlpEndpoint, otlpCompression and otlpHeaders (merged over the variables, the option wins)", async () => {
  const r = await startOtlpReceiver();
  receiver = r;
  const handle = startObservability({
    env: {
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "x-env=1,x-both=env",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:1/never-used",
    },
    otlpProtocol: "grpc",
    otlpEndpoint: r.grpcUrl,
    otlpCompression: "gzip",
    otlpHeaders: { "x-both": "option" },
    metricsExporter: "none",
    logsExporter: "none",
    genai: false,
  });
  await handle.ready;
  await graph().invoke({ n: 1 });
  await handle.shutdown({ timeoutMillis: 20_000 });
  const traces = r.requests.filter((q) => q.signal === "traces");
  expect(traces.length).toBeGreaterThan(0);
  expect(traces[0]).toMatchObject({ transport: "grpc", contentEncoding: "gzip" });
  expect(traces[0]?.headers).toMatchObject({ "x-env": "1", "x-both": "option" });
  expect(r.spans.map((s) => s.name)).toContain(`${SPAN_INVOKE_NODE} inc`);
});
