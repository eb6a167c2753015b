import type { Histogram, Span } from "@opentelemetry/api";
import { redactSecrets } from "../secrets.js";
import { SpanStatusCode } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_OUTCOME,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_PARENT_COMMAND,
  type Outcome,
} from "../semconv.js";
import type { LangGraphErrorLike } from "./internal-types.js";
import type { SeriesAttributes } from "./series.js";

/** Graph name when the user gave none (what LangGraph itself reports). */
export const DEFAULT_WORKFLOW_NAME = "LangGraph";

/** Longest subject kept in a span name; attributes keep the full value. */
export const MAX_SPAN_NAME_SUBJECT = 128;

/** `prefix subject`, with the subject cut to a length that span backends index well. */
export function spanName(prefix: string, subject: string): string {
  if (subject.length <= MAX_SPAN_NAME_SUBJECT) return `${prefix} ${subject}`;
  return `${prefix} ${subject.slice(0, MAX_SPAN_NAME_SUBJECT - 1)}…`;
}

/**
 * Which outcome an error means. LangGraph sends control flow as errors, so only what is
 * left after interrupts, parent commands and aborts is an `error`. Errors are duck-typed:
 * the ESM and CJS copies have different classes.
 */
export function outcomeOfError(err: unknown, signal?: AbortSignal): Outcome {
  const name = errorName(err);
  if (name === "GraphInterrupt" || name === "NodeInterrupt") return OUTCOME_INTERRUPTED;
  if (name === "ParentCommand") return OUTCOME_PARENT_COMMAND;
  if (name === "AbortError" || signal?.aborted === true) return OUTCOME_CANCELLED;
  return OUTCOME_ERROR;
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const name = (err as LangGraphErrorLike).name;
  return typeof name === "string" ? name : undefined;
}

/** `error.type`: the error's name or class, or the JS type of a thrown non-object. */
export function errorType(err: unknown): string {
  if (typeof err !== "object" || err === null) return typeof err;
  const name = errorName(err);
  if (name !== undefined && name !== "") return name;
  const ctorName = (err as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctorName === "string" && ctorName !== "" ? ctorName : "Error";
}

/** Marks a span failed the OTel way: status ERROR, `error.type`, an exception event. */
export function recordSpanError(span: Span, err: unknown, type: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, type);
  // Error text is where keys in URLs and headers leak: always through the secret patterns.
  const isErrorLike = typeof err === "object" && err !== null && "message" in err;
  const message = redactSecrets(isErrorLike ? safeString((err as Error).message) : safeString(err));
  const { stack, code } = isErrorLike ? (err as { stack?: unknown; code?: unknown }) : {};
  span.recordException({
    name: isErrorLike ? safeString((err as Error).name ?? type) : type,
    message,
    ...(typeof stack === "string" ? { stack: redactSecrets(stack) } : {}),
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Interrupt ids carried by a GraphInterrupt, for the `langgraph.interrupt` event. */
export function interruptIds(err: unknown): string[] {
  if (typeof err !== "object" || err === null) return [];
  const interrupts = (err as LangGraphErrorLike).interrupts;
  if (!Array.isArray(interrupts)) return [];
  const ids: string[] = [];
  for (const item of interrupts) if (typeof item?.id === "string") ids.push(item.id);
  return ids;
}

/** String form of a value for attributes; never throws (symbols, revoked proxies…). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `thread_id` as a span attribute value, if the config carries one. */
export function threadIdOf(configurable: Record<string, unknown> | undefined): string | undefined {
  const id = configurable?.thread_id;
  if (typeof id === "string") return id;
  if (typeof id === "number" || typeof id === "bigint") return String(id);
  return undefined;
}

/**
 * LangGraph's trigger list as a string array attribute: the list itself when it holds
 * strings only (the SDK copies attribute arrays as it stores them), else a converted copy.
 */
export function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.every((item) => typeof item === "string")) return value as string[];
  return value.map((item) => (typeof item === "string" ? item : safeString(item)));
}

/** Seconds between two `performance.now()` readings. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

/**
 * Ends a run or node span with its outcome and records its duration (outcome and, for
 * errors, `error.type` added to the metric attributes). Only `error` marks the span failed.
 */
export function endWithOutcome(
  span: Span,
  duration: Histogram | undefined,
  series: SeriesAttributes,
  outcome: Outcome,
  failure: unknown,
  startedAt: number,
): void {
  span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
  const isError = outcome === OUTCOME_ERROR;
  const type = isError ? errorType(failure) : undefined;
  duration?.record(secondsSince(startedAt), series.withOutcome(outcome, type));
  if (type !== undefined) recordSpanError(span, failure, type);
  span.end();
}
