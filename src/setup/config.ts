import type { Attributes } from "@opentelemetry/api";
import {
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  parseKeyPairsIntoRecord,
} from "@opentelemetry/core";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from "../semconv.js";
import {
  DEFAULT_PROMETHEUS_ENDPOINT,
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
} from "../stack-defaults.js";
import {
  checkEnv,
  DEFAULT_OTLP_PROTOCOL,
  ENV_RULES,
  type EnvProblem,
  envValue,
  type OtlpProtocol,
  type Signal,
} from "./env-check.js";
import { configVariables, type Env, type Sourced, withEnv } from "./env-parse.js";
import { ObservabilityConfigError } from "./errors.js";
import type {
  DiagLevelName,
  LogExporterName,
  MetricExporterName,
  ObservabilityOptions,
  TraceExporterName,
} from "./options.js";

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;
const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
const SIGNALS: readonly Signal[] = ["TRACES", "METRICS", "LOGS"];

export interface ResolvedQueue {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/**
 * What start needs. The OTLP exporters, the sampler, span and log limits, propagators and
 * OTEL_RESOURCE_ATTRIBUTES are not here: the SDK reads them itself from `sdkEnv`.
 */
export interface ResolvedConfig {
  /**
   * The configuration variables the SDK sees while start constructs it: the environment
   * without the values that failed their check, with the options written over it.
   * OTEL_SDK_DISABLED and OTEL_LOG_LEVEL are left out (resolved here, options first).
   */
  sdkEnv: Env;
  /** Environment values ignored, one per variable: each is logged once at start. */
  problems: EnvProblem[];
  /** Resource attributes from the options (they win over the environment and detectors). */
  resourceAttributes: Attributes;
  tracesExporters: TraceExporterName[];
  metricsExporters: MetricExporterName[];
  logsExporters: LogExporterName[];
  protocols: Record<Signal, OtlpProtocol>;
  prometheus: { host: string; port: Sourced<number>; endpoint: string };
  metricExportIntervalMillis: number;
  spanQueue: ResolvedQueue;
  logQueue: ResolvedQueue;
  logLevel: DiagLevelName;
  shutdownTimeoutMillis: number;
  lifecycleLogs: boolean;
}

/** `{a: "b c"}` → `a=b%20c`: the form OTEL_EXPORTER_OTLP_HEADERS takes. */
function serializeHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join(",");
}

/**
 * The options as the variables they stand for (undefined: the variable is dropped because
 * an option of higher precedence replaces it), and which option set each variable.
 */
