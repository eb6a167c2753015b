/**
 * `withRetry(fn, policy)`: retries transient failures with exponential backoff and full
 * jitter. The policy takes LangGraph's `RetryPolicy` field names (`maxAttempts`,
 * `initialInterval`, `backoffFactor`, `maxInterval`, `retryOn`), so one policy object can
 * serve both; see docs/resilience.md for when to use which.
 */
import { type Attributes, diag } from "@opentelemetry/api";
import { errorType } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRY_ATTEMPT,
  ATTR_LANGGRAPH_RETRY_DELAY_MS,
  EVENT_LANGGRAPH_RETRY,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_OK,
  type Outcome,
} from "../semconv.js";
import { type AbandonedScope, abandon, currentScope, openScope, runInScope } from "./abandoned.js";
import { abortReason, linkSignals, raceAbort, sleep } from "./abort.js";
import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import { classifyError, type ErrorClass, retryAfterHint } from "./classify.js";
import {
  named,
  type Operation,
  operationName,
  signalOf,
  type WrappedOperation,
  withSignal,
} from "./operation.js";
import { activeSpanEvent, count, inOwnSpan, type TelemetryOptions } from "./telemetry.js";

export interface RetryPolicy extends TelemetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Ceiling of the first retry's delay, ms. Default 500. */
  initialInterval?: number;
  /** Growth of the delay ceiling per retry. Default 2. */
  backoffFactor?: number;
  /** Cap on any backoff delay, ms. Default 30 000. */
  maxInterval?: number;
  /** Full jitter: a uniform delay in [0, ceiling]. Default true; false waits the ceiling. */
  jitter?: boolean;
  /**
   * Transient (retry) or permanent (fail at once). Default `classifyError`: rate limits,
   * 5xx, timeouts and network errors are transient; 4xx, aborts, programming errors,
   * `CircuitOpenError` and LangGraph control flow (interrupts, `Command.PARENT`) are not.
   */
  classify?: (error: unknown) => ErrorClass;
  /** LangGraph-style predicate; when given it replaces `classify` (true = retry). */
  retryOn?: (error: unknown) => boolean;
  /**
   * The longest `Retry-After` hint to honour, ms. A hint replaces the backoff delay; a
   * longer one ends the retries at once (waiting less would waste the attempt). Default
   * 60 000.
   */
  maxRetryAfter?: number;
  /**
   * How long the next attempt may wait for the previous one when that one was abandoned
   * but still runs (a `withTimeout` inside gave up on work that ignores its signal), ms.
   * Attempts of one call never overlap: past this wait the retries end with the last
   * error. Default 30 000.
   */
  maxAbandonedWait?: number;
  /** Stops the retries (and the wait between them) as soon as it aborts. */
  signal?: AbortSignal;
  /** `langgraph.operation`. Default: the node name inside a node, else the function name. */
  name?: string;
  /** Source of jitter in [0, 1). Default `Math.random`; inject one for determinism. */
  random?: () => number;
}

interface ResolvedRetryPolicy extends BackoffPolicy {
  maxAttempts: number;
  maxRetryAfter: number;
  maxAbandonedWait: number;
  random: () => number;
}

function positive(name: string, value: number, allowZero: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`withRetry: ${name} must be a ${allowZero ? "non-negative" : "positive"} finite number, got ${value}`);
  }
  return value;
}

