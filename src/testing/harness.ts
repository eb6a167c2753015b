/**
 * Records the telemetry of whatever runs inside `record()`, in memory, with the real OTel
 * SDK and langgraph-otel's instrumentations, and hands back a typed view (`Recording`).
 *
 * One harness per process at a time (the instrumentations patch LangGraph's and
 * LangChain's prototypes); any number of concurrent `record()` calls share it, each seeing
 * only the spans started inside it: the recording's id rides in the OTel context, and a
 * span whose context lacks it (LangChain callbacks run in the background) inherits the
 * recording of its parent span. `stop()` undoes every patch and leaves the OTel globals as
 * it found them.
 */
import {
  type Context,
  context,
  createContextKey,
  metrics,
  ROOT_CONTEXT,
  type Span,
  trace,
} from "@opentelemetry/api";
import * as coreCallbacks from "@langchain/core/callbacks/manager";
import * as coreChatModels from "@langchain/core/language_models/chat_models";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import * as coreTools from "@langchain/core/tools";
import * as langgraphPregel from "@langchain/langgraph/pregel";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { GenAIInstrumentation } from "../genai/instrumentation.js";
import type { GenAIInstrumentationConfig } from "../genai/types.js";
import { LangGraphInstrumentation } from "../instrumentation/index.js";
import type { LangGraphInstrumentationConfig } from "../instrumentation/types.js";
import { diffSnapshots, type MetricSnapshot, snapshotOf } from "./metrics.js";
import { Recording } from "./recording.js";

export interface TelemetryHarnessOptions {
  /** Config of the LangGraphInstrumentation (graph runs, node attempts). */
  langgraph?: LangGraphInstrumentationConfig;
  /** Config of the GenAIInstrumentation (model and tool calls): `prices`, content capture. */
  genai?: GenAIInstrumentationConfig;
}

const RECORDING_KEY = createContextKey("langgraph-otel.testing.recording");
/** Shared by the ESM and CJS copies of this module: one harness per process. */
const ACTIVE_HARNESS = Symbol.for("langgraph-otel.testing.harness");

type GlobalSlot = { [ACTIVE_HARNESS]?: TelemetryHarness };

/** A pull reader: the harness collects when a recording starts and ends. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Spans of one `record()` call, while it runs. */
interface OpenRecording {
  spans: ReadableSpan[];
  /** Another recording ran at the same time: metric deltas are shared. */
  overlapped: boolean;
}

/** Sorts finished spans into the recording they were started in. */
class RecordingProcessor implements SpanProcessor {
  readonly open = new Map<number, OpenRecording>();
  /** Span id → recording id, for children whose context does not carry the key. */
  private readonly owner = new Map<string, number>();

  onStart(span: Span, parentContext: Context): void {
    const fromContext = parentContext.getValue(RECORDING_KEY);
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const id = typeof fromContext === "number" ? fromContext : parentId && this.owner.get(parentId);
    if (typeof id === "number" && this.open.has(id)) this.owner.set(span.spanContext().spanId, id);
  }

  onEnd(span: ReadableSpan): void {
    const id = this.owner.get(span.spanContext().spanId);
    if (id !== undefined) this.open.get(id)?.spans.push(span);
  }

  /** Forgets a finished recording's spans (late children are dropped, not misfiled). */
  close(id: number): OpenRecording | undefined {
    const recording = this.open.get(id);
    this.open.delete(id);
    for (const [spanId, owner] of this.owner) if (owner === id) this.owner.delete(spanId);
    return recording;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.open.clear();
    this.owner.clear();
    return Promise.resolve();
  }
}

/** What `start()` registered, so that `stop()` unregisters exactly that. */
interface OwnedGlobals {
  context: AsyncLocalStorageContextManager | undefined;
  trace: boolean;
  metrics: boolean;
}

/** Whether some context manager already propagates values through `context.with`. */
function contextPropagates(): boolean {
  const probe = createContextKey("langgraph-otel.testing.probe");
  return context.with(ROOT_CONTEXT.setValue(probe, true), () => context.active().getValue(probe) === true);
}

export class TelemetryHarness {
  readonly langgraph: LangGraphInstrumentation;
  readonly genai: GenAIInstrumentation;
  private readonly processor = new RecordingProcessor();
  private readonly tracerProvider: BasicTracerProvider;
  private readonly reader = new CollectingReader();
  private readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  private readonly owned: OwnedGlobals = { context: undefined, trace: false, metrics: false };
  private nextId = 1;
  private stopped = false;

  private constructor(options: TelemetryHarnessOptions) {
    this.langgraph = new LangGraphInstrumentation({ ...options.langgraph, enabled: false });
    this.genai = new GenAIInstrumentation({ ...options.genai, enabled: false });
    // The copies of this module's own format, named: the instrumentations leave the ES
    // module copies alone in a CommonJS process (a test runner's), where tests use them.
    this.langgraph.manuallyInstrument(langgraphPregel);
    this.genai.manuallyInstrument(coreCallbacks);
    this.genai.manuallyInstrument(coreTools);
    this.genai.manuallyInstrument(coreChatModels);
    this.tracerProvider = new BasicTracerProvider({
      spanProcessors: [this.processor],
    });
  }

