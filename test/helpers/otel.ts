/**
 * A real OpenTelemetry SDK wired in memory for tests: a `BasicTracerProvider` with a
 * `SimpleSpanProcessor` + `InMemorySpanExporter`, a `MeterProvider` with a pull reader
 * (`collect()` on demand), and the `AsyncLocalStorageContextManager`, all registered as
 * the process globals so spans that user code opens through `trace.getTracer()` land in
 * the same exporter as the instrumentation's.
 *
 * Usage (one harness per test file or `describe`):
 *
 * ```ts
 * const otel = useOtel({ config: { emitStartNode: true } });   // registers vitest hooks
 * it("…", async () => {
 *   await graph.invoke(input);
 *   const run = otel.span("invoke_workflow my-graph");
 *   expect(otel.childrenOf(run).map((s) => s.name)).toEqual([...]);
 *   const points = await otel.metricPoints(METRIC_LANGGRAPH_NODE_DURATION, { … });
 * });
 * ```
 *
 * `useOtel` starts the harness in `beforeAll`, clears spans and metrics in `beforeEach`
 * and stops it (disables every instrumentation, unregisters the globals) in `afterAll`.
 * Use `OtelHarness.start()` / `stop()` directly for manual control. Other instrumentations
 * (for example the GenAI callback handler's) can ride along through `instrumentations`.
 */
