import { isIP } from "node:net";
import {
  CAPTURE_CONTENT_ENV,
  captureModeOf,
  captureProblem,
  optedIntoLatestGenAI,
  SEMCONV_STABILITY_OPT_IN_ENV,
} from "../genai/content/capture-mode.js";
import type { Env } from "./env-parse.js";

/**
 * The documented variables and what makes a value of each unusable. This is not a parser:
 * the OTel SDK parses every value that passes (src/setup/config.ts hands them over). It
 * exists because the SDK, on a bad value, either throws (an unparsable gRPC endpoint),
 * says nothing (malformed headers, OTEL_RESOURCE_ATTRIBUTES at debug level), says it
 * twice (OTEL_TRACES_SAMPLER_ARG), or echoes the value (URLs that may carry credentials).
 * A bad value here gives one warning that names the variable, never its value, and the
 * variable is hidden from the SDK so that its default applies.
 */

/** What to do about one variable's value. */
export interface EnvProblem {
  variable: string;
  /** Why the value is unusable; never contains the value. */
  problem: string;
  /** What is used instead. */
  fallback: string;
  /** The value the SDK gets instead: undefined hides the variable. */
  replacement?: string;
}

type Check = (raw: string, env: Env) => Omit<EnvProblem, "variable"> | undefined;

const SIGNALS = ["TRACES", "METRICS", "LOGS"] as const;
export type Signal = (typeof SIGNALS)[number];

export const OTLP_PROTOCOLS = ["http/protobuf", "http/json", "grpc"] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const DEFAULT_OTLP_PROTOCOL: OtlpProtocol = "http/protobuf";

export const TRACE_EXPORTERS = ["otlp", "console", "none"] as const;
export const METRIC_EXPORTERS = ["prometheus", "otlp", "console", "none"] as const;
export const LOG_EXPORTERS = ["otlp", "console", "none"] as const;
export const DIAG_LEVELS = ["none", "error", "warn", "info", "debug", "verbose", "all"] as const;
export const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
const PROPAGATORS = ["tracecontext", "baggage", "b3", "b3multi", "jaeger", "none"] as const;
export const MAX_MS = 2_147_483_647; // setTimeout's limit

/** The trimmed value, or undefined when unset or blank (OTel spec: empty means unset). */
export function envValue(env: Env, name: string): string | undefined {
  const trimmed = env[name]?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function listItems(raw: string): string[] {
  return raw
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== "");
}

function oneOf(allowed: readonly string[], fallback: string): Check {
  return (raw) =>
    allowed.includes(raw.trim().toLowerCase())
      ? undefined
      : { problem: `expected one of ${allowed.join(", ")}`, fallback };
}

function listOf(allowed: readonly string[], fallback: string): Check {
  return (raw) => {
    const unknown = listItems(raw).filter((item) => !allowed.includes(item));
    return unknown.length === 0
      ? undefined
      : {
          problem: `${unknown.length} unknown name(s); expected a comma-separated list of ${allowed.join(", ")}`,
          fallback,
        };
  };
}

function integer(min: number, max: number, fallback: string): Check {
  return (raw) => {
    const value = Number(raw.trim());
    return Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : { problem: `expected an integer from ${min} to ${max}`, fallback };
  };
}

const boolean: Check = (raw) =>
  ["true", "false"].includes(raw.trim().toLowerCase())
    ? undefined
    : { problem: "expected true or false", fallback: "false" };

/** The same acceptance rule as the SDK's envDetector (which drops a bad list at debug level). */
const resourceAttributes: Check = (raw) => {
  const entries = raw.split(",").filter((entry) => entry.trim() !== "");
  const bad = entries.filter((entry) => {
    const [key = "", value = "", ...rest] = entry.split("=");
    if (rest.length > 0 || !entry.includes("=") || key.trim() === "") return true;
    try {
      return (
        decodeURIComponent(key.trim()).length > 255 ||
        decodeURIComponent(value.trim()).length > 255
      );
    } catch {
      return true;
    }
  }).length;
  return bad === 0
    ? undefined
    : {
        problem: `${bad} of ${entries.length} entries are not key=value pairs (percent-encode ',' and '=' in values; at most 255 characters)`,
        fallback: "no attributes from this variable",
      };
};

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space, tab and obs-text: what Node accepts in a header value.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function headerEntryOk(entry: string): boolean {
  const eq = entry.indexOf("=");
  if (eq <= 0) return false;
  const key = entry.slice(0, eq).trim();
  const value = entry.slice(eq + 1).trim();
  if (key === "" || value === "") return false;
  try {
    return HTTP_TOKEN.test(decodeURIComponent(key)) && HEADER_VALUE.test(decodeURIComponent(value));
  } catch {
    return false;
  }
}

