import { type Attributes, context, SpanKind, trace } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
  type Outcome,
} from "../semconv.js";
import type {
  InstrumentationHost,
  PregelInstance,
  StreamIterator,
  TaskConfig,
} from "./internal-types.js";
import { type RunState, withRunState } from "./run-context.js";
import type { Series } from "./series.js";
import { DEFAULT_WORKFLOW_NAME, endWithOutcome, outcomeOfError, threadIdOf } from "./utils.js";

/** The graph's name as LangGraph reports it, or LangGraph's own default. */
export function workflowNameOf(graph: PregelInstance): string {
  const name = graph.name;
  return typeof name === "string" && name !== "" ? name : DEFAULT_WORKFLOW_NAME;
}

/**
 * Wraps `Pregel.prototype._streamIterator`, the one path of every invoke, stream,
 * streamEvents and subgraph call: each call becomes an `invoke_workflow` span that is the
 * active span while LangGraph advances the run.
 */
export function wrapStreamIterator(host: InstrumentationHost, original: StreamIterator) {
  return function tracedStreamIterator(
    this: PregelInstance,
    input: unknown,
    options?: TaskConfig,
  ): AsyncGenerator<unknown, unknown, unknown> {
    host.noteGraph(this);
    const workflowName = workflowNameOf(this);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW,
      [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
    };
    const threadId = threadIdOf(options?.configurable) ?? threadIdOf(this.config?.configurable);
    if (threadId !== undefined) attributes[ATTR_GEN_AI_CONVERSATION_ID] = threadId;

    const series = host.series.workflow(workflowName);
    const parent = context.active();
    const span = host.tracer.startSpan(series.spanName, { kind: SpanKind.INTERNAL, attributes }, parent);
    const run: RunState = { workflowName, span, interrupted: false };
    const runContext = withRunState(trace.setSpan(parent, span), run);
    const inner = context.with(runContext, () => original.call(this, input, options));
    return traceRun(host, run, series, runContext, inner, options?.signal);
  };
}

async function* traceRun(
  host: InstrumentationHost,
  run: RunState,
  series: Series,
  runContext: ReturnType<typeof context.active>,
  inner: AsyncGenerator<unknown, unknown, unknown>,
  signal: AbortSignal | undefined,
): AsyncGenerator<unknown, unknown, unknown> {
  const startedAt = performance.now();
  host.instruments?.workflowActive.add(1, series.attributes.base);
  // Stays `cancelled` unless the run completes or throws: the consumer returned early.
  let outcome: Outcome = OUTCOME_CANCELLED;
  let failure: unknown;
  let innerDone = false;
  try {
    for (;;) {
      let step: IteratorResult<unknown, unknown>;
      try {
        // LangGraph advances the run inside next(): run each step in the graph span's context.
        step = await context.with(runContext, () => inner.next());
      } catch (err) {
        innerDone = true;
        throw err;
      }
      if (step.done === true) {
        innerDone = true;
        outcome = run.interrupted ? OUTCOME_INTERRUPTED : OUTCOME_OK;
        return step.value;
      }
      yield step.value;
    }
  } catch (err) {
    outcome = outcomeOfError(err, signal);
    if (outcome === OUTCOME_ERROR) failure = err;
    throw err;
  } finally {
    if (!innerDone) await context.with(runContext, () => inner.return(undefined));
    endRun(host, run, series, outcome, failure, startedAt);
  }
}

function endRun(
  host: InstrumentationHost,
  run: RunState,
  series: Series,
  outcome: Outcome,
  failure: unknown,
  startedAt: number,
): void {
  const instruments = host.instruments;
  instruments?.workflowActive.add(-1, series.attributes.base);
  endWithOutcome(run.span, instruments?.workflowDuration, series.attributes, outcome, failure, startedAt);
}