import {
  type Attributes,
  type AttributeValue,
  context,
  metrics,
  type SpanContext,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import {
  type DataPoint,
  type Histogram,
  type MetricData,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { LangGraphInstrumentation } from "../../src/index.js";
import type { LangGraphInstrumentationConfig } from "../../src/instrumentation/types.js";
import { SPAN_INVOKE_NODE, SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";

/** A pull reader: the test calls `collect()` when it wants the current metric values. */
export class CollectingMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface OtelHarnessOptions {
  /** Config for the `LangGraphInstrumentation` the harness creates (enabled: false is forced
   * at construction; the harness enables it after wiring the providers). */
  config?: LangGraphInstrumentationConfig;
  /** Extra instrumentations, wired to the same providers, enabled after the LangGraph one. */
  instrumentations?: Instrumentation[];
  /** Skip `enable()` (lifecycle tests that want to enable by hand). Default false. */
  manualEnable?: boolean;
  /** The tracer provider's sampler (tests of what samplers see). Default: always on. */
  sampler?: Sampler;
}

/** Name matcher: an exact span name or a pattern. */
export type NameMatcher = string | RegExp;

function matches(name: string, matcher: NameMatcher): boolean {
  return typeof matcher === "string" ? name === matcher : matcher.test(name);
}

/** The `invoke_workflow {graph}` span name of a graph. */
export function workflowSpanName(graph: string): string {
  return `${SPAN_INVOKE_WORKFLOW} ${graph}`;
}

/** The `invoke_node {node}` span name of a node. */
export function nodeSpanName(node: string): string {
  return `${SPAN_INVOKE_NODE} ${node}`;
}

/** Whether a point's attributes contain every given key with the same value. */
export function attributesMatch(actual: Attributes, wanted: Attributes): boolean {
  return Object.entries(wanted).every(([key, value]) => sameValue(actual[key], value));
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => item === b[i]);
  }
  return a === b;
}

export class OtelHarness {
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider: BasicTracerProvider;
  readonly contextManager = new AsyncLocalStorageContextManager();
  readonly instrumentation: LangGraphInstrumentation;
  readonly instrumentations: Instrumentation[];
  meterProvider: MeterProvider;
  reader: CollectingMetricReader;

  private constructor(options: OtelHarnessOptions) {
    this.tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(this.exporter)],
      ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
    });
    this.reader = new CollectingMetricReader();
    this.meterProvider = new MeterProvider({ readers: [this.reader] });
    this.instrumentation = new LangGraphInstrumentation({
      ...options.config,
      enabled: false,
    });
    this.instrumentations = [this.instrumentation, ...(options.instrumentations ?? [])];
  }

  /** Registers the globals, wires every instrumentation, enables and awaits readiness. */
  static async start(options: OtelHarnessOptions = {}): Promise<OtelHarness> {
    const harness = new OtelHarness(options);
    // Replace whatever an earlier harness in this process registered.
    context.disable();
    trace.disable();
    metrics.disable();
    harness.contextManager.enable();
    context.setGlobalContextManager(harness.contextManager);
    trace.setGlobalTracerProvider(harness.tracerProvider);
    metrics.setGlobalMeterProvider(harness.meterProvider);
    for (const inst of harness.instrumentations) {
      inst.setTracerProvider(harness.tracerProvider);
      inst.setMeterProvider(harness.meterProvider);
    }
    if (options.manualEnable !== true) await harness.enable();
    return harness;
  }

  /** Enables every instrumentation and waits until the ESM copy is patched too. */
  async enable(): Promise<void> {
    for (const inst of this.instrumentations) inst.enable();
    await this.ready();
  }

  /** Awaits `ready` on every instrumentation that has one. */
  async ready(): Promise<void> {
    for (const inst of this.instrumentations) {
      const ready = (inst as { ready?: unknown }).ready;
      if (ready instanceof Promise) await ready;
    }
  }

  /** Disables the instrumentations, shuts the providers down, unregisters the globals. */
  async stop(): Promise<void> {
    for (const inst of [...this.instrumentations].reverse()) inst.disable();
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
    this.contextManager.disable();
    context.disable();
    trace.disable();
    metrics.disable();
  }

  /**
   * Forgets finished spans and recorded metrics. Metrics restart on a fresh MeterProvider
   * handed to every instrumentation through `setMeterProvider` (cumulative points from
   * earlier tests would otherwise leak into the next one).
   */
  async reset(): Promise<void> {
    this.exporter.reset();
    const old = this.meterProvider;
    this.reader = new CollectingMetricReader();
    this.meterProvider = new MeterProvider({ readers: [this.reader] });
    for (const inst of this.instrumentations) inst.setMeterProvider(this.meterProvider);
    metrics.disable();
    metrics.setGlobalMeterProvider(this.meterProvider);
    await old.shutdown();
  }

  // ----------------------------------------------------------------------- spans

  /** Every finished span, in the order they ended. */
  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** Finished spans whose name equals / matches `name`, in start order. */
  spansNamed(name: NameMatcher): ReadableSpan[] {
    return sortByStart(this.spans().filter((s) => matches(s.name, name)));
  }

  /** The one finished span with that name; throws (listing names) when there are 0 or 2+. */
  span(name: NameMatcher): ReadableSpan {
    const found = this.spansNamed(name);
    if (found.length !== 1) {
      throw new Error(
        `expected exactly one span ${String(name)}, found ${found.length}; spans:\n${this.tree()}`,
      );
    }
    return found[0]!;
  }

  /** `invoke_workflow …` spans (optionally of one graph), in start order. */
  workflowSpans(graph?: string): ReadableSpan[] {
    return this.spansNamed(
      graph === undefined ? new RegExp(`^${SPAN_INVOKE_WORKFLOW} `) : workflowSpanName(graph),
    );
  }

  /** `invoke_node …` spans (optionally of one node), in start order. */
  nodeSpans(node?: string): ReadableSpan[] {
    return this.spansNamed(
      node === undefined ? new RegExp(`^${SPAN_INVOKE_NODE} `) : nodeSpanName(node),
    );
  }

  /** Direct children of a span, in start order. */
  childrenOf(parent: ReadableSpan): ReadableSpan[] {
    const { spanId, traceId } = parent.spanContext();
    return sortByStart(
      this.spans().filter(
        (s) => s.parentSpanContext?.spanId === spanId && s.spanContext().traceId === traceId,
      ),
    );
  }

  /** The finished parent of a span, if it was exported. */
  parentOf(child: ReadableSpan): ReadableSpan | undefined {
    const parent: SpanContext | undefined = child.parentSpanContext;
    if (parent === undefined) return undefined;
    return this.spans().find(
      (s) =>
        s.spanContext().spanId === parent.spanId && s.spanContext().traceId === parent.traceId,
    );
  }

  /** Whether `ancestor` is on the parent chain of `span`. */
  isDescendant(span: ReadableSpan, ancestor: ReadableSpan): boolean {
    for (let p = this.parentOf(span); p !== undefined; p = this.parentOf(p)) {
      if (p === ancestor) return true;
    }
    return false;
  }

  /** Root spans (no parent) in start order. */
  roots(): ReadableSpan[] {
    return sortByStart(this.spans().filter((s) => s.parentSpanContext === undefined));
  }

  /** An indented tree of every finished span, for failure messages and debugging. */
  tree(): string {
    const lines: string[] = [];
    const walk = (span: ReadableSpan, depth: number): void => {
      const outcome = span.attributes["langgraph.outcome"];
      lines.push(`${"  ".repeat(depth)}${span.name}${outcome === undefined ? "" : ` [${outcome}]`}`);
      for (const child of this.childrenOf(span)) walk(child, depth + 1);
    };
    const ids = new Set(this.spans().map((s) => s.spanContext().spanId));
    const tops = sortByStart(
      this.spans().filter(
        (s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId),
      ),
    );
    for (const top of tops) walk(top, 0);
    return lines.join("\n");
  }

  // ---------------------------------------------------------------------- metrics

  /** Collects now and returns the metric with that name (undefined if not recorded). */
  metric(name: string): Promise<MetricData | undefined> {
    return collectMetric(this.reader, name);
  }

  /** Data points of a metric whose attributes include `attributes` (all points if omitted). */
  metricPoints(name: string, attributes: Attributes = {}): Promise<DataPoint<unknown>[]> {
    return collectPoints(this.reader, name, attributes);
  }

  /** Sum over matching points of a counter / up-down counter (0 when none). */
  counterValue(name: string, attributes: Attributes = {}): Promise<number> {
    return collectCounterValue(this.reader, name, attributes);
  }

  /** Matching histogram points with their `Histogram` value typed. */
  async histogramPoints(
    name: string,
    attributes: Attributes = {},
  ): Promise<Array<DataPoint<Histogram>>> {
    const points = await this.metricPoints(name, attributes);
    return points.filter((p): p is DataPoint<Histogram> => isHistogram(p.value));
  }

  /** Total observation count over matching histogram points (0 when none). */
  async histogramCount(name: string, attributes: Attributes = {}): Promise<number> {
    const points = await this.histogramPoints(name, attributes);
    return points.reduce((total, p) => total + p.value.count, 0);
  }
}