function resolvePolicy(policy: RetryPolicy): ResolvedRetryPolicy {
  const maxAttempts = policy.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`withRetry: maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  return {
    maxAttempts,
    initialInterval: positive("initialInterval", policy.initialInterval ?? 500, true),
    backoffFactor: positive("backoffFactor", policy.backoffFactor ?? 2, false),
    maxInterval: positive("maxInterval", policy.maxInterval ?? 30_000, true),
    jitter: policy.jitter ?? true,
    maxRetryAfter: positive("maxRetryAfter", policy.maxRetryAfter ?? 60_000, true),
    maxAbandonedWait: positive("maxAbandonedWait", policy.maxAbandonedWait ?? 30_000, true),
    random: policy.random ?? Math.random,
  };
}

/** Transient or permanent, by the user's hook when given; a throwing hook means permanent. */
function classify(policy: RetryPolicy, err: unknown): ErrorClass {
  try {
    if (policy.retryOn !== undefined) return policy.retryOn(err) ? "transient" : "permanent";
    return (policy.classify ?? classifyError)(err);
  } catch (hookError) {
    diag.warn("langgraph-otel: withRetry classifier threw; treating the error as permanent", hookError);
    return "permanent";
  }
}

/** The wait before the next attempt, or `undefined` to stop retrying. */
function nextDelay(
  policy: RetryPolicy,
  resolved: ResolvedRetryPolicy,
  err: unknown,
  attempt: number,
): number | undefined {
  if (attempt >= resolved.maxAttempts) return undefined;
  if (classify(policy, err) === "permanent") return undefined;
  const hint = retryAfterHint(err);
  if (hint !== undefined) return hint <= resolved.maxRetryAfter ? hint : undefined;
  return backoffDelay(attempt, resolved, resolved.random);
}

function reportAttempt(
  policy: RetryPolicy,
  operation: string,
  attempt: number,
  outcome: Outcome,
  err?: unknown,
  delay?: number,
): void {
  count(policy.meterProvider, (i) => i.retryAttempts, {
    [ATTR_LANGGRAPH_OPERATION]: operation,
    [ATTR_LANGGRAPH_OUTCOME]: outcome,
  });
  // A first-attempt success is the common case: it gets no event, the hot path stays quiet.
  if (outcome === OUTCOME_OK && attempt === 1) return;
  const attributes: Attributes = {
    [ATTR_LANGGRAPH_OPERATION]: operation,
    [ATTR_LANGGRAPH_RETRY_ATTEMPT]: attempt,
    [ATTR_LANGGRAPH_OUTCOME]: outcome,
  };
  if (err !== undefined) attributes[ATTR_ERROR_TYPE] = errorType(err);
  if (delay !== undefined) attributes[ATTR_LANGGRAPH_RETRY_DELAY_MS] = Math.round(delay);
  activeSpanEvent(EVENT_LANGGRAPH_RETRY, attributes);
}

/**
 * The wait before the next attempt, `undefined` to stop. Attempts of one call never run at
 * once: when the failed attempt abandoned work that still runs (a `withTimeout` inside gave
 * up on work that ignores its signal), the backoff runs alongside waiting for it to end;
 * if it outlives `maxAbandonedWait`, the retries stop.
 */
async function waitBeforeNext(
  attempt: AbandonedScope,
  delay: number | undefined,
  resolved: ResolvedRetryPolicy,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  if (delay === undefined || attempt.size === 0) return delay;
  const start = Date.now();
  if (!(await attempt.idle(resolved.maxAbandonedWait, signal))) return undefined;
  return Math.max(0, delay - (Date.now() - start));
}

/**
 * Wraps `fn` so that transient failures are retried. Works as a LangGraph node:
 * `addNode("call", withRetry(node, { maxAttempts: 4 }))`. The caller's `config.signal`
 * (and `policy.signal`) stop the loop at once, mid-attempt or mid-wait, with the abort
 * reason. The last error reaches the caller as the very same object.
 */
export function withRetry<A extends unknown[], R>(
  fn: Operation<A, R>,
  policy: RetryPolicy = {},
): WrappedOperation<A, R> {
  const resolved = resolvePolicy(policy);
  async function retrying(...args: A): Promise<R> {
    const operation = operationName(policy.name, fn, args);
    const callerSignal = signalOf(args);
    // Only a policy signal needs linking (and a config copy); else pass the config as is.
    const link = policy.signal !== undefined ? linkSignals([callerSignal, policy.signal]) : undefined;
    const signal = link?.signal ?? callerSignal;
    const callArgs = link !== undefined ? withSignal(args, link.signal, fn) : args;
    // Attempts run in a scope of their own: work they abandon is known here (abandoned.ts).
    const outer = currentScope();
    try {
      return await inOwnSpan(policy, { [ATTR_LANGGRAPH_OPERATION]: operation }, async () => {
        for (let attempt = 1; ; attempt++) {
          if (signal?.aborted) throw abortReason(signal);
          const scope = openScope();
          try {
            const work = runInScope(scope, () => fn(...callArgs));
            const value = await raceAbort(work, signal, (abandoned) => abandon(abandoned, outer));
            reportAttempt(policy, operation, attempt, OUTCOME_OK);
            return value;
          } catch (err) {
            if (signal?.aborted) {
              reportAttempt(policy, operation, attempt, OUTCOME_CANCELLED, err);
              throw err;
            }
            let remaining: number | undefined;
            try {
              remaining = await waitBeforeNext(scope, nextDelay(policy, resolved, err, attempt), resolved, signal);
            } finally {
              reportAttempt(policy, operation, attempt, OUTCOME_ERROR, err, remaining);
            }
            if (remaining === undefined) throw err;
            if (remaining > 0) await sleep(remaining, signal);
          }
        }
      });
    } finally {
      link?.dispose();
    }
  }
  return named(retrying, fn);
}
