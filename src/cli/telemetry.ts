import type { PriceTable } from "../genai/index.js";
import { type BatchQueueOptions, type ObservabilityHandle, startObservability } from "../setup/index.js";
import {
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_PROMETHEUS_ENDPOINT,
  DEFAULT_PROMETHEUS_HOST,
} from "../stack-defaults.js";
import { SummaryMetricReader } from "./metric-summary.js";
import { type ProbeResult, probeOtlpReceiver } from "./probe.js";
import { SummarySpanProcessor } from "./span-summary.js";

export interface DemoTelemetryOptions {
  /** OTLP/HTTP base URL from --endpoint. */
  endpoint: string | undefined;
  /** --metrics-port */
  metricsPort: number | undefined;
  /** Prices of the sample agent's (scripted) models. */
  prices: PriceTable;
  /** Bounds of the span queue (the collector-stall scenario makes it small). */
  spanQueue?: BatchQueueOptions;
  env?: NodeJS.ProcessEnv;
}

export interface DemoTelemetry {
  readonly enabled: boolean;
  readonly spans: SummarySpanProcessor;
  readonly metrics: SummaryMetricReader;
  /** Where traces would go, and whether a receiver answered there. */
  readonly traces: { url: string; probe: ProbeResult };
  /** The /metrics URL once served, or why it is not. */
  readonly metricsUrl: string | undefined;
  readonly metricsProblem: string | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The OTLP traces URL: --endpoint, else the standard OTEL_* variables, else the local stack. */
export function tracesUrl(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  if (endpoint !== undefined) return `${endpoint}/v1/traces`;
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || `http://127.0.0.1:${DEFAULT_OTLP_HTTP_PORT}`;
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * Starts the SDK exactly as an application would (startObservability: the LangGraph and
 * GenAI instrumentations, /metrics, OTLP when a collector answers), plus a span processor
 * and a metric reader that feed the console summary: it shows what the SDK exports.
 */
export async function startDemoTelemetry(options: DemoTelemetryOptions): Promise<DemoTelemetry> {
  const env = options.env ?? process.env;
  const url = tracesUrl(options.endpoint, env);
  const probe = await probeOtlpReceiver(url);
  const spans = new SummarySpanProcessor();
  const metrics = new SummaryMetricReader();

  const handle: ObservabilityHandle = startObservability({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "langgraph-otel-demo",
    tracesExporter: probe.answered ? "otlp" : "none",
    logsExporter: probe.answered ? "otlp" : "none",
    metricsExporter: "prometheus",
    otlpTracesEndpoint: url,
    // The demo probes and sends to an OTLP/HTTP URL: a gRPC protocol from the environment
    // would point gRPC at the HTTP port.
    otlpProtocol: env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() === "http/json" ? "http/json" : "http/protobuf",
    ...(options.endpoint !== undefined ? { otlpEndpoint: options.endpoint } : {}),
    ...(options.metricsPort !== undefined ? { prometheusPort: options.metricsPort } : {}),
    genai: { prices: options.prices },
    ...(options.spanQueue ? { spanQueue: options.spanQueue } : {}),
    spanProcessors: [spans],
    metricReaders: [metrics],
    env,
  });

  let metricsProblem: string | undefined;
  try {
    await handle.ready;
  } catch (error) {
    metricsProblem = error instanceof Error ? error.message : String(error);
  }
  const address = handle.metricsAddress();
  const host = address?.host ?? DEFAULT_PROMETHEUS_HOST;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const metricsUrl =
    handle.enabled && metricsProblem === undefined && address !== undefined
      ? `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}${DEFAULT_PROMETHEUS_ENDPOINT}`
      : undefined;
  if (!handle.enabled) metricsProblem = "telemetry is disabled (OTEL_SDK_DISABLED)";

  return {
    enabled: handle.enabled,
    spans,
    metrics,
    traces: { url, probe },
    metricsUrl,
    metricsProblem,
    forceFlush: () => handle.forceFlush(),
    shutdown: async () => {
      await handle.shutdown({ timeoutMillis: 5000 });
    },
  };
}
