import { context, diag, metrics, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { NodeSDK, metrics as sdkMetrics, type tracing } from "@opentelemetry/sdk-node";
import { LifecycleLogSpanProcessor } from "../logs/lifecycle-span-processor.js";
import { isDisabled, type ResolvedConfig, resolveConfig } from "./config.js";
import { settleWithin } from "./deadline.js";
import { installDiagLogger } from "./diag-logger.js";
import { describeProblem } from "./env-check.js";
import { withEnv } from "./env-parse.js";
import {
  createLogRecordProcessors,
  createPushMetricReaders,
  createSpanProcessors,
} from "./exporters.js";
import { FailureReporter } from "./failure-reporter.js";
import { createInstrumentations, instrumentationsReady } from "./instrumentations.js";
import type { ObservabilityOptions } from "./options.js";
import { type MetricsEndpoint, serveMetrics } from "./prometheus-server.js";
import { buildResource } from "./resource.js";

export interface ShutdownResult {
  /** True when the deadline passed before every exporter finished flushing. */
  timedOut: boolean;
}

export interface ObservabilityHandle {
  /** False when OTEL_SDK_DISABLED (or `disabled`) turned everything off. */
  readonly enabled: boolean;
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

  // A bad option fails here, before any side effect.
  const config = resolveConfig(options, env);
  installDiagLogger(config.logLevel);
  for (const problem of config.problems) diag.warn(describeProblem(problem));
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
    metricReaders.length > 0 ? new sdkMetrics.MeterProvider({ resource, readers: metricReaders }) : undefined;
  const spanProcessors: tracing.SpanProcessor[] = [
    ...sdkInstrumentations.spanProcessors,
    ...(config.lifecycleLogs ? [new LifecycleLogSpanProcessor()] : []),
    ...createSpanProcessors(config, reporter, meterProvider),
    ...(options.spanProcessors ?? []),
  ];
  const logRecordProcessors = [
    ...createLogRecordProcessors(config, reporter),
    ...(options.logRecordProcessors ?? []),
  ];

  // config.sdkEnv leaves out OTEL_SDK_DISABLED and OTEL_LOG_LEVEL (resolved, options
  // first): NodeSDK would re-read them and replace our diag logger.
  const sdk = new NodeSDK({
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
  ready.catch((error: unknown) => {
    diag.error(error instanceof Error ? error.message : String(error));
  });

  const handle = createHandle(config, sdk, meterProvider, endpoint, instrumentations, ready, {
    spanProcessors,
    logRecordProcessors,
  });
  (globalThis as GlobalSlot)[ACTIVE] = handle;
  return handle;
}

function createHandle(
  config: ResolvedConfig,
  sdk: NodeSDK,
  meterProvider: sdkMetrics.MeterProvider | undefined,
  endpoint: MetricsEndpoint | undefined,
  instrumentations: Instrumentation[],
  ready: Promise<void>,
  flushables: {
    spanProcessors: readonly { forceFlush(): Promise<void> }[];
    logRecordProcessors: readonly { forceFlush(): Promise<void> }[];
  },
): ObservabilityHandle {
  let stopping: Promise<ShutdownResult> | undefined;
  const handle: ObservabilityHandle = {
    enabled: true,
    instrumentations,
    ready,
    metricsAddress: () => endpoint?.address(),
    forceFlush: async () => {
      const all = [...flushables.spanProcessors, ...flushables.logRecordProcessors];
      await Promise.allSettled(all.map((p) => p.forceFlush()));
    },
    shutdown: (options) => {
      stopping ??= (async () => {
        // Spans first: their queue's last counts go out with the final metric export.
        const stopProviders = sdk.shutdown().finally(() => meterProvider?.shutdown());
        const work = Promise.allSettled([stopProviders, endpoint?.close()]);
        const timedOut = await settleWithin(
          work,
          options?.timeoutMillis ?? config.shutdownTimeoutMillis,
        );
        if (timedOut) {
          diag.warn(
            `langgraph-otel: shutdown deadline passed (${options?.timeoutMillis ?? config.shutdownTimeoutMillis} ms); unexported telemetry is dropped`,
          );
        }
        // Unpatch and unregister, so the app runs on untouched and a new start can register.
        for (const instrumentation of instrumentations) {
          try {
            instrumentation.disable();
          } catch (error) {
            diag.debug("langgraph-otel: disabling an instrumentation failed", error);
          }
        }
        trace.disable();
        metrics.disable();
        logs.disable();
        propagation.disable();
        context.disable();
        const slot = globalThis as GlobalSlot;
        if (slot[ACTIVE] === handle) delete slot[ACTIVE];
        return { timedOut };
      })();
      return stopping;
    },
  };
  return handle;
}
