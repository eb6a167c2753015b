import type { Attributes } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { ResourceDetector } from "@opentelemetry/resources";
import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { metrics, tracing } from "@opentelemetry/sdk-node";
import type { GenAIInstrumentationConfig } from "../genai/index.js";
import type { LangGraphInstrumentationConfig } from "../instrumentation/index.js";
import type { Env } from "./env-parse.js";

export type DiagLevelName = "none" | "error" | "warn" | "info" | "debug" | "verbose" | "all";
export type TraceExporterName = "otlp" | "console" | "none";
export type MetricExporterName = "prometheus" | "otlp" | "console" | "none";
export type LogExporterName = "otlp" | "console" | "none";
export type OtlpProtocolName = "http/protobuf" | "http/json" | "grpc";
export type SamplerName =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

/** Bounds of a batch processor's in-memory queue: telemetry never grows without limit. */
export interface BatchQueueOptions {
  /** Items held before new ones are dropped. */
  maxQueueSize?: number;
  /** Items per export request (at most maxQueueSize). */
  maxExportBatchSize?: number;
  /** Delay between two scheduled exports, ms. */
  scheduledDelayMillis?: number;
  /** How long one export may take, ms. */
  exportTimeoutMillis?: number;
}

/**
 * Options of `startObservability`. Every option overrides its environment variable, which
 * overrides the default; docs/configuration.md lists them all.
 */
export interface ObservabilityOptions {
  /** Start nothing: no patching, no exporters, no server. Env OTEL_SDK_DISABLED. */
  disabled?: boolean;
  /** `service.name`. Env OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
  /** `service.version`. Env: OTEL_RESOURCE_ATTRIBUTES. */
  serviceVersion?: string;
  /** `deployment.environment.name`. Env: OTEL_RESOURCE_ATTRIBUTES. */
  deploymentEnvironment?: string;
  /** More resource attributes; merged over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Attributes;
  /** Resource detectors. Default: process and host detectors. */
  resourceDetectors?: ResourceDetector[];

  /** Env OTEL_TRACES_EXPORTER (otlp, console, none). Default otlp. */
  tracesExporter?: TraceExporterName | TraceExporterName[];
  /** Env OTEL_METRICS_EXPORTER (prometheus, otlp, console, none). Default prometheus. */
  metricsExporter?: MetricExporterName | MetricExporterName[];
  /** Env OTEL_LOGS_EXPORTER (otlp, console, none). Default otlp. */
  logsExporter?: LogExporterName | LogExporterName[];

  /**
   * OTLP transport for traces, metrics and logs. Env OTEL_EXPORTER_OTLP_PROTOCOL (and
   * per signal). Default http/protobuf.
   */
  otlpProtocol?: OtlpProtocolName;
  /**
   * Base OTLP URL; over HTTP `/v1/traces` etc. are appended, over gRPC it is used as is.
   * Env OTEL_EXPORTER_OTLP_ENDPOINT. Default http://localhost:4318 (gRPC: localhost:4317).
   */
  otlpEndpoint?: string;
  /** Full traces URL. Env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  otlpTracesEndpoint?: string;
  /** Full logs URL. Env OTEL_EXPORTER_OTLP_LOGS_ENDPOINT. */
  otlpLogsEndpoint?: string;
  /** Full metrics URL (metrics exporter otlp). Env OTEL_EXPORTER_OTLP_METRICS_ENDPOINT. */
  otlpMetricsEndpoint?: string;
  /**
   * Headers (gRPC: metadata) on every OTLP request, merged over OTEL_EXPORTER_OTLP_HEADERS
   * and the per-signal variables (the option wins per key).
   */
  otlpHeaders?: Record<string, string>;
  /** Timeout of one OTLP request incl. retries, ms. Env OTEL_EXPORTER_OTLP_TIMEOUT. */
  otlpTimeoutMillis?: number;
  /** Compression of OTLP requests. Env OTEL_EXPORTER_OTLP_COMPRESSION. Default none. */
  otlpCompression?: "gzip" | "none";

  /** A sampler or its name. Env OTEL_TRACES_SAMPLER. Default parentbased_always_on. */
  sampler?: tracing.Sampler | SamplerName;
  /** Ratio for the traceidratio samplers. Env OTEL_TRACES_SAMPLER_ARG. Default 1. */
  samplerArg?: number;

  /** Host the /metrics server binds. Env OTEL_EXPORTER_PROMETHEUS_HOST. Default 127.0.0.1. */
  prometheusHost?: string;
  /** Port of the /metrics server. Env OTEL_EXPORTER_PROMETHEUS_PORT. Default 9464. */
  prometheusPort?: number;
  /** Path of the metrics endpoint. Default /metrics. */
  prometheusEndpoint?: string;
  /** Interval of the otlp/console metric exporters, ms. Env OTEL_METRIC_EXPORT_INTERVAL. */
  metricExportIntervalMillis?: number;

  /** Span queue bounds. Env OTEL_BSP_*. */
  spanQueue?: BatchQueueOptions;
  /** Log record queue bounds. Env OTEL_BLRP_*. */
  logQueue?: BatchQueueOptions;

  /** Level of OTel's internal log (stderr). Env OTEL_LOG_LEVEL. Default warn. */
  logLevel?: DiagLevelName;
  /** Deadline of shutdown(), ms. Env LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT. Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Emit workflow/node lifecycle log records. Env LANGGRAPH_OTEL_LIFECYCLE_LOGS. Default false. */
  lifecycleLogs?: boolean;

  /** Config of the LangGraph instrumentation. */
  instrumentation?: LangGraphInstrumentationConfig;
  /**
   * Config of the GenAI instrumentation (model/tool spans, tokens, cost, content capture),
   * or `false` to leave it out: graph and node spans only, at a fraction of the overhead
   * (README, "Overhead").
   */
  genai?: GenAIInstrumentationConfig | false;
  /** Further instrumentations to register with the SDK. */
  instrumentations?: Instrumentation[];
  /** Extra span processors, added after the configured exporters. */
  spanProcessors?: tracing.SpanProcessor[];
  /** Extra log record processors, added after the configured exporters. */
  logRecordProcessors?: LogRecordProcessor[];
  /** Extra metric readers, added after the configured exporters. */
  metricReaders?: metrics.IMetricReader[];
  /**
   * The environment to read. Default process.env. Given, it also replaces the OTEL_* and
   * LANGGRAPH_OTEL_* variables of process.env for the SDK's own parsing while start runs.
   */
  env?: Env;
}
