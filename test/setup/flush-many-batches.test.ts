/**
 * A queue that holds more batches than the OTLP exporter lets run at once (its
 * `concurrencyLimit`, 30 by default): forceFlush exports every queued batch together, so
 * with OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BSP_MAX_EXPORT_BATCH_SIZE above 30 the exporter used
 * to refuse the batches past its limit and their spans were lost. Found by the export
 * throughput benchmark with a 16384-span queue and 512-span batches.
 */
import { trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startObservability } from "../../src/index.js";
import { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.js";

vi.setConfig({ testTimeout: 120_000 });

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("forceFlush of a queue holding more batches than the exporter's concurrency limit", () => {
  it.each(["http/protobuf", "grpc"] as const)("%s: every span arrives", async (protocol) => {
    receiver = await startOtlpReceiver();
    const QUEUE = 8192;
    const BATCH = 128; // 64 batches: more than twice the exporter's default limit of 30
    const handle = startObservability({
      env: {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: protocol === "grpc" ? receiver.grpcUrl : receiver.url,
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
        OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUE),
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(BATCH),
        // Nothing leaves before the flush: the whole queue is flushed at once.
        OTEL_BSP_SCHEDULE_DELAY: "600000",
      },
      genai: false,
    });
    try {
      await handle.ready;
      const tracer = trace.getTracer("flush-many-batches");
      for (let i = 0; i < QUEUE; i++) tracer.startSpan(`span ${i}`).end();
      await handle.forceFlush();
      const received = () => receiver?.spans.length ?? 0;
      await vi.waitFor(() => expect(received()).toBe(QUEUE), { timeout: 30_000, interval: 100 });
      expect(new Set(receiver.spans.map((s) => s.name)).size).toBe(QUEUE);
    } finally {
      await handle.shutdown();
    }
  });
});
