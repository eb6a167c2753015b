/**
 * Transient or permanent? The default classifier of `withRetry`, and the `Retry-After`
 * hint reader. It extends LangGraph's own default `retryOn` (so a node retried by either
 * mechanism behaves alike) with network error codes, programming errors and the
 * wrappers' own errors.
 */
import {
  isAbortError,
  isBulkheadRejectedError,
  isCircuitOpenError,
  isControlFlowError,
  isTimeoutError,
} from "./errors.js";

export type ErrorClass = "transient" | "permanent";

/** Client statuses worth another try (timeouts, too early, rate limits); 5xx are too. */
const TRANSIENT_STATUS = new Set([408, 425, 429]);

/** Socket-level failures that a later attempt can survive. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Bugs in the code, not in the service: retrying them only repeats them. */
const PROGRAMMING_ERRORS = new Set(["TypeError", "ReferenceError", "SyntaxError", "RangeError"]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  response?: { status?: unknown; headers?: unknown };
  error?: { code?: unknown };
  headers?: unknown;
  retryAfterMs?: unknown;
  retryAfter?: unknown;
}

function asErrorLike(err: unknown): ErrorLike | undefined {
  return typeof err === "object" && err !== null ? (err as ErrorLike) : undefined;
}

/** The HTTP status an error carries (`status`, `statusCode`, `response.status`). */
export function httpStatusOf(err: unknown): number | undefined {
  const e = asErrorLike(err);
  const raw = e?.status ?? e?.statusCode ?? e?.response?.status;
  const status = typeof raw === "string" ? Number(raw) : raw;
  return typeof status === "number" && Number.isInteger(status) ? status : undefined;
}

/** The default classifier. */
export function classifyError(err: unknown): ErrorClass {
  const e = asErrorLike(err);
  if (e === undefined) return "transient";
  if (isControlFlowError(err) || isAbortError(err) || isCircuitOpenError(err)) return "permanent";
  // Load shedding: retrying from inside the same call would only queue up again.
  if (isBulkheadRejectedError(err)) return "permanent";
  if (isTimeoutError(err)) return "transient";
  const name = typeof e.name === "string" ? e.name : "";
  if (name === "GraphValueError" || name === "GraphRecursionError") return "permanent";
  if (PROGRAMMING_ERRORS.has(name)) return "permanent";
  const message = typeof e.message === "string" ? e.message : "";
  if (message.startsWith("Cancel") || message.startsWith("AbortError")) return "permanent";
  if (e.error?.code === "insufficient_quota") return "permanent";
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code === "ECONNABORTED") return "permanent";
  if (code !== undefined && TRANSIENT_CODES.has(code)) return "transient";
  const status = httpStatusOf(err);
  if (status !== undefined) {
    if (status >= 500) return status === 501 || status === 505 ? "permanent" : "transient";
    return TRANSIENT_STATUS.has(status) ? "transient" : "permanent";
  }
  // Unknown failures are retried, as LangGraph's default retryOn does.
  return "transient";
}

function headerValue(headers: unknown, name: string): unknown {
  if (typeof headers !== "object" || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === "function") return (get as (key: string) => unknown).call(headers, name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait an error asks for, in ms: `retryAfterMs` (this package's errors and any that
 * copy the convention), the `retry-after-ms` / `retry-after` headers on `headers` or
 * `response.headers` (OpenAI- and Anthropic-style SDK errors, fetch responses), or a
 * numeric `retryAfter` in seconds.
 */
export function retryAfterHint(err: unknown, now: number = Date.now()): number | undefined {
  const e = asErrorLike(err);
  if (e === undefined) return undefined;
  if (typeof e.retryAfterMs === "number" && Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0) {
    return e.retryAfterMs;
  }
  for (const headers of [e.headers, e.response?.headers]) {
    const ms = headerValue(headers, "retry-after-ms");
    const parsedMs = typeof ms === "string" ? Number(ms) : ms;
    if (typeof parsedMs === "number" && Number.isFinite(parsedMs) && parsedMs >= 0) return parsedMs;
    const hint = parseRetryAfter(headerValue(headers, "retry-after"), now);
    if (hint !== undefined) return hint;
  }
  return parseRetryAfter(e.retryAfter, now);
}
