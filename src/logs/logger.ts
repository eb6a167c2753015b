import { context, diag, isSpanContextValid, trace } from "@opentelemetry/api";
import { type AnyValue, type LogAttributes, logs, SeverityNumber } from "@opentelemetry/api-logs";
import { ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE } from "../semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

const SEVERITY: Record<LogLevel, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

export interface LoggerOptions {
  /** Instrumentation scope of the OTel records and `logger` field of the lines. */
  name?: string;
  /** Least severe level written and emitted. Default info. */
  level?: LogLevel;
  /** Attributes on every record of this logger. */
  attributes?: LogFields;
  /** Where JSON lines go; default process.stdout. `false`: only the OTel bridge. */
  write?: ((line: string) => void) | false;
}

export interface Logger {
  debug(message: string, attributes?: LogFields): void;
  info(message: string, attributes?: LogFields): void;
  warn(message: string, attributes?: LogFields): void;
  error(message: string, attributes?: LogFields): void;
  /** A logger whose records carry `attributes` too. */
  child(attributes: LogFields): Logger;
}

/** An OTel attribute value: primitives and homogeneous arrays pass; errors and objects are flattened. */
function toAnyValue(value: unknown): AnyValue {
  if (value === null || value === undefined) return value;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (Array.isArray(value)) return value.map(toAnyValue);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "bigint") return value.toString();
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function toLogAttributes(fields: LogFields): LogAttributes {
  const attributes: LogAttributes = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      // An error field becomes the error.type/exception.message pair backends index.
      attributes[ATTR_ERROR_TYPE] = value.name;
      attributes[ATTR_EXCEPTION_MESSAGE] = value.message;
    }
    attributes[key] = toAnyValue(value);
  }
  return attributes;
}

function jsonSafe(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { type: value.name, message: value.message }
        : typeof value === "bigint"
          ? value.toString()
          : value;
  }
  return out;
}

function stringify(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line);
  } catch {
    // Circular attributes: keep the line, lose the attributes.
    return JSON.stringify({ ...line, attributes: "[unserializable]" });
  }
}

/**
 * @deprecated Log with pino or winston: `startObservability()` and the register entry
 * enable their OTel instrumentations, which add `trace_id`/`span_id` to every line and
 * send each record to the LoggerProvider (docs/logs.md). Kept for existing callers;
 * planned for removal in the next minor release.
 *
 * A structured logger: each call writes one JSON line (`timestamp`, `level`, `message`,
 * `attributes`, and the active span's `trace_id`/`span_id`) and emits the same record
 * through the OTel Logs API, so it is exported next to the trace it belongs to.
 * Logging never throws.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const name = options.name ?? PACKAGE_NAME;
  const threshold = SEVERITY[options.level ?? "info"];
  const bound = options.attributes ?? {};
  const write =
    options.write === false
      ? undefined
      : (options.write ?? ((line: string) => void process.stdout.write(line)));

  const log = (level: LogLevel, message: string, fields: LogFields | undefined) => {
    if (SEVERITY[level] < threshold) return;
    try {
      const attributes = fields === undefined ? bound : { ...bound, ...fields };
      const active = context.active();
      const spanContext = trace.getSpanContext(active);
      if (write !== undefined) {
        const line: Record<string, unknown> = {
          timestamp: new Date().toISOString(),
          level,
          logger: name,
          message,
          attributes: jsonSafe(attributes),
        };
        if (spanContext !== undefined && isSpanContextValid(spanContext)) {
          line.trace_id = spanContext.traceId;
          line.span_id = spanContext.spanId;
        }
        write(`${stringify(line)}\n`);
      }
      logs.getLogger(name, name === PACKAGE_NAME ? PACKAGE_VERSION : undefined).emit({
        severityNumber: SEVERITY[level],
        severityText: level.toUpperCase(),
        body: message,
        attributes: toLogAttributes(attributes),
        context: active,
      });
    } catch (error) {
      diag.debug("langgraph-otel: log record dropped", error);
    }
  };

  return {
    debug: (message, attributes) => log("debug", message, attributes),
    info: (message, attributes) => log("info", message, attributes),
    warn: (message, attributes) => log("warn", message, attributes),
    error: (message, attributes) => log("error", message, attributes),
    child: (attributes) =>
      createLogger({ ...options, attributes: { ...bound, ...attributes } }),
  };
}
