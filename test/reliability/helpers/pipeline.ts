/**
 * A trace pipeline pointed at a (faulty) collector, the way langgraph-otel's setup wires
 * it: OTLP/HTTP exporter behind the setup's failure guard and a bounded batch queue, the
 * LangGraph instrumentation enabled, the SDK's own processor metrics (queue size, spans
 * dropped because the queue was full) collected on demand, and OTel's diag log captured.
 */
import { context, type DiagLogger, DiagLogLevel, diag, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type BufferConfig,
} from "@opentelemetry/sdk-trace-base";
import { LangGraphInstrumentation, startObservability } from "../../../src/index.js";
import { settleWithin } from "../../../src/setup/deadline.js";
import { FailureReporter, guardExporter } from "../../../src/setup/failure-reporter.js";
import { CollectingMetricReader } from "../../helpers/otel.js";

/** OTel's own processor metrics (semantic conventions for SDK self-observability). */
const METRIC_QUEUE_SIZE = "otel.sdk.processor.span.queue.size";
const METRIC_PROCESSED = "otel.sdk.processor.span.processed";

export interface PipelineOptions {
  tracesUrl: string;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  otlpTimeoutMillis: number;
  shutdownTimeoutMillis: number;
}

export interface Pipeline {
  /** Every diag line at warn level or above, in order. */
  readonly diagLines: string[];
  /** Flushes within the deadline, never throws. */
  shutdown(): Promise<void>;
}

/** A pipeline whose batch processor reports its queue through the SDK's own metrics. */
export interface ObservedPipeline extends Pipeline {
  /** Largest queue length seen by `sampleQueue()` so far. */
  readonly maxQueueSeen: number;
  /** Reads the queue length now (through the SDK's queue-size metric). */
  sampleQueue(): Promise<number>;
  /** Spans the batch processor dropped because its queue was full. */
  droppedSpans(): Promise<number>;
}

function captureDiag(lines: string[]): DiagLogger {
  const push = (level: string) => (message: string, ...args: unknown[]) => {
    lines.push(`${level} ${[message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(" ")}`);
  };
  return {
    error: push("error"),
    warn: push("warn"),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
}

/**
 * The setup's pieces (failure guard, reporter, deadline) assembled by hand, with the
 * batch processor's self-observability metrics on, so the queue can be watched.
 */
export async function startObservedPipeline(options: PipelineOptions): Promise<ObservedPipeline> {
  const diagLines: string[] = [];
  diag.setLogger(captureDiag(diagLines), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const reporter = new FailureReporter();
  reporter.installGlobalHandler();

  const reader = new CollectingMetricReader();
  const selfObs = new MeterProvider({ readers: [reader] });
  const exporter = guardExporter(
    new OTLPTraceExporter({ url: options.tracesUrl, timeoutMillis: options.otlpTimeoutMillis }),
    "trace export",
    reporter,
  );
  // The batch processor forwards `selfObsMeterProvider` (experimental in SDK 2.x) to its
  // base class; the shim's config type does not list it yet.
  const config: BufferConfig & { selfObsMeterProvider: MeterProvider } = {
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: options.maxExportBatchSize,
    scheduledDelayMillis: options.scheduledDelayMillis,
    exportTimeoutMillis: options.exportTimeoutMillis,
    selfObsMeterProvider: selfObs,
  };
  const processor = new BatchSpanProcessor(exporter, config);
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.disable();
  trace.disable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);

  const instrumentation = new LangGraphInstrumentation({ enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.enable();
  await instrumentation.ready;

  let maxQueueSeen = 0;
  const metricSum = async (name: string, errorType?: string): Promise<number> => {
    const { resourceMetrics } = await reader.collect();
    let total = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints) {
          if (errorType !== undefined && point.attributes["error.type"] !== errorType) continue;
          total += typeof point.value === "number" ? point.value : 0;
        }
      }
    }
    return total;
  };

  return {
    get maxQueueSeen() {
      return maxQueueSeen;
    },
    diagLines,
    async sampleQueue() {
      const size = await metricSum(METRIC_QUEUE_SIZE);
      maxQueueSeen = Math.max(maxQueueSeen, size);
      return size;
    },
    droppedSpans: () => metricSum(METRIC_PROCESSED, "queue_full"),
    async shutdown() {
      instrumentation.disable();
      await settleWithin(tracerProvider.shutdown(), options.shutdownTimeoutMillis);
      await selfObs.shutdown();
      contextManager.disable();
      context.disable();
      trace.disable();
      metrics.disable();
      diag.disable();
    },
  };
}

/**
 * The real `startObservability`, traces to the collector, no metrics server, no logs
 * export. Its diag output (stderr, `[otel warn] …`) is captured line by line.
 */
export async function startSetupPipeline(options: PipelineOptions): Promise<Pipeline> {
  const diagLines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    for (const line of text.split("\n")) {
      const match = /^\[otel (warn|error)\] (.*)$/.exec(line);
      if (match !== null) diagLines.push(`${match[1]} ${match[2]}`);
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  const restore = () => {
    process.stderr.write = write;
  };
  try {
    const handle = startObservability({
      serviceName: "reliability-test",
      tracesExporter: "otlp",
      metricsExporter: "none",
      logsExporter: "none",
      otlpTracesEndpoint: options.tracesUrl,
      otlpTimeoutMillis: options.otlpTimeoutMillis,
      spanQueue: {
        maxQueueSize: options.maxQueueSize,
        maxExportBatchSize: options.maxExportBatchSize,
        scheduledDelayMillis: options.scheduledDelayMillis,
        exportTimeoutMillis: options.exportTimeoutMillis,
      },
      shutdownTimeoutMillis: options.shutdownTimeoutMillis,
      logLevel: "warn",
      env: {},
    });
    await handle.ready;
    return {
      diagLines,
      async shutdown() {
        try {
          await handle.shutdown();
        } finally {
          restore();
        }
      },
    };
  } catch (error) {
    restore();
    throw error;
  }
}
