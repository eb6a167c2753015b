import { type Attributes, type Context, context, type Span, SpanKind, type SpanOptions, trace } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_AGENT_DESCRIPTION,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  GEN_AI_OPERATION_INVOKE_AGENT,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
  type Outcome,
  SPAN_INVOKE_AGENT,
} from "../semconv.js";
import { type AgentInfo, agentOf } from "./agents.js";
import type {
  InstrumentationHost,
  PregelInstance,
  StreamIterator,
  TaskConfig,
} from "./internal-types.js";
import { trackInFlight, untrackInFlight } from "./in-flight.js";
import {
  type CheckpointedThread,
  checkpointedThread,
  markResumed,
  type ResumeLink,
  readResumeLink,
  writeInterruptRecord,
} from "./resume-link.js";
import { runAttributes } from "./run-attributes.js";
import { applyResponseHook, applyStartSpanHook } from "./span-hooks.js";
import { type RunState, runStateOf, withRunSpan } from "./run-context.js";
import type { Series } from "./series.js";
import { DEFAULT_WORKFLOW_NAME, endWithOutcome, outcomeOfError, spanName, threadIdOf } from "./utils.js";

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
    return traceRun(host, original, this, input, options, context.active());
  };
}

/**
 * LangGraph's iterator with each `next`/`return`/`throw` run in the graph span's context
 * (LangGraph advances the run inside them), returning LangGraph's own promises untouched.
 */
function inContext(
  runContext: Context,
  inner: AsyncGenerator<unknown, unknown, unknown>,
): AsyncIterableIterator<unknown, unknown, unknown> {
  const steps: AsyncIterableIterator<unknown, unknown, unknown> = {
    // `with(ctx, fn, thisArg, arg)`: no closure per chunk.
    next: (value?: unknown) => context.with(runContext, inner.next, inner, value),
    return: (value?: unknown) => context.with(runContext, inner.return, inner, value),
    throw: (err?: unknown) => context.with(runContext, inner.throw, inner, err),
    [Symbol.asyncIterator]: () => steps,
  };
  return steps;
}

/**
 * Delegates the whole run with `yield*`: chunks pass from LangGraph to the consumer with
 * no extra ticks of ours. When a node fails, LangGraph errors its stream one microtask
 * later and drops chunks still unread, so a re-yielding loop would lose the very events
 * (tool errors) that explain the failure.
 */