/**
 * Header lists keep their good entries (as the SDK's own parser does): one typo must not
 * drop the authorization header next to it. Entries the SDK would keep but Node would
 * refuse at export time (a space in a name, a line break in a value) are dropped too.
 */
const headers: Check = (raw) => {
  const entries = raw.split(",").filter((entry) => entry.trim() !== "");
  const good = entries.filter(headerEntryOk);
  if (good.length === entries.length) return undefined;
  return {
    problem: `${entries.length - good.length} of ${entries.length} entries are not key=value pairs with a valid header name and value`,
    fallback: good.length === 0 ? "no headers from this variable" : "the other entries",
    replacement: good.length === 0 ? undefined : good.join(","),
  };
};

function protocolOf(env: Env, signal: Signal): OtlpProtocol {
  for (const name of [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    const value = envValue(env, name);
    if (value !== undefined && (OTLP_PROTOCOLS as readonly string[]).includes(value)) {
      return value as OtlpProtocol;
    }
  }
  return DEFAULT_OTLP_PROTOCOL;
}

/** http(s) URLs; gRPC also takes `host:port` (then TLS unless the scheme says http). */
export function endpointOk(raw: string, grpc: boolean): boolean {
  const value = raw.trim();
  const withScheme = grpc && !/^[\w]{1,8}:\/\//.test(value) ? `https://${value}` : value;
  try {
    const url = new URL(withScheme);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

function endpoint(signals: readonly Signal[]): Check {
  return (raw, env) => {
    const grpcOnly = signals.every((signal) => protocolOf(env, signal) === "grpc");
    const anyGrpc = signals.some((signal) => protocolOf(env, signal) === "grpc");
    if (endpointOk(raw, anyGrpc && grpcOnly)) return undefined;
    return {
      problem: grpcOnly
        ? "expected an http(s):// URL or host:port"
        : "expected an absolute http:// or https:// URL",
      fallback:
        signals.length === 1 ? "OTEL_EXPORTER_OTLP_ENDPOINT or its default" : "the protocol's default",
    };
  };
}

function positiveNumber(fallback: string): Check {
  return (raw) => {
    const value = Number(raw.trim());
    return Number.isFinite(value) && value > 0
      ? undefined
      : { problem: "expected a number of milliseconds greater than 0", fallback };
  };
}

function batchSize(prefix: "OTEL_BSP" | "OTEL_BLRP"): Check {
  const size = integer(1, 1_000_000_000, "512");
  return (raw, env) => {
    const basic = size(raw, env);
    if (basic !== undefined) return basic;
    const queueRaw = envValue(env, `${prefix}_MAX_QUEUE_SIZE`);
    const queue = queueRaw !== undefined && integer(1, 1e9, "")(queueRaw, env) === undefined
      ? Number(queueRaw)
      : 2048;
    return Number(raw) <= queue
      ? undefined
      : { problem: `exceeds the queue size (${prefix}_MAX_QUEUE_SIZE, ${queue})`, fallback: String(Math.min(512, queue)) };
  };
}

function queueRules(prefix: "OTEL_BSP" | "OTEL_BLRP", delay: number): Array<[string, Check]> {
  return [
    [`${prefix}_MAX_QUEUE_SIZE`, integer(1, 1_000_000_000, "2048")],
    [`${prefix}_MAX_EXPORT_BATCH_SIZE`, batchSize(prefix)],
    [`${prefix}_SCHEDULE_DELAY`, integer(0, MAX_MS, String(delay))],
    [`${prefix}_EXPORT_TIMEOUT`, integer(0, MAX_MS, "30000")],
  ];
}

function otlpRules(): Array<[string, Check]> {
  const rules: Array<[string, Check]> = [
    ["OTEL_EXPORTER_OTLP_PROTOCOL", oneOf(OTLP_PROTOCOLS, DEFAULT_OTLP_PROTOCOL)],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", endpoint(SIGNALS)],
    ["OTEL_EXPORTER_OTLP_HEADERS", headers],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", positiveNumber("10000")],
    ["OTEL_EXPORTER_OTLP_COMPRESSION", oneOf(["gzip", "none"], "none")],
  ];
  for (const signal of SIGNALS) {
    const generic = (name: string) => `OTEL_EXPORTER_OTLP_${name} or its default`;
    rules.push(
      [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, oneOf(OTLP_PROTOCOLS, generic("PROTOCOL"))],
      [`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, endpoint([signal])],
      [`OTEL_EXPORTER_OTLP_${signal}_HEADERS`, headers],
      [`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, positiveNumber(generic("TIMEOUT"))],
      [`OTEL_EXPORTER_OTLP_${signal}_COMPRESSION`, oneOf(["gzip", "none"], generic("COMPRESSION"))],
    );
  }
  return rules;
}

const count = (fallback: string) => integer(0, 1_000_000_000, fallback);

/** Every variable docs/configuration.md documents, in the order problems are reported. */
export const ENV_RULES: ReadonlyArray<readonly [string, Check]> = [
  ["OTEL_SDK_DISABLED", boolean],
  ["OTEL_LOG_LEVEL", oneOf(DIAG_LEVELS, "warn")],
  ["LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT", integer(0, MAX_MS, "5000")],
  ["LANGGRAPH_OTEL_LIFECYCLE_LOGS", boolean],
  ["OTEL_RESOURCE_ATTRIBUTES", resourceAttributes],
  ["OTEL_TRACES_EXPORTER", listOf(TRACE_EXPORTERS, "otlp")],
  ["OTEL_METRICS_EXPORTER", listOf(METRIC_EXPORTERS, "prometheus")],
  ["OTEL_LOGS_EXPORTER", listOf(LOG_EXPORTERS, "otlp")],
  ...otlpRules(),
  ...queueRules("OTEL_BSP", 5000),
  ...queueRules("OTEL_BLRP", 1000),
  ["OTEL_TRACES_SAMPLER", oneOf(SAMPLERS, "parentbased_always_on")],
  [
    "OTEL_TRACES_SAMPLER_ARG",
    (raw) => {
      const value = Number(raw.trim());
      return Number.isFinite(value) && value >= 0 && value <= 1
        ? undefined
        : // Given, not hidden: the SDK says "blank" when a ratio sampler finds none.
          { problem: "expected a ratio from 0 to 1 (with a decimal point)", fallback: "1", replacement: "1" };
    },
  ],
  ["OTEL_PROPAGATORS", listOf(PROPAGATORS, "tracecontext,baggage")],
  [
    "OTEL_EXPORTER_PROMETHEUS_HOST",
    (raw) =>
      isIP(raw.trim()) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(raw.trim())
        ? undefined
        : { problem: "expected a host name or an IP address", fallback: "127.0.0.1" },
  ],
  ["OTEL_EXPORTER_PROMETHEUS_PORT", integer(0, 65_535, "9464")],
  ["OTEL_METRIC_EXPORT_INTERVAL", integer(1, MAX_MS, "60000")],
  ["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", count("no limit")],
  ["OTEL_ATTRIBUTE_COUNT_LIMIT", count("128")],
  ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", count("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")],
  ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", count("OTEL_ATTRIBUTE_COUNT_LIMIT")],
  ["OTEL_SPAN_EVENT_COUNT_LIMIT", count("128")],
  ["OTEL_SPAN_LINK_COUNT_LIMIT", count("128")],
  ["OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", count("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")],
  ["OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", count("OTEL_ATTRIBUTE_COUNT_LIMIT")],
  [
    CAPTURE_CONTENT_ENV,
    (raw, env) => {
      const optIn = optedIntoLatestGenAI(env[SEMCONV_STABILITY_OPT_IN_ENV]);
      return captureModeOf(raw, optIn) === undefined
        ? { problem: captureProblem(optIn), fallback: optIn ? "NO_CONTENT" : "false" }
        : undefined;
    },
  ],
];

/** The problems of `env`, one per variable, in ENV_RULES order. */
export function checkEnv(env: Env): EnvProblem[] {
  const problems: EnvProblem[] = [];
  for (const [variable, check] of ENV_RULES) {
    const raw = envValue(env, variable);
    if (raw === undefined) continue;
    const problem = check(raw, env);
    if (problem !== undefined) problems.push({ variable, ...problem });
  }
  return problems;
}

const reportedVariables = new Set<string>();

/** startObservability warned about `variable`: an instrumentation reading it stays quiet. */
export function markReported(variable: string): void {
  reportedVariables.add(variable);
}

/**
 * True the first time an instrumentation reports a problem with `variable` in this
 * process, unless startObservability already did: one warning, not one per reader.
 */
export function reportOnce(variable: string): boolean {
  if (reportedVariables.has(variable)) return false;
  reportedVariables.add(variable);
  return true;
}

/** The warning for one problem: names the variable, never shows the value. */
export function describeProblem(problem: EnvProblem): string {
  return `langgraph-otel: ignoring ${problem.variable}: ${problem.problem} (value not shown); using ${problem.fallback}`;
}
