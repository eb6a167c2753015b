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
import { type InFlight, trackRun, untrackRun } from "./in-flight.js";
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
    return new TracedRun(host, original, this, input, options, context.active());
  };
}

type Step = IteratorResult<unknown, unknown>;

/**
 * LangGraph's iterator for one run, handed to its caller in place of the original. Started
 * on the first `next()`, like LangGraph's own generator: a stream that is made and dropped
 * unread leaves no span open.
 *
 * Written out rather than as an async generator that `yield*`s LangGraph's: the generator
 * makes three promises and as many microtasks per chunk (its request queue, the await on
 * each inner step, the yield), and under Node 20's AsyncLocalStorage every promise runs a
 * hook. Here each call goes straight to LangGraph's iterator and costs one `then`. Chunks
 * pass through untouched and in LangGraph's own order: when a node fails, LangGraph errors
 * its stream one microtask later and drops chunks still unread, so a wrapper that read
 * ahead or re-yielded would lose the very events (tool errors) that explain the failure.
 */
class TracedRun implements AsyncGenerator<unknown, unknown, unknown> {
  private open: OpenRun | undefined;
  /** Set while a checkpointed thread's resume link is read, before the span can start. */
  private opening: Promise<OpenRun> | undefined;
  /** Returned from or thrown into before it started: LangGraph's run never starts. */
  private closed = false;

  constructor(
    private readonly host: InstrumentationHost,
    private readonly original: StreamIterator,
    private readonly graph: PregelInstance,
    private readonly input: unknown,
    private readonly options: TaskConfig | undefined,
    private readonly parent: Context,
  ) {}

  next(value?: unknown): Promise<Step> {
    let open: OpenRun | Promise<OpenRun> | undefined;
    try {
      open = this.open ?? this.start();
    } catch (err) {
      // As from a generator whose body threw (a user's sampler, say): a rejection, never a
      // synchronous throw (LangChain calls next() where nothing would catch one).
      this.closed = true;
      return Promise.reject(err);
    }
    if (open instanceof OpenRun) return open.advance(value);
    if (open === undefined) return Promise.resolve({ done: true, value: undefined });
    return open.then((run) => run.advance(value));
  }

  return(value?: unknown): Promise<Step> {
    const open = this.open ?? this.opening;
    if (open instanceof OpenRun) return open.close(value);
    if (open !== undefined) return open.then((run) => run.close(value));
    this.closed = true;
    return Promise.resolve({ done: true, value });
  }

