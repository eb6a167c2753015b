/**
 * The stack's own processes for the end-to-end suites, each started from the committed
 * config file with only its ports and peer URLs substituted (and the `${env:...}` knobs the
 * config itself offers). A substitution that no longer matches fails loudly, so the tests
 * follow the committed configs instead of silently running something else.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningProcess, startProcess } from "../alerting/support.js";
import { freePort } from "../helpers/waiting.js";
import { requireStackBinary } from "./binaries.js";
import { readText } from "./support.js";

/** Content attributes the SDK sets when capture is on; the Collector must drop them all. */
export const CONTENT_ATTRIBUTES = [
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "langgraph.state.input",
  "langgraph.state.output",
];

/** `text` with each pattern replaced; throws when a pattern matches nothing. */
export function substituted(file: string, text: string, replacements: Array<[string | RegExp, string]>): string {
  let out = text;
  for (const [pattern, value] of replacements) {
    const matches = typeof pattern === "string" ? out.includes(pattern) : pattern.test(out);
    if (!matches) throw new Error(`${file} no longer contains ${String(pattern)}: update the test`);
    out = typeof pattern === "string" ? out.replaceAll(pattern, value) : out.replace(pattern, value);
  }
  return out;
}

export interface Collector {
  process: RunningProcess;
  /** OTLP/HTTP base URL (POST `${otlpHttp}/v1/traces`). */
  otlpHttp: string;
  health: string;
  /** The Collector's own metrics (/metrics). */
  ownMetrics: string;
  /** host:port of the span metrics endpoint (the prometheus exporter). */
  spanMetricsTarget: string;
  ownMetricsTarget: string;
}

export interface CollectorOptions {
  dir: string;
  /** host:port where Jaeger receives OTLP/gRPC. */
  jaegerOtlp: string;
  /** The config's own `${env:...}` settings (TAIL_SAMPLING_PERCENT, ...). */
  env?: Record<string, string>;
  name?: string;
}

/** Our Collector distribution on collector/otel-collector.yaml. */
export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const [grpc, http, health, spanMetrics, own] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const file = "collector/otel-collector.yaml";
  const config = substituted(file, readText(file), [
    ["0.0.0.0:4317", `127.0.0.1:${grpc}`],
    ["0.0.0.0:4318", `127.0.0.1:${http}`],
    ["0.0.0.0:13133", `127.0.0.1:${health}`],
    ["0.0.0.0:8889", `127.0.0.1:${spanMetrics}`],
    ["endpoint: jaeger:4317", `endpoint: ${options.jaegerOtlp}`],
    [/host: 0\.0\.0\.0\n(\s+)port: 8888/, `host: 127.0.0.1\n$1port: ${own}`],
  ]);
  const path = join(options.dir, `${options.name ?? "otelcol"}.yaml`);
  writeFileSync(path, config);
  const process_ = await startProcess(
    requireStackBinary("otelcol-langgraph"),
    [`--config=${path}`],
    `http://127.0.0.1:${health}/`,
    30_000,
    { ...process.env, ...options.env },
  );
  return {
    process: process_,
    otlpHttp: `http://127.0.0.1:${http}`,
    health: `http://127.0.0.1:${health}/`,
    ownMetrics: `http://127.0.0.1:${own}/metrics`,
    spanMetricsTarget: `127.0.0.1:${spanMetrics}`,
    ownMetricsTarget: `127.0.0.1:${own}`,
  };
}

export interface Jaeger {
  process: RunningProcess;
  /** Query API and UI base URL (`${query}/api/traces`). */
  query: string;
  /** host:port of its OTLP/gRPC receiver. */
  otlpGrpc: string;
  ownMetricsTarget: string;
}

/** Jaeger v2 on jaeger/config.yaml; its Monitor tab reads span metrics from `prometheusUrl`. */
export async function startJaeger(dir: string, prometheusUrl: string): Promise<Jaeger> {
  const [otlp, query, grpcQuery, health, own] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const file = "jaeger/config.yaml";
  const config = substituted(file, readText(file), [
    ["0.0.0.0:4317", `127.0.0.1:${otlp}`],
    ["0.0.0.0:16686", `127.0.0.1:${query}`],
    ["0.0.0.0:16685", `127.0.0.1:${grpcQuery}`],
    ["0.0.0.0:13133", `127.0.0.1:${health}`],
    ["http://prometheus:9090", prometheusUrl],
    ["/etc/jaeger/ui-config.json", join(__dirname, "..", "..", "jaeger", "ui-config.json")],
    [/host: 0\.0\.0\.0\n(\s+)port: 8888/, `host: 127.0.0.1\n$1port: ${own}`],
  ]);
  const path = join(dir, "jaeger.yaml");
  writeFileSync(path, config);
  const process_ = await startProcess(
    requireStackBinary("jaeger"),
    [`--config=${path}`],
    `http://127.0.0.1:${health}/status`,
    60_000,
  );
  return {
    process: process_,
    query: `http://127.0.0.1:${query}`,
    otlpGrpc: `127.0.0.1:${otlp}`,
    ownMetricsTarget: `127.0.0.1:${own}`,
  };
}

/** A span as Jaeger's /api/traces returns it. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
  duration: number;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
}

/** Up to `limit` traces of `service` from the last hour (Jaeger's query API). */
export async function jaegerTraces(query: string, service: string, limit = 2000): Promise<JaegerTrace[]> {
  const url = `${query}/api/traces?service=${encodeURIComponent(service)}&limit=${limit}&lookback=1h`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { data: JaegerTrace[] | null };
  return body.data ?? [];
}

export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}