function optionOverrides(
  options: ObservabilityOptions,
  env: Env,
): { values: Record<string, string | undefined>; optionOf: Record<string, string> } {
  const values: Record<string, string | undefined> = {};
  const optionOf: Record<string, string> = {};
  const set = (variable: string, option: string, value: unknown) => {
    if (value === undefined) return;
    values[variable] = [value].flat().map(String).join(",");
    optionOf[variable] = option;
  };
  set("OTEL_SDK_DISABLED", "disabled", options.disabled);
  set("OTEL_LOG_LEVEL", "logLevel", options.logLevel);
  set("OTEL_TRACES_EXPORTER", "tracesExporter", options.tracesExporter);
  set("OTEL_METRICS_EXPORTER", "metricsExporter", options.metricsExporter);
  set("OTEL_LOGS_EXPORTER", "logsExporter", options.logsExporter);
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "otlpTracesEndpoint", options.otlpTracesEndpoint);
  set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "otlpMetricsEndpoint", options.otlpMetricsEndpoint);
  set("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "otlpLogsEndpoint", options.otlpLogsEndpoint);
  // A generic option wins over the per-signal variables too.
  const generic: Array<[string, string, unknown]> = [
    ["PROTOCOL", "otlpProtocol", options.otlpProtocol],
    ["ENDPOINT", "otlpEndpoint", options.otlpEndpoint],
    ["TIMEOUT", "otlpTimeoutMillis", options.otlpTimeoutMillis],
    ["COMPRESSION", "otlpCompression", options.otlpCompression],
  ];
  for (const [suffix, option, value] of generic) {
    if (value === undefined) continue;
    set(`OTEL_EXPORTER_OTLP_${suffix}`, option, value);
    for (const signal of SIGNALS) {
      const variable = `OTEL_EXPORTER_OTLP_${signal}_${suffix}`;
      if (!(variable in values)) values[variable] = undefined;
    }
  }
  if (options.otlpHeaders !== undefined) {
    for (const signal of SIGNALS) {
      const variable = `OTEL_EXPORTER_OTLP_${signal}_HEADERS`;
      const fromEnv = parseKeyPairsIntoRecord(envValue(env, variable));
      set(variable, "otlpHeaders", serializeHeaders({ ...fromEnv, ...options.otlpHeaders }));
    }
  }
  if (typeof options.sampler === "string") set("OTEL_TRACES_SAMPLER", "sampler", options.sampler);
  set("OTEL_TRACES_SAMPLER_ARG", "samplerArg", options.samplerArg);
  set("OTEL_EXPORTER_PROMETHEUS_HOST", "prometheusHost", options.prometheusHost);
  set("OTEL_EXPORTER_PROMETHEUS_PORT", "prometheusPort", options.prometheusPort);
  set("OTEL_METRIC_EXPORT_INTERVAL", "metricExportIntervalMillis", options.metricExportIntervalMillis);
  for (const [prefix, option, queue] of [
    ["OTEL_BSP", "spanQueue", options.spanQueue],
    ["OTEL_BLRP", "logQueue", options.logQueue],
  ] as const) {
    set(`${prefix}_MAX_QUEUE_SIZE`, `${option}.maxQueueSize`, queue?.maxQueueSize);
    set(`${prefix}_MAX_EXPORT_BATCH_SIZE`, `${option}.maxExportBatchSize`, queue?.maxExportBatchSize);
    set(`${prefix}_SCHEDULE_DELAY`, `${option}.scheduledDelayMillis`, queue?.scheduledDelayMillis);
    set(`${prefix}_EXPORT_TIMEOUT`, `${option}.exportTimeoutMillis`, queue?.exportTimeoutMillis);
  }
  set("LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT", "shutdownTimeoutMillis", options.shutdownTimeoutMillis);
  set("LANGGRAPH_OTEL_LIFECYCLE_LOGS", "lifecycleLogs", options.lifecycleLogs);
  return { values, optionOf };
}

/** Options are code: a bad one is a programming error, thrown at once and named. */
function checkOptions(merged: Env, optionOf: Record<string, string>): void {
  for (const [variable, check] of ENV_RULES) {
    const option = optionOf[variable];
    const raw = envValue(merged, variable);
    if (option === undefined || raw === undefined) continue;
    const problem = check(raw, merged);
    if (problem !== undefined) throw new ObservabilityConfigError(option, problem.problem);
  }
}

