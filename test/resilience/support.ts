/**
 * Explicit, per-test OTel wiring for the resilience and cache unit tests: a MeterProvider
 * with a pull reader and a tracer provider with an in-memory exporter, handed to the
 * wrappers through their `meterProvider` / `tracerProvider` options (the graph test uses
 * the global harness instead, covering the global fallback).
 */
import { type Attributes, context, type Span } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type DataPoint, MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, vi } from "vitest";
import { attributesMatch, CollectingMetricReader } from "../helpers/otel.js";

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Registers an AsyncLocalStorage context manager once per test file (active spans). */
export function ensureContextManager(): void {
  if (contextManager !== undefined) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

export class Telemetry {
  readonly reader = new CollectingMetricReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.exporter)],
  });

  constructor() {
    ensureContextManager();
  }

  /** The options every wrapper takes to report here. */
  get providers() {
    return { meterProvider: this.meterProvider, tracerProvider: this.tracerProvider };
  }

  /** Runs `work` inside an active span named `name`; returns the value and the span. */
  async inSpan<T>(name: string, work: () => Promise<T>): Promise<{ value?: T; error?: unknown; span: ReadableSpan }> {
    const tracer = this.tracerProvider.getTracer("test");
    let id = "";
    const result = await tracer.startActiveSpan(name, async (span: Span) => {
      id = span.spanContext().spanId;
      try {
        return { value: await work() };
      } catch (error) {
        return { error };
      } finally {
        span.end();
      }
    });
    const span = this.exporter.getFinishedSpans().find((s) => s.spanContext().spanId === id);
    if (span === undefined) throw new Error(`span ${name} not exported`);
    return { ...result, span };
  }

  async points(name: string, attributes: Attributes = {}): Promise<DataPoint<unknown>[]> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        return (metric.dataPoints as DataPoint<unknown>[]).filter((p) =>
          attributesMatch(p.attributes, attributes),
        );
      }
    }
    return [];
  }

  /** Sum of matching counter points (0 when none). */
  async sum(name: string, attributes: Attributes = {}): Promise<number> {
    const points = await this.points(name, attributes);
    return points.reduce((total, p) => total + (p.value as number), 0);
  }

  /** The single matching gauge value (undefined when none). */
  async gauge(name: string, attributes: Attributes = {}): Promise<number | undefined> {
    const points = await this.points(name, attributes);
    if (points.length > 1) throw new Error(`${points.length} points for ${name}`);
    return points[0]?.value as number | undefined;
  }

  async shutdown(): Promise<void> {
    await this.meterProvider.shutdown();
    await this.tracerProvider.shutdown();
  }
}

/**
 * A fresh `Telemetry` and fake timers for each test of the file (call at the top level);
 * returns a getter for the current test's `Telemetry`.
 */
export function telemetryPerTest(): () => Telemetry {
  let current: Telemetry | undefined;
  beforeEach(() => {
    current = new Telemetry();
    vi.useFakeTimers();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await current?.shutdown();
  });
  return () => {
    if (current === undefined) throw new Error("telemetryPerTest: no test is running");
    return current;
  };
}

/**
 * Work that takes `ms` (or forever when undefined) whatever its signal says, counting the
 * executions in flight, their peak and how many started.
 */
export function stubbornWork(ms: number | undefined) {
  const stats = { running: 0, peak: 0, started: 0 };
  const fn = async (_input: string, _config?: { signal?: AbortSignal }): Promise<string> => {
    stats.started++;
    stats.running++;
    stats.peak = Math.max(stats.peak, stats.running);
    try {
      await new Promise<void>((resolve) => {
        if (ms !== undefined) setTimeout(resolve, ms);
      });
      return "late";
    } finally {
      stats.running--;
    }
  };
  return { fn, stats };
}

/** Events named `name` on a span. */
export function eventsNamed(span: ReadableSpan, name: string) {
  return span.events.filter((e) => e.name === name);
}

/** Lets pending promise callbacks run (fake timers do not drive microtasks). */
export async function flushMicrotasks(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}


/** mulberry32: a seeded PRNG, so "random" test runs are the same every time. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
