/**
 * The real `startObservability` pointed at a (faulty) collector: OTLP/HTTP traces behind
 * the setup's failure guard and bounded batch queue, the queue's own SDK metrics (its
 * size, spans dropped because it was full) read on demand through a metric reader given
 * to the setup, and OTel's diag output captured.
 */
import { startObservability } from "../../../src/index.js";
import {
  ATTR_ERROR_TYPE,
  ERROR_TYPE_QUEUE_FULL,
  METRIC_OTEL_SDK_SPAN_PROCESSED,
  METRIC_OTEL_SDK_SPAN_QUEUE_SIZE,
} from "../../../src/semconv.js";
import { CollectingMetricReader, collectCounterValue, collectPoints } from "../../helpers/otel.js";


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
  /** Largest queue length seen by `sampleQueue()` so far. */
  readonly maxQueueSeen: number;
  /** Reads the queue length now (through the SDK's queue-size metric). */
  sampleQueue(): Promise<number>;
  /** Spans the batch processor dropped because its queue was full. */
  droppedSpans(): Promise<number>;
  /** Spans the batch processor finished with, by `error.type` ("" for exported). */
  processedSpans(): Promise<Record<string, number>>;
}

/**
 * The real `startObservability`, traces to the collector, metrics only to the test's
 * reader, no logs export. Its diag output (stderr, `[otel warn] …`) is captured line by line.
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
  const reader = new CollectingMetricReader();
  let maxQueueSeen = 0;
  try {
    const handle = startObservability({
      serviceName: "reliability-test",
      tracesExporter: "otlp",
      metricsExporter: "none",
      metricReaders: [reader],
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
      get maxQueueSeen() {
        return maxQueueSeen;
      },
      async sampleQueue() {
        const size = await collectCounterValue(reader, METRIC_OTEL_SDK_SPAN_QUEUE_SIZE);
        maxQueueSeen = Math.max(maxQueueSeen, size);
        return size;
      },
      droppedSpans: () => collectCounterValue(reader, METRIC_OTEL_SDK_SPAN_PROCESSED, {
          [ATTR_ERROR_TYPE]: ERROR_TYPE_QUEUE_FULL,
        }),
      async processedSpans() {
        const points = await collectPoints(reader, METRIC_OTEL_SDK_SPAN_PROCESSED);
        const byType: Record<string, number> = {};
        for (const point of points) {
          const type = String(point.attributes[ATTR_ERROR_TYPE] ?? "");
          byType[type] = (byType[type] ?? 0) + (typeof point.value === "number" ? point.value : 0);
        }
        return byType;
      },
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