function resourceAttributes(options: ObservabilityOptions): Attributes {
  const attributes: Attributes = { ...(options.resourceAttributes ?? {}) };
  if (options.serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = options.serviceName;
  if (options.serviceVersion !== undefined) attributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  if (options.deploymentEnvironment !== undefined) {
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.deploymentEnvironment;
  }
  return attributes;
}

/** An exporter list; "none" anywhere in it means none at all. */
function exporterList<T extends string>(variable: string, fallback: T): T[] {
  const names = [...new Set(getStringListFromEnv(variable)?.map((n) => n.toLowerCase()) ?? [])];
  if (names.length === 0) return [fallback];
  return names.includes("none") ? [] : (names as T[]);
}

function queue(prefix: "OTEL_BSP" | "OTEL_BLRP", scheduledDelay: number): ResolvedQueue {
  const maxQueueSize = getNumberFromEnv(`${prefix}_MAX_QUEUE_SIZE`) ?? 2048;
  return {
    maxQueueSize,
    // The SDK's default of 512 would exceed a smaller queue (and the SDK would say so).
    maxExportBatchSize:
      getNumberFromEnv(`${prefix}_MAX_EXPORT_BATCH_SIZE`) ?? Math.min(512, maxQueueSize),
    scheduledDelayMillis: getNumberFromEnv(`${prefix}_SCHEDULE_DELAY`) ?? scheduledDelay,
    exportTimeoutMillis: getNumberFromEnv(`${prefix}_EXPORT_TIMEOUT`) ?? 30_000,
  };
}

function protocol(signal: Signal): OtlpProtocol {
  const name =
    getStringFromEnv(`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ??
    getStringFromEnv("OTEL_EXPORTER_OTLP_PROTOCOL");
  return (name?.trim() as OtlpProtocol | undefined) ?? DEFAULT_OTLP_PROTOCOL;
}

/** OTEL_SDK_DISABLED (or the `disabled` option): read first, so nothing else is parsed. */
export function isDisabled(options: ObservabilityOptions, env: Env): boolean {
  if (options.disabled !== undefined) return options.disabled;
  return envValue(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true";
}

/**
 * Resolves the settings: an option wins over its environment variable, which wins over
 * the default. A bad environment value never throws: it becomes a problem (logged once
 * at start, naming the variable, never the value) and the default applies. A bad option
 * throws ObservabilityConfigError naming the option.
 */
export function resolveConfig(options: ObservabilityOptions, env: Env): ResolvedConfig {
  const problems = checkEnv(env);
  const checked: Record<string, string | undefined> = configVariables(env);
  for (const problem of problems) checked[problem.variable] = problem.replacement;
  const overrides = optionOverrides(options, checked);
  const merged = { ...checked, ...overrides.values };
  checkOptions(merged, overrides.optionOf);
  // A variable an option replaces is not used: nothing to warn about. (Header options
  // are merged over the variables, whose good entries stay in use.)
  const used = problems.filter(
    (p) => !(p.variable in overrides.values) || overrides.optionOf[p.variable] === "otlpHeaders",
  );

  return withEnv(merged, () => {
    const portSetting = overrides.optionOf.OTEL_EXPORTER_PROMETHEUS_PORT ?? "OTEL_EXPORTER_PROMETHEUS_PORT";
    const { OTEL_SDK_DISABLED: _disabled, OTEL_LOG_LEVEL: _level, ...sdkEnv } = merged;
    return {
      sdkEnv,
      problems: used,
      resourceAttributes: resourceAttributes(options),
      tracesExporters: exporterList<TraceExporterName>("OTEL_TRACES_EXPORTER", "otlp"),
      metricsExporters: exporterList<MetricExporterName>("OTEL_METRICS_EXPORTER", "prometheus"),
      logsExporters: exporterList<LogExporterName>("OTEL_LOGS_EXPORTER", "otlp"),
      protocols: { TRACES: protocol("TRACES"), METRICS: protocol("METRICS"), LOGS: protocol("LOGS") },
      prometheus: {
        host: getStringFromEnv("OTEL_EXPORTER_PROMETHEUS_HOST")?.trim() ?? DEFAULT_PROMETHEUS_HOST,
        port: {
          value: getNumberFromEnv("OTEL_EXPORTER_PROMETHEUS_PORT") ?? DEFAULT_PROMETHEUS_PORT,
          setting: portSetting,
        },
        endpoint: `/${(options.prometheusEndpoint ?? DEFAULT_PROMETHEUS_ENDPOINT).replace(/^\/+/, "")}`,
      },
      metricExportIntervalMillis:
        getNumberFromEnv("OTEL_METRIC_EXPORT_INTERVAL") ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS,
      spanQueue: queue("OTEL_BSP", 5000),
      logQueue: queue("OTEL_BLRP", 1000),
      logLevel: (getStringFromEnv("OTEL_LOG_LEVEL")?.trim().toLowerCase() ?? "warn") as DiagLevelName,
      shutdownTimeoutMillis:
        getNumberFromEnv("LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT") ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      lifecycleLogs: getBooleanFromEnv("LANGGRAPH_OTEL_LIFECYCLE_LOGS"),
    };
  });
}
