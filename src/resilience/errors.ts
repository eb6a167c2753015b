/**
 * Typed errors of the resilience wrappers, and duck-typed tests for the errors they must
 * treat specially. Duck typing, not `instanceof`: LangGraph's ESM and CJS copies (and any
 * second copy of this package) have different classes.
 */

/** Thrown by a `CircuitBreaker` that is open (or half-open with every probe slot taken). */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
  /** The breaker's name (`langgraph.circuit_breaker.name`). */
  readonly breakerName: string;
  /** Milliseconds until the breaker lets a probe through; 0 when it is half-open. */
  readonly retryAfterMs: number;

  constructor(breakerName: string, retryAfterMs: number) {
    super(`circuit breaker "${breakerName}" is open`);
    this.breakerName = breakerName;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Thrown by a `Bulkhead` whose slots and queue are all taken: load shedding, which says
 * nothing about the dependency's health (not a breaker failure; not retried by default).
 */
export class BulkheadRejectedError extends Error {
  override readonly name = "BulkheadRejectedError";
  /** The bulkhead's name (`langgraph.bulkhead.name`). */
  readonly bulkheadName: string;
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  constructor(bulkheadName: string, maxConcurrent: number, maxQueue: number) {
    super(`bulkhead "${bulkheadName}" is full (${maxConcurrent} running, ${maxQueue} queued)`);
    this.bulkheadName = bulkheadName;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }
}

/** Thrown by `withTimeout` when the work did not settle in time. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number) {
    super(`"${operation}" timed out after ${timeoutMs} ms`);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

function nameOf(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

/** LangGraph control flow that travels as an error: never retried, never a failure. */
const CONTROL_FLOW_NAMES = new Set([
  "GraphBubbleUp",
  "GraphInterrupt",
  "NodeInterrupt",
  "ParentCommand",
]);

export function isControlFlowError(err: unknown): boolean {
  const name = nameOf(err);
  return name !== undefined && CONTROL_FLOW_NAMES.has(name);
}

export function isAbortError(err: unknown): boolean {
  return nameOf(err) === "AbortError";
}

export function isCircuitOpenError(err: unknown): err is CircuitOpenError {
  return nameOf(err) === "CircuitOpenError";
}

export function isBulkheadRejectedError(err: unknown): err is BulkheadRejectedError {
  return nameOf(err) === "BulkheadRejectedError";
}

export function isTimeoutError(err: unknown): boolean {
  return nameOf(err) === "TimeoutError";
}
