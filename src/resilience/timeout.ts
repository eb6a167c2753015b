/**
 * `withTimeout(fn, ms)`: gives the work `ms` milliseconds. The work receives an
 * AbortSignal (as `config.signal`, see operation.ts) that fires with a `TimeoutError` when
 * the time is up, and the caller gets that `TimeoutError` at once even if the work ignores
 * its signal. The timer is cleared however the call ends, so none is left running.
 *
 * Telemetry: `langgraph.timeouts` and a `langgraph.timeout` event on the active span.
 */
import { trace } from "@opentelemetry/api";
import { ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_TIMEOUT_MS, EVENT_LANGGRAPH_TIMEOUT } from "../semconv.js";
import { abortReason, linkSignals, raceAbort } from "./abort.js";
import { TimeoutError } from "./errors.js";
import {
  named,
  type Operation,
  operationName,
  signalOf,
  type WrappedOperation,
  withSignal,
} from "./operation.js";
import { count, guard, inOwnSpan, type TelemetryOptions } from "./telemetry.js";

export interface TimeoutOptions extends TelemetryOptions {
  /** `langgraph.operation`. Default: the node name inside a node, else the function name. */
  name?: string;
  /** Another signal that cancels the work (besides the caller's `config.signal`). */
  signal?: AbortSignal;
}

export function withTimeout<A extends unknown[], R>(
  fn: Operation<A, R>,
  ms: number,
  options: TimeoutOptions = {},
): WrappedOperation<A, R> {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`withTimeout: ms must be a positive finite number, got ${ms}`);
  }
  async function timed(...args: A): Promise<R> {
    const operation = operationName(options.name, fn, args);
    return inOwnSpan(options, { [ATTR_LANGGRAPH_OPERATION]: operation }, async () => {
      const link = linkSignals([signalOf(args), options.signal]);
      if (link.signal.aborted) throw abortReason(link.signal);
      // Taken now: a timer callback must not rely on context propagation to find it.
      const span = trace.getActiveSpan();
      const timer = setTimeout(() => {
        const attributes = { [ATTR_LANGGRAPH_OPERATION]: operation };
        count(options.meterProvider, (i) => i.timeouts, attributes);
        guard("adding a span event", () =>
          span?.addEvent(EVENT_LANGGRAPH_TIMEOUT, { ...attributes, [ATTR_LANGGRAPH_TIMEOUT_MS]: ms }),
        );
        link.abort(new TimeoutError(operation, ms));
      }, ms);
      try {
        return await raceAbort(fn(...withSignal(args, link.signal, fn)), link.signal);
      } finally {
        clearTimeout(timer);
        link.dispose();
      }
    });
  }
  return named(timed, fn);
}