/** Collects `reader` now and returns the metric with that name (undefined if not recorded). */
export async function collectMetric(reader: MetricReader, name: string): Promise<MetricData | undefined> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, "metric collection failed");
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) if (metric.descriptor.name === name) return metric;
  }
  return undefined;
}

/** Points of a metric, collected now, whose attributes include `attributes`. */
export async function collectPoints(
  reader: MetricReader,
  name: string,
  attributes: Attributes = {},
): Promise<DataPoint<unknown>[]> {
  const metric = await collectMetric(reader, name);
  if (metric === undefined) return [];
  const points = metric.dataPoints as DataPoint<unknown>[];
  return points.filter((p) => attributesMatch(p.attributes, attributes));
}

/** Sum over matching points of a counter / up-down counter, collected now (0 when none). */
export async function collectCounterValue(
  reader: MetricReader,
  name: string,
  attributes: Attributes = {},
): Promise<number> {
  const points = await collectPoints(reader, name, attributes);
  return points.reduce((total, p) => total + (typeof p.value === "number" ? p.value : 0), 0);
}

function isHistogram(value: unknown): value is Histogram {
  return typeof value === "object" && value !== null && "buckets" in value && "count" in value;
}

function sortByStart(spans: ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => {
    const [as, an] = a.startTime;
    const [bs, bn] = b.startTime;
    return as === bs ? an - bn : as - bs;
  });
}

/**
 * Registers vitest hooks for one harness: started in `beforeAll`, reset in `beforeEach`,
 * stopped in `afterAll`. The returned object forwards to the running harness.
 */
export function useOtel(options: OtelHarnessOptions = {}): OtelHarness {
  let current: OtelHarness | undefined;
  beforeAll(async () => {
    current = await OtelHarness.start(options);
  });
  beforeEach(async () => {
    await current?.reset();
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  return new Proxy({} as OtelHarness, {
    get(_target, property) {
      if (current === undefined) throw new Error("useOtel harness used outside a test");
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}
