import type { MeterProvider } from "@opentelemetry/api";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter as GrpcMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { logs, metrics, tracing } from "@opentelemetry/sdk-node";
import type { ResolvedConfig } from "./config.js";
import type { OtlpProtocol } from "./env-check.js";
import { unrefExportIo, unrefExportTimer } from "./exporter-io.js";
import { type FailureReporter, guardExporter } from "./failure-reporter.js";

/**
 * The OTLP exporter class of each protocol, as NodeSDK picks them. Each is constructed
 * while start runs under the checked environment (config.sdkEnv), so the exporter itself
 * reads endpoint, headers, timeout, compression and TLS files from OTEL_EXPORTER_OTLP_*
 * (the options were written into that environment); the one setting passed in is how many
 * exports may run at once (see concurrencyFor).
 */
type ExporterClass<E> = new (config: { concurrencyLimit: number }) => E;
const TRACE_EXPORTERS: Record<OtlpProtocol, ExporterClass<tracing.SpanExporter>> = {
  "http/protobuf": ProtoTraceExporter,
  "http/json": JsonTraceExporter,
  grpc: GrpcTraceExporter,
};
const LOG_EXPORTERS: Record<OtlpProtocol, ExporterClass<logs.LogRecordExporter>> = {
  "http/protobuf": ProtoLogExporter,
  "http/json": JsonLogExporter,
  grpc: GrpcLogExporter,
};
const METRIC_EXPORTERS: Record<OtlpProtocol, ExporterClass<metrics.PushMetricExporter>> = {
  "http/protobuf": ProtoMetricExporter,
  "http/json": JsonMetricExporter,
  grpc: GrpcMetricExporter,
};

/** The OTLP exporters' own default: exports in flight at once, beyond which one is refused. */
const SDK_CONCURRENCY_LIMIT = 30;

/**
 * Exports a batch processor may have in flight at once: a forceFlush (and shutdown) exports
 * every queued batch together, and the exporter refuses those past its concurrency limit,
 * so a queue of more than 30 batches (OTEL_BSP_MAX_QUEUE_SIZE 16384 with batches of 512)
 * lost the spans of the rest. The queue bounds the spans in flight all the same. (Two
 * flushes overlapping with the queue refilled in between could still exceed it.)
 */
export function concurrencyFor(queue: { maxQueueSize: number; maxExportBatchSize: number }): number {
  return Math.max(SDK_CONCURRENCY_LIMIT, Math.ceil(queue.maxQueueSize / queue.maxExportBatchSize) + 1);
}

/**
 * Span processors for OTEL_TRACES_EXPORTER: OTLP (http/protobuf, http/json or grpc)
 * behind a bounded batch queue, or the console exporter (for a look at spans without a
 * collector). Given a meter provider,
 * the batch queue reports itself through the SDK's own metrics: its size and capacity,
 * and spans processed, with `error.type="queue_full"` for spans dropped.
 */
export function createSpanProcessors(
  config: ResolvedConfig,
  reporter: FailureReporter,
  selfObsMeterProvider: MeterProvider | undefined,
): tracing.SpanProcessor[] {
  return config.tracesExporters.map((name) => {
    if (name === "console") return new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter());
    const exporter = guardExporter<tracing.ReadableSpan[]>(
      withUnrefIo(new TRACE_EXPORTERS[config.protocols.TRACES]({ concurrencyLimit: concurrencyFor(config.spanQueue) })),
      "trace export",
      reporter,
    );
    // `selfObsMeterProvider` is experimental in SDK 2.x and missing from BufferConfig's type.
    const queue: tracing.BufferConfig & { selfObsMeterProvider?: MeterProvider } = {
      ...config.spanQueue,
      selfObsMeterProvider,
    };
    const processor = new tracing.BatchSpanProcessor(exporter, queue);
    unrefExportTimer(processor, "_flushOneBatch");
    return processor;
  });
}

/** Log record processors for OTEL_LOGS_EXPORTER. */
export function createLogRecordProcessors(
  config: ResolvedConfig,
  reporter: FailureReporter,
): logs.LogRecordProcessor[] {
  return config.logsExporters.map((name) => {
    if (name === "console") {
      return new logs.SimpleLogRecordProcessor({ exporter: new logs.ConsoleLogRecordExporter() });
    }
    const exporter = guardExporter<logs.ReadableLogRecord[]>(
      withUnrefIo(new LOG_EXPORTERS[config.protocols.LOGS]({ concurrencyLimit: concurrencyFor(config.logQueue) })),
      "log export",
      reporter,
    );
    const processor = new logs.BatchLogRecordProcessor({ exporter, ...config.logQueue });
    unrefExportTimer(processor, "_exportWithTimeout");
    return processor;
  });
}

/** Push-based metric readers for OTEL_METRICS_EXPORTER otlp and console (prometheus is pulled). */
export function createPushMetricReaders(
  config: ResolvedConfig,
  reporter: FailureReporter,
): metrics.IMetricReader[] {
  const readers: metrics.IMetricReader[] = [];
  for (const name of config.metricsExporters) {
    if (name === "prometheus") continue;
    const exporter =
      name === "console"
        ? new metrics.ConsoleMetricExporter()
        : guardMetricExporter(
            withUnrefIo(new METRIC_EXPORTERS[config.protocols.METRICS]({ concurrencyLimit: SDK_CONCURRENCY_LIMIT })),
            reporter,
          );
    readers.push(
      new metrics.PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.metricExportIntervalMillis,
        exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMillis),
      }),
    );
  }
  return readers;
}

function guardMetricExporter(
  inner: metrics.PushMetricExporter,
  reporter: FailureReporter,
): metrics.PushMetricExporter {
  const guarded = guardExporter<metrics.ResourceMetrics>(inner, "metric export", reporter);
  return {
    ...guarded,
    selectAggregationTemporality: inner.selectAggregationTemporality?.bind(inner),
    selectAggregation: inner.selectAggregation?.bind(inner),
  };
}

/** gRPC exporters have no such transport (grpc-js keeps its own timers): left as they are. */
function withUnrefIo<E extends object>(exporter: E): E {
  unrefExportIo(exporter);
  return exporter;
}
