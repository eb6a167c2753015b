import type { Attributes } from "@opentelemetry/api";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from "../semconv.js";
import {
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_PROMETHEUS_ENDPOINT,
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
} from "../stack-defaults.js";
import {
  type Env,
  envString,
  parseBoolean,
  parseHttpUrl,
  parseInteger,
  parseKeyValueList,
  parseList,
  parsePort,
  pick,
  type Sourced,
} from "./env-parse.js";
import { ObservabilityConfigError } from "./errors.js";
import type {
  BatchQueueOptions,
  DiagLevelName,
  LogExporterName,
  MetricExporterName,
  ObservabilityOptions,
  TraceExporterName,
} from "./options.js";

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;
export const DEFAULT_OTLP_ENDPOINT = `http://localhost:${DEFAULT_OTLP_HTTP_PORT}`;
const DEFAULT_OTLP_TIMEOUT_MS = 10_000;
const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
const MAX_MS = 2_147_483_647; // setTimeout's limit

const TRACE_EXPORTERS = ["otlp", "console", "none"] as const;
const METRIC_EXPORTERS = ["prometheus", "otlp", "console", "none"] as const;
const LOG_EXPORTERS = ["otlp", "console", "none"] as const;
const DIAG_LEVELS = ["none", "error", "warn", "info", "debug", "verbose", "all"] as const;

/** Where and how one signal goes over OTLP/HTTP. */
export interface OtlpTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

export interface ResolvedQueue {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/** Every setting after options > env > defaults; the shape the wiring code consumes. */
export interface ResolvedConfig {
  resourceAttributes: Attributes;
  tracesExporters: TraceExporterName[];
  metricsExporters: MetricExporterName[];
  logsExporters: LogExporterName[];
  traces: OtlpTarget;
  logs: OtlpTarget;
  metrics: OtlpTarget;
  sampler: { name: string; setting: string; arg: number };
  prometheus: { host: string; port: Sourced<number>; endpoint: string };
  metricExportIntervalMillis: number;
  spanQueue: ResolvedQueue;
  logQueue: ResolvedQueue;
  logLevel: DiagLevelName;
  shutdownTimeoutMillis: number;
  lifecycleLogs: boolean;
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (setting: string, raw: string): T[] => {
    const names = parseList(raw);
    for (const name of names) {
      if (!(allowed as readonly string[]).includes(name)) {
        throw new ObservabilityConfigError(
          setting,
          `unknown exporter "${name}" (expected ${allowed.join(", ")})`,
        );
      }
    }
    // "none" wins over anything listed with it, as in the OTel spec.
    return names.includes("none") ? [] : (names as T[]);
  };
}

function exporters<T extends string>(
  option: T | T[] | undefined,
  optionName: string,
  env: Env,
  variable: string,
  allowed: readonly T[],
  fallback: T,
): T[] {
  const parse = oneOf(allowed);
  const fromOption = option === undefined ? undefined : parse(optionName, [option].flat().join(","));
  return pick(fromOption, optionName, env, variable, parse, [fallback]).value;
}

const ms = (setting: string, raw: string) => parseInteger(setting, raw, 0, MAX_MS);
const positive = (setting: string, raw: string) => parseInteger(setting, raw, 1, 1_000_000_000);

function checkOption(setting: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  return parseInteger(setting, String(value), min, MAX_MS);
}

function queue(
  option: BatchQueueOptions | undefined,
  optionName: string,
  env: Env,
  prefix: "OTEL_BSP" | "OTEL_BLRP",
  scheduledDelayDefault: number,
): ResolvedQueue {
  const o = option ?? {};
  const get = (key: keyof BatchQueueOptions, suffix: string, fallback: number, min: number) =>
    pick(
      checkOption(`${optionName}.${key}`, o[key], min),
      `${optionName}.${key}`,
      env,
      `${prefix}_${suffix}`,
      min === 0 ? ms : positive,
      fallback,
    );
  const maxQueueSize = get("maxQueueSize", "MAX_QUEUE_SIZE", 2048, 1);
  const maxExportBatchSize = get("maxExportBatchSize", "MAX_EXPORT_BATCH_SIZE", 512, 1);
  if (maxExportBatchSize.value > maxQueueSize.value) {
    throw new ObservabilityConfigError(
      maxExportBatchSize.setting,
      `${maxExportBatchSize.value} exceeds the queue size ${maxQueueSize.value} (${maxQueueSize.setting})`,
    );
  }
  return {
    maxQueueSize: maxQueueSize.value,
    maxExportBatchSize: maxExportBatchSize.value,
    scheduledDelayMillis: get("scheduledDelayMillis", "SCHEDULE_DELAY", scheduledDelayDefault, 0)
      .value,
    exportTimeoutMillis: get("exportTimeoutMillis", "EXPORT_TIMEOUT", 30_000, 0).value,
  };
}

/** `http://host:4318` + `/v1/traces`, respecting a base path. */
function appendSignalPath(base: URL, path: string): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url.href;
}

