/**
 * Trace context for hops that no instrumentation sees: a job put on a queue (Redis list,
 * BullMQ, SQS...) and picked up by a worker process. The submitter writes the current
 * context into the job, the worker runs the job inside it, so the worker's graph run
 * lands in the submitter's trace. Both sides use the globally registered propagator
 * (W3C `traceparent`/`tracestate` and `baggage` under the SDK's defaults).
 *
 *   submitter: `queue.push({ input, trace: traceHeaders() })`
 *   worker:    `await runWithJobContext(job.trace, () => graph.invoke(job.input))`
 *
 * HTTP needs none of this: the http and undici instrumentations carry the context.
 */
import { type Context, context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";

/** A job's trace headers: string keys and values, as the propagator writes them. */
export type TraceCarrier = Record<string, string>;

/** Writes `ctx` (default: the active context) into `carrier` and returns it. */
export function injectTraceContext<C extends TraceCarrier>(carrier: C, ctx: Context = context.active()): C {
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The active trace context as a new header object, to store with a job. */
export function traceHeaders(ctx: Context = context.active()): TraceCarrier {
  return injectTraceContext({}, ctx);
}

/**
 * The context a carrier describes. It starts from the root context, not the active
 * one: a worker's loop must not leak one job's context into the next.
 * A missing or malformed carrier gives the root context (the job starts a new trace).
 */
export function extractTraceContext(carrier: unknown): Context {
  if (typeof carrier !== "object" || carrier === null) return ROOT_CONTEXT;
  const headers: TraceCarrier = {};
  for (const [key, value] of Object.entries(carrier)) if (typeof value === "string") headers[key] = value;
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Runs `fn` inside the context the job's carrier describes; returns what `fn` returns. */
export function runWithJobContext<T>(carrier: unknown, fn: () => T): T {
  return context.with(extractTraceContext(carrier), fn);
}
