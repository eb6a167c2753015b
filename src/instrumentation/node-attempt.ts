import { type Attributes, type Context, context, createContextKey, type Span, SpanKind } from "@opentelemetry/api";
import { safeExecuteInTheMiddle } from "@opentelemetry/instrumentation";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGGRAPH_INTERRUPT_COUNT,
  ATTR_LANGGRAPH_INTERRUPT_ID,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_NODE_TRIGGERS,
  ATTR_LANGGRAPH_STEP,
  ATTR_LANGGRAPH_TASK_ID,
  ATTR_LANGGRAPH_TASK_NAME,
  EVENT_LANGGRAPH_INTERRUPT,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
  type Outcome,
} from "../semconv.js";
import { type InFlight, trackAttempt, untrackAttempt } from "./in-flight.js";
import type { GetNode, InstrumentationHost, NodeRunnable, TaskConfig } from "./internal-types.js";
import type { GraphInstruments } from "./metrics.js";
import {
  type NodeAttemptEntry,
  type NodeRegistration,
  nodeRegistryInUse,
  registerNodeAttempt,
  unregisterNodeAttempt,
} from "./node-registry.js";
import { type RunState, runStateOf } from "./run-context.js";
import { withSpanAndValue } from "./span-context.js";
import type { Series } from "./series.js";
import { applyResponseHook, applyStartSpanHook } from "./span-hooks.js";
import {
  endWithOutcome,
  interruptIds,
  outcomeOfError,
  stringArray,
} from "./utils.js";

/**
 * Wraps `PregelNode.prototype.getNode`, called once per task. What it returns stays exactly
 * what LangGraph made (code that inspects `getNode()` or `task.proc` must see no difference):
 * the runnable's class is only noted, and the `invoke` it inherits is wrapped on the class,
 * where the wrapper opens an `invoke_node` span for a task's own call (once per retry
 * attempt) and passes every other call straight through.
 */
export function wrapGetNode(host: InstrumentationHost, original: GetNode): GetNode {
  return function tracedGetNode(this: object) {
    const runnable = original.call(this);
    if (typeof runnable === "object" && runnable !== null && typeof runnable.invoke === "function") {
      host.traceTaskRunnable(runnable);
    }
    return runnable;
  };
}

/** LangGraph's trigger of pushed tasks: `Send`s and Functional API `task()` calls. */
const PUSH_TRIGGER = "__pregel_push";

/**
 * Whether a pushed task is a `task()` call: LangGraph gives calls the path
 * `[PUSH, parentPath, index, true]`, Sends `[PUSH, index]`. Calls are scheduled inside an
 * entrypoint's attempt and run through the same task runnable classes (a RunnableSequence)
 * as nodes, so they get attempt spans under it; this only tells them apart.
 */
function isCallPath(path: unknown): boolean {
  return Array.isArray(path) && path.length === 4 && path[3] === true;
}

/** The task (checkpoint namespace, or node name) whose attempt a context is inside. */
const ATTEMPT_KEY = createContextKey("langgraph-otel node attempt");

/**
 * The wrapper put on the object that owns a task runnable's `invoke` (its class prototype).
 * A call is a task's attempt when it carries LangGraph's task metadata and is not already
 * inside that task's attempt: calls made within a node (the steps of its sequence, a
 * subclass's `super.invoke`, runnables the node function invokes with its config) carry the
 * same checkpoint namespace and pass through. A retry starts from LangGraph's runner,
 * outside the failed attempt, so it is an attempt of its own. Telling tasks apart this way,
 * rather than by remembering each task's runnable, keeps a per-task WeakMap entry (and the
 * identity hash it forces on a fresh object) off the hot path.
 */
