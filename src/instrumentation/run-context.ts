import { type Attributes, type Context, createContextKey, type Span } from "@opentelemetry/api";
import { withSpanAndValue } from "./span-context.js";

/** What a node attempt needs to know about the graph run it belongs to. */
export interface RunState {
  readonly workflowName: string;
  readonly span: Span;
  /** What every span of the run carries (thread, user, allow-listed metadata, tags). */
  readonly spanAttributes: Attributes;
  /** Set when a node of this run ended in `interrupt()`; the run then ends `interrupted`. */
  interrupted: boolean;
}

const RUN_STATE_KEY = createContextKey("langgraph-otel graph run");

/** `ctx` with `span` active inside the run `state` describes. */
export function withRunSpan(ctx: Context, span: Span, state: RunState): Context {
  return withSpanAndValue(ctx, span, RUN_STATE_KEY, state);
}

/** The innermost graph run of a context (a subgraph's run inside a subgraph node). */
export function runStateOf(ctx: Context): RunState | undefined {
  return ctx.getValue(RUN_STATE_KEY) as RunState | undefined;
}

let enabledGraphInstrumentations = 0;

/** Counts enabled LangGraph instrumentations (enable: +1, disable: -1). */
export function noteGraphTracing(delta: 1 | -1): void {
  enabledGraphInstrumentations = Math.max(0, enabledGraphInstrumentations + delta);
}

/**
 * Whether graph runs are being traced in this process: model and tool calls made inside
 * a graph task then belong under a traced run, or get no span (a run left untraced as a
 * whole, see the node wrapper).
 */
export function graphTracingEnabled(): boolean {
  return enabledGraphInstrumentations > 0;
}