async function* traceRun(
  host: InstrumentationHost,
  original: StreamIterator,
  graph: PregelInstance,
  input: unknown,
  options: TaskConfig | undefined,
  parent: Context,
): AsyncGenerator<unknown, unknown, unknown> {
  // Started on the first next(), like LangGraph's own generator: a stream that is made
  // and dropped unread leaves no span open.
  host.noteGraph(graph);
  const workflowName = workflowNameOf(graph);
  const threadId = threadIdOf(options?.configurable) ?? threadIdOf(graph.config?.configurable);
  const shared = runAttributes(host.config.runAttributes, options, threadId, runStateOf(parent)?.spanAttributes);
  const attributes: Attributes = {
    ...shared,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW,
    [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
  };

  const thread =
    host.config.interruptLinks === false ? undefined : checkpointedThread(graph, options, threadId, parent);
  // Read before the span starts, so that the link is in its start options (samplers see
  // it). Only top-level runs of a checkpointed thread wait for this read.
  const resumed = thread === undefined ? undefined : await readResumeLink(thread, host.diag);
  const series = host.series.workflow(workflowName);
  const config = host.config;
  if (config.startSpanHook !== undefined) {
    const info = { kind: "workflow", name: series.spanName, attributes, config: options } as const;
    applyStartSpanHook(config, host.diag, info, attributes);
  }
  const span = host.tracer.startSpan(series.spanName, startOptions(attributes, resumed), parent);
  const answering = thread === undefined ? undefined : noteResume(host, thread, resumed, series);
  const run: RunState = { workflowName, span, interrupted: false, spanAttributes: shared };
  const agent = agentOf(graph);
  const agentSpan =
    agent === undefined ? undefined : startAgentSpan(host, agent, workflowName, shared, trace.setSpan(parent, span));
  const runContext =
    agentSpan === undefined ? withRunSpan(parent, span, run) : withRunSpan(trace.setSpan(parent, span), agentSpan, run);
  const inner = context.with(runContext, original, graph, input, options);
  const signal = options?.signal;
  const startedAt = performance.now();
  host.instruments?.workflowActive.add(1, workflowName, series.attributes.base);
  let ended = false;
  const end = (outcome: Outcome, failure: unknown) => {
    if (ended) return;
    ended = true;
    untrackInFlight(inFlight);
    if (agentSpan !== undefined) endWithOutcome(agentSpan, undefined, series.attributes, outcome, failure, startedAt);
    if (host.config.responseHook !== undefined) {
      const info = { kind: "workflow", outcome, error: failure } as const;
      applyResponseHook(host.config, host.diag, span, info);
    }
    endRun(host, run, series, outcome, failure, startedAt);
  };
  const inFlight = trackInFlight("run", { abort: (error: unknown) => end(OUTCOME_ERROR, error) });
  // Stays `cancelled` unless the run completes or throws: the consumer returned early
  // (yield* has then already passed return() on to LangGraph's iterator).
  let outcome: Outcome = OUTCOME_CANCELLED;
  let failure: unknown;
  try {
    const result = yield* inContext(runContext, inner);
    outcome = run.interrupted ? OUTCOME_INTERRUPTED : OUTCOME_OK;
    return result;
  } catch (err) {
    outcome = outcomeOfError(err, signal);
    if (outcome === OUTCOME_ERROR) failure = err;
    throw err;
  } finally {
    const endedAt = Date.now();
    end(outcome, failure);
    if (thread !== undefined) {
      await answering;
      // Awaited before the run's last chunk is handed over: once invoke() returns, a
      // resume in any process finds the record.
      if (outcome === OUTCOME_INTERRUPTED) await writeInterruptRecord(thread, span, endedAt, host.diag);
    }
  }
}

/**
 * `invoke_agent {agent}` between the agent graph's run and its nodes (so between the node
 * that runs an agent subgraph and the agent's model and tool spans). It ends with the run.
 */
function startAgentSpan(
  host: InstrumentationHost,
  agent: AgentInfo,
  workflowName: string,
  shared: Attributes,
  parent: Context,
): Span {
  const attributes: Attributes = {
    ...shared,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_AGENT,
    [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
  };
  if (agent.name !== undefined) attributes[ATTR_GEN_AI_AGENT_NAME] = agent.name;
  if (agent.id !== undefined) attributes[ATTR_GEN_AI_AGENT_ID] = agent.id;
  if (agent.description !== undefined) attributes[ATTR_GEN_AI_AGENT_DESCRIPTION] = agent.description;
  const name = agent.name === undefined ? SPAN_INVOKE_AGENT : spanName(SPAN_INVOKE_AGENT, agent.name);
  return host.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
}

function startOptions(attributes: Attributes, resumed: ResumeLink | undefined): SpanOptions {
  if (resumed === undefined) return { kind: SpanKind.INTERNAL, attributes };
  const wait = resumed.waitSeconds;
  return {
    kind: SpanKind.INTERNAL,
    attributes: wait === undefined ? attributes : { ...attributes, [ATTR_LANGGRAPH_INTERRUPT_WAIT]: wait },
    links: [resumed.link],
  };
}

/** Records the human's wait once per interrupt, and marks the interrupt answered. */
function noteResume(
  host: InstrumentationHost,
  thread: CheckpointedThread,
  resumed: ResumeLink | undefined,
  series: Series,
): Promise<void> | undefined {
  if (resumed?.waitSeconds === undefined) return undefined;
  host.instruments?.interruptWait.record(resumed.waitSeconds, series.attributes.base);
  return markResumed(thread, resumed, host.diag);
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
  instruments?.workflowActive.add(-1, run.workflowName, series.attributes.base);
  endWithOutcome(run.span, instruments?.workflowDuration, series.attributes, outcome, failure, startedAt);
}