export function wrapTaskInvoke(host: InstrumentationHost, original: NodeRunnable["invoke"]): NodeRunnable["invoke"] {
  // `arguments` rather than a rest array: most calls pass straight through, and V8 hands
  // `apply(this, arguments)` on without materialising anything.
  return function tracedInvoke(this: NodeRunnable, input: unknown, config?: TaskConfig) {
    const metadata = config?.metadata;
    const nodeName = metadata?.langgraph_node;
    // biome-ignore lint/complexity/noArguments: forwards every argument, allocation-free.
    if (typeof nodeName !== "string") return original.apply(this, arguments as unknown as [unknown, TaskConfig?]);
    const checkpointNs = metadata?.langgraph_checkpoint_ns;
    const task = typeof checkpointNs === "string" ? checkpointNs : nodeName;
    const parent = context.active();
    if (parent.getValue(ATTEMPT_KEY) === task || !host.isNodeTraced(nodeName)) {
      // biome-ignore lint/complexity/noArguments: as above.
      return original.apply(this, arguments as unknown as [unknown, TaskConfig?]);
    }
    // A run that started before its copy was patched (an ES module copy patched while the
    // first run was already under way) stays untraced as a whole: never a node span as a root.
    const run = runStateOf(parent);
    // biome-ignore lint/complexity/noArguments: as above.
    if (run === undefined) return original.apply(this, arguments as unknown as [unknown, TaskConfig?]);
    return invokeNodeAttempt(host, original, this, input, config, metadata, nodeName, task, run, parent);
  };
}

/** The object in a runnable's chain that owns its `invoke` (usually its class prototype). */
export function invokeOwnerOf(runnable: object): object | undefined {
  let candidate: object | null = runnable;
  while (candidate !== null) {
    if (Object.hasOwn(candidate, "invoke")) return candidate;
    candidate = Object.getPrototypeOf(candidate) as object | null;
  }
  return undefined;
}

/**
 * Attempts seen per task, for LangGraph before 1.2.8 (no `executionInfo.nodeAttempt`): its
 * retry loop re-patches the config's `configurable` for each attempt but keeps the task's
 * `metadata` object, which is made afresh for every task.
 */
const attemptsByTask = new WeakMap<object, number>();

function attemptOf(config: TaskConfig | undefined): number {
  const given = config?.executionInfo?.nodeAttempt;
  if (typeof given === "number") return given;
  const task = config?.metadata;
  if (typeof task !== "object" || task === null) return 1;
  const attempt = (attemptsByTask.get(task) ?? 0) + 1;
  attemptsByTask.set(task, attempt);
  return attempt;
}

