import { type Context, createContextKey, type Span } from "@opentelemetry/api";

/** What a node attempt needs to know about the graph run it belongs to. */
export interface RunState {
  readonly workflowName: string;
  readonly span: Span;
  /** Set when a node of this run ended in `interrupt()`; the run then ends `interrupted`. */
  interrupted: boolean;
}

const RUN_STATE_KEY = createContextKey("langgraph-otel graph run");

export function withRunState(ctx: Context, state: RunState): Context {
  return ctx.setValue(RUN_STATE_KEY, state);
}

/** The innermost graph run of a context (a subgraph's run inside a subgraph node). */
export function runStateOf(ctx: Context): RunState | undefined {
  return ctx.getValue(RUN_STATE_KEY) as RunState | undefined;
}
