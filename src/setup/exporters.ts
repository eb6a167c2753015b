import type { MeterProvider } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { logs, metrics, tracing } from "@opentelemetry/sdk-node";
import type { OtlpTarget, ResolvedConfig } from "./config.js";
import { type FailureReporter, guardExporter } from "./failure-reporter.js";

/**
 * Span processors for OTEL_TRACES_EXPORTER: OTLP/HTTP behind a bounded batch queue, or
 * the console exporter (for a look at spans without a collector). Given a meter provider,
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
      new OTLPTraceExporter(otlpConfig(config.traces)),
      "trace export",
      reporter,
    );
    // `selfObsMeterProvider` is experimental in SDK 2.x and missing from BufferConfig's type.
    const queue: tracing.BufferConfig & { selfObsMeterProvider?: MeterProvider } = {
      ...config.spanQueue,
      selfObsMeterProvider,
    };
    return new tracing.BatchSpanProcessor(exporter, queue);
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
      new OTLPLogExporter(otlpConfig(config.logs)),
      "log export",
      reporter,
    );
    return new logs.BatchLogRecordProcessor({ exporter, ...config.logQueue });
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
        : guardMetricExporter(new OTLPMetricExporter(otlpConfig(config.metrics)), reporter);
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

function otlpConfig(target: OtlpTarget) {
  return { url: target.url, headers: target.headers, timeoutMillis: target.timeoutMillis };
}
