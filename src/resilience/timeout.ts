/**
 * `withTimeout(fn, ms)`: gives the work `ms` milliseconds. The work receives an
 * AbortSignal (as `config.signal`, see operation.ts) that fires with a `TimeoutError` when
 * the time is up, and the caller gets that `TimeoutError` at once even if the work ignores
 * its signal. The timer is cleared however the call ends, so none is left running.
 *
 * Work that ignores its signal goes on running: it is abandoned, not stopped. It is then
 * added to the enclosing wrappers' scopes (abandoned.ts), so `withRetry` waits for it before
 * the next attempt and a bulkhead keeps its slot, and counted in `langgraph.timeout.abandoned`
 * until it settles.
 *
 * Telemetry: `langgraph.timeouts`, `langgraph.timeout.abandoned` and a `langgraph.timeout`
 * event on the active span.
 */
import { type Attributes, type MeterProvider, trace, type UpDownCounter } from "@opentelemetry/api";
import { ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_TIMEOUT_MS, EVENT_LANGGRAPH_TIMEOUT } from "../semconv.js";
import { type AbandonedScope, abandon, currentScope } from "./abandoned.js";
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
import { count, guard, inOwnSpan, instrumentsFor, type TelemetryOptions } from "./telemetry.js";

export interface TimeoutOptions extends TelemetryOptions {
  /** `langgraph.operation`. Default: the node name inside a node, else the function name. */
  name?: string;
  /** Another signal that cancels the work (besides the caller's `config.signal`). */
  signal?: AbortSignal;
}

/** Hands abandoned work to the enclosing scopes and counts it until it settles. */
function trackAbandoned(
  work: Promise<unknown>,
  scope: AbandonedScope | undefined,
  meterProvider: MeterProvider | undefined,
  attributes: Attributes,
): void {
  abandon(work, scope);
  // The same instrument for +1 and -1, even if the global provider changes in between.
  let gauge: UpDownCounter | undefined;
  guard("recording a metric", () => {
    gauge = instrumentsFor(meterProvider).timeoutAbandoned;
    gauge.add(1, attributes);
  });
  const settled = () => guard("recording a metric", () => gauge?.add(-1, attributes));
  work.then(settled, settled);
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
    const scope = currentScope();
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
        return await raceAbort(fn(...withSignal(args, link.signal, fn)), link.signal, (work) =>
          trackAbandoned(work, scope, options.meterProvider, { [ATTR_LANGGRAPH_OPERATION]: operation }),
        );
      } finally {
        clearTimeout(timer);
        link.dispose();
      }
    });
  }
  return named(timed, fn);
}
