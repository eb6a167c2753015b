/**
 * Meter, tracer and instruments of the resilience wrappers and the response cache.
 *
 * Where they report: on the *active span*. Inside a LangGraph node that is the core's
 * `invoke_node` span, so a node's retries, breaker transitions, fallbacks and timeouts show
 * as events on the very attempt that saw them, without a span per wrapper layer. With
 * `spanName` set, a wrapper opens its own INTERNAL span (a child of the active one) around
 * each call and reports there instead: useful outside a graph, where no span is active.
 *
 * Which provider: the wrapper's `meterProvider` / `tracerProvider` option, else the global
 * one at the time of the call. The metrics API has no proxy provider (instruments made
 * before `setGlobalMeterProvider` stay no-ops), so instruments are made lazily, once per
 * provider, and looked up at each recording.
 *
 * Telemetry never breaks the app: every recording is guarded and logged through `diag`.
 */
import {
  type Attributes,
  type Counter,
  diag,
  type MeterProvider,
  metrics,
  type ObservableResult,
  SpanKind,
  trace,
  type TracerProvider,
  type UpDownCounter,
} from "@opentelemetry/api";
import { metricOptions } from "../instrumentation/metrics.js";
import { errorType, outcomeOfError, recordSpanError } from "../instrumentation/utils.js";
import {
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT,
  METRIC_LANGGRAPH_BULKHEAD_QUEUED,
  METRIC_LANGGRAPH_BULKHEAD_REJECTIONS,
  METRIC_LANGGRAPH_CACHE_ENTRIES,
  METRIC_LANGGRAPH_CACHE_EVICTIONS,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
  METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  METRIC_LANGGRAPH_TIMEOUT_ABANDONED,
  METRIC_LANGGRAPH_TIMEOUTS,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

export interface TelemetryOptions {
  /** Meter provider for this wrapper's metrics. Default: the global one. */
  meterProvider?: MeterProvider;
  /** Tracer provider for `spanName` spans. Default: the global one. */
  tracerProvider?: TracerProvider;
  /**
   * Open an own INTERNAL span of this name around each call and report there. Default:
   * no own span; events and attributes go on the active span (the node span in a node).
   */
  spanName?: string;
}

export interface ResilienceInstruments {
  retryAttempts: Counter;
  breakerTransitions: Counter;
  fallbackActivations: Counter;
  timeouts: Counter;
  timeoutAbandoned: UpDownCounter;
  bulkheadRejections: Counter;
  cacheRequests: Counter;
  cacheEvictions: Counter;
}

export type ObservedKind = "breakerState" | "cacheEntries" | "bulkheadInFlight" | "bulkheadQueued";

/** Something whose current value an observable instrument reports at each collection. */
export interface ObservedSource {
  /** The provider the source reports to; `undefined` follows the global provider. */
  readonly meterProvider: MeterProvider | undefined;
  /** The value for instrument `kind` (a source registered for several kinds tells them apart). */
  observe(kind: ObservedKind): { value: number; attributes: Attributes };
}

// Weak references: a breaker or cache that the app drops stops being observed, with no
// dispose() to remember. Its entry goes when the GC takes it (the finalization registry),
// not at the next collection: an app that makes breakers per request and is never scraped
// would otherwise keep an entry per breaker it ever made.
const observed: Record<ObservedKind, Set<WeakRef<ObservedSource>>> = {
  breakerState: new Set(),
  cacheEntries: new Set(),
  bulkheadInFlight: new Set(),
  bulkheadQueued: new Set(),
};
const dropped = new FinalizationRegistry<{ kind: ObservedKind; ref: WeakRef<ObservedSource> }>(
  ({ kind, ref }) => observed[kind].delete(ref),
);

/** Sources still registered, per kind (tests check that dropped ones leave). */
export function observedSourceCount(): number {
  return Object.values(observed).reduce((sum, set) => sum + set.size, 0);
}

const instrumentsByProvider = new WeakMap<MeterProvider, ResilienceInstruments>();

function effectiveProvider(explicit: MeterProvider | undefined): MeterProvider {
  return explicit ?? metrics.getMeterProvider();
}

function observeAll(kind: ObservedKind, provider: MeterProvider, result: ObservableResult): void {
  for (const ref of observed[kind]) {
    const source = ref.deref();
    if (source === undefined) {
      observed[kind].delete(ref);
      continue;
    }
    if (effectiveProvider(source.meterProvider) !== provider) continue;
    try {
      const { value, attributes } = source.observe(kind);
      result.observe(value, attributes);
    } catch (err) {
      diag.warn("langgraph-otel: observing a resilience gauge failed", err);
    }
  }
}

function createInstruments(provider: MeterProvider): ResilienceInstruments {
  const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  const counter = (name: string) => meter.createCounter(name, metricOptions(name));
  meter
    .createObservableGauge(
      METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
      metricOptions(METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE),
    )
    .addCallback((result) => observeAll("breakerState", provider, result));
  const observedUpDown = (name: string, kind: ObservedKind) =>
    meter
      .createObservableUpDownCounter(name, metricOptions(name))
      .addCallback((result) => observeAll(kind, provider, result));
  observedUpDown(METRIC_LANGGRAPH_CACHE_ENTRIES, "cacheEntries");
  observedUpDown(METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT, "bulkheadInFlight");
  observedUpDown(METRIC_LANGGRAPH_BULKHEAD_QUEUED, "bulkheadQueued");
  return {
    retryAttempts: counter(METRIC_LANGGRAPH_RETRY_ATTEMPTS),
    breakerTransitions: counter(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS),
    fallbackActivations: counter(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS),
    timeouts: counter(METRIC_LANGGRAPH_TIMEOUTS),
    timeoutAbandoned: meter.createUpDownCounter(
      METRIC_LANGGRAPH_TIMEOUT_ABANDONED,
      metricOptions(METRIC_LANGGRAPH_TIMEOUT_ABANDONED),
    ),
    bulkheadRejections: counter(METRIC_LANGGRAPH_BULKHEAD_REJECTIONS),
    cacheRequests: counter(METRIC_LANGGRAPH_CACHE_REQUESTS),
    cacheEvictions: counter(METRIC_LANGGRAPH_CACHE_EVICTIONS),
  };
}

/** The instruments on `meterProvider` (or the current global provider), made once. */
export function instrumentsFor(meterProvider: MeterProvider | undefined): ResilienceInstruments {
  const provider = effectiveProvider(meterProvider);
  let instruments = instrumentsByProvider.get(provider);
  if (instruments === undefined) {
    instruments = createInstruments(provider);
    instrumentsByProvider.set(provider, instruments);
  }
  return instruments;
}

/** Adds a source to an observable instrument, and makes sure the instrument exists. */
export function registerObserved(kind: ObservedKind, source: ObservedSource): void {
  const ref = new WeakRef(source);
  observed[kind].add(ref);
  dropped.register(source, { kind, ref });
  guard("creating instruments", () => instrumentsFor(source.meterProvider));
}

/** Adds to a counter of the contract; never throws. */
export function count(
  meterProvider: MeterProvider | undefined,
  pick: (instruments: ResilienceInstruments) => Counter | UpDownCounter,
  attributes: Attributes,
  value = 1,
): void {
  guard("recording a metric", () => pick(instrumentsFor(meterProvider)).add(value, attributes));
}

/** Adds an event to the active span, if one is recording; never throws. */
export function activeSpanEvent(name: string, attributes: Attributes): void {
  guard("adding a span event", () => trace.getActiveSpan()?.addEvent(name, attributes));
}

/** Sets attributes on the active span, if any; never throws. */
export function setActiveSpanAttributes(attributes: Attributes): void {
  guard("setting span attributes", () => trace.getActiveSpan()?.setAttributes(attributes));
}

/** Runs a telemetry step; a failure is logged, never thrown into the app. */
export function guard(what: string, step: () => void): void {
  try {
    step();
  } catch (err) {
    diag.warn(`langgraph-otel: ${what} failed`, err);
  }
}

/**
 * Runs `work` in the wrapper's own span when `spanName` is set, else as is. The span gets
 * `langgraph.outcome`, and ERROR status with `error.type` only for real errors (aborts
 * and LangGraph control flow are not failures). The work's error is rethrown unchanged.
 */
export async function inOwnSpan<T>(
  options: TelemetryOptions,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const name = options.spanName;
  if (name === undefined || name === "") return work();
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    PACKAGE_NAME,
    PACKAGE_VERSION,
  );
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      const value = await work();
      guard("ending a span", () => span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_OK));
      return value;
    } catch (err) {
      guard("ending a span", () => {
        const outcome = outcomeOfError(err);
        span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
        if (outcome === OUTCOME_ERROR) recordSpanError(span, err, errorType(err));
      });
      throw err;
    } finally {
      span.end();
    }
  });
}
