import type { Span } from "@opentelemetry/api";
import { errorType, outcomeOfError, recordSpanError } from "../instrumentation/utils.js";
import { OUTCOME_ERROR, type Outcome } from "../semconv.js";
import type { GenAIHost } from "./host.js";

/**
 * Calls open at once, at most. LangChain may never end a call (a handler it dropped, a
 * provider promise that never settles): past this many, the oldest is ended, so the maps
 * never grow with the app's lifetime.
 */
export const MAX_OPEN_CALLS = 10_000;

/** What every open call keeps. */
export interface OpenCall {
  span: Span;
  startedAt: number;
  /** What the call returned or threw, for the response hook. */
  result?: unknown;
  failure?: unknown;
}

/**
 * The calls of one kind (tools, retrievers) whose span is open, by LangChain run id:
 * bounded, ended as failed on error, emptied by `endAll()`.
 */
export abstract class OpenCalls<C extends OpenCall> {
  private readonly calls = new Map<string, C>();

  constructor(protected readonly host: GenAIHost) {}

  inFlight(): number {
    return this.calls.size;
  }

  protected isOpen(runId: string): boolean {
    return this.calls.has(runId);
  }

  protected open(runId: string, call: C): void {
    if (this.calls.size >= MAX_OPEN_CALLS) this.error(this.calls.keys().next().value ?? "", { name: "AbortError" });
    this.calls.set(runId, call);
  }

  /** An interrupt() inside the call, or an abort, is control flow, not a failure. */
  error(runId: string, err: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    const outcome = outcomeOfError(err);
    const type = outcome === OUTCOME_ERROR ? errorType(err) : undefined;
    call.failure = err;
    if (type !== undefined) recordSpanError(call.span, err, type);
    this.finish(call, outcome, type);
  }

  endAll(): void {
    for (const runId of [...this.calls.keys()]) this.error(runId, { name: "AbortError" });
  }

  /** Sets the outcome, records the duration metric, ends the span. */
  protected abstract finish(call: C, outcome: Outcome, errorTypeName?: string): void;

  protected take(runId: string): C | undefined {
    const call = this.calls.get(runId);
    if (call === undefined) return undefined;
    this.calls.delete(runId);
    this.host.runs.forget(runId);
    return call;
  }
}
