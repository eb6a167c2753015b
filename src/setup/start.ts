import { type ContextManager, context, diag, metrics, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { type Instrumentation, registerInstrumentations } from "@opentelemetry/instrumentation";
import { NodeSDK, metrics as sdkMetrics, type tracing } from "@opentelemetry/sdk-node";
import { LifecycleLogSpanProcessor } from "../logs/lifecycle-span-processor.js";
import { isDisabled, type ResolvedConfig, resolveConfig } from "./config.js";
import { settleWithin } from "./deadline.js";
import { installDiagLogger } from "./diag-logger.js";
import { describeProblem, type EnvProblem, markReported } from "./env-check.js";
import { withEnv } from "./env-parse.js";
import { holdOpenWhile } from "./exporter-io.js";
import {
  autoInstrumentationsRegistered,
  diagLoggerRegistered,
  type RegisteredProviders,
  registeredPlumbing,
  registeredProviders,
} from "./existing-sdk.js";
import {
  createLogRecordProcessors,
  createPushMetricReaders,
  createSpanProcessors,
} from "./exporters.js";
import { FailureReporter } from "./failure-reporter.js";
import { createInstrumentations, instrumentationsReady } from "./instrumentations.js";
import type { ObservabilityOptions } from "./options.js";
import { type MetricsEndpoint, serveMetrics } from "./prometheus-server.js";
import { seriesBudgetViews } from "./metric-views.js";
import { buildResource } from "./resource.js";


/** Warns about a bad variable; an instrumentation that reads it later stays quiet. */
function warnProblem(problem: EnvProblem): void {
  markReported(problem.variable);
  diag.warn(describeProblem(problem));
}

export interface ShutdownResult {
  /** True when the deadline passed before every exporter finished flushing. */
  timedOut: boolean;
}

export interface ObservabilityHandle {
  /** False when OTEL_SDK_DISABLED (or `disabled`) turned everything off. */
  readonly enabled: boolean;
  /**
   * True when an OpenTelemetry SDK was already registered in the process (the
   * auto-instrumentations' register entry, the app's own NodeSDK): we added our
   * instrumentations to its providers and started no SDK, exporter or exit hook of our
   * own (docs/coexistence.md).
   */
  readonly joined: boolean;
  /** The registered instrumentations (empty when disabled). */
  readonly instrumentations: readonly Instrumentation[];
  /**
   * Resolves once /metrics is served and the ES module copies are patched. Rejects with an
   * ObservabilityConfigError when the metrics port cannot be bound (also logged via diag).
   */
  readonly ready: Promise<void>;
  /** Where /metrics is served, once listening. */
  metricsAddress(): { host: string; port: number } | undefined;
  /** Exports what is queued now. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops everything within the deadline (default the configured
   * shutdownTimeoutMillis), unpatches, and unregisters the global providers. Never
   * rejects, never waits past the deadline; later calls return the same promise.
   * When `joined`, it only undoes what we added (our instrumentations, and the /metrics
   * server if one was asked for): the SDK that was there before stays as it was.
   */
  shutdown(options?: { timeoutMillis?: number }): Promise<ShutdownResult>;
}

// One setup per process, across the ESM and CJS copies of this package (register plus an
// explicit call must not start two SDKs).
const ACTIVE = Symbol.for("langgraph-otel.observability");
type GlobalSlot = { [ACTIVE]?: ObservabilityHandle };

function disabledHandle(): ObservabilityHandle {
  return {
    enabled: false,
    joined: false,
    instrumentations: [],
    ready: Promise.resolve(),
    metricsAddress: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve({ timedOut: false }),
  };
}

/**
 * Starts OpenTelemetry for a LangGraph.js app: resource, LangGraph instrumentation,
 * OTLP traces and logs behind bounded batch queues, and Prometheus /metrics.
 * Options override OTEL_* variables, which override the defaults (docs/configuration.md).
 *
 * A bad environment value never throws: one warning names the variable (never its value)
 * and the default applies. A bad option throws ObservabilityConfigError naming it.
 * After start, telemetry failures are logged once per kind through diag, never thrown.
 */
export function startObservability(options: ObservabilityOptions = {}): ObservabilityHandle {
  const env = options.env ?? process.env;
  if (isDisabled(options, env)) return disabledHandle();
  const slot = globalThis as GlobalSlot;
  const active = slot[ACTIVE];
  if (active !== undefined) {
    diag.warn("langgraph-otel: startObservability called twice; returning the running setup");
    return active;
  }
  const registered = registeredProviders();
  if (registered !== undefined) {
    const handle = joinRegisteredSdk(options, env, registered);
    slot[ACTIVE] = handle;
    return handle;
  }

  // A bad option fails here, before any side effect.
  const config = resolveConfig(options, env);
  installDiagLogger(config.logLevel);
  for (const problem of config.problems) warnProblem(problem);
  // The SDK parses OTEL_* itself while it is built: let it see the checked environment.
  return withEnv(config.sdkEnv, () => start(options, config));
}

function start(options: ObservabilityOptions, config: ResolvedConfig): ObservabilityHandle {
  // A sampler object; otherwise NodeSDK builds one from OTEL_TRACES_SAMPLER(_ARG).
  const sampler = typeof options.sampler === "object" ? options.sampler : undefined;

  const reporter = new FailureReporter();
  const sdkInstrumentations = createInstrumentations(options);
  const instrumentations = sdkInstrumentations.all;
  const endpoint = config.metricsExporters.includes("prometheus")
    ? serveMetrics(
        config.prometheus.host,
        config.prometheus.port,
        config.prometheus.endpoint,
        reporter,
      )
    : undefined;
  const metricReaders = [
    ...(endpoint === undefined ? [] : [endpoint.reader]),
    ...createPushMetricReaders(config, reporter),
    ...(options.metricReaders ?? []),
  ];
  const resource = buildResource(config.resourceAttributes, options.resourceDetectors);
  // Made here rather than by NodeSDK so that the span queue can report to it as well.
  const meterProvider =
    metricReaders.length > 0 ? new sdkMetrics.MeterProvider({ resource, readers: metricReaders, views: seriesBudgetViews() }) : undefined;
  const spanProcessors: tracing.SpanProcessor[] = [
    ...(config.lifecycleLogs ? [new LifecycleLogSpanProcessor()] : []),
    ...createSpanProcessors(config, reporter, meterProvider),
    ...(options.spanProcessors ?? []),
  ];
  const logRecordProcessors = [
    ...createLogRecordProcessors(config, reporter),
    ...(options.logRecordProcessors ?? []),
  ];

  // A context manager or propagator registered before us stays theirs: NodeSDK takes
  // null for "do not register" (its types say only undefined).
  const plumbing = registeredPlumbing();
  const keep = {
    ...(plumbing.context ? { contextManager: null } : {}),
    ...(plumbing.propagation ? { textMapPropagator: null } : {}),
  } as { contextManager?: ContextManager; textMapPropagator?: null };

  // config.sdkEnv leaves out OTEL_SDK_DISABLED and OTEL_LOG_LEVEL (resolved, options
  // first): NodeSDK would re-read them and replace our diag logger.
  const sdk = new NodeSDK({
    ...keep,
    resource,
    autoDetectResources: false,
    sampler,
    spanProcessors,
    logRecordProcessors,
    // Empty, not absent: NodeSDK would otherwise build readers of its own from the env.
    metricReaders: [],
    instrumentations,
  });
  // Before sdk.start(): it hands the instrumentations the global meter provider.
  if (meterProvider !== undefined) metrics.setGlobalMeterProvider(meterProvider);
  reporter.installGlobalHandler();
  sdk.start();

  // Detected attributes (host.id) arrive asynchronously; a scrape before then logs an
  // error. Waited for, but never for long: a stuck detector must not hold `ready` back.
  const resourceSettled = settleWithin(resource.waitForAsyncAttributes?.() ?? Promise.resolve(), 2_000);
  const ready = Promise.all([
    endpoint?.listening,
    instrumentationsReady(instrumentations),
    resourceSettled,
  ]).then(() => undefined);
  const handle = createHandle(config, sdk, meterProvider, endpoint, instrumentations, ready, plumbing, {
    spanProcessors,
    logRecordProcessors,
  });
  (globalThis as GlobalSlot)[ACTIVE] = handle;
  return handle;
}

type Flushable = { forceFlush?: () => Promise<void> };

/** What differs between a handle for an SDK we started and one for an SDK we joined. */
interface HandleParts {
  joined: boolean;
  instrumentations: Instrumentation[];
  /** Logged via diag when it rejects; the handle exposes it as is. */
  ready: Promise<void>;
  endpoint: MetricsEndpoint | undefined;
  defaultDeadlineMillis: number;
  flushables(): Flushable[];
  /** The shutdown work raced against the deadline. */
  stop(): Promise<unknown>;
  /** Runs once the work is done or the deadline passed. */
  afterStop(): void;
}

/** How long a forceFlush() keeps the process open: the batch processors' export timeout. */
const FLUSH_HOLD_MILLIS = 30_000;

function buildHandle(parts: HandleParts): ObservabilityHandle {
  parts.ready.catch((error: unknown) => {
    diag.error(error instanceof Error ? error.message : String(error));
  });
  let stopping: Promise<ShutdownResult> | undefined;
  const handle: ObservabilityHandle = {
    enabled: true,
    joined: parts.joined,
    instrumentations: parts.instrumentations,
    ready: parts.ready,
    metricsAddress: () => parts.endpoint?.address(),
    forceFlush: async () => {
      await holdOpenWhile(
        Promise.allSettled(parts.flushables().map((p) => p.forceFlush?.())),
        FLUSH_HOLD_MILLIS,
      );
    },
    shutdown: (options) => {
      stopping ??= (async () => {
        const deadline = options?.timeoutMillis ?? parts.defaultDeadlineMillis;
        const timedOut = await holdOpenWhile(
          settleWithin(Promise.allSettled([parts.stop(), parts.endpoint?.close()]), deadline),
          deadline,
        );
        if (timedOut) {
          diag.warn(`langgraph-otel: shutdown deadline passed (${deadline} ms); unexported telemetry is dropped`);
        }
        parts.afterStop();
        const slot = globalThis as GlobalSlot;
        if (slot[ACTIVE] === handle) delete slot[ACTIVE];
        return { timedOut };
      })();
      return stopping;
    },
  };
  return handle;
}

function disableAll(instrumentations: readonly Instrumentation[]): void {
  for (const instrumentation of instrumentations) {
    try {
      instrumentation.disable();
    } catch (error) {
      diag.debug("langgraph-otel: disabling an instrumentation failed", error);
    }
  }
}

function createHandle(
  config: ResolvedConfig,
  sdk: NodeSDK,
  meterProvider: sdkMetrics.MeterProvider | undefined,
  endpoint: MetricsEndpoint | undefined,
  instrumentations: Instrumentation[],
  ready: Promise<void>,
  theirs: { context: boolean; propagation: boolean },
  flushables: {
    spanProcessors: readonly { forceFlush(): Promise<void> }[];
    logRecordProcessors: readonly { forceFlush(): Promise<void> }[];
  },
): ObservabilityHandle {
  return buildHandle({
    joined: false,
    instrumentations,
    ready,
    endpoint,
    defaultDeadlineMillis: config.shutdownTimeoutMillis,
    flushables: () => [...flushables.spanProcessors, ...flushables.logRecordProcessors],
    // Spans first: their queue's last counts go out with the final metric export.
    stop: () => sdk.shutdown().finally(() => meterProvider?.shutdown()),
    afterStop: () => {
      // Unpatch and unregister, so the app runs on untouched and a new start can register.
      disableAll(instrumentations);
      trace.disable();
      metrics.disable();
      logs.disable();
      if (!theirs.propagation) propagation.disable();
      if (!theirs.context) context.disable();
    },
  });
}

/** Options that configure an SDK we start; with an SDK already registered they have no effect. */
const SDK_ONLY_OPTIONS = [
  "tracesExporter",
  "logsExporter",
  "otlpTracesEndpoint",
  "otlpLogsEndpoint",
  "sampler",
  "samplerArg",
  "spanQueue",
  "logQueue",
  "lifecycleLogs",
  "spanProcessors",
  "logRecordProcessors",
] as const satisfies readonly (keyof ObservabilityOptions)[];

/** Options that also shape a metrics pipeline of ours, when the options ask for one. */
const METRICS_PIPELINE_OPTIONS = [
  "otlpProtocol",
  "otlpEndpoint",
  "otlpHeaders",
  "otlpTimeoutMillis",
  "otlpCompression",
  "serviceName",
  "serviceVersion",
  "deploymentEnvironment",
  "resourceAttributes",
  "resourceDetectors",
] as const satisfies readonly (keyof ObservabilityOptions)[];

/** The SDK providers behind the API's globals (proxies unwrapped), for forceFlush. */
function registeredSdkProviders(): Flushable[] {
  const unwrap = (provider: object): Flushable => {
    const proxy = provider as { getDelegate?: () => object };
    return (typeof proxy.getDelegate === "function" ? proxy.getDelegate() : provider) as Flushable;
  };
  return [unwrap(trace.getTracerProvider()), unwrap(metrics.getMeterProvider()), unwrap(logs.getLoggerProvider())];
}

function signalList(registered: RegisteredProviders): string {
  const signals = (["traces", "metrics", "logs"] as const).filter((signal) => registered[signal]);
  return signals.join(", ");
}

/**
 * An SDK is registered already: add our instrumentations to its global providers
 * (`registerInstrumentations`, as OTel's distributions do) and register nothing global.
 * No exporter, span processor or exit hook of ours; a /metrics server only when the
 * options ask for metric output explicitly (OTEL_METRICS_EXPORTER is the other SDK's
 * variable as much as ours), fed by a MeterProvider of our own that is never registered.
 */
function joinRegisteredSdk(
  options: ObservabilityOptions,
  env: NonNullable<ObservabilityOptions["env"]>,
  registered: RegisteredProviders,
): ObservabilityHandle {
  const config = resolveConfig(options, env);
  if (!diagLoggerRegistered()) installDiagLogger(config.logLevel);
  const askedForMetrics = options.metricsExporter !== undefined || (options.metricReaders?.length ?? 0) > 0;
  // The OTEL_* variables are the joined SDK's to read and report; ours, and those of
  // a metrics pipeline the options asked for, are reported here.
  const reported = (variable: string) =>
    !variable.startsWith("OTEL_") ||
    variable.startsWith("OTEL_INSTRUMENTATION_") ||
    (askedForMetrics && /METRIC|PROMETHEUS/.test(variable));
  for (const problem of config.problems) if (reported(problem.variable)) warnProblem(problem);
  // Exporters (a metrics pipeline asked for) read the checked environment as they are built.
  return withEnv(config.sdkEnv, () => join(options, config, registered, askedForMetrics));
}

function join(
  options: ObservabilityOptions,
  config: ResolvedConfig,
  registered: RegisteredProviders,
  askedForMetrics: boolean,
): ObservabilityHandle {
  // The auto-instrumentations bring http, undici, pino and winston instrumentations of
  // their own; any SDK the app started owns its HTTP telemetry.
  const sdkInstrumentations = createInstrumentations(options, {
    withoutLibraryInstrumentations: autoInstrumentationsRegistered(),
    withoutNetworkInstrumentations: true,
  });
  const instrumentations = sdkInstrumentations.all;

  let endpoint: MetricsEndpoint | undefined;
  let meterProvider: sdkMetrics.MeterProvider | undefined;
  let resourceSettled: Promise<boolean> | undefined;
  if (askedForMetrics) {
    const reporter = new FailureReporter();
    endpoint = config.metricsExporters.includes("prometheus")
      ? serveMetrics(config.prometheus.host, config.prometheus.port, config.prometheus.endpoint, reporter)
      : undefined;
    const readers = [
      ...(endpoint === undefined ? [] : [endpoint.reader]),
      ...createPushMetricReaders(config, reporter),
      ...(options.metricReaders ?? []),
    ];
    if (readers.length > 0) {
      const resource = buildResource(config.resourceAttributes, options.resourceDetectors);
      meterProvider = new sdkMetrics.MeterProvider({ resource, readers, views: seriesBudgetViews() });
      // As for our own SDK: a scrape before detected attributes arrive logs an error.
      resourceSettled = settleWithin(resource.waitForAsyncAttributes?.() ?? Promise.resolve(), 2_000);
    }
  }

  // Enables them against the global providers; undone by disabling them (disableAll).
  registerInstrumentations({
    instrumentations,
    ...(meterProvider === undefined ? {} : { meterProvider }),
  });

  const ignorable = askedForMetrics ? SDK_ONLY_OPTIONS : [...SDK_ONLY_OPTIONS, ...METRICS_PIPELINE_OPTIONS];
  const ignored = ignorable.filter((name) => options[name] !== undefined);
  if (ignored.length > 0) {
    diag.warn(
      `langgraph-otel: an OpenTelemetry SDK was already registered, so these options have no effect: ${ignored.join(", ")} (docs/coexistence.md)`,
    );
  }
  const names = instrumentations.map((i) => i.instrumentationName).join(", ");
  diag.info(
    `langgraph-otel: joined the OpenTelemetry SDK already registered in this process (${signalList(registered)}): added instrumentations ${names}; started no exporter, span processor or exit hook, ${endpoint === undefined ? "no /metrics server" : "a /metrics server for our metrics"} (docs/coexistence.md)`,
  );

  return buildHandle({
    joined: true,
    instrumentations,
    ready: Promise.all([endpoint?.listening, instrumentationsReady(instrumentations), resourceSettled]).then(
      () => undefined,
    ),
    endpoint,
    defaultDeadlineMillis: config.shutdownTimeoutMillis,
    // Flushing the app's providers is harmless and what a serverless handler needs;
    // shutting them down is the app's call, never ours.
    flushables: () => [...registeredSdkProviders(), ...(meterProvider === undefined ? [] : [meterProvider])],
    // Only what we added: our instrumentations (first, so nothing new is recorded), and
    // the MeterProvider and /metrics server a `metricsExporter` option asked for.
    stop: async () => {
      disableAll(instrumentations);
      await meterProvider?.shutdown();
    },
    afterStop: () => undefined,
  });
}
