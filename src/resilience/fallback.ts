/**
 * `withFallback(primary, ...fallbacks)`: graceful degradation in levels. Level 0 is the
 * primary; on a failure the next level gets the same arguments. The first level that
 * answers wins; when every level fails, the last error reaches the caller unchanged.
 *
 * Telemetry: a `langgraph.fallback` event per level switch, `langgraph.fallback.level`
 * (the level that answered) on the active span, and `langgraph.fallback.activations`
 * for answers from level 1 and up.
 */
import { diag } from "@opentelemetry/api";
import { errorType } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_FALLBACK_LEVEL,
  ATTR_LANGGRAPH_OPERATION,
  EVENT_LANGGRAPH_FALLBACK,
} from "../semconv.js";
import { isControlFlowError } from "./errors.js";
import { named, type Operation, operationName, signalOf, type WrappedOperation } from "./operation.js";
import {
  activeSpanEvent,
  count,
  inOwnSpan,
  setActiveSpanAttributes,
  type TelemetryOptions,
} from "./telemetry.js";

export interface FallbackOptions extends TelemetryOptions {
  /** `langgraph.operation`. Default: the node name inside a node, else the primary's name. */
  name?: string;
  /**
   * Whether a failure at `level` moves on to the next level. Default: every error except
   * LangGraph control flow (interrupts, `Command.PARENT`) and a cancelled caller.
   */
  shouldFallback?: (error: unknown, level: number) => boolean;
}

function isOptions<A extends unknown[], R>(
  value: Operation<A, R> | FallbackOptions,
): value is FallbackOptions {
  return typeof value !== "function";
}

/**
 * Wraps `primary` with fallbacks of the same signature; an options object may come last:
 * `withFallback(callGpt, callClaude, cannedAnswer, { name: "answer" })`.
 */
export function withFallback<P extends (...args: never[]) => unknown>(
  // The primary alone fixes the types (inferred whole, so nested wrappers infer well); a
  // fallback must return the same and may take fewer parameters.
  primary: P,
  ...rest: Array<Operation<Parameters<P>, Awaited<ReturnType<P>>> | FallbackOptions>
): WrappedOperation<Parameters<P>, Awaited<ReturnType<P>>> {
  return fallbackChain(primary as unknown as Operation<Parameters<P>, Awaited<ReturnType<P>>>, rest);
}

function fallbackChain<A extends unknown[], R>(
  primary: Operation<A, R>,
  rest: Array<Operation<A, R> | FallbackOptions>,
): WrappedOperation<A, R> {
  const last = rest[rest.length - 1];
  const options: FallbackOptions = last !== undefined && isOptions(last) ? last : {};
  const levels: Array<Operation<A, R>> = [primary];
  for (const item of rest) {
    if (!isOptions(item)) levels.push(item);
    else if (item !== last) throw new TypeError("withFallback: options must come last");
  }

  function moveOn(err: unknown, level: number, signal: AbortSignal | undefined): boolean {
    if (signal?.aborted || isControlFlowError(err)) return false;
    if (options.shouldFallback === undefined) return true;
    try {
      return options.shouldFallback(err, level);
    } catch (hookError) {
      diag.warn("langgraph-otel: withFallback shouldFallback threw; not falling back", hookError);
      return false;
    }
  }

  async function degrading(...args: A): Promise<R> {
    const operation = operationName(options.name, primary, args);
    const signal = signalOf(args);
    return inOwnSpan(options, { [ATTR_LANGGRAPH_OPERATION]: operation }, async () => {
      for (let level = 0; ; level++) {
        try {
          const value = await levels[level]!(...args);
          setActiveSpanAttributes({ [ATTR_LANGGRAPH_FALLBACK_LEVEL]: level });
          if (level > 0) {
            count(options.meterProvider, (i) => i.fallbackActivations, {
              [ATTR_LANGGRAPH_OPERATION]: operation,
              [ATTR_LANGGRAPH_FALLBACK_LEVEL]: level,
            });
          }
          return value;
        } catch (err) {
          if (level + 1 >= levels.length || !moveOn(err, level, signal)) throw err;
          activeSpanEvent(EVENT_LANGGRAPH_FALLBACK, {
            [ATTR_LANGGRAPH_OPERATION]: operation,
            [ATTR_LANGGRAPH_FALLBACK_LEVEL]: level + 1,
            [ATTR_ERROR_TYPE]: errorType(err),
          });
        }
      }
    });
  }
  return named(degrading, primary);
}