  throw(err?: unknown): Promise<Step> {
    const open = this.open ?? this.opening;
    if (open instanceof OpenRun) return open.raise(err);
    if (open !== undefined) return open.then((run) => run.raise(err));
    this.closed = true;
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using` (Node 20.4+ has the symbol; newer runtimes' generators have the method). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return(undefined);
  }

  private start(): OpenRun | Promise<OpenRun> | undefined {
    if (this.opening !== undefined) return this.opening;
    if (this.closed) return undefined;
    const { host, graph, options, parent } = this;
    host.noteGraph(graph);
    const workflowName = workflowNameOf(graph);
    const threadId = threadIdOf(options?.configurable) ?? threadIdOf(graph.config?.configurable);
    const shared = runAttributes(host.config.runAttributes, options, threadId, runStateOf(parent)?.spanAttributes);
    const thread =
      host.config.interruptLinks === false ? undefined : checkpointedThread(graph, options, threadId, parent);
    const plan: RunPlan = { original: this.original, graph, input: this.input, options, parent, workflowName, shared };
    const open = (resumed: ResumeLink | undefined): OpenRun => {
      this.open = new OpenRun(host, thread, plan, resumed);
      return this.open;
    };
    if (thread === undefined) return open(undefined);
    // Read before the span starts, so that the link is in its start options (samplers see
    // it). Only top-level runs of a checkpointed thread wait for this read.
    this.opening = readResumeLink(thread, host.diag).then(open);
    return this.opening;
  }
}

/**
 * A started run: its spans, its context, LangGraph's iterator, and its own in-flight list
 * item (a crash ends it through `abort`).
 */
class OpenRun implements InFlight {
  prev: InFlight | undefined = undefined;
  next: InFlight | undefined = undefined;
  private readonly inner: AsyncGenerator<unknown, unknown, unknown>;
  private readonly run: RunState;
  private readonly span: Span;
  private readonly agentSpan: Span | undefined;
  private readonly runContext: Context;
  private readonly series: Series;
  private readonly answering: Promise<void> | undefined;
  private readonly startedAt: number;
  private readonly signal: AbortSignal | undefined;
  private ended = false;
  private settled = false;
  /**
   * The last result still on its way to the caller after an asynchronous settlement (a
   * checkpointed thread's bookkeeping, or a failure): results of later calls wait for it,
   * so they reach the caller in the order LangGraph gave them, as a generator's would.
   */
  private pending: Promise<unknown> | undefined;
  // Made once per run, so that a chunk costs no closure.
  private readonly onStep = (step: Step): Step | Promise<Step> => this.stepped(step);
  private readonly onReturn = (step: Step): Step | Promise<Step> => this.returned(step);
  private readonly onError = (err: unknown): Promise<never> => this.failed(err);

  constructor(
    private readonly host: InstrumentationHost,
    private readonly thread: CheckpointedThread | undefined,
    run: RunPlan,
    resumed: ResumeLink | undefined,
  ) {
    const { workflowName, shared, options, parent } = run;
    const attributes: Attributes = {
      ...shared,
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW,
      [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
    };
    const series = host.series.workflow(workflowName);
    const config = host.config;
    if (config.startSpanHook !== undefined) {
      const info = { kind: "workflow", name: series.spanName, attributes, config: options } as const;
      applyStartSpanHook(config, host.diag, info, attributes);
    }
    const span = host.tracer.startSpan(series.spanName, startOptions(attributes, resumed), parent);
    try {
      const state: RunState = { workflowName, span, interrupted: false, spanAttributes: shared };
      const agent = agentOf(run.graph);
      let runContext: Context;
      if (agent === undefined) {
        this.agentSpan = undefined;
        runContext = withRunSpan(parent, span, state);
      } else {
        const underRun = trace.setSpan(parent, span);
        this.agentSpan = startAgentSpan(host, agent, workflowName, shared, underRun);
        runContext = withRunSpan(underRun, this.agentSpan, state);
      }
      this.series = series;
      this.span = span;
      this.run = state;
      this.runContext = runContext;
      this.signal = options?.signal;
      this.answering = thread === undefined ? undefined : noteResume(host, thread, resumed, series);
      this.inner = context.with(runContext, run.original, run.graph, run.input, options);
      this.startedAt = performance.now();
      host.instruments?.workflowActive.add(1, workflowName, series.attributes.base);
      trackRun(this);
    } catch (err) {
      // The run never starts (a user's sampler threw, say): no span of it stays open.
      this.agentSpan?.end();
      span.end();
      throw err;
    }
  }

  advance(value: unknown): Promise<Step> {
    return context.with(this.runContext, this.inner.next, this.inner, value).then(this.onStep, this.onError);
  }

  /** The consumer stops early: LangGraph's iterator is returned, and the run is `cancelled`. */
  close(value: unknown): Promise<Step> {
    return context.with(this.runContext, this.inner.return, this.inner, value).then(this.onReturn, this.onError);
  }

  raise(err: unknown): Promise<Step> {
    return context.with(this.runContext, this.inner.throw, this.inner, err).then(this.onStep, this.onError);
  }

  abort(error: unknown): void {
    this.end(OUTCOME_ERROR, error);
  }

  private stepped(step: Step): Step | Promise<Step> {
    if (step.done !== true) return this.inOrder(step);
    return this.inOrder(this.settle(step, this.run.interrupted ? OUTCOME_INTERRUPTED : OUTCOME_OK, undefined));
  }

  private returned(step: Step): Step | Promise<Step> {
    // A LangGraph iterator that yields from its cleanup is not done yet.
    if (step.done !== true) return this.inOrder(step);
    return this.inOrder(this.settle(step, OUTCOME_CANCELLED, undefined));
  }

  /** The caller gets LangGraph's error object itself. */
  private failed(err: unknown): Promise<never> {
    const outcome = outcomeOfError(err, this.signal);
    const after = this.settle(undefined, outcome, outcome === OUTCOME_ERROR ? err : undefined);
    if (after === undefined && this.pending === undefined) throw err;
    return this.inOrder(
      Promise.resolve(after).then(() => {
        throw err;
      }),
    );
  }

  private inOrder<T>(result: T | Promise<T>): T | Promise<T> {
    const pending = this.pending;
    if (pending === undefined) {
      if (result instanceof Promise) this.pending = result;
      return result;
    }
    const queued = pending.then(
      () => result,
      () => result,
    );
    this.pending = queued;
    return queued;
  }

  /**
   * Ends the run (once); for a checkpointed thread, the resume bookkeeping is awaited
   * before the run's last result is handed over: once invoke() returns, a resume in any
   * process finds the interrupt record.
   */
  private settle<T>(result: T, outcome: Outcome, failure: unknown): T | Promise<T> {
    if (this.settled) return result;
    this.settled = true;
    const endedAt = Date.now();
    this.end(outcome, failure);
    const thread = this.thread;
    if (thread === undefined) return result;
    return afterRun(thread, this.answering, outcome === OUTCOME_INTERRUPTED ? this.span : undefined, endedAt, this.host)
      .then(() => result);
  }

  private end(outcome: Outcome, failure: unknown): void {
    if (this.ended) return;
    this.ended = true;
    untrackRun(this);
    const { host, series, startedAt } = this;
    if (this.agentSpan !== undefined) endWithOutcome(this.agentSpan, undefined, series.attributes, outcome, failure, startedAt);
    if (host.config.responseHook !== undefined) {
      applyResponseHook(host.config, host.diag, this.span, { kind: "workflow", outcome, error: failure });
    }
    const instruments = host.instruments;
    instruments?.workflowActive.add(-1, this.run.workflowName, series.attributes.base);
    endWithOutcome(this.span, instruments?.workflowDuration, series.attributes, outcome, failure, startedAt);
  }
}

/** What a run is, as known before its span starts. */
interface RunPlan {
  readonly original: StreamIterator;
  readonly graph: PregelInstance;
  readonly input: unknown;
  readonly options: TaskConfig | undefined;
  readonly parent: Context;
  readonly workflowName: string;
  readonly shared: Attributes;
}

/** A checkpointed thread's bookkeeping once its run ended; an interrupted run writes its record. */
async function afterRun(
  thread: CheckpointedThread,
  answering: Promise<void> | undefined,
  interruptedSpan: Span | undefined,
  endedAt: number,
  host: InstrumentationHost,
): Promise<void> {
  await answering;
  if (interruptedSpan !== undefined) await writeInterruptRecord(thread, interruptedSpan, endedAt, host.diag);
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