function invokeNodeAttempt(
  host: InstrumentationHost,
  invoke: NodeRunnable["invoke"],
  self: NodeRunnable,
  input: unknown,
  config: TaskConfig | undefined,
  metadata: Record<string, unknown> | undefined,
  nodeName: string,
  task: string,
  run: RunState,
  parent: Context,
): Promise<unknown> {
  const workflowName = run.workflowName;
  const execution = config?.executionInfo;
  const attempt = attemptOf(config);
  const checkpointNs = metadata?.langgraph_checkpoint_ns;

  const attributes: Attributes = {
    ...run.spanAttributes,
    [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
    [ATTR_LANGGRAPH_NODE_NAME]: nodeName,
    [ATTR_LANGGRAPH_NODE_ATTEMPT]: attempt,
  };
  const step = metadata?.langgraph_step;
  if (typeof step === "number") attributes[ATTR_LANGGRAPH_STEP] = step;
  if (typeof execution?.taskId === "string") attributes[ATTR_LANGGRAPH_TASK_ID] = execution.taskId;
  if (typeof checkpointNs === "string") attributes[ATTR_LANGGRAPH_CHECKPOINT_NS] = checkpointNs;
  const triggers = stringArray(metadata?.langgraph_triggers);
  if (triggers !== undefined) {
    attributes[ATTR_LANGGRAPH_NODE_TRIGGERS] = triggers;
    if (triggers[0] === PUSH_TRIGGER && isCallPath(metadata?.langgraph_path)) attributes[ATTR_LANGGRAPH_TASK_NAME] = nodeName;
  }

  const series = host.series.node(workflowName, nodeName);
  const hooks = host.config;
  if (hooks.startSpanHook !== undefined) {
    const info = { kind: "node", name: series.spanName, attributes, config } as const;
    applyStartSpanHook(hooks, host.diag, info, attributes);
  }
  const span = host.tracer.startSpan(series.spanName, { kind: SpanKind.INTERNAL, attributes }, parent);
  const attributesHook = hooks.nodeAttributesHook;
  if (attributesHook !== undefined && config !== undefined) {
    safeExecuteInTheMiddle(
      () => attributesHook({ workflowName, nodeName, attempt, config }),
      (err, extra) => {
        if (err) host.diag.error("nodeAttributesHook failed", err);
        else if (extra) span.setAttributes(extra);
      },
      true,
    );
  }

  const instruments = host.instruments;
  if (attempt > 1) instruments?.nodeRetries.add(1, series.attributes.base);
  const nodeContext = withSpanAndValue(parent, span, ATTEMPT_KEY, task);
  const state = new NodeAttempt(host, instruments, span, nodeContext, run, nodeName, series, config?.signal);
  if (typeof checkpointNs === "string" && nodeRegistryInUse()) state.registration = registerNodeAttempt(checkpointNs, state);

  let pending: Promise<unknown>;
  try {
    pending = context.with(nodeContext, invoke, self, input, config);
  } catch (err) {
    state.fail(err);
    throw err;
  }
  return pending.then(
    (output) => {
      state.finish(OUTCOME_OK, undefined, output);
      return output;
    },
    (err: unknown) => {
      state.fail(err);
      throw err;
    },
  );
}

/**
 * One node attempt while it runs: what its end needs, the registry entry model and tool
 * calls find it by, and its own in-flight list item (a crash ends it through `abort`).
 * One object per attempt rather than a closure for each of those roles.
 */
class NodeAttempt implements NodeAttemptEntry, InFlight {
  closers?: Array<() => void>;
  registration: NodeRegistration | undefined;
  prev: InFlight | undefined = undefined;
  next: InFlight | undefined = undefined;
  private readonly startedAt = performance.now();
  private ended = false;

  constructor(
    private readonly host: InstrumentationHost,
    private readonly instruments: GraphInstruments | undefined,
    readonly span: Span,
    readonly context: Context,
    private readonly run: RunState,
    readonly nodeName: string,
    private readonly series: Series,
    private readonly signal: AbortSignal | undefined,
  ) {
    trackAttempt(this);
  }

  get workflowName(): string {
    return this.run.workflowName;
  }

  get runAttributes(): Attributes {
    return this.run.spanAttributes;
  }

  abort(error: unknown): void {
    this.finish(OUTCOME_ERROR, error);
  }

  fail(err: unknown): void {
    const outcome = outcomeOfError(err, this.signal);
    if (outcome === OUTCOME_INTERRUPTED) {
      const ids = interruptIds(err);
      const eventAttributes: Attributes = { [ATTR_LANGGRAPH_INTERRUPT_COUNT]: ids.length };
      if (ids.length > 0) eventAttributes[ATTR_LANGGRAPH_INTERRUPT_ID] = ids;
      this.span.addEvent(EVENT_LANGGRAPH_INTERRUPT, eventAttributes);
      this.instruments?.interrupts.add(1, this.series.attributes.base);
      this.run.interrupted = true;
    }
    this.finish(outcome, err);
  }

  finish(outcome: Outcome, failure?: unknown, result?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    untrackAttempt(this);
    if (this.registration !== undefined) unregisterNodeAttempt(this.registration);
    const host = this.host;
    if (host.config.responseHook !== undefined) {
      applyResponseHook(host.config, host.diag, this.span, { kind: "node", outcome, result, error: failure });
    }
    endWithOutcome(this.span, this.instruments?.nodeDuration, this.series.attributes, outcome, failure, this.startedAt);
  }
}