  /**
   * Wires the SDK in memory and enables the instrumentations. Registers a context manager
   * and the global tracer and meter providers only where none is registered (spans that
   * your code opens with `trace.getTracer()` are then recorded too).
   */
  static async start(options: TelemetryHarnessOptions = {}): Promise<TelemetryHarness> {
    const slot = globalThis as GlobalSlot;
    if (slot[ACTIVE_HARNESS] !== undefined) {
      throw new Error(
        "langgraph-otel/testing: a TelemetryHarness is already running in this process; share it (record() calls may run concurrently) or stop() it first",
      );
    }
    const harness = new TelemetryHarness(options);
    slot[ACTIVE_HARNESS] = harness;
    if (!contextPropagates()) {
      const manager = new AsyncLocalStorageContextManager().enable();
      if (context.setGlobalContextManager(manager)) harness.owned.context = manager;
      else manager.disable();
    }
    harness.owned.trace = trace.setGlobalTracerProvider(harness.tracerProvider);
    harness.owned.metrics = metrics.setGlobalMeterProvider(harness.meterProvider);
    const instrumentations: Instrumentation[] = [harness.langgraph, harness.genai];
    for (const inst of instrumentations) {
      inst.setTracerProvider(harness.tracerProvider);
      inst.setMeterProvider(harness.meterProvider);
      inst.enable();
    }
    await harness.langgraph.ready;
    await harness.genai.ready;
    return harness;
  }

  /**
   * Runs `fn` and records what it did. Never throws for `fn`: a thrown error is kept in
   * `recording.error` (assert on it, or with `assertNoErrors`).
   */
  async record<T>(fn: () => T | Promise<T>): Promise<Recording<T>> {
    if (this.stopped) throw new Error("langgraph-otel/testing: record() on a stopped TelemetryHarness");
    const id = this.nextId++;
    const open: OpenRecording = { spans: [], overlapped: this.processor.open.size > 0 };
    for (const other of this.processor.open.values()) other.overlapped = true;
    this.processor.open.set(id, open);
    const before = await this.snapshot();
    let result: T | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await context.with(context.active().setValue(RECORDING_KEY, id), fn);
    } catch (err) {
      error = err;
      failed = true;
    }
    await settleCallbacks();
    const after = await this.snapshot();
    this.processor.close(id);
    const metricDelta = open.overlapped ? undefined : diffSnapshots(before, after);
    return new Recording({ result, error, failed, spans: open.spans, metrics: metricDelta });
  }

  /** Current cumulative metric values of the harness (every recording, since start). */
  snapshot(): Promise<MetricSnapshot> {
    return this.reader.collect().then(({ resourceMetrics }) => snapshotOf(resourceMetrics));
  }

  /** Disables the instrumentations (patches undone), shuts the SDK down, unregisters. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.genai.disable();
    this.langgraph.disable();
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
    if (this.owned.trace) trace.disable();
    if (this.owned.metrics) metrics.disable();
    if (this.owned.context !== undefined) {
      context.disable();
      this.owned.context.disable();
    }
    const slot = globalThis as GlobalSlot;
    if (slot[ACTIVE_HARNESS] === this) delete slot[ACTIVE_HARNESS];
  }
}

/**
 * LangChain runs callback handlers in the background: wait for them, so model and tool
 * spans have ended before the recording is read.
 */
async function settleCallbacks(): Promise<void> {
  await awaitAllCallbacks();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A test runner's suite hooks: vitest's and jest's by these names, node:test's `before`/`after`. */
export interface SuiteHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

/** What `useTelemetryHarness` returns: records with the harness its hooks started. */
export interface HarnessHandle {
  record<T>(fn: () => T | Promise<T>): Promise<Recording<T>>;
  /** The running harness (between the suite's beforeAll and afterAll). */
  readonly harness: TelemetryHarness;
}

/**
 * Starts a harness before the suite and stops it after, through the runner's own hooks
 * (passed in, so this module never imports a test runner):
 * `const telemetry = useTelemetryHarness({ beforeAll, afterAll });`
 */
export function useTelemetryHarness(hooks: SuiteHooks, options: TelemetryHarnessOptions = {}): HarnessHandle {
  let current: TelemetryHarness | undefined;
  hooks.beforeAll(async () => {
    current = await TelemetryHarness.start(options);
  });
  hooks.afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  const running = (): TelemetryHarness => {
    if (current === undefined) throw new Error("langgraph-otel/testing: the harness runs between beforeAll and afterAll");
    return current;
  };
  return {
    record: (fn) => running().record(fn),
    get harness() {
      return running();
    },
  };
}