function otlpProtocol(env: Env, signal: string): void {
  for (const variable of [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    const raw = envString(env, variable);
    if (raw === undefined) continue;
    // The Collector's HTTP receiver takes JSON and protobuf alike, so a request for
    // protobuf is served with JSON; gRPC needs another port and transport.
    if (raw === "http/json" || raw === "http/protobuf") return;
    throw new ObservabilityConfigError(
      variable,
      `protocol "${raw}" is not supported (langgraph-otel sends OTLP over HTTP: use http/json or http/protobuf)`,
    );
  }
}

function otlpTarget(
  options: ObservabilityOptions,
  env: Env,
  signal: "TRACES" | "LOGS" | "METRICS",
  path: string,
): OtlpTarget {
  otlpProtocol(env, signal);
  const signalOption = {
    TRACES: ["otlpTracesEndpoint", options.otlpTracesEndpoint],
    LOGS: ["otlpLogsEndpoint", options.otlpLogsEndpoint],
    METRICS: ["otlpMetricsEndpoint", options.otlpMetricsEndpoint],
  }[signal] as [string, string | undefined];
  const signalVar = `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`;
  let url: string;
  if (signalOption[1] !== undefined) {
    url = parseHttpUrl(signalOption[0], signalOption[1]).href;
  } else if (options.otlpEndpoint !== undefined) {
    url = appendSignalPath(parseHttpUrl("otlpEndpoint", options.otlpEndpoint), path);
  } else if (envString(env, signalVar) !== undefined) {
    url = parseHttpUrl(signalVar, envString(env, signalVar) ?? "").href;
  } else {
    const base = envString(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    url = appendSignalPath(
      parseHttpUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base ?? DEFAULT_OTLP_ENDPOINT),
      path,
    );
  }

  let headers: Record<string, string>;
  if (options.otlpHeaders !== undefined) {
    headers = { ...options.otlpHeaders };
  } else {
    const generic = envString(env, "OTEL_EXPORTER_OTLP_HEADERS");
    const specific = envString(env, `OTEL_EXPORTER_OTLP_${signal}_HEADERS`);
    headers = {
      ...(generic === undefined ? {} : parseKeyValueList("OTEL_EXPORTER_OTLP_HEADERS", generic)),
      ...(specific === undefined
        ? {}
        : parseKeyValueList(`OTEL_EXPORTER_OTLP_${signal}_HEADERS`, specific)),
    };
  }

  const specificTimeout = envString(env, `OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`);
  const timeoutMillis =
    checkOption("otlpTimeoutMillis", options.otlpTimeoutMillis, 1) ??
    (specificTimeout !== undefined
      ? positive(`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, specificTimeout)
      : pick(
          undefined,
          "otlpTimeoutMillis",
          env,
          "OTEL_EXPORTER_OTLP_TIMEOUT",
          positive,
          DEFAULT_OTLP_TIMEOUT_MS,
        ).value);
  return { url, headers, timeoutMillis };
}

function resourceAttributes(options: ObservabilityOptions, env: Env): Attributes {
  const fromEnv = envString(env, "OTEL_RESOURCE_ATTRIBUTES");
  const attributes: Attributes = {
    ...(fromEnv === undefined ? {} : parseKeyValueList("OTEL_RESOURCE_ATTRIBUTES", fromEnv)),
  };
  const serviceName = envString(env, "OTEL_SERVICE_NAME");
  if (serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = serviceName;
  Object.assign(attributes, options.resourceAttributes ?? {});
  if (options.serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = options.serviceName;
  if (options.serviceVersion !== undefined) attributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  if (options.deploymentEnvironment !== undefined) {
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.deploymentEnvironment;
  }
  return attributes;
}

function diagLevel(setting: string, raw: string): DiagLevelName {
  const level = raw.trim().toLowerCase();
  if ((DIAG_LEVELS as readonly string[]).includes(level)) return level as DiagLevelName;
  throw new ObservabilityConfigError(
    setting,
    `unknown log level "${raw}" (expected ${DIAG_LEVELS.join(", ")})`,
  );
}

function samplerArg(setting: string, raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ObservabilityConfigError(setting, `expected a ratio from 0 to 1, got "${raw}"`);
  }
  return value;
}

/** OTEL_SDK_DISABLED (or the `disabled` option): read first, so nothing else is parsed. */
export function isDisabled(options: ObservabilityOptions, env: Env): boolean {
  return pick(options.disabled, "disabled", env, "OTEL_SDK_DISABLED", parseBoolean, false).value;
}

/**
 * Resolves every setting: an option wins over its environment variable, which wins over
 * the default. Bad values throw ObservabilityConfigError naming the variable or option.
 */
export function resolveConfig(options: ObservabilityOptions, env: Env): ResolvedConfig {
  const samplerFromEnv = envString(env, "OTEL_TRACES_SAMPLER")?.toLowerCase();
  const samplerName =
    typeof options.sampler === "string"
      ? options.sampler
      : (samplerFromEnv ?? "parentbased_always_on");
  return {
    resourceAttributes: resourceAttributes(options, env),
    tracesExporters: exporters(
      options.tracesExporter,
      "tracesExporter",
      env,
      "OTEL_TRACES_EXPORTER",
      TRACE_EXPORTERS,
      "otlp",
    ),
    metricsExporters: exporters(
      options.metricsExporter,
      "metricsExporter",
      env,
      "OTEL_METRICS_EXPORTER",
      METRIC_EXPORTERS,
      "prometheus",
    ),
    logsExporters: exporters(
      options.logsExporter,
      "logsExporter",
      env,
      "OTEL_LOGS_EXPORTER",
      LOG_EXPORTERS,
      "otlp",
    ),
    traces: otlpTarget(options, env, "TRACES", "/v1/traces"),
    logs: otlpTarget(options, env, "LOGS", "/v1/logs"),
    metrics: otlpTarget(options, env, "METRICS", "/v1/metrics"),
    sampler: {
      name: samplerName,
      setting: typeof options.sampler === "string" ? "sampler" : "OTEL_TRACES_SAMPLER",
      arg: pick(
        options.samplerArg === undefined
          ? undefined
          : samplerArg("samplerArg", String(options.samplerArg)),
        "samplerArg",
        env,
        "OTEL_TRACES_SAMPLER_ARG",
        samplerArg,
        1,
      ).value,
    },
    prometheus: {
      host:
        options.prometheusHost ??
        envString(env, "OTEL_EXPORTER_PROMETHEUS_HOST") ??
        DEFAULT_PROMETHEUS_HOST,
      port: pick(
        options.prometheusPort === undefined
          ? undefined
          : parsePort("prometheusPort", String(options.prometheusPort)),
        "prometheusPort",
        env,
        "OTEL_EXPORTER_PROMETHEUS_PORT",
        parsePort,
        DEFAULT_PROMETHEUS_PORT,
      ),
      endpoint: `/${(options.prometheusEndpoint ?? DEFAULT_PROMETHEUS_ENDPOINT).replace(/^\/+/, "")}`,
    },
    metricExportIntervalMillis: pick(
      checkOption("metricExportIntervalMillis", options.metricExportIntervalMillis, 1),
      "metricExportIntervalMillis",
      env,
      "OTEL_METRIC_EXPORT_INTERVAL",
      positive,
      DEFAULT_METRIC_EXPORT_INTERVAL_MS,
    ).value,
    spanQueue: queue(options.spanQueue, "spanQueue", env, "OTEL_BSP", 5000),
    logQueue: queue(options.logQueue, "logQueue", env, "OTEL_BLRP", 1000),
    logLevel: pick(options.logLevel, "logLevel", env, "OTEL_LOG_LEVEL", diagLevel, "warn").value,
    shutdownTimeoutMillis: pick(
      checkOption("shutdownTimeoutMillis", options.shutdownTimeoutMillis, 0),
      "shutdownTimeoutMillis",
      env,
      "LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT",
      ms,
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
    ).value,
    lifecycleLogs: pick(
      options.lifecycleLogs,
      "lifecycleLogs",
      env,
      "LANGGRAPH_OTEL_LIFECYCLE_LOGS",
      parseBoolean,
      false,
    ).value,
  };
}
